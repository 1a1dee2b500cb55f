"""The receivables bench works end to end at a tiny size (in the test database): the reporting
case's organisation, its receivables rebuilt (every confirmed order invoiced), and the ageing of all
customers timed with its query count; a second run keeps what the first built."""

import argparse

import pytest
from django_scopes import scopes_disabled

from apps.sales.models import Invoice, Order
from bench import receivables as receivables_bench

pytestmark = pytest.mark.django_db(transaction=False)

TINY = {
    "reporting_reps": 6,
    "reporting_customers": 60,
    "reporting_lines": 3000,
    "reporting_weeks": 4,
    "reporting_slug": "bench-receivables-smoke",
    "receivables_repeat": 5,
}


def test_receivables_bench_invoices_every_order_and_times_the_ageing():
    args = argparse.Namespace(**TINY, rebuild=False)
    with scopes_disabled():
        rows = {row.name: row for row in receivables_bench.run(args, log=lambda *_: None)}
        confirmed = Order.objects.filter(status=Order.Status.CONFIRMED).count()
        assert rows["rebuild"].values["customers_invoiced"] > 0
        ageing = rows["ageing by customer"]
        assert ageing.values["invoices"] == confirmed == Invoice.objects.count()
        assert 0 < ageing.values["open_invoices"] < confirmed
        assert ageing.values["queries"] == 1  # one grouped statement, the names joined in
        assert ageing.values["runs"] == 5 and ageing.values["median_ms"] > 0
        assert ageing.goal == "median < 1000 ms"

        again = {row.name: row for row in receivables_bench.run(args, log=lambda *_: None)}
        assert again["rebuild"].values["customers_invoiced"] == 0
        assert again["rebuild"].values["allocations"] == 0
