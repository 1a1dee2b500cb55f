"""Appraisal pages: the list per role, the detail, the manager's forms (lines, submit, actions, close),
the rep's acknowledgement, refusals that save nothing, isolation and pinned query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.targets.models import Appraisal, AppraisalLine, ImprovementAction
from apps.targets.views import appraisals as appraisal_views
from apps.tenancy.models import UserProfile
from tests.factories import MembershipFactory
from tests.targets.factories import (
    AppraisalCycleFactory,
    AppraisalFactory,
    AppraisalLineFactory,
    ImprovementActionFactory,
    TargetFactory,
)
from tests.web.test_i18n import compiled_messages  # noqa: F401  (autouse: compile the .mo first)

pytestmark = pytest.mark.django_db


def _today(member) -> dt.date:
    return timezone.localdate(timezone=member.tenant.tzinfo)


@pytest.fixture
def cycle(tenant, rep):
    today = _today(rep)
    return AppraisalCycleFactory(
        tenant=tenant,
        name="Review Spring",
        period_start=today.replace(day=1),
        period_end=today + dt.timedelta(days=20),
    )


@pytest.fixture
def appraisal(tenant, cycle, rep, manager):
    a = AppraisalFactory(tenant=tenant, cycle=cycle, rep=rep, manager=manager)
    AppraisalLineFactory(
        tenant=tenant,
        appraisal=a,
        metric="revenue",
        weight=Decimal("60"),
        actual=Decimal("300"),
        attainment=Decimal("0.5"),
        score=Decimal("30"),
    )
    AppraisalLineFactory(
        tenant=tenant,
        appraisal=a,
        metric="collections",
        weight=Decimal("40"),
        actual=Decimal("90"),
        attainment=Decimal("0.9"),
        score=Decimal("36"),
    )
    return a


def _status(appraisal) -> str:
    with scopes_disabled():
        return Appraisal.objects.get(pk=appraisal.pk).status


def _set_status(appraisal, status, **fields):
    with scopes_disabled():
        Appraisal.objects.filter(pk=appraisal.pk).update(status=status, **fields)


def test_the_list_shows_a_rep_their_own_and_a_manager_their_line(
    client_as, url, tenant, cycle, appraisal, rep, peer, manager, outsider_rep
):
    peers = AppraisalFactory(tenant=tenant, cycle=cycle, rep=peer, manager=manager)
    outside = AppraisalFactory(tenant=tenant, cycle=cycle, rep=outsider_rep)
    detail = lambda a: url("appraisals:detail", appraisal_id=a.pk)  # noqa: E731
    mine = client_as(rep).get(url("appraisals:list")).text
    assert detail(appraisal) in mine and detail(peers) not in mine
    assert "My appraisals" in mine and "66.0" in mine  # the total score 30 + 36
    line = client_as(manager).get(url("appraisals:list")).text
    assert detail(appraisal) in line and detail(peers) in line and detail(outside) not in line
    assert peer.name in line


def test_the_list_filters_by_status_and_cycle_and_shows_an_empty_state(
    client_as, url, tenant, cycle, appraisal, rep, manager
):
    other = AppraisalCycleFactory(tenant=tenant, name="Review Winter")
    winter = AppraisalFactory(
        tenant=tenant, cycle=other, rep=rep, manager=manager, status=Appraisal.Status.SUBMITTED
    )
    client = client_as(manager)
    winter = url("appraisals:detail", appraisal_id=winter.pk)
    drafts = client.get(url("appraisals:list") + "?status=draft").text
    assert url("appraisals:detail", appraisal_id=appraisal.pk) in drafts and winter not in drafts
    by_cycle = client.get(url("appraisals:list") + f"?cycle={other.pk}").text
    assert winter in by_cycle and url("appraisals:detail", appraisal_id=appraisal.pk) not in by_cycle
    none = client.get(url("appraisals:list") + "?status=closed").text
    assert "No appraisals match these filters." in none
    htmx = client.get(
        url("appraisals:list") + "?status=draft", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="appraisal-results"
    )
    assert "<html" not in htmx.text and "Review Spring" in htmx.text


def test_the_empty_list_explains_what_comes(client_as, url, rep):
    text = client_as(rep).get(url("appraisals:list")).text
    assert "No appraisals yet." in text and "once your manager starts a review cycle" in text


def test_the_list_is_paginated(client_as, url, tenant, manager, monkeypatch):
    monkeypatch.setattr(appraisal_views, "PAGE_SIZE", 2)
    reps = [MembershipFactory(tenant=tenant, role="rep", reports_to=manager) for _ in range(3)]
    cycle = AppraisalCycleFactory(tenant=tenant)
    for r in reps:
        AppraisalFactory(tenant=tenant, cycle=cycle, rep=r, manager=manager)
    first = client_as(manager).get(url("appraisals:list")).text
    assert "1–2 of 3" in first and 'rel="next"' in first
    assert "3–3 of 3" in client_as(manager).get(url("appraisals:list") + "?page=2").text


def test_the_detail_shows_lines_score_rating_feedback_actions_and_comment(
    client_as, url, appraisal, rep, manager
):
    ImprovementActionFactory(
        tenant=appraisal.tenant,
        appraisal=appraisal,
        owner=rep,
        description="Visit the three dormant accounts",
    )
    _set_status(
        appraisal,
        Appraisal.Status.ACKNOWLEDGED,
        rating=4,
        feedback="Strong collections",
        rep_comment="Agreed, thanks",
    )
    with scopes_disabled():
        Appraisal.objects.filter(pk=appraisal.pk).update(
            acknowledged_at=timezone.now(), submitted_at=timezone.now()
        )
    text = client_as(rep).get(url("appraisals:detail", appraisal_id=appraisal.pk)).text
    for expected in (
        "Revenue",
        "Collections",
        "60",
        "40",
        "50.0%",
        "90.0%",
        "30.0",
        "36.0",
        "66.0",
        "4 / 5",
        "Strong collections",
        "Agreed, thanks",
        "Visit the three dormant accounts",
    ):
        assert expected in text, expected
    assert "Edit KPI lines" not in text and 'name="comment"' not in text  # signed: no forms left


def test_weights_not_summing_to_100_rerender_the_form_and_save_nothing(client_as, url, appraisal, manager):
    lines_url = url("appraisals:lines", appraisal_id=appraisal.pk)
    client = client_as(manager)
    form = client.get(lines_url)
    assert form.status_code == 200 and 'name="lines-0-weight"' in form.text
    data = {
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-metric": "revenue",
        "lines-0-weight": "70",
        "lines-1-metric": "collections",
        "lines-1-weight": "20",
    }
    bad = client.post(lines_url, data)
    assert bad.status_code == 400 and "not 100" in bad.text and 'value="70"' in bad.text
    with scopes_disabled():
        assert sorted(AppraisalLine.objects.filter(appraisal=appraisal).values_list("weight", flat=True)) == [
            40,
            60,
        ]
    ok = client.post(lines_url, {**data, "lines-1-weight": "30"})
    assert ok.status_code == 302
    with scopes_disabled():
        assert sorted(AppraisalLine.objects.filter(appraisal=appraisal).values_list("weight", flat=True)) == [
            30,
            70,
        ]


def test_a_line_takes_its_kpi_and_progress_from_a_chosen_target(client_as, url, appraisal, rep, manager):
    target = TargetFactory(
        tenant=rep.tenant, rep=rep, metric="revenue", period_start=appraisal.cycle.period_start
    )
    data = {
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-target": target.pk,
        "lines-0-weight": "100",
    }
    assert (
        client_as(manager).post(url("appraisals:lines", appraisal_id=appraisal.pk), data).status_code == 302
    )
    with scopes_disabled():
        line = AppraisalLine.objects.get(appraisal=appraisal)
    assert (line.metric, line.target_id, line.attainment) == ("revenue", target.pk, Decimal("0"))


def test_the_manager_to_rep_flow_through_the_pages(client_as, url, appraisal, rep, manager):
    detail = url("appraisals:detail", appraisal_id=appraisal.pk)
    mgr, me = client_as(manager), client_as(rep)
    no_rating = mgr.post(url("appraisals:submit", appraisal_id=appraisal.pk), {"feedback": "x"})
    assert no_rating.status_code == 400 and _status(appraisal) == "draft"
    done = mgr.post(
        url("appraisals:submit", appraisal_id=appraisal.pk), {"rating": "4", "feedback": "Good month"}
    )
    assert done.status_code == 302 and _status(appraisal) == "submitted"
    assert 'name="comment"' in me.get(detail).text
    acked = me.post(url("appraisals:acknowledge", appraisal_id=appraisal.pk), {"comment": "I will do better"})
    assert acked.status_code == 302 and _status(appraisal) == "acknowledged"
    assert "Close the appraisal" in mgr.get(detail).text
    assert mgr.post(url("appraisals:close", appraisal_id=appraisal.pk)).status_code == 302
    assert _status(appraisal) == "closed"
    final = me.get(detail).text
    assert "Good month" in final and "I will do better" in final and "Closed" in final


def test_a_rep_cannot_use_the_managers_forms_and_a_peer_gets_404(client_as, url, appraisal, rep, peer):
    assert client_as(rep).get(url("appraisals:lines", appraisal_id=appraisal.pk)).status_code == 404
    refused = client_as(rep).post(url("appraisals:submit", appraisal_id=appraisal.pk), {"rating": "5"})
    assert refused.status_code == 400 and "Only the manager above" in refused.text
    assert _status(appraisal) == "draft"
    assert client_as(peer).get(url("appraisals:detail", appraisal_id=appraisal.pk)).status_code == 404
    assert client_as(peer).post(url("appraisals:acknowledge", appraisal_id=appraisal.pk)).status_code == 404


def test_a_rep_acknowledging_a_draft_gets_the_reason(client_as, url, appraisal, rep):
    response = client_as(rep).post(
        url("appraisals:acknowledge", appraisal_id=appraisal.pk), {"comment": "ok"}
    )
    assert response.status_code == 400 and "draft" in response.text and _status(appraisal) == "draft"


def test_the_manager_adds_edits_and_removes_actions_until_the_rep_signs(
    client_as, url, appraisal, rep, manager
):
    client = client_as(manager)
    due = (_today(rep) + dt.timedelta(days=10)).isoformat()
    add = url("appraisals:action-add", appraisal_id=appraisal.pk)
    bad = client.post(add, {"description": "Call twice", "owner": rep.pk, "due_date": "2001-01-01"})
    assert bad.status_code == 400 and "The due date is in the past." in bad.text
    assert (
        client.post(add, {"description": "Call twice", "owner": rep.pk, "due_date": due}).status_code == 302
    )
    with scopes_disabled():
        action = ImprovementAction.objects.get(appraisal=appraisal)
    edit = url("appraisals:action-edit", action_id=action.pk)
    assert 'value="Call twice"' in client.get(edit).text or "Call twice" in client.get(edit).text
    assert (
        client.post(edit, {"description": "Call weekly", "owner": rep.pk, "due_date": due}).status_code == 302
    )
    with scopes_disabled():
        assert ImprovementAction.objects.get(pk=action.pk).description == "Call weekly"
    _set_status(appraisal, Appraisal.Status.ACKNOWLEDGED)
    late = client.post(add, {"description": "Too late", "owner": rep.pk, "due_date": due})
    assert late.status_code == 400 and "can no longer change" in late.text
    client.post(url("appraisals:action-delete", action_id=action.pk))
    with scopes_disabled():
        assert list(ImprovementAction.objects.values_list("description", flat=True)) == ["Call weekly"]


def test_the_owner_marks_an_action_done_with_htmx(client_as, url, appraisal, rep):
    action = ImprovementActionFactory(tenant=appraisal.tenant, appraisal=appraisal, owner=rep)
    _set_status(appraisal, Appraisal.Status.ACKNOWLEDGED)
    response = client_as(rep).post(
        url("appraisals:action-done", action_id=action.pk), {"done": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "<html" not in response.text
    assert f'id="action-{action.pk}"' in response.text and "Reopen" in response.text
    with scopes_disabled():
        assert ImprovementAction.objects.get(pk=action.pk).done is True


def test_the_manager_starts_a_cycles_appraisals_from_the_list(
    client_as, url, tenant, cycle, rep, peer, manager
):
    response = client_as(manager).post(url("appraisals:generate"), {"cycle": cycle.pk})
    assert response.status_code == 302
    with scopes_disabled():
        assert set(Appraisal.objects.filter(cycle=cycle).values_list("rep_id", flat=True)) == {
            rep.pk,
            peer.pk,
        }


def test_a_chinese_user_sees_the_pages_in_chinese(client, appraisal, rep, url):
    UserProfile.objects.create(user=rep.user, language="zh-hans")
    client.force_login(rep.user)
    client.get(url("dashboard"))
    text = client.get(url("appraisals:detail", appraisal_id=appraisal.pk)).text
    for label in ("我的考核", "考核指标", "权重", "总得分", "改进措施", "评分与反馈"):
        assert label in text, label


def test_the_nav_links_the_appraisals_per_role(client_as, url, rep, manager):
    assert "My appraisals" in client_as(rep).get(url("dashboard")).text
    text = client_as(manager).get(url("dashboard")).text
    assert url("appraisals:list") in text and ">Appraisals<" in text


# ---------------------------------------------------------------- query counts


def _queries(client, path) -> int:
    client.get(path)  # the first request of a session does one-off work (language, last tenant)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


LIST_MAX = 12
DETAIL_MAX = 18


def test_the_list_query_count_does_not_grow_with_rows(client_as, url, tenant, cycle, manager):
    client = client_as(manager)
    rep = MembershipFactory(tenant=tenant, role="rep", reports_to=manager)
    AppraisalLineFactory(
        tenant=tenant, appraisal=AppraisalFactory(tenant=tenant, cycle=cycle, rep=rep, manager=manager)
    )
    one = _queries(client, url("appraisals:list"))
    for _ in range(8):
        r = MembershipFactory(tenant=tenant, role="rep", reports_to=manager)
        a = AppraisalFactory(
            tenant=tenant, cycle=AppraisalCycleFactory(tenant=tenant), rep=r, manager=manager
        )
        AppraisalLineFactory.create_batch(3, tenant=tenant, appraisal=a, weight=Decimal("10"))
    assert _queries(client, url("appraisals:list")) == one <= LIST_MAX


def test_the_detail_query_count_does_not_grow_with_lines_or_actions(
    client_as, url, tenant, appraisal, rep, manager
):
    client = client_as(manager)
    path = url("appraisals:detail", appraisal_id=appraisal.pk)
    ImprovementActionFactory(tenant=tenant, appraisal=appraisal, owner=rep)
    one = _queries(client, path)
    target = TargetFactory(tenant=tenant, rep=rep)
    for _ in range(6):
        AppraisalLineFactory(tenant=tenant, appraisal=appraisal, target=target, weight=Decimal("0"))
        ImprovementActionFactory(tenant=tenant, appraisal=appraisal, owner=MembershipFactory(tenant=tenant))
    assert _queries(client, path) == one <= DETAIL_MAX


def test_the_line_editor_of_a_submitted_appraisal_says_why_it_is_closed(client_as, url, appraisal, manager):
    _set_status(appraisal, Appraisal.Status.SUBMITTED)
    text = client_as(manager).get(url("appraisals:lines", appraisal_id=appraisal.pk)).text
    assert "no longer a draft" in text and 'name="lines-0-weight"' not in text
