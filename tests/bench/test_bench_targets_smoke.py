"""The targets bench works end to end at a tiny size (in the test database): targets, progress, hand SQL."""

import argparse
import datetime as dt

import pytest
from django_scopes import scopes_disabled

from apps.targets.models import Target
from bench import targets as targets_bench

pytestmark = pytest.mark.django_db(transaction=False)

TINY = {"targets_reps": 5, "targets_customers": 50, "targets_lines": 2000, "targets_slug": "bench-smoke"}


def test_targets_bench_runs_matches_hand_sql_and_reports_every_figure():
    args = argparse.Namespace(**TINY, rebuild=False, targets_repeat=1, dashboard_requests=2)
    with scopes_disabled():
        rows = targets_bench.run(args, log=lambda *_: None)
        by_name = {row.name: row for row in rows}
        assert by_name["dataset"].values["targets"] == 5 * 12 * 8
        assert by_name["dataset"].values["reused"] == "no"
        progress = by_name["progress target_progress()"]
        assert progress.values["targets"] == 480 and progress.values["queries"] > 0
        assert by_name["hand-written SQL"].values["s"] > 0
        assert by_name["engine / hand SQL"].values["ratio"] > 0
        # A tenth of the targets costs the same number of queries as all of them.
        assert by_name["queries 10% subset vs all"].ok
        check = by_name["engine actuals = hand SQL"]
        assert check.ok and check.values["additive_mismatches"] == 0 and check.values["nonzero"] > 0
        assert check.values["other_mismatches"] == 0
        # A second run reuses the targets instead of creating them again.
        again = targets_bench.run(args, log=lambda *_: None)
        assert {row.name: row for row in again}["dataset"].values["reused"] == "yes"
        assert Target.objects.filter(statement=targets_bench.MARK).count() == 480
        # The team dashboard (the home's attainment card) is timed for a manager and an admin, each
        # period, with its query count.
        pages = [row for row in rows if row.name.startswith("team dashboard")]
        assert len(pages) == 6 and all(
            row.values["p95_ms"] > 0 and row.values["queries"] > 0 for row in pages
        )


def test_the_targets_data_holds_last_year_and_the_december_before_it_on_every_day():
    day = dt.date(2026, 1, 1)
    while day < dt.date(2029, 1, 1):  # a leap year among them
        days = targets_bench.data_days(day)
        assert 730 <= days <= 762
        assert targets_bench.latest_full_year(day, days) == day.year - 1, day
        day += dt.timedelta(days=1)
    # What 730 days alone gave in December: no such year.
    with pytest.raises(RuntimeError, match="no full year"):
        targets_bench.latest_full_year(dt.date(2026, 12, 5), 730)
