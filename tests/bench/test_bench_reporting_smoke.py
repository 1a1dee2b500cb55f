"""The reporting bench works end to end at a tiny size (in the test database): visits generated,
52 weeks rolled up, hand SQL equal."""

import argparse

import pytest
from django_scopes import scopes_disabled

from bench import reporting as reporting_bench

pytestmark = pytest.mark.django_db(transaction=False)

TINY = {
    "reporting_reps": 6,
    "reporting_customers": 60,
    "reporting_lines": 3000,
    "reporting_visits": 2000,
    "reporting_weeks": 52,
    "reporting_slug": "bench-reporting-smoke",
    "reporting_repeat": 1,
}


def test_reporting_bench_rolls_up_52_weeks_equal_to_hand_sql():
    args = argparse.Namespace(**TINY, rebuild=False)
    with scopes_disabled():
        rows = {row.name: row for row in reporting_bench.run(args, log=lambda *_: None)}
        assert rows["dataset"].values["visits"] == 2000 and rows["dataset"].values["weeks"] == 52
        assert rows["rollup_weeks() 52 weeks"].values["rows"] > 52 * 6
        assert rows["hand-written SQL"].values["s"] > 0
        check = rows["rollup = hand SQL"]
        assert check.ok, check.values
        assert check.values["nonzero"] > 100
        again = {row.name: row for row in reporting_bench.run(args, log=lambda *_: None)}
        assert again["dataset"].values["reused"] == "yes"
        assert again["rollup = hand SQL"].ok
