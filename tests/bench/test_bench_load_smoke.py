"""The load bench works end to end at a tiny size: gunicorn with the production settings against the
test database, two virtual users (a manager and a rep) for a few seconds, every answer 2xx, and what
the load wrote removed again."""

import argparse

import pytest
from django_scopes import scopes_disabled

from apps.sales.models import Order
from apps.visits.models import DailyReport, Visit
from bench import load as load_bench

# Committed data: the server is another process and reads the test database through its own connections.
pytestmark = pytest.mark.django_db(transaction=True)

TINY = {
    "load_reps": 4,
    "load_teams": 2,
    "load_customers": 40,
    "load_lines": 1500,
    "load_visits": 300,
    "load_weeks": 2,
    "load_duration": 3.0,
    "load_warmup": 0.0,
    "load_users": 2,
    "load_workers": 1,
    "load_threads": 2,
    "load_worker_class": "gthread",
    "load_port": 0,
    "load_settings": "tests.bench.load_settings",
    "load_slug": "bench-load-smoke",
    "load_seed": 1,
    "load_collectstatic": False,
}


def test_load_bench_serves_the_whole_mix_without_errors():
    args = argparse.Namespace(**TINY, rebuild=False)
    with scopes_disabled():
        rows = {row.name: row for row in load_bench.run(args, log=print)}
        total = rows["total"]
        assert total.ok, total.values
        assert rows["server log"].ok
        # Each user tours its whole mix first: every list, detail, page and write was answered.
        for name in (
            "rep GET /api/v1/customers/",
            "rep GET /api/v1/orders/{id}/",
            "rep GET page targets:mine",
            "rep GET page visits:today",
            "rep GET page dashboard",
            "rep POST /api/v1/daily-reports/",
            "rep POST /api/v1/visits/{id}/check-out/",
            "manager GET page dashboard",
            "manager GET card targets:team-card ?period=month",
            "manager GET page reporting:weekly",
            "manager GET /api/v1/targets/progress/?grain=month",
        ):
            assert name in rows or name.replace("month", "quarter") in rows, (name, sorted(rows))
        for row in rows.values():
            if "n" in row.values and row.values["n"]:
                assert row.values["p99_ms"] >= row.values["p50_ms"] > 0
                assert row.values["rps"] > 0
        assert rows["setup"].values["reports_filed"] >= 1
        assert rows["total"].values["server_cpu_ms_per_req"] > 0
        # What the load filed is gone: a rerun finds the same tenant.
        assert not DailyReport.objects.filter(learnings=load_bench.MARK).exists()
        assert not Visit.objects.filter(note=load_bench.MARK).exists()
        assert Order.objects.count() == 500  # the tiny data set's own
