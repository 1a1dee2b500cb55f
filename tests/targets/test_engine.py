"""The KPI engine against figures computed by hand from the book in conftest.py.

By rep, month (Oct, Nov 2026):
  revenue       rep_a 1500, 300  (the cancelled 9999 is not counted)   rep_b 400, 200
  gross margin  rep_a  700, 200                                         rep_b 300,  50
  orders        rep_a    1,   1                                         rep_b   1,   1
  collections   rep_a  250,   -                                         rep_b   -, 100
  new customers rep_a    1,   1 (k1 on 31 Oct, c2 on 1 Nov)            rep_b   1,   -
"""

import datetime as dt
import math

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from apps.targets.engine import compute
from apps.targets.metrics import registry
from apps.tenancy.dates import period_starts
from tests.factories import CustomerFactory, MembershipFactory

from .conftest import order
from .factories import CustomMetricFactory

pytestmark = pytest.mark.django_db

OCT, NOV = dt.date(2026, 10, 1), dt.date(2026, 11, 1)
WINDOW = {"start": OCT, "end": dt.date(2026, 11, 30)}
BUILTINS = [
    "revenue",
    "gross_margin",
    "collections",
    "order_count",
    "new_customers",
    "active_customers",
    "key_account_share",
    "retention_rate",
]


def run(tenant, metrics, *, grain="month", by="rep", **kwargs):
    with scope(tenant=tenant.pk):
        return compute(tenant=tenant, metrics=metrics, grain=grain, by=by, **{**WINDOW, **kwargs})


def value(frame, key, period, metric):
    try:
        return frame.loc[(key, period), metric]
    except KeyError:
        return 0.0


def test_additive_builtins_match_the_hand_figures_by_rep_and_month(book):
    f = run(book.tenant, ["revenue", "gross_margin", "order_count", "collections", "new_customers"])
    a, b = book.rep_a.pk, book.rep_b.pk
    expected = {
        "revenue": {(a, OCT): 1500, (a, NOV): 300, (b, OCT): 400, (b, NOV): 200},
        "gross_margin": {(a, OCT): 700, (a, NOV): 200, (b, OCT): 300, (b, NOV): 50},
        "order_count": {(a, OCT): 1, (a, NOV): 1, (b, OCT): 1, (b, NOV): 1},
        "collections": {(a, OCT): 250, (a, NOV): 0, (b, OCT): 0, (b, NOV): 100},
        "new_customers": {(a, OCT): 1, (a, NOV): 1, (b, OCT): 1, (b, NOV): 0},
    }
    for metric, cells in expected.items():
        for (key, period), figure in cells.items():
            assert value(f, key, period, metric) == figure, (metric, key, period)


def test_an_order_on_the_last_day_of_a_month_in_shanghai_stays_in_that_month(book):
    f = run(book.tenant, ["revenue"], by="customer")
    assert f.loc[(book.k1.pk, OCT), "revenue"] == 1500
    assert (book.k1.pk, NOV) not in f.index  # only the cancelled order is in November


def test_active_customers_count_each_customer_once_per_period(book):
    c = book.c3
    order(c, dt.date(2026, 11, 20), (book.px, "10", "5"))  # a second November order of c3
    f = run(book.tenant, ["active_customers", "order_count"], by="tenant")
    t = book.tenant.pk
    assert f.loc[(t, OCT), "active_customers"] == 2  # k1, c3
    assert f.loc[(t, NOV), "active_customers"] == 2  # c2, c3 (k1 only cancelled)
    assert f.loc[(t, NOV), "order_count"] == 3


def test_quarter_and_year_grains_sum_the_months(book):
    q = run(book.tenant, ["revenue"], grain="quarter", by="tenant")
    y = run(book.tenant, ["revenue"], grain="year", by="tenant")
    assert q.loc[(book.tenant.pk, OCT), "revenue"] == 2400
    assert y.loc[(book.tenant.pk, dt.date(2026, 1, 1)), "revenue"] == 2400


def test_week_grain_starts_on_monday(book):
    f = run(book.tenant, ["revenue"], grain="week", by="tenant")
    # 31 Oct 2026 is a Saturday, 1 Nov a Sunday: both in the week of Monday 26 Oct.
    assert f.loc[(book.tenant.pk, dt.date(2026, 10, 26)), "revenue"] == 1800
    assert period_starts(grain="week", start=OCT, end=dt.date(2026, 10, 12)) == [
        dt.date(2026, 9, 28),
        dt.date(2026, 10, 5),
        dt.date(2026, 10, 12),
    ]


