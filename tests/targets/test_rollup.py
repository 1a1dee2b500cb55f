"""The per-rep-and-day pre-aggregate of order lines (sales.OrderLineDay) and its per-month sums
(sales.OrderLineMonth): kept equal to the lines of live orders by the database triggers through
every kind of write, and read by compute() only where they answer exactly (plain revenue and margin
sums, no finer filter; whole months only for the monthly one)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from apps.sales import services as sales
from apps.sales.models import Order, OrderLine
from apps.targets.engine import compute

from .conftest import order

pytestmark = pytest.mark.django_db

LIVE_LINES = """
    SELECT rep_id, order_date, sum(amount), sum(cost) FROM sales_orderline l
    WHERE tenant_id = %s AND NOT EXISTS (SELECT 1 FROM sales_order o WHERE o.id = l.order_id AND o.status = 'cancelled')
    GROUP BY 1, 2 HAVING sum(amount) <> 0 OR sum(cost) <> 0"""
ROLLUP = """
    SELECT rep_id, day, amount, cost FROM sales_orderlineday
    WHERE tenant_id = %s AND (amount <> 0 OR cost <> 0)"""


LIVE_LINES_BY_MONTH = """
    SELECT rep_id, date_trunc('month', order_date)::date, sum(amount), sum(cost) FROM sales_orderline l
    WHERE tenant_id = %s AND NOT EXISTS (SELECT 1 FROM sales_order o WHERE o.id = l.order_id AND o.status = 'cancelled')
    GROUP BY 1, 2 HAVING sum(amount) <> 0 OR sum(cost) <> 0"""
MONTHLY = """
    SELECT rep_id, month, amount, cost FROM sales_orderlinemonth
    WHERE tenant_id = %s AND (amount <> 0 OR cost <> 0)"""


def rows(sql, tenant) -> set[tuple]:
    with scope(tenant=tenant.pk), connection.cursor() as cur:
        cur.execute(sql, [tenant.pk])
        return set(cur.fetchall())


def assert_rollup_matches(tenant):
    expected = rows(LIVE_LINES, tenant)
    assert expected and rows(ROLLUP, tenant) == expected
    by_month = rows(LIVE_LINES_BY_MONTH, tenant)
    assert by_month and rows(MONTHLY, tenant) == by_month


def test_the_rollup_holds_the_lines_of_live_orders_per_rep_and_day(book, rival_book):
    assert_rollup_matches(book.tenant)
    # the cancelled 9999 of 10 November is not in it
    assert (book.rep_a.pk, dt.date(2026, 11, 10)) not in {
        (r, d) for r, d, _a, _c in rows(ROLLUP, book.tenant)
    }


def test_the_rollup_follows_every_write(book):
    admin = book.manager.reports_to
    with scope(tenant=book.tenant.pk):
        order = sales.order_create(
            tenant=book.tenant,
            by=admin,
            customer=book.c3,
            rep=book.rep_b,
            order_date=dt.date(2026, 11, 20),
            lines=[{"product": book.px, "quantity": Decimal("2"), "unit_price": Decimal("50")}],
        )
        assert_rollup_matches(book.tenant)
        # lines replaced, then the order moved to another day and rep
        order = sales.order_update(
            order=order,
            by=admin,
            lines=[{"product": book.py, "quantity": Decimal("3"), "unit_price": Decimal("70")}],
        )
        assert_rollup_matches(book.tenant)
        order = sales.order_update(order=order, by=admin, order_date=dt.date(2026, 11, 21), rep=book.rep_a)
        assert_rollup_matches(book.tenant)
        sales.order_cancel(order=order, by=admin)
        assert_rollup_matches(book.tenant)
        Order.objects.filter(pk=order.pk).update(status=Order.Status.CONFIRMED)  # reinstated
        assert_rollup_matches(book.tenant)
        OrderLine.objects.filter(order=order).update(amount=Decimal("1"))
        assert_rollup_matches(book.tenant)
        sales.order_delete(order=Order.objects.get(pk=order.pk), by=admin)
        assert_rollup_matches(book.tenant)


def test_the_monthly_rollup_follows_bulk_writes_across_months_and_reps(book, rival_book):
    """One statement moving many lines between days, months and reps, or deleting them, moves the
    monthly sums with the day sums (the bulk paths: one statement-level trigger call per statement)."""
    tenant = book.tenant
    with scope(tenant=tenant.pk):
        created = sales.order_bulk_create(
            tenant=tenant,
            by=book.manager.reports_to,
            rows=[
                {
                    "customer": customer.pk,
                    "rep": rep.pk,
                    "order_date": day,
                    "lines": [
                        {"product": book.px.pk, "quantity": Decimal("1"), "unit_price": Decimal(price)}
                    ],
                }
                for customer, rep, day, price in (
                    (book.c2, book.rep_a, dt.date(2026, 9, 30), "10"),
                    (book.c3, book.rep_b, dt.date(2026, 10, 1), "20"),
                    (book.c3, book.rep_b, dt.date(2026, 12, 31), "40"),
                )
            ],
        )
        assert len(created) == 3
        assert_rollup_matches(tenant)
        lines = OrderLine.objects.filter(tenant=tenant)
        lines.filter(order_date=dt.date(2026, 10, 31)).update(order_date=dt.date(2026, 9, 1))  # a month back
        assert_rollup_matches(tenant)
        lines.filter(rep=book.rep_b).update(rep=book.rep_a, amount=Decimal("7"))  # to another rep
        assert_rollup_matches(tenant)
        lines.filter(order_date__gte=dt.date(2026, 11, 1)).delete()
        assert_rollup_matches(tenant)
        Order.objects.filter(tenant=tenant).update(status=Order.Status.CANCELLED)  # every order at once
        assert not rows(MONTHLY, tenant) and not rows(ROLLUP, tenant)
        Order.objects.filter(tenant=tenant).update(status=Order.Status.CONFIRMED)
        assert_rollup_matches(tenant)
    # the other tenant's months stay as its lines make them
    assert_rollup_matches(rival_book.rep.tenant)


def _sql_of(**kwargs) -> str:
    with CaptureQueriesContext(connection) as ctx:
        frame = compute(**kwargs)
    return " ".join(q["sql"] for q in ctx.captured_queries), frame


def test_compute_reads_the_rollup_for_plain_sums_and_the_lines_otherwise(book):
    common = {
        "tenant": book.tenant,
        "grain": "month",
        "start": dt.date(2026, 10, 1),
        "end": dt.date(2026, 11, 30),
    }
    with scope(tenant=book.tenant.pk):
        sql, plain = _sql_of(metrics=["revenue", "gross_margin"], by="team", **common)
        assert "sales_orderlinemonth" in sql  # two whole months
        # a line-level filter, or a count, needs the lines themselves
        for kwargs in (
            {"metrics": ["revenue"], "by": "rep", "filters": {"category_ids": [book.cat_x.pk]}},
            {"metrics": ["revenue", "order_count"], "by": "rep"},
            {"metrics": ["revenue"], "by": "region"},
        ):
            sql, _frame = _sql_of(**kwargs, **common)
            assert "sales_orderline " in sql, kwargs
            assert "sales_orderlineday" not in sql and "sales_orderlinemonth" not in sql, kwargs
        _sql, lines = _sql_of(metrics=["revenue", "gross_margin", "order_count"], by="team", **common)
    assert plain.equals(lines[["revenue", "gross_margin"]])
    # North ⊃ North-1: October 1500 + 400, November 300 + 200 (the cancelled order left out)
    assert plain.loc[(book.north.pk, dt.date(2026, 10, 1)), "revenue"] == 1900
    assert plain.loc[(book.north.pk, dt.date(2026, 11, 1)), "revenue"] == 500


def test_compute_reads_whole_months_from_the_monthly_rollup_and_the_days_at_either_end(book):
    """Whole months come from the monthly rollup; a month the range covers in part is read per day, or,
    when the range holds most of it, as the month's row less the days outside. Every range gives the
    numbers the lines give, but for a rep whose month has facts only outside the range: a zero row
    where the lines have none."""
    # Facts outside the ranges below that the month rows hold and the subtraction must take out:
    # rep_b on 28 November (after 5 October–27 November), rep_a on 2 November (before 3–27 November,
    # where rep_a then has no facts at all: the zero row).
    order(book.c3, dt.date(2026, 11, 28), (book.py, "70", "30"))
    order(book.c2, dt.date(2026, 11, 2), (book.px, "90", "20"))
    with scope(tenant=book.tenant.pk):
        for start, end, monthly, daily in (
            (dt.date(2026, 10, 5), dt.date(2026, 11, 15), True, True),  # October less 1-4, November per day
            (dt.date(2026, 10, 1), dt.date(2026, 11, 15), True, True),  # November 1-15: half, per day
            (dt.date(2026, 9, 30), dt.date(2026, 12, 1), True, True),  # a day at either end
            (dt.date(2026, 10, 1), dt.date(2026, 12, 31), True, False),  # whole months
            (dt.date(2026, 10, 1), dt.date(2026, 11, 20), True, True),  # November less 21-30
            (dt.date(2026, 11, 3), dt.date(2026, 11, 27), True, True),  # November less 1-2 and 28-30
            (dt.date(2026, 11, 10), dt.date(2026, 11, 12), False, True),  # three days, per day
        ):
            for grain, by in (("month", "rep"), ("quarter", "team"), ("year", "tenant"), ("month", "line")):
                common = {"tenant": book.tenant, "grain": grain, "start": start, "end": end, "by": by}
                sql, plain = _sql_of(metrics=["revenue", "gross_margin"], **common)
                assert ("sales_orderlinemonth" in sql) == monthly, (start, end, grain)
                assert ("sales_orderlineday" in sql) == daily, (start, end, grain)
                _sql, lines = _sql_of(metrics=["revenue", "gross_margin", "order_count"], **common)
                lines = lines[["revenue", "gross_margin"]]
                extra = plain.index.difference(lines.index)
                assert not plain.loc[extra].to_numpy().any(), (start, end, grain, by)  # zeros only
                assert plain.drop(extra).equals(lines), (start, end, grain, by)
        sql, plain = _sql_of(
            tenant=book.tenant,
            metrics=["revenue"],
            grain="month",
            by="rep",
            start=dt.date(2026, 11, 3),
            end=dt.date(2026, 11, 27),
        )
        assert plain.to_dict() == {
            "revenue": {
                (book.rep_a.pk, dt.date(2026, 11, 1)): 0.0,
                (book.rep_b.pk, dt.date(2026, 11, 1)): 200.0,
            }
        }
        # narrowed to reps, as a manager's line is
        common = {"tenant": book.tenant, "start": dt.date(2026, 1, 1), "end": dt.date(2026, 11, 15)}
        sql, plain = _sql_of(metrics=["revenue"], grain="year", by="rep", rep_ids=[book.rep_b.pk], **common)
        assert "sales_orderlinemonth" in sql
        assert plain.to_dict() == {"revenue": {(book.rep_b.pk, dt.date(2026, 1, 1)): 600.0}}
        # weeks cross months: days only
        sql, _frame = _sql_of(metrics=["revenue"], grain="week", by="rep", **common)
        assert "sales_orderlinemonth" not in sql and "sales_orderlineday" in sql
