"""The bench code works end to end at a tiny size (in the test database): data set, ingest, lists."""

import argparse

import pytest
from django_scopes import scope

from bench import foundation
from bench.common import Row, percentile, print_table, summarize_ms, write_csv
from bench.dataset import BenchSize, bench_tenant_ensure

pytestmark = pytest.mark.django_db(transaction=False)

TINY = {"reps": 5, "customers": 50, "lines": 2000, "days": 730}


def scalar(sql, params):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


def test_percentiles_interpolate_between_samples():
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([10, 20], 95) == pytest.approx(19.5)
    assert summarize_ms([0.001, 0.002, 0.003])["p50_ms"] == 2.0


def test_bench_tenant_has_the_requested_size_and_consistent_facts():
    bench = bench_tenant_ensure(slug="bench-smoke", size=BenchSize(**TINY), log=lambda *_: None)
    t = bench.tenant.pk
    assert len(bench.reps) == 5 and bench.admin.role == "admin"
    assert scalar("SELECT count(*) FROM customers_customer WHERE tenant_id = %s", [t]) == 50
    assert scalar("SELECT count(*) FROM sales_orderline WHERE tenant_id = %s", [t]) == 2000
    assert scalar("SELECT count(*) FROM sales_order WHERE tenant_id = %s", [t]) == 667
    assert scalar("SELECT count(*) FROM sales_payment WHERE tenant_id = %s", [t]) > 300
    assert (
        scalar(
            """SELECT count(*) FROM sales_order o JOIN (SELECT order_id, sum(amount) a FROM sales_orderline
               GROUP BY order_id) l ON l.order_id = o.id WHERE o.tenant_id = %s AND o.amount <> l.a""",
            [t],
        )
        == 0
    )
    assert (
        scalar(
            """SELECT count(*) FROM sales_orderline l JOIN sales_order o ON o.id = l.order_id
               WHERE l.tenant_id = %s AND (l.rep_id <> o.rep_id OR l.customer_id <> o.customer_id
               OR l.order_date <> o.order_date)""",
            [t],
        )
        == 0
    )
    # Asking again for the same size reuses it.
    again = bench_tenant_ensure(slug="bench-smoke", size=BenchSize(**TINY), log=lambda *_: None)
    assert again.reused and again.tenant.pk == t


def test_foundation_bench_runs_and_reports_every_figure(tmp_path):
    args = argparse.Namespace(**TINY, batches=2, batch_size=50, requests=3, slug="bench-smoke", rebuild=False)
    with scope():  # as `make bench` runs it: no tenant scope and scopes enabled (this module's autouse
        rows = foundation.run(args, log=lambda *_: None)  # fixture disables them)
    by_name = {row.name: row for row in rows}
    ingest = by_name["bulk ingest POST /api/v1/orders/bulk/"]
    assert ingest.values["status"] == "201", ingest.values
    assert ingest.values["orders_per_s"] > 0
    lists = [row for row in rows if " GET /api/v1/" in row.name]
    assert len(lists) >= 8
    assert all(row.values["queries"] > 0 and row.values["p95_ms"] > 0 for row in lists)
    # First and deep pages of the same list cost the same number of queries.
    orders = [row for row in lists if row.name.startswith("manager GET /api/v1/orders/ [")]
    assert {row.name.rsplit(" ", 1)[1] for row in orders} == {"[first]", "[deep]"}
    assert len({row.values["queries"] for row in orders}) == 1
    # The ingested orders are gone again.
    bench_tenant = foundation.bench_tenant_ensure(
        slug="bench-smoke", size=BenchSize(**TINY), log=lambda *_: None
    )
    assert bench_tenant.reused
    print_table(rows)
    path = write_csv([*rows, Row("x", "y", {"a": 1})], "smoke", directory=tmp_path)
    assert path.read_text().splitlines()[0].startswith("case,measure,")
