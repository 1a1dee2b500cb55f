"""rollup_week against the hand-computed week of conftest.py: values, targets, team closure,
idempotence, stale rows, query counts."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope, scopes_disabled

from apps.reporting.models import WeeklyProgress
from apps.reporting.services import rollup_on_demand, rollup_week, rollup_weeks
from apps.targets.models import Target
from apps.tenancy.models import Role
from tests.factories import MembershipFactory

from .conftest import MONDAY, WEEK, d, order, visit
from .factories import WeeklyProgressFactory

pytestmark = pytest.mark.django_db

FIELDS = [
    "scope",
    "subject_id",
    "rep_id",
    "team_id",
    "reps",
    "revenue",
    "gross_margin",
    "collections",
    "orders",
    "new_customers",
    "active_customers",
    "visits_done",
    "visits_effective",
    "visits_with_deal",
    "effective_visit_rate",
    "deal_rate",
    "reports_submitted",
    "reports_on_time",
    "target_revenue",
    "attainment",
]


def snapshot(tenant):
    with scopes_disabled():
        return sorted(
            tuple(r[f] for f in FIELDS) + (r["week_start"],)
            for r in WeeklyProgress.objects.filter(tenant=tenant).values(*FIELDS, "week_start")
        )


def rows(tenant):
    with scopes_disabled():
        return {(r.scope, r.subject_id): r for r in WeeklyProgress.objects.filter(tenant=tenant)}


def roll(tenant, week=WEEK):
    with scope(tenant=tenant.pk):
        return rollup_week(tenant=tenant, iso_year=week[0], iso_week=week[1])


def test_rep_rows_match_the_hand_computed_week(tenant, field):
    roll(tenant)
    got = rows(tenant)
    a = got[("rep", field.rep_a.pk)]
    assert (a.iso_year, a.iso_week, a.week_start) == (2026, 46, MONDAY)
    assert (a.revenue, a.gross_margin, a.collections) == (
        Decimal("1500.00"),
        Decimal("600.00"),
        Decimal("400.00"),
    )
    assert (a.orders, a.new_customers, a.active_customers) == (2, 2, 2)
    assert (a.visits_done, a.visits_effective, a.visits_with_deal) == (3, 2, 1)
    assert (a.effective_visit_rate, a.deal_rate) == (Decimal("0.6667"), Decimal("0.3333"))
    assert (a.reports_submitted, a.reports_on_time) == (2, 1)
    assert a.target_revenue == Decimal("700.00")  # 3000 × 7/30
    assert a.attainment == Decimal("2.1429")
    b = got[("rep", field.rep_b.pk)]
    assert (b.revenue, b.orders, b.new_customers, b.visits_done, b.deal_rate) == (
        Decimal("800.00"),
        1,
        0,
        2,
        Decimal("0.5000"),
    )
    assert b.target_revenue is None and b.attainment is None


def test_team_rows_roll_up_through_the_team_closure(tenant, field):
    roll(tenant)
    got = rows(tenant)
    north, north1 = got[("team", field.north.pk)], got[("team", field.north1.pk)]
    assert (north.reps, north.revenue, north.collections, north.active_customers) == (
        2,
        Decimal("2300.00"),
        Decimal("400.00"),
        3,
    )
    assert (north.visits_done, north.visits_effective, north.visits_with_deal) == (5, 3, 2)
    assert (north.effective_visit_rate, north.deal_rate) == (Decimal("0.6000"), Decimal("0.4000"))
    assert (north.reports_submitted, north.reports_on_time) == (3, 2)
    # No team target of its own: its members' week targets add up (rep_a's 700).
    assert north.target_revenue == Decimal("700.00")
    assert north.attainment == Decimal("3.2857")
    assert (north1.reps, north1.revenue, north1.target_revenue) == (1, Decimal("800.00"), None)


def test_an_own_team_target_wins_over_its_members_sum_and_weeks_spanning_months_take_both_shares(
    tenant, field
):
    with scopes_disabled():
        Target.objects.create(
            tenant=tenant,
            metric="revenue",
            owner_kind="team",
            team=field.north,
            grain="month",
            period_start=d(1, 12),
            value=Decimal("3100"),
            status=Target.Status.APPROVED,
        )
        Target.objects.create(
            tenant=tenant,
            metric="revenue",
            owner_kind="team",
            team=field.north,
            grain="month",
            period_start=d(1),
            value=Decimal("6000"),
            status=Target.Status.DRAFT,  # drafts do not count
        )
    roll(tenant, (2026, 49))  # Mon 30 Nov – Sun 6 Dec
    got = rows(tenant)
    assert got[("rep", field.rep_a.pk)].target_revenue == Decimal("100.00")  # 3000 × 1/30
    assert got[("team", field.north.pk)].target_revenue == Decimal("600.00")  # 3100 × 6/31


def test_a_weekly_target_wins_over_the_prorated_month(tenant, field):
    with scopes_disabled():
        Target.objects.create(
            tenant=tenant,
            metric="revenue",
            owner_kind="rep",
            rep=field.rep_a,
            grain="week",
            period_start=MONDAY,
            value=Decimal("1000"),
            status=Target.Status.LOCKED,
        )
    roll(tenant)
    assert rows(tenant)[("rep", field.rep_a.pk)].attainment == Decimal("1.5000")


def test_running_twice_leaves_the_same_rows_and_changes_nothing(tenant, field):
    first = roll(tenant)
    before = snapshot(tenant)
    second = roll(tenant)
    assert snapshot(tenant) == before
    assert first.rows == len(before) and second.rows == 0 and second.deleted == 0


def test_rows_no_longer_produced_are_deleted_and_changed_facts_update(tenant, field, admin):
    roll(tenant)
    stale = WeeklyProgressFactory(tenant=tenant, rep=admin, subject_id=admin.pk)  # an admin has no facts
    other_week = WeeklyProgressFactory(
        tenant=tenant, rep=admin, subject_id=admin.pk, iso_week=45, week_start=d(2)
    )
    order(field.c2, d(13), "250", "100")
    result = roll(tenant)
    got = rows(tenant)
    assert ("rep", admin.pk) not in got or got[("rep", admin.pk)].pk == other_week.pk
    assert result.deleted == 1
    with scopes_disabled():
        assert not WeeklyProgress.objects.filter(pk=stale.pk).exists()
        assert WeeklyProgress.objects.filter(pk=other_week.pk).exists()  # another week is not touched
    assert got[("rep", field.rep_a.pk)].revenue == Decimal("1750.00")
    assert got[("team", field.north.pk)].revenue == Decimal("2550.00")


def test_a_quiet_active_rep_gets_a_row_of_zeros(tenant, field):
    quiet = MembershipFactory(tenant=tenant, role=Role.REP, team=field.north1, reports_to=field.manager)
    roll(tenant)
    row = rows(tenant)[("rep", quiet.pk)]
    assert (row.revenue, row.visits_done, row.effective_visit_rate) == (Decimal("0.00"), 0, None)
    assert rows(tenant)[("team", field.north.pk)].reps == 3


def test_other_tenants_rows_are_untouched(tenant, field, other_tenant):
    foreign = WeeklyProgressFactory(tenant=other_tenant)
    roll(tenant)
    with scopes_disabled():
        assert WeeklyProgress.objects.filter(pk=foreign.pk).exists()


def test_rollup_query_count_does_not_grow_with_reps(tenant, field, django_assert_num_queries):
    roll(tenant)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        roll(tenant)
    for i in range(6):
        rep = MembershipFactory(tenant=tenant, role=Role.REP, team=field.north1, reports_to=field.manager)
        visit(rep, d(10), effective=True, customer=field.c3)
    with django_assert_num_queries(len(few.captured_queries)):
        roll(tenant)


def test_many_weeks_at_once_equal_week_by_week(tenant, field):
    with scope(tenant=tenant.pk):
        rollup_weeks(tenant=tenant, first=d(2), last=d(23))
    together = snapshot(tenant)
    with scopes_disabled():
        WeeklyProgress.objects.filter(tenant=tenant).delete()
    for week in (45, 46, 47, 48):
        roll(tenant, (2026, week))
    assert snapshot(tenant) == together


def test_on_demand_rollup_is_for_managers_and_admins_and_refuses_future_weeks(tenant, field, admin):
    with scope(tenant=tenant.pk):
        with pytest.raises(PermissionDenied):
            rollup_on_demand(tenant=tenant, by=field.rep_a, period="2026-W46")
        with pytest.raises(ValidationError):
            rollup_on_demand(tenant=tenant, by=admin, period="2099-W01")
        assert rollup_on_demand(tenant=tenant, by=field.manager, period="2026-W46").rows > 0


def test_weekly_rollup_is_scheduled_for_the_previous_week_from_monday_six_local(tenant):
    import datetime as dt

    from apps.tenancy.scheduling import get_job

    job = get_job("weekly_rollup")
    assert job.task == "apps.reporting.tasks.weekly_rollup"
    tz = tenant.tzinfo
    assert job.due(tenant, dt.datetime(2026, 11, 23, 6, 0, tzinfo=tz)) == "2026-W47"
    assert job.due(tenant, dt.datetime(2026, 11, 23, 5, 59, tzinfo=tz)) == "2026-W46"


def test_the_demo_seeder_rolls_up_the_quarter_before_today(tenant, field):
    from apps.reporting.demo import DEMO_WEEKS, seed_weekly_progress
    from apps.tenancy.demo import DEMO_TENANTS, DemoContext

    with scope(tenant=tenant.pk):
        seed_weekly_progress(DemoContext(tenant=tenant, spec=DEMO_TENANTS[0], today=d(18)))
    with scopes_disabled():
        weeks = sorted(set(WeeklyProgress.objects.filter(tenant=tenant).values_list("week_start", flat=True)))
    assert len(weeks) == DEMO_WEEKS and weeks[-1] == MONDAY  # Wednesday 18th: the last full week is W46
    with scopes_disabled():
        north = WeeklyProgress.objects.get(tenant=tenant, scope="team", team=field.north, week_start=MONDAY)
    assert north.visits_done == 5