def test_a_team_includes_its_sub_teams_reps(book):
    f = run(book.tenant, ["revenue", "active_customers"], by="team")
    assert f.loc[(book.north.pk, OCT), "revenue"] == 1900
    assert f.loc[(book.north.pk, NOV), "revenue"] == 500
    assert f.loc[(book.north1.pk, OCT), "revenue"] == 400
    assert f.loc[(book.north.pk, OCT), "active_customers"] == 2


def test_a_manager_line_includes_everyone_reporting_to_them(book):
    f = run(book.tenant, ["revenue"], by="line")
    assert f.loc[(book.manager.pk, OCT), "revenue"] == 1900
    assert f.loc[(book.rep_b.pk, OCT), "revenue"] == 400


def test_a_region_includes_its_sub_regions_customers(book):
    f = run(book.tenant, ["revenue"], by="region")
    assert f.loc[(book.region.pk, OCT), "revenue"] == 1900
    assert f.loc[(book.region.pk, NOV), "revenue"] == 500
    assert f.loc[(book.region1.pk, NOV), "revenue"] == 200


def test_category_and_product_slices(book):
    f = run(book.tenant, ["revenue"], by="category")
    assert f.loc[(book.cat_x.pk, OCT), "revenue"] == 1400
    assert f.loc[(book.cat_y.pk, OCT), "revenue"] == 500
    p = run(book.tenant, ["gross_margin"], by="product")
    assert p.loc[(book.py.pk, NOV), "gross_margin"] == 50


def test_key_account_share_divides_sums_not_an_average_of_rep_ratios(book):
    by_rep = run(book.tenant, ["key_account_share"])
    assert by_rep.loc[(book.rep_a.pk, OCT), "key_account_share"] == 1.0
    assert by_rep.loc[(book.rep_b.pk, OCT), "key_account_share"] == 0.0
    total = run(book.tenant, ["key_account_share"], by="tenant")
    # 1500 / 1900, where the mean of the reps' ratios would be 0.5
    assert total.loc[(book.tenant.pk, OCT), "key_account_share"] == pytest.approx(1500 / 1900)


def test_retention_is_customers_of_last_period_buying_again_over_customers_of_last_period(book):
    total = run(book.tenant, ["retention_rate", "revenue"], by="tenant")
    t = book.tenant.pk
    assert total.loc[(t, NOV), "retention_rate"] == 0.5  # k1, c3 bought in Oct; c3 again in Nov
    assert math.isnan(total.loc[(t, OCT), "retention_rate"])  # nobody bought in September
    by_rep = run(book.tenant, ["retention_rate"])
    assert by_rep.loc[(book.rep_a.pk, NOV), "retention_rate"] == 0.0
    assert by_rep.loc[(book.rep_b.pk, NOV), "retention_rate"] == 1.0


def test_another_tenants_facts_are_never_counted(book, rival_book):
    f = run(book.tenant, BUILTINS, by="tenant")
    t = book.tenant.pk
    assert f.loc[(t, OCT), "revenue"] == 1900
    assert f.loc[(t, NOV), "revenue"] == 500
    assert f.loc[(t, NOV), "collections"] == 100
    assert f.loc[(t, OCT), "new_customers"] == 2
    assert set(f.index.get_level_values("key")) == {t}


def test_custom_metric_filters_by_category(book):
    CustomMetricFactory(
        tenant=book.tenant, code="revenue-x", base="revenue", filters={"category_ids": [book.cat_x.pk]}
    )
    f = run(book.tenant, ["revenue-x", "revenue"])
    assert f.loc[(book.rep_a.pk, OCT), "revenue-x"] == 1000
    assert f.loc[(book.rep_a.pk, OCT), "revenue"] == 1500
    assert f.loc[(book.rep_b.pk, NOV), "revenue-x"] == 0


def test_custom_metric_region_filter_takes_the_subtree(book):
    CustomMetricFactory(
        tenant=book.tenant, code="new-r", base="new_customers", filters={"region_ids": [book.region.pk]}
    )
    CustomMetricFactory(
        tenant=book.tenant, code="new-r1", base="new_customers", filters={"region_ids": [book.region1.pk]}
    )
    f = run(book.tenant, ["new-r", "new-r1"], by="tenant")
    t = book.tenant.pk
    assert f.loc[(t, OCT), "new-r"] == 2 and f.loc[(t, NOV), "new-r"] == 1
    assert f.loc[(t, OCT), "new-r1"] == 2 and f.loc[(t, NOV), "new-r1"] == 0


