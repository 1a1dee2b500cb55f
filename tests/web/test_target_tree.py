"""The breakdown tree editor: the tree with sums and mismatches, breaking a target down with an editable
allocation, inline value edits and workflow buttons, who may do what, bad input, a fixed query count."""

import datetime as dt
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from apps.targets.models import Target
from apps.tenancy.models import Role
from tests.factories import MembershipFactory
from tests.targets.factories import CustomMetricFactory, SeasonalProfileFactory, TargetFactory
from tests.web.test_i18n import compiled_messages  # noqa: F401  (autouse: compile the .mo first)

pytestmark = pytest.mark.django_db

YEAR = dt.date(2026, 1, 1)
QUARTERS = [dt.date(2026, m, 1) for m in (1, 4, 7, 10)]
HTMX = {"HTTP_HX_REQUEST": "true"}


def year_target(tenant, value="1000", **fields):
    return TargetFactory(
        tenant=tenant,
        owner_kind="tenant",
        rep=None,
        grain="year",
        period_start=YEAR,
        value=Decimal(value),
        statement="Company revenue 2026",
        **fields,
    )


def quarters(parent, values):
    return [
        TargetFactory(
            tenant=parent.tenant,
            owner_kind="tenant",
            rep=None,
            grain="quarter",
            period_start=q,
            value=Decimal(v),
            parent=parent,
        )
        for q, v in zip(QUARTERS, values, strict=True)
    ]


def children_of(parent):
    with scopes_disabled():
        return list(Target.objects.filter(parent=parent).order_by("period_start", "id"))


def test_the_tree_shows_parts_their_sum_and_the_mismatch(client_as, url, admin):
    parent = year_target(admin.tenant)
    quarters(parent, ["250", "250", "250", "200"])
    text = client_as(admin).get(url("targets:tree", target_id=parent.pk)).text
    assert text.count('class="tree__row ') == 5
    assert "2026 Q3" in text and "tree__row--mismatch" in text
    assert "50 short of the target" in text and "Approval is blocked until the parts add up." in text


def test_parts_that_add_up_show_no_mismatch(client_as, url, admin):
    parent = year_target(admin.tenant)
    quarters(parent, ["250", "250", "250", "250"])
    text = client_as(admin).get(url("targets:tree", target_id=parent.pk)).text
    assert "tree__row--mismatch" not in text and "short of the target" not in text


def test_a_rate_is_not_summed(client_as, url, admin):
    parent = year_target(admin.tenant, value="0.3", metric="retention_rate")
    kids = quarters(parent, ["0.3", "0.2", "0.4", "0.3"])
    for kid in kids:
        kid.metric = "retention_rate"
    with scopes_disabled():
        Target.objects.bulk_update(kids, ["metric"])
    text = client_as(admin).get(url("targets:tree", target_id=parent.pk)).text
    assert "each part carries its own value" in text
    assert "Parts sum" not in text and "tree__row--mismatch" not in text
    assert "30.0%" in text and "20.0%" in text


@pytest.mark.parametrize(("base", "additive"), [("revenue", True), ("retention_rate", False)])
def test_a_custom_kpi_adds_up_as_its_base_does(client_as, url, admin, base, additive):
    """A tenant's own KPI (here, revenue of key accounts) is summed on the tree and the breakdown page
    exactly when the built-in it narrows is: the pages ask metric_is_additive, which knows both."""
    CustomMetricFactory(tenant=admin.tenant, code="key_revenue", base=base, filters={"key_account": True})
    parent = year_target(admin.tenant, value="1000", metric="key_revenue")
    client = client_as(admin)
    tree = client.get(url("targets:tree", target_id=parent.pk)).text
    breakdown = client.get(
        url("targets:breakdown", target_id=parent.pk), {"split": "quarters", "allocation": "equal"}
    ).text
    assert ("Parts sum" in tree) is additive
    assert ("the parts must add up to 1000" in breakdown) is additive
    assert ("each part carries its own value" in breakdown) is not additive


def test_approval_of_a_mismatched_parent_is_refused_with_the_reason(client_as, url, admin):
    parent = year_target(admin.tenant, status=Target.Status.PROPOSED)
    quarters(parent, ["250", "250", "250", "200"])
    response = client_as(admin).post(
        url("targets:tree", target_id=parent.pk), {"node": parent.pk, "action": "approve"}
    )
    assert response.status_code == 200
    assert "The children miss the parent by 50" in response.text
    with scopes_disabled():
        parent.refresh_from_db()
    assert parent.status == Target.Status.PROPOSED


