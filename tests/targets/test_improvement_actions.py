"""Improvement actions of appraisals: who writes them and when, owner and due-date rules, marking
done, visibility, audit."""

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.targets.models import Appraisal, ImprovementAction
from apps.tenancy.models import AuditLog, Role
from tests.factories import MembershipFactory

from .factories import AppraisalCycleFactory, AppraisalFactory, ImprovementActionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/improvement-actions/"


def _today(member) -> dt.date:
    return timezone.localdate(timezone=member.tenant.tzinfo)


@pytest.fixture
def appraisal(tenant, rep, manager):
    today = _today(rep)
    cycle = AppraisalCycleFactory(
        tenant=tenant, period_start=today.replace(day=1), period_end=today + dt.timedelta(days=30)
    )
    return AppraisalFactory(tenant=tenant, cycle=cycle, rep=rep, manager=manager)


def _body(appraisal, owner, days=14, **extra):
    due = _today(owner) + dt.timedelta(days=days)
    return {
        "appraisal": appraisal.pk,
        "description": "Visit each key account twice a month",
        "owner": owner.pk,
        "due_date": due.isoformat(),
        **extra,
    }


def _set_status(appraisal, status):
    with scopes_disabled():
        Appraisal.objects.filter(pk=appraisal.pk).update(status=status)


def test_the_manager_adds_edits_and_deletes_an_action_and_each_write_is_audited(
    appraisal, rep, manager, api_as
):
    client = api_as(manager)
    created = client.post(URL, _body(appraisal, rep), format="json")
    assert created.status_code == 201, created.json()
    row = created.json()
    assert (row["appraisal"], row["owner"], row["status"], row["done"]) == (
        appraisal.pk,
        rep.pk,
        "open",
        False,
    )

    patched = client.patch(
        f"{URL}{row['id']}/", {"description": "Call them weekly", "owner": manager.pk}, format="json"
    )
    assert patched.status_code == 200, patched.json()
    assert (patched.json()["description"], patched.json()["owner"]) == ("Call them weekly", manager.pk)
    assert client.delete(f"{URL}{row['id']}/").status_code == 204

    with scopes_disabled():
        assert not ImprovementAction.objects.filter(pk=row["id"]).exists()
        actions = list(
            AuditLog.objects.filter(object_type="targets.improvementaction", object_id=row["id"])
            .order_by("id")
            .values_list("action", flat=True)
        )
    assert actions == [
        "targets.improvement_action.created",
        "targets.improvement_action.updated",
        "targets.improvement_action.deleted",
    ]


def test_the_rep_a_peer_and_a_viewer_cannot_write_actions(appraisal, rep, peer, viewer, api_as):
    assert api_as(rep).post(URL, _body(appraisal, rep), format="json").status_code == 403
    assert api_as(viewer).post(URL, _body(appraisal, rep), format="json").status_code == 403
    # a peer cannot even name the appraisal: it is not one they may see
    peer_try = api_as(peer).post(URL, _body(appraisal, peer), format="json")
    assert peer_try.status_code == 400 and "appraisal" in peer_try.json()
    with scopes_disabled():
        assert not ImprovementAction.objects.exists()


@pytest.mark.parametrize("status", [Appraisal.Status.ACKNOWLEDGED, Appraisal.Status.CLOSED])
def test_a_signed_appraisals_actions_are_refused_with_a_reason_and_stay_unchanged(
    appraisal, rep, manager, api_as, status
):
    action = ImprovementActionFactory(tenant=appraisal.tenant, appraisal=appraisal, owner=rep)
    _set_status(appraisal, status)
    client = api_as(manager)
    add = client.post(URL, _body(appraisal, rep), format="json")
    assert add.status_code == 400 and "appraisal" in add.json()
    edit = client.patch(f"{URL}{action.pk}/", {"description": "Rewritten afterwards"}, format="json")
    assert edit.status_code == 400 and "no longer change" in str(edit.json())
    assert client.delete(f"{URL}{action.pk}/").status_code == 400
    after = client.get(f"{URL}{action.pk}/").json()  # still readable
    assert after["description"] == action.description
    with scopes_disabled():
        assert ImprovementAction.objects.filter(appraisal=appraisal).count() == 1


def test_a_submitted_appraisal_still_takes_actions(appraisal, rep, manager, api_as):
    _set_status(appraisal, Appraisal.Status.SUBMITTED)
    assert api_as(manager).post(URL, _body(appraisal, rep), format="json").status_code == 201


def test_the_owner_must_be_a_member_the_author_can_see(
    appraisal, rep, manager, outsider_rep, other_tenant, api_as
):
    client = api_as(manager)
    outsider = client.post(URL, _body(appraisal, outsider_rep), format="json")
    assert outsider.status_code == 400 and "owner" in outsider.json()
    foreign = MembershipFactory(tenant=other_tenant, role=Role.REP)
    assert "owner" in client.post(URL, _body(appraisal, foreign), format="json").json()
    with scopes_disabled():
        assert not ImprovementAction.objects.exists()


