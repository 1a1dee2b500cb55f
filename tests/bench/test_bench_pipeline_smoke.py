"""The pipeline bench works end to end at a tiny size (in the test database): the reporting case's
organisation with the starter stages, its open opportunities written in SQL with their creation in
the history, and the three boards timed with their query counts; a rerun with as many keeps them,
one with another number replaces them (their history too)."""

import argparse

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from apps.pipeline.models import Opportunity, StageChange
from bench import pipeline as pipeline_bench

pytestmark = pytest.mark.django_db(transaction=False)

TINY = {
    "reporting_reps": 6,
    "reporting_customers": 60,
    "reporting_lines": 3000,
    "reporting_weeks": 4,
    "reporting_slug": "bench-pipeline-smoke",
    "pipeline_requests": 2,
}


def _marked():
    return Opportunity.objects.filter(name__startswith=pipeline_bench.MARK)


def test_pipeline_bench_times_the_boards_and_replaces_its_opportunities():
    with scopes_disabled():
        rows = {
            row.name: row
            for row in pipeline_bench.run(
                argparse.Namespace(**TINY, pipeline_opportunities=40, rebuild=False), log=lambda *_: None
            )
        }
        assert rows["dataset"].values["open_opportunities"] == 40 and _marked().count() == 40
        assert rows["whole board admin"].values["cards"] > 0
        with connection.cursor() as cur:  # what the first run's commit does to its ON COMMIT DROP table
            cur.execute("DROP TABLE IF EXISTS bench_pipe_cust")
        again = pipeline_bench.run(
            argparse.Namespace(**TINY, pipeline_opportunities=25, rebuild=False), log=lambda *_: None
        )
        assert again[0].values == {"reps": 6, "open_opportunities": 25, "reused": False}
        assert _marked().count() == 25
        assert StageChange.objects.filter(opportunity__name__startswith=pipeline_bench.MARK).count() == 25
        with connection.cursor() as cur:  # the composite keys are deferred: check them now, as a commit would
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