def test_custom_ratio_metric_filters_both_parts(book):
    CustomMetricFactory(
        tenant=book.tenant,
        code="ka-share-x",
        base="key_account_share",
        filters={"category_ids": [book.cat_x.pk]},
    )
    f = run(book.tenant, ["ka-share-x"], by="tenant")
    assert f.loc[(book.tenant.pk, OCT), "ka-share-x"] == pytest.approx(1000 / 1400)


def test_compute_filters_narrow_every_metric(book):
    f = run(book.tenant, ["revenue", "collections"], by="tenant", filters={"key_account": True})
    assert f.loc[(book.tenant.pk, OCT), "revenue"] == 1500
    assert f.loc[(book.tenant.pk, OCT), "collections"] == 250
    with pytest.raises(ValidationError):
        run(book.tenant, ["collections"], filters={"category_ids": [book.cat_x.pk]})


def test_unknown_metric_grain_or_dimension_is_refused(book):
    for kwargs in (
        {"metrics": ["nope"]},
        {"metrics": ["revenue"], "grain": "day"},
        {"metrics": ["revenue"], "by": "moon"},
    ):
        with pytest.raises(ValidationError):
            run(book.tenant, **{"grain": "month", **kwargs})
    with pytest.raises(ValidationError):
        run(book.tenant, ["collections"], by="product")  # payments carry no product


def test_another_tenants_custom_metric_is_unknown(book, other_tenant):
    CustomMetricFactory(tenant=other_tenant, code="theirs")
    with pytest.raises(ValidationError):
        run(book.tenant, ["theirs"])


def test_query_count_does_not_depend_on_reps_or_periods(book, django_assert_max_num_queries):
    CustomMetricFactory(
        tenant=book.tenant, code="revenue-x", base="revenue", filters={"category_ids": [book.cat_x.pk]}
    )
    metrics = [*BUILTINS, "revenue-x"]
    with CaptureQueriesContext(connection) as small:
        run(book.tenant, metrics)
    for i in range(12):
        rep = MembershipFactory(tenant=book.tenant, team=book.north1, reports_to=book.manager)
        customer = CustomerFactory(tenant=book.tenant, owner=rep, region=book.region1)
        for month in range(1, 13):
            order(customer, dt.date(2025 + month // 12, month % 12 + 1, 3 + i), (book.px, "10", "4"))
    # order lines(5 metrics) + payments + customers + retention + custom lookup + its id check
    with django_assert_max_num_queries(6):
        big = run(book.tenant, metrics, by="team", start=dt.date(2025, 1, 1), end=dt.date(2026, 12, 31))
    assert len(big) > len(run(book.tenant, ["revenue"], by="team"))
    assert len(small.captured_queries) <= 6


def test_a_later_app_registers_a_metric_with_a_few_lines(book):
    """A toy metric on a timestamp source: interactions, placed by their local (Shanghai) date."""
    from apps.targets.metrics import FactSource, Metric
    from tests.factories import InteractionFactory

    registry.register_source(
        FactSource(
            code="toy_interactions",
            table="customers_interaction",
            date_column="occurred_at",
            date_is_timestamp=True,
            rep_column="rep_id",
            customer_column="customer_id",
        )
    )
    registry.register(Metric(code="toy_touches", name="Touches", source="toy_interactions", agg="count"))
    try:
        # 31 Oct 23:59 and 1 Nov 01:00 in Shanghai (UTC+8)
        InteractionFactory(
            tenant=book.tenant,
            customer=book.k1,
            rep=book.rep_a,
            occurred_at=dt.datetime(2026, 10, 31, 15, 59, tzinfo=dt.UTC),
        )
        InteractionFactory(
            tenant=book.tenant,
            customer=book.k1,
            rep=book.rep_a,
            occurred_at=dt.datetime(2026, 10, 31, 17, 0, tzinfo=dt.UTC),
        )
        InteractionFactory(
            tenant=book.tenant,
            customer=book.c3,
            rep=book.rep_b,
            occurred_at=dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC),
        )
        f = run(book.tenant, ["toy_touches", "revenue"], by="region")
        assert f.loc[(book.region.pk, OCT), "toy_touches"] == 1
        assert f.loc[(book.region.pk, NOV), "toy_touches"] == 1  # 1 Dec in Shanghai is outside the window
        assert f.loc[(book.region.pk, OCT), "revenue"] == 1900
    finally:
        registry.unregister("toy_touches")
        registry.unregister("toy_interactions")
