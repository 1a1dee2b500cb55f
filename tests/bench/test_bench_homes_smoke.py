"""The homes bench works end to end at a tiny size (in the test database): the reporting case's
organisation, what a home lists written, each role's home and the htmx cards timed with their query
counts, and what the case wrote removed again."""

import argparse

import pytest
from django_scopes import scopes_disabled

from apps.targets.models import Target
from apps.tenancy.models import Membership
from apps.visits.models import MarketReport, Visit, VisitPlan
from bench import homes as homes_bench

pytestmark = pytest.mark.django_db(transaction=False)

TINY = {
    "reporting_reps": 6,
    "reporting_customers": 60,
    "reporting_lines": 3000,
    "reporting_visits": 600,
    "reporting_weeks": 4,
    "reporting_slug": "bench-homes-smoke",
    "homes_requests": 2,
    "homes_slug": None,
}


def test_homes_bench_times_every_roles_home_and_leaves_nothing_behind():
    args = argparse.Namespace(**TINY, rebuild=False)
    with scopes_disabled():
        rows = {row.name: row for row in homes_bench.run(args, log=lambda *_: None)}
        made = rows["dataset"].values
        assert made["plans"] > 0 and made["visits"] > 0 and made["appraisals"] == 6
        for name in ("home rep", "home manager", "home admin", "home viewer"):
            row = rows[name]
            assert row.values["p95_ms"] > 0 and row.values["queries"] > 0, name
            assert row.values["cards"] >= 4, name
            assert row.goal == "p95 < 100 ms"
        for name in (
            "attainment card manager",
            "team card manager",
            "attainment card admin",
            "team card admin",
        ):
            assert rows[name].values["queries"] > 0, name
        # Everything marked is gone: the organisation is the reporting case's again.
        assert not VisitPlan.objects.filter(note=homes_bench.MARK).exists()
        assert not Visit.objects.filter(note=homes_bench.MARK).exists()
        assert not MarketReport.objects.filter(title__startswith=homes_bench.MARK).exists()
        assert not Target.objects.filter(statement=homes_bench.MARK).exists()
        assert not Membership.objects.filter(user__username=homes_bench.VIEWER).exists()