@pytest.mark.parametrize(
    ("days", "field_error"),
    [(-1, "past"), (30 + 367, "at most a year"), (None, "due_date")],
    ids=["past", "too-late", "missing"],
)
def test_due_dates_are_validated(appraisal, rep, manager, api_as, days, field_error):
    body = _body(appraisal, rep, days=days or 0)
    if days is None:
        del body["due_date"]
    response = api_as(manager).post(URL, body, format="json")
    assert response.status_code == 400
    assert "due_date" in response.json() and field_error in str(response.json())


def test_a_bad_date_is_a_400_not_a_500(appraisal, rep, manager, api_as):
    response = api_as(manager).post(URL, _body(appraisal, rep, due_date="2026-02-30"), format="json")
    assert response.status_code == 400 and "due_date" in response.json()


def test_the_owner_marks_done_after_acknowledging_but_not_once_closed(appraisal, rep, peer, manager, api_as):
    action = ImprovementActionFactory(tenant=appraisal.tenant, appraisal=appraisal, owner=rep)
    _set_status(appraisal, Appraisal.Status.ACKNOWLEDGED)
    done = api_as(rep).post(f"{URL}{action.pk}/done/")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert api_as(manager).post(f"{URL}{action.pk}/reopen/").json()["status"] == "open"
    assert api_as(peer).post(f"{URL}{action.pk}/done/").status_code == 404  # not theirs to see
    _set_status(appraisal, Appraisal.Status.CLOSED)
    closed = api_as(rep).post(f"{URL}{action.pk}/done/")
    assert closed.status_code == 400 and "closed" in str(closed.json())
    with scopes_disabled():
        assert ImprovementAction.objects.get(pk=action.pk).done is False
        assert AuditLog.objects.filter(action="targets.improvement_action.status").count() == 2


def test_an_owner_who_is_not_the_rep_may_mark_done_but_not_edit(appraisal, rep, manager, tenant, api_as):
    # The manager names themself owner (e.g. arranging a training); the rep may not mark it done.
    action = ImprovementActionFactory(tenant=tenant, appraisal=appraisal, owner=manager)
    assert api_as(rep).post(f"{URL}{action.pk}/done/").status_code == 403
    assert api_as(manager).post(f"{URL}{action.pk}/done/").json()["done"] is True


def test_visibility_follows_the_appraisal_and_the_filter_by_appraisal(
    appraisal, tenant, rep, peer, manager, outsider_rep, api_as
):
    mine = ImprovementActionFactory(tenant=tenant, appraisal=appraisal, owner=rep)
    peers_appraisal = AppraisalFactory(tenant=tenant, cycle=appraisal.cycle, rep=peer, manager=manager)
    theirs = ImprovementActionFactory(tenant=tenant, appraisal=peers_appraisal, owner=peer)
    outside = ImprovementActionFactory(
        tenant=tenant,
        appraisal=AppraisalFactory(tenant=tenant, cycle=appraisal.cycle, rep=outsider_rep),
        owner=outsider_rep,
    )

    def ids(member, query=""):
        return {row["id"] for row in api_as(member).get(URL + query).json()["results"]}

    assert ids(rep) == {mine.pk}
    assert ids(manager) == {mine.pk, theirs.pk}
    assert ids(manager, f"?appraisal={peers_appraisal.pk}") == {theirs.pk}
    assert ids(manager, "?status=done") == set()
    assert api_as(rep).get(f"{URL}{theirs.pk}/").status_code == 404
    assert api_as(manager).get(f"{URL}{outside.pk}/").status_code == 404
    # the appraisal shows its actions too
    detail = api_as(rep).get(f"/api/v1/appraisals/{appraisal.pk}/").json()
    assert [a["id"] for a in detail["actions"]] == [mine.pk]


def test_another_tenants_action_is_404_and_its_appraisal_cannot_be_named(
    appraisal, rep, manager, other_tenant, api_as
):
    rival_admin = MembershipFactory(tenant=other_tenant, role=Role.ADMIN)
    action = ImprovementActionFactory(tenant=appraisal.tenant, appraisal=appraisal, owner=rep)
    client = api_as(rival_admin)
    assert client.get(f"{URL}{action.pk}/").status_code == 404
    assert client.post(f"{URL}{action.pk}/done/").status_code == 404
    named = client.post(URL, _body(appraisal, rival_admin), format="json")
    assert named.status_code == 400 and "appraisal" in named.json()


@pytest.mark.parametrize("route", ["improvement-actions", "appraisals", "appraisal-cycles"])
def test_updated_since_on_a_list_that_is_no_sync_feed_is_a_400(rep, api_as, route):
    response = api_as(rep).get(f"/api/v1/{route}/?updated_since=0")
    assert response.status_code == 400 and "sync feed" in str(response.json())