def test_inline_edit_saves_the_value_and_refreshes_the_tree(client_as, url, admin):
    parent = year_target(admin.tenant)
    q1, *_ = quarters(parent, ["250", "250", "250", "200"])
    client = client_as(admin)
    tree = url("targets:tree", target_id=parent.pk)
    form = client.get(tree + f"?edit={q1.pk}", **HTMX).text
    assert form.lstrip().startswith('<div id="target-tree"') and f'id="value-{q1.pk}"' in form
    response = client.post(tree, {"node": q1.pk, "action": "value", "value": "300"}, **HTMX)
    assert response.status_code == 200 and "value saved" in response.text
    assert "tree__row--mismatch" not in response.text
    with scopes_disabled():
        q1.refresh_from_db()
    assert q1.value == Decimal("300")


@pytest.mark.parametrize("value", ["-5", "abc", ""])
def test_a_bad_value_is_refused_and_nothing_saved(client_as, url, admin, value):
    parent = year_target(admin.tenant)
    q1, *_ = quarters(parent, ["250", "250", "250", "250"])
    response = client_as(admin).post(
        url("targets:tree", target_id=parent.pk), {"node": q1.pk, "action": "value", "value": value}, **HTMX
    )
    assert response.status_code == 200
    assert "message--error" in response.text and f'id="value-{q1.pk}"' in response.text
    with scopes_disabled():
        q1.refresh_from_db()
    assert q1.value == Decimal("250")


def test_without_htmx_a_successful_action_redirects_with_a_message(client_as, url, admin):
    parent = year_target(admin.tenant)
    tree = url("targets:tree", target_id=parent.pk)
    response = client_as(admin).post(tree, {"node": parent.pk, "action": "propose"}, follow=True)
    assert response.redirect_chain[-1][0] == tree
    assert "proposed" in response.text
    with scopes_disabled():
        parent.refresh_from_db()
    assert parent.status == Target.Status.PROPOSED


def test_breakdown_by_seasonal_profile_shows_editable_parts_then_saves(client_as, url, admin):
    parent = year_target(admin.tenant, value="1200")
    profile = SeasonalProfileFactory(tenant=admin.tenant, weights=[1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2])
    client = client_as(admin)
    breakdown = url("targets:breakdown", target_id=parent.pk)
    choice = {"split": "quarters", "allocation": "seasonal", "seasonal_profile": profile.pk}
    preview = client.get(breakdown, choice).text
    for i, amount in enumerate(["240", "240", "240", "480"]):
        assert f'name="value_{i}" value="{amount}' in preview
    assert children_of(parent) == []  # a preview saves nothing

    bad = client.post(
        breakdown, {**choice, "value_0": "240", "value_1": "240", "value_2": "240", "value_3": "400"}
    )
    assert bad.status_code == 200 and "The children sum to 1120" in bad.text
    assert children_of(parent) == []

    ok = client.post(
        breakdown, {**choice, "value_0": "200", "value_1": "280", "value_2": "240", "value_3": "480"}
    )
    assert ok.status_code == 302 and ok["Location"] == url("targets:tree", target_id=parent.pk)
    kids = children_of(parent)
    assert [k.value for k in kids] == [Decimal("200"), Decimal("280"), Decimal("240"), Decimal("480")]
    assert [k.period_start for k in kids] == QUARTERS
    assert {(k.grain, k.status, k.seasonal_profile_id) for k in kids} == {("quarter", "draft", profile.pk)}


def test_breakdown_form_errors_re_render(client_as, url, admin):
    parent = year_target(admin.tenant)
    client = client_as(admin)
    breakdown = url("targets:breakdown", target_id=parent.pk)
    no_profile = client.get(breakdown, {"split": "quarters", "allocation": "seasonal"})
    assert "Choose the seasonal profile to split by." in no_profile.text and "value_0" not in no_profile.text
    unknown = client.post(breakdown, {"split": "weeks", "allocation": "equal", "value_0": "1000"})
    assert unknown.status_code == 200 and "The breakdown was not saved" in unknown.text
    assert children_of(parent) == []


