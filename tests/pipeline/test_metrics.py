"""The pipeline's KPIs in the engine, against figures worked out by hand (see apps/pipeline/metrics.py)."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django_scopes import scope

from apps.pipeline.models import Opportunity
from apps.pipeline.selectors import stage_conversion
from apps.targets.engine import compute

from .factories import OpportunityFactory, StageChangeFactory

pytestmark = pytest.mark.django_db

NOV, DEC = dt.date(2026, 11, 1), dt.date(2026, 12, 1)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
CODES = [
    "opportunities_created",
    "opportunities_won",
    "opportunities_lost",
    "won_amount",
    "win_rate",
    "avg_days_to_close",
    "stage_exits",
    "stage_advances",
    "stage_conversion_rate",
    "weighted_pipeline",
    "open_pipeline",
]


def d(month, day):
    return dt.date(2026, month, day)


@pytest.fixture
def facts(tenant, rep, peer, stages):
    won, lost, open_ = Opportunity.Status.WON, Opportunity.Status.LOST, Opportunity.Status.OPEN

    def opp(owner, opened, status=open_, closed=None, amount="1000", probability=10, close=None):
        return OpportunityFactory(
            tenant=tenant,
            owner=owner,
            stage=stages["plan"],
            opened_on=opened,
            status=status,
            closed_on=closed,
            amount=Decimal(amount),
            probability=probability,
            expected_close=close,
        )

    o1 = opp(rep, d(11, 2), won, d(11, 12), "1000", 100)  # 10 days to close
    opp(rep, d(11, 5), won, d(11, 25), "3000", 100)  # 20 days
    opp(rep, d(10, 20), lost, d(11, 10), "9000", 0)  # opened in October
    opp(rep, d(11, 15), amount="2000", probability=25, close=d(11, 28))  # weighted 500 in November
    opp(rep, d(11, 16), amount="4000", probability=50, close=d(12, 10))  # weighted 2000 in December
    opp(peer, d(11, 3), amount="800", probability=50, close=d(11, 20))  # the peer's: 400

    def change(at, advanced, from_stage=True):
        StageChangeFactory(
            tenant=tenant,
            opportunity=o1,
            from_stage=stages["plan"] if from_stage else None,
            at=dt.datetime.combine(at, dt.time(10), tzinfo=SHANGHAI),
            advanced=advanced,
        )

    change(d(11, 2), False, from_stage=False)  # the creation: not an exit
    change(d(11, 4), True)
    change(d(11, 6), True)
    change(d(11, 8), False)
    change(d(11, 12), True)
    change(d(10, 30), True)  # October
    return o1


def test_pipeline_metrics_match_the_hand_computation(tenant, rep, peer, facts):
    with scope(tenant=tenant):
        frame = compute(tenant=tenant, metrics=CODES, grain="month", start=d(10, 1), end=d(12, 31), by="rep")
    nov = frame.loc[(rep.pk, NOV)]
    assert nov["opportunities_created"] == 4
    assert (nov["opportunities_won"], nov["opportunities_lost"]) == (2, 1)
    assert nov["won_amount"] == 4000
    assert nov["win_rate"] == pytest.approx(2 / 3)
    assert nov["avg_days_to_close"] == pytest.approx(15)
    assert (nov["stage_exits"], nov["stage_advances"]) == (4, 3)
    assert nov["stage_conversion_rate"] == pytest.approx(0.75)
    assert (nov["weighted_pipeline"], nov["open_pipeline"]) == (500, 2000)
    assert frame.loc[(rep.pk, DEC), "weighted_pipeline"] == 2000
    assert frame.loc[(rep.pk, dt.date(2026, 10, 1)), "opportunities_created"] == 1
    assert frame.loc[(peer.pk, NOV), "weighted_pipeline"] == 400


def test_a_team_sums_its_reps_before_dividing(tenant, team, rep, peer, facts):
    with scope(tenant=tenant):
        frame = compute(
            tenant=tenant,
            metrics=["weighted_pipeline", "win_rate"],
            grain="month",
            start=NOV,
            end=d(11, 30),
            by="team",
        )
    row = frame.loc[(team.pk, NOV)]
    assert row["weighted_pipeline"] == 900
    assert row["win_rate"] == pytest.approx(2 / 3)


def test_the_per_stage_conversion_places_moves_by_the_tenants_day(tenant, admin, rep, stages):
    """Like the engine, by the local day: a move at 01:00 in Shanghai on 1 November is November's
    (the UTC date is 31 October), one at 01:00 on 1 December is not."""
    opp = OpportunityFactory(tenant=tenant, owner=rep, stage=stages["approach"])

    def entered(day, stage):
        StageChangeFactory(
            tenant=tenant,
            opportunity=opp,
            to_stage=stage,
            at=dt.datetime.combine(day, dt.time(1), tzinfo=SHANGHAI),
        )

    entered(d(11, 1), stages["plan"])
    entered(d(11, 30), stages["approach"])
    entered(d(12, 1), stages["approach"])
    with scope(tenant=tenant):
        rows = stage_conversion(tenant=tenant, viewer=admin, start=NOV, end=d(11, 30))
    assert {r["stage"].name: r["entered"] for r in rows} == {"Planning": 1, "Approach": 1, "Presentation": 0}
