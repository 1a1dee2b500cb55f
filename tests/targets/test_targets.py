"""SMART targets: validation, achievability against history, workflow, decomposition, lock log, progress.

History used below (conftest book): revenue Oct 2026 rep_a 1500, rep_b 400; Nov 2026 rep_a 300, rep_b 200.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from apps.targets.models import Target, TargetChange
from apps.targets.selectors import target_progress
from apps.targets.services import (
    target_create,
    target_decompose,
    target_transition,
    target_update,
    targets_lock_due,
)
from tests.factories import MembershipFactory, TenantFactory

from .factories import TargetFactory

pytestmark = pytest.mark.django_db

OCT, NOV = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


def rep_target(book, by=None, **fields):
    fields = {
        "metric": "revenue",
        "owner_kind": "rep",
        "rep": book.rep_a,
        "grain": "month",
        "period_start": NOV,
        "value": Decimal("600"),
        **fields,
    }
    return target_create(tenant=book.tenant, by=by or book.manager, **fields)


@pytest.fixture
def scoped(book):
    with scope(tenant=book.tenant.pk):
        yield book


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"period_start": dt.date(2026, 11, 2)}, "period_start"),
        ({"grain": "quarter", "period_start": NOV}, "period_start"),
        ({"metric": "nope"}, "metric"),
        ({"owner_kind": "team"}, "team"),
        ({"dimension": "category"}, "category"),
        ({"value": Decimal("-1")}, "value"),
    ],
)
def test_bad_targets_are_refused_with_a_reason(scoped, fields, field):
    with pytest.raises(ValidationError) as error:
        rep_target(scoped, **fields)
    assert field in error.value.message_dict
    assert not Target.objects.exists()


def test_a_rep_sets_only_their_own_targets(scoped):
    assert rep_target(scoped, by=scoped.rep_a).rep == scoped.rep_a
    with pytest.raises(PermissionDenied):
        rep_target(scoped, by=scoped.rep_b)


def test_a_value_far_above_history_must_be_justified_before_it_is_proposed(scoped):
    # Nov 2025: nothing; trailing Aug–Oct 2026: 0, 0, 1500 → run-rate 500; 5000 is far above it.
    target = rep_target(scoped, value=Decimal("5000"))
    assert "500.00" in target.achievability_warning
    with pytest.raises(ValidationError) as error:
        target_transition(target=target, by=scoped.manager, action="propose")
    assert "justification" in error.value.message_dict
    target = target_transition(
        target=target, by=scoped.manager, action="propose", justification="New key account"
    )
    assert target.status == Target.Status.PROPOSED
    assert rep_target(scoped, value=Decimal("600")).achievability_warning == ""


def test_only_the_manager_above_approves_and_only_from_proposed(scoped):
    target = rep_target(scoped)
    with pytest.raises(ValidationError):
        target_transition(target=target, by=scoped.manager, action="approve")
    target = target_transition(target=target, by=scoped.rep_a, action="propose")
    with pytest.raises(PermissionDenied):
        target_transition(target=target, by=scoped.rep_a, action="approve")
    with pytest.raises(PermissionDenied):
        target_transition(target=target, by=scoped.rep_b, action="approve")
    target = target_transition(target=target, by=scoped.manager, action="approve")
    assert target.status == Target.Status.APPROVED and target.approved_by == scoped.manager


def tenant_target(book, **fields):
    fields = {
        "metric": "revenue",
        "owner_kind": "tenant",
        "grain": "quarter",
        "period_start": OCT,
        "value": Decimal("9000"),
        **fields,
    }
    return target_create(tenant=book.tenant, by=book.manager.reports_to, **fields)


def months(*days):
    return [{"grain": "month", "period_start": d} for d in days]


def test_equal_and_seasonal_splits_into_months_sum_to_the_parent(scoped):
    parent = tenant_target(scoped)
    children = target_decompose(
        parent=parent, by=scoped.manager.reports_to, children=months(OCT, NOV, dt.date(2026, 12, 1))
    )
    assert [c.value for c in children] == [Decimal("3000.00")] * 3
    other = tenant_target(scoped, value=Decimal("1000"))
    profile = [1] * 9 + [2, 1, 0.5]
    children = target_decompose(
        parent=other,
        by=scoped.manager.reports_to,
        method="seasonal",
        profile=profile,
        children=months(OCT, NOV, dt.date(2026, 12, 1)),
    )
    assert [c.value for c in children] == [Decimal("571.43"), Decimal("285.71"), Decimal("142.86")]
    assert sum(c.value for c in children) == Decimal("1000")
    assert all(c.parent == other and c.status == Target.Status.DRAFT for c in children)


def test_historical_share_splits_by_last_years_actuals(scoped):
    admin = scoped.manager.reports_to
    parent = tenant_target(scoped, grain="month", period_start=dt.date(2027, 10, 1), value=Decimal("3800"))
    children = target_decompose(
        parent=parent, by=admin, method="history", children=[{"rep": scoped.rep_a}, {"rep": scoped.rep_b}]
    )
    # Oct 2026: rep_a 1500, rep_b 400 of 1900
    assert [c.value for c in children] == [Decimal("3000.00"), Decimal("800.00")]
    assert {c.owner_kind for c in children} == {"rep"}


def test_children_that_do_not_sum_block_the_parents_approval(scoped):
    admin = scoped.manager.reports_to
    parent = tenant_target(scoped)
    with pytest.raises(ValidationError):
        target_decompose(
            parent=parent,
            by=admin,
            method="manual",
            values=[1, 2, 3],
            children=months(OCT, NOV, dt.date(2026, 12, 1)),
        )
    children = target_decompose(
        parent=parent,
        by=admin,
        method="manual",
        values=[4000, 3000, 2000],
        children=months(OCT, NOV, dt.date(2026, 12, 1)),
    )
    target_update(target=children[0], by=admin, value=Decimal("3999"))
    parent = target_transition(target=parent, by=admin, action="propose")
    with pytest.raises(ValidationError) as error:
        target_transition(target=parent, by=admin, action="approve")
    assert "1.00" in str(error.value)
    target_update(target=children[0], by=admin, value=Decimal("4000"))
    assert target_transition(target=parent, by=admin, action="approve").status == Target.Status.APPROVED


def test_ratio_children_carry_their_own_values_and_are_not_summed(scoped):
    admin = scoped.manager.reports_to
    parent = tenant_target(scoped, metric="key_account_share", value=Decimal("0.6"))
    children = target_decompose(
        parent=parent, by=admin, children=[{"rep": scoped.rep_a}, {"rep": scoped.rep_b}]
    )
    assert [c.value for c in children] == [Decimal("0.6"), Decimal("0.6")]
    target_update(target=children[1], by=admin, value=Decimal("0.2"))
    target_transition(target=parent, by=admin, action="propose")
    assert target_transition(target=parent, by=admin, action="approve").status == Target.Status.APPROVED


def test_a_child_outside_its_parents_period_or_metric_is_refused(scoped):
    parent = tenant_target(scoped)
    with pytest.raises(ValidationError):
        target_decompose(parent=parent, by=scoped.manager.reports_to, children=months(dt.date(2027, 1, 1)))
    with pytest.raises(ValidationError):
        rep_target(scoped, parent=parent, metric="collections")


def test_changes_after_lock_are_versioned_with_who_and_why(scoped):
    target = rep_target(scoped)
    target = target_transition(target=target, by=scoped.manager, action="propose")
    target = target_transition(target=target, by=scoped.manager, action="approve")
    with pytest.raises(ValidationError):
        target_update(target=target, by=scoped.manager, value=Decimal("700"))  # approved: reopen first
    assert targets_lock_due(tenant=scoped.tenant, today=dt.date(2026, 10, 31)) == 0
    assert targets_lock_due(tenant=scoped.tenant, today=NOV) == 1
    target.refresh_from_db()
    with pytest.raises(ValidationError):
        target_update(target=target, by=scoped.manager, value=Decimal("700"))
    target = target_update(target=target, by=scoped.manager, value=Decimal("700"), reason="Lost a customer")
    change = TargetChange.objects.get(target=target)
    assert (target.version, change.version, change.reason) == (2, 2, "Lost a customer")
    assert change.changed_by == scoped.manager and change.changes == {"value": ["600.0000", "700"]}


def test_progress_figures_and_status(scoped):
    admin = scoped.manager.reports_to
    a = rep_target(scoped)  # Nov 600, actual 300 by the 15th: on track
    b = rep_target(scoped, rep=scoped.rep_b, value=Decimal("1000"))  # actual 200, forecast 400: off track
    team = target_create(
        tenant=scoped.tenant,
        by=admin,
        metric="revenue",
        owner_kind="team",
        team=scoped.north,
        grain="month",
        period_start=NOV,
        value=Decimal("1000"),
    )
    whole = tenant_target(scoped, grain="month", period_start=OCT, value=Decimal("2000"))  # 1900: at risk
    cat_x = tenant_target(
        scoped,
        grain="month",
        period_start=OCT,
        value=Decimal("1000"),
        dimension="category",
        category=scoped.cat_x,
    )
    share = tenant_target(
        scoped, grain="month", period_start=OCT, metric="key_account_share", value=Decimal("0.5")
    )
    future = rep_target(scoped, period_start=dt.date(2026, 12, 1))
    p = target_progress(
        tenant=scoped.tenant, targets=[a, b, team, whole, cat_x, share, future], today=dt.date(2026, 11, 15)
    )
    assert p.loc[a.pk, ["actual", "expected", "forecast", "gap"]].tolist() == [300, 300, 600, 300]
    assert p.loc[a.pk, "attainment"] == 0.5 and p.loc[a.pk, "status"] == "on_track"
    assert p.loc[b.pk, "status"] == "off_track" and p.loc[b.pk, "forecast"] == 400
    assert p.loc[team.pk, "actual"] == 500 and p.loc[team.pk, "status"] == "on_track"
    assert p.loc[whole.pk, "actual"] == 1900 and p.loc[whole.pk, "status"] == "at_risk"
    assert p.loc[cat_x.pk, "actual"] == 1400
    assert p.loc[share.pk, "actual"] == pytest.approx(1500 / 1900) and p.loc[share.pk, "expected"] == 0.5
    assert p.loc[future.pk, "status"] == "not_started"


def test_progress_refuses_targets_of_another_tenant_than_the_one_it_is_given(scoped):
    """The tenant is the caller's (the request's), not read off the targets: a target of another
    tenant in the list is a programming error, refused before anything is read."""
    other = TenantFactory()
    with pytest.raises(ValueError, match="belong to the tenant"):
        target_progress(tenant=other, targets=[rep_target(scoped)], today=dt.date(2026, 11, 15))


def test_progress_query_count_does_not_grow_with_targets(scoped):
    targets = [
        rep_target(scoped),
        tenant_target(scoped, grain="month", period_start=OCT, value=Decimal("2000")),
    ]
    with CaptureQueriesContext(connection) as few:
        target_progress(tenant=scoped.tenant, targets=targets, today=dt.date(2026, 11, 15))
    for _ in range(30):
        rep = MembershipFactory(tenant=scoped.tenant, reports_to=scoped.manager)
        for month in (OCT, NOV):
            targets.append(TargetFactory(tenant=scoped.tenant, rep=rep, period_start=month))
    with CaptureQueriesContext(connection) as many:
        target_progress(tenant=scoped.tenant, targets=targets, today=dt.date(2026, 11, 15))
    assert len(many.captured_queries) == len(few.captured_queries) <= 2


def test_the_lock_task_locks_started_periods_once(scoped):
    from apps.targets.tasks import targets_lock_due as task

    started = TargetFactory(
        tenant=scoped.tenant,
        rep=scoped.rep_a,
        status=Target.Status.APPROVED,
        period_start=dt.date(2020, 1, 1),
    )
    later = TargetFactory(
        tenant=scoped.tenant,
        rep=scoped.rep_a,
        status=Target.Status.APPROVED,
        period_start=dt.date(2999, 1, 1),
    )
    assert task(scoped.tenant.pk) == 1
    assert task(scoped.tenant.pk) == 0
    started.refresh_from_db()
    later.refresh_from_db()
    assert (started.status, later.status) == (Target.Status.LOCKED, Target.Status.APPROVED)


def test_a_ratio_of_ratios_is_refused_at_registration():
    from apps.targets.metrics import RatioMetric, registry

    with pytest.raises(ValueError):
        registry.register(
            RatioMetric(code="bad", name="Bad", numerator="key_account_share", denominator="revenue")
        )
    assert "bad" not in registry


SEASON = [1] * 9 + [2, 1, 1]  # October weighs double


def test_profile_share_weighs_each_day_by_its_months_weight():
    from apps.targets.selectors import profile_share

    q4 = (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert profile_share([1] * 12, *q4, dt.date(2026, 11, 15)) == pytest.approx(1.5 / 3)
    assert profile_share(SEASON, *q4, dt.date(2026, 11, 15)) == pytest.approx(2.5 / 4)
    assert profile_share(SEASON, *q4, dt.date(2026, 9, 30)) == 0
    assert profile_share(SEASON, *q4, dt.date(2027, 1, 5)) == 1


def test_expected_by_now_follows_the_targets_seasonal_profile(scoped):
    from apps.targets.services import seasonal_profile_save

    admin = scoped.manager.reports_to
    season = seasonal_profile_save(tenant=scoped.tenant, by=admin, name="Q4 peak", weights=SEASON)
    linear = tenant_target(scoped, value=Decimal("4000"))
    seasonal = tenant_target(scoped, value=Decimal("4000"), seasonal_profile=season)
    p = target_progress(tenant=scoped.tenant, targets=[linear, seasonal], today=dt.date(2026, 11, 15))
    # actual 1900 (Oct) + 500 (Nov to the 15th) = 2400
    assert p.loc[linear.pk, ["actual", "expected", "status"]].tolist() == [2400, 2000, "on_track"]
    assert p.loc[seasonal.pk, ["actual", "expected", "status"]].tolist() == [2400, 2500, "at_risk"]
    children = target_decompose(
        parent=seasonal,
        by=admin,
        method="seasonal",
        seasonal_profile=season,
        children=months(OCT, NOV, dt.date(2026, 12, 1)),
    )
    assert [c.value for c in children] == [Decimal("2000.00"), Decimal("1000.00"), Decimal("1000.00")]


def test_seasonal_profiles_need_twelve_non_negative_weights_and_an_admin(scoped):
    from apps.targets.services import seasonal_profile_save

    admin = scoped.manager.reports_to
    for weights in ([1] * 11, [1] * 11 + [-1], [0] * 12, "flat"):
        with pytest.raises(ValidationError):
            seasonal_profile_save(tenant=scoped.tenant, by=admin, name="Bad", weights=weights)
    with pytest.raises(PermissionDenied):
        seasonal_profile_save(tenant=scoped.tenant, by=scoped.manager, name="Flat", weights=[1] * 12)