def test_a_manager_breaks_a_team_target_down_into_its_reps_and_approves_them(
    client_as, url, tenant, team, manager, rep, peer
):
    with scopes_disabled():
        parent = TargetFactory(
            tenant=tenant, owner_kind="team", team=team, rep=None, period_start=dt.date(2026, 11, 1)
        )
    client = client_as(manager)
    breakdown = url("targets:breakdown", target_id=parent.pk)
    preview = client.get(breakdown, {"split": "reps", "allocation": "equal"}).text
    assert rep.name in preview and peer.name in preview
    response = client.post(
        breakdown, {"split": "reps", "allocation": "equal", "value_0": "500", "value_1": "500"}
    )
    assert response.status_code == 302
    kids = children_of(parent)
    assert {k.rep_id for k in kids} == {rep.pk, peer.pk}
    tree = url("targets:tree", target_id=parent.pk)
    for kid in kids:
        client.post(tree, {"node": kid.pk, "action": "propose"})
    text = client.get(tree).text
    assert text.count('value="approve"') == 2  # the reps' targets are the manager's to approve
    client.post(tree, {"node": kids[0].pk, "action": "approve"})
    with scopes_disabled():
        kids[0].refresh_from_db()
    assert kids[0].status == Target.Status.APPROVED


def test_a_manager_cannot_approve_their_own_teams_target(client_as, url, tenant, team, manager):
    with scopes_disabled():
        target = TargetFactory(tenant=tenant, owner_kind="team", team=team, rep=None, status="proposed")
    tree = url("targets:tree", target_id=target.pk)
    client = client_as(manager)
    assert 'value="approve"' not in client.get(tree).text
    response = client.post(tree, {"node": target.pk, "action": "approve"}, **HTMX)
    assert "Only the manager above the owner may do this." in response.text
    with scopes_disabled():
        target.refresh_from_db()
    assert target.status == Target.Status.PROPOSED


def test_who_may_open_a_tree(client_as, url, tenant, rep, viewer, manager, outsider_rep, other_tenant, rival):
    mine = TargetFactory(tenant=tenant, rep=rep)
    hidden = TargetFactory(tenant=tenant, rep=outsider_rep)
    for member in (rep, viewer):  # the editor is for managers and admins
        assert client_as(member).get(url("targets:tree", target_id=mine.pk)).status_code == 404
    assert client_as(manager).get(url("targets:tree", target_id=mine.pk)).status_code == 200
    assert client_as(manager).get(url("targets:tree", target_id=hidden.pk)).status_code == 404
    assert client_as(manager).get(url("targets:breakdown", target_id=hidden.pk)).status_code == 404
    foreign = TargetFactory(tenant=other_tenant)
    assert (
        client_as(rival).get(url("targets:tree", target_id=mine.pk, tenant_obj=other_tenant)).status_code
        == 404
    )
    response = client_as(manager).post(
        url("targets:tree", target_id=mine.pk), {"node": foreign.pk, "action": "propose"}
    )
    assert response.status_code == 404
    assert client_as(manager).post(url("targets:tree", target_id=mine.pk), {"node": "x"}).status_code == 404


def test_the_roots_page_lists_top_level_targets_and_links_their_trees(client_as, url, admin):
    parent = year_target(admin.tenant)
    q1, *_ = quarters(parent, ["250", "250", "250", "250"])
    text = client_as(admin).get(url("targets:roots") + "?year=2026").text
    assert url("targets:tree", target_id=parent.pk) in text
    assert url("targets:tree", target_id=q1.pk) not in text
    assert "No targets in 2031" in client_as(admin).get(url("targets:roots") + "?year=2031").text
    assert client_as(admin).get(url("targets:roots") + "?year=nope").status_code == 200


def test_the_tree_is_linked_from_my_targets_and_the_home(client_as, url, manager):
    roots = url("targets:roots")
    assert roots in client_as(manager).get(url("targets:mine")).text
    assert roots in client_as(manager).get(url("dashboard")).text  # the targets-to-approve card


def test_query_count_does_not_grow_with_the_tree(
    client_as, url, tenant, team, manager, django_assert_max_num_queries
):
    with scopes_disabled():
        parent = TargetFactory(tenant=tenant, owner_kind="team", team=team, rep=None, value=Decimal("1200"))

    def add_parts(n):
        for _ in range(n):
            member = MembershipFactory(tenant=tenant, role=Role.REP, team=team, reports_to=manager)
            TargetFactory(tenant=tenant, rep=member, parent=parent, value=Decimal("10"), status="proposed")

    client = client_as(manager)
    tree = url("targets:tree", target_id=parent.pk)
    add_parts(2)
    client.get(tree)  # warm the session
    with django_assert_max_num_queries(20) as small:
        assert client.get(tree).text.count('value="approve"') == 2
    add_parts(10)
    with django_assert_max_num_queries(20) as big:
        assert client.get(tree).text.count('value="approve"') == 12
    assert len(big.captured_queries) == len(small.captured_queries)
