"""Visit metrics in the KPI engine against the hand-computed week of tests/reporting/conftest.py."""

import math

import pytest
from django_scopes import scope

from apps.targets.engine import compute
from apps.targets.metrics import registry
from apps.targets.models import CustomMetric

from .conftest import MONDAY

pytestmark = pytest.mark.django_db

CODES = [
    "visits_done",
    "visits_effective",
    "visits_with_deal",
    "effective_visit_rate",
    "deal_rate",
    "reports_submitted",
    "reports_on_time",
    "report_punctuality",
    "visit_cost",
    "cost_per_visit",
    "visit_orders",
    "cost_per_order",
    "visit_new_customers",
    "new_customers",
    "visits_order",
    "visits_new_customer",
    "visits_collection",
    "visits_service",
]
SUNDAY = MONDAY.replace(day=15)


def _week(tenant, by, **kw):
    with scope(tenant=tenant.pk):
        frame = compute(
            tenant=tenant,
            metrics=kw.pop("metrics", CODES),
            grain="week",
            start=MONDAY,
            end=SUNDAY,
            by=by,
            **kw,
        )
    return {key: row for (key, _p), row in frame.iterrows()}


def test_visit_metrics_are_registered_through_the_registry():
    for code in CODES:
        assert code in registry
    assert registry.get("deal_rate").kind == "ratio"


def test_visit_metrics_per_rep_match_the_hand_computed_week(tenant, field):
    rows = _week(tenant, "rep")
    a, b = rows[field.rep_a.pk], rows[field.rep_b.pk]
    assert (a.visits_done, a.visits_effective, a.visits_with_deal) == (3, 2, 1)
    assert a.effective_visit_rate == pytest.approx(2 / 3)
    assert a.deal_rate == pytest.approx(1 / 3)
    assert (a.reports_submitted, a.reports_on_time, a.report_punctuality) == (2, 1, 0.5)
    assert (a.visit_cost, a.cost_per_visit) == (60, 20)
    assert (a.visit_orders, a.cost_per_order) == (1, 60)
    assert (a.visit_new_customers, a.new_customers) == (1, 2)
    assert (a.visits_order, a.visits_new_customer, a.visits_collection, a.visits_service) == (1, 1, 1, 0)
    assert (b.visits_done, b.visits_effective, b.visits_with_deal) == (2, 1, 1)
    assert (b.effective_visit_rate, b.deal_rate, b.report_punctuality) == (0.5, 0.5, 1.0)
    assert (b.visit_cost, b.visit_orders, b.cost_per_order) == (40, 1, 40)
    assert b.visit_new_customers == 0  # c3 first ordered in October, not on a visit
    assert b.visits_service == 1


def test_team_ratios_divide_after_summing_through_the_team_closure(tenant, field):
    rows = _week(tenant, "team")
    north, north1 = rows[field.north.pk], rows[field.north1.pk]
    assert (north.visits_done, north.visits_effective, north.visits_with_deal) == (5, 3, 2)
    assert north.effective_visit_rate == pytest.approx(0.6)  # not the mean of 2/3 and 1/2
    assert north.deal_rate == pytest.approx(0.4)
    assert north.report_punctuality == pytest.approx(2 / 3)
    assert (north.visit_cost, north.visit_orders, north.cost_per_order) == (100, 2, 50)
    assert north1.visits_done == 2


def test_a_rate_without_done_visits_is_undefined_not_zero(tenant, field):
    with scope(tenant=tenant.pk):
        frame = compute(
            tenant=tenant,
            metrics=["deal_rate"],
            grain="week",
            start=MONDAY,
            end=SUNDAY,
            by="rep",
            filters={"customer_ids": [field.c2.pk]},
        )
    row = frame.loc[(field.rep_a.pk, MONDAY)]
    assert row["deal_rate"] == 0.0  # one done visit at c2, no deal
    with scope(tenant=tenant.pk):
        frame = compute(
            tenant=tenant,
            metrics=["visit_cost", "cost_per_visit"],
            grain="week",
            start=MONDAY,
            end=SUNDAY,
            by="rep",
            filters={"rep_ids": [field.rep_a.pk], "customer_ids": [field.c1.pk]},
        )
    # c1: va1 (30) and va4 (0) done, va3 (10) not met -> 40 over 2 done visits
    assert frame.loc[(field.rep_a.pk, MONDAY), "cost_per_visit"] == 20


def test_visits_by_purpose_work_as_base_of_a_custom_kpi(tenant, field):
    with scope(tenant=tenant.pk):
        CustomMetric.objects.create(
            tenant=tenant,
            code="c1-order-visits",
            name="Order visits at Cedar",
            base="visits_order",
            filters={"customer_ids": [field.c1.pk]},
        )
    rows = _week(tenant, "team", metrics=["c1-order-visits", "visits_order"])
    assert rows[field.north.pk]["c1-order-visits"] == 1  # va1 only; vb1 is at c3
    assert rows[field.north.pk]["visits_order"] == 2


def test_visit_metrics_slice_by_tenant_at_month_grain(tenant, field):
    with scope(tenant=tenant.pk):
        frame = compute(
            tenant=tenant,
            metrics=["visits_done", "deal_rate"],
            grain="month",
            start=MONDAY.replace(day=1),
            end=MONDAY.replace(day=30),
            by="tenant",
        )
    row = frame.iloc[0]
    assert row["visits_done"] == 6  # the five of the week and va6 on the 16th
    assert row["deal_rate"] == pytest.approx(2 / 6)
    assert not math.isnan(row["deal_rate"])
