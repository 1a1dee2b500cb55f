"""Pipeline metrics, plugged into the KPI engine's registry (apps.targets.metrics).

Registered from PipelineConfig.ready(), so `targets` never imports `pipeline`. Every metric is one
grouped statement per fact source, sliceable by rep (the opportunity's owner), team, reporting line,
region and customer (a prospect's opportunity has no customer: region and customer slices leave it
out), at any period grain.

Definitions (dates are the tenant's local days):
- opportunities_created: opportunities opened in the period (placed by `opened_on`).
- opportunities_won / opportunities_lost: opportunities closed won / lost in the period (placed by
  `closed_on`); opportunities_closed: both.
- won_amount: the expected amount of the opportunities won in the period (the order's own amount
  counts in revenue; this is what the pipeline promised).
- win_rate (赢单率) = opportunities_won / opportunities_closed.
- days_to_close: the sum, over opportunities won in the period, of the days from opened to won;
  avg_days_to_close = days_to_close / opportunities_won (an average of the won deals, never an
  average of averages).
- stage_exits: stage changes out of a stage in the period (the creation of an opportunity is not
  one); stage_advances: those that went to a later open stage or to a won stage.
  stage_conversion_rate = stage_advances / stage_exits. The per-stage rates (of the opportunities that
  entered stage S in the period, the share that later entered a later stage) are on the forecast page
  (selectors.stage_conversion), from the same history table.
- weighted_pipeline: Σ amount × probability / 100 of the open opportunities, placed by their
  expected close date; open_pipeline: Σ amount of the same.
- pipeline coverage = weighted pipeline of a month ÷ the remaining revenue target of that month (the
  target minus the revenue to date, from apps.targets target_progress): it needs a target, which is
  not a fact, so it is worked out by selectors.pipeline_forecast from the engine's weighted_pipeline
  and the targets' gap, month by month.

Ratios are divided after aggregation, by the engine, from their numerator's and denominator's sums.
"""

from django.utils.translation import gettext_lazy as _

from apps.targets.metrics import FactSource, Metric, RatioMetric, registry

WON = "f.status = 'won'"
LOST = "f.status = 'lost'"


def register_pipeline_metrics() -> None:
    for source in (
        FactSource(
            code="opportunities",
            table="pipeline_opportunity",
            date_column="opened_on",
            rep_column="owner_id",
            customer_column="customer_id",
        ),
        FactSource(
            code="opportunities_closed",
            table="pipeline_opportunity",
            date_column="closed_on",
            rep_column="owner_id",
            customer_column="customer_id",
            where="f.status IN ('won', 'lost')",
        ),
        FactSource(
            code="opportunities_open",
            table="pipeline_opportunity",
            date_column="expected_close",
            rep_column="owner_id",
            customer_column="customer_id",
            where="f.status = 'open'",
        ),
        FactSource(
            code="stage_changes",
            table="pipeline_stagechange",
            date_column="at",
            date_is_timestamp=True,
            rep_column="owner_id",
        ),
    ):
        registry.register_source(source)
    for metric in (
        Metric(
            code="opportunities_created", name=_("Opportunities created"), source="opportunities", agg="count"
        ),
        Metric(
            code="opportunities_won",
            name=_("Opportunities won"),
            source="opportunities_closed",
            agg="count",
            where=WON,
        ),
        Metric(
            code="opportunities_lost",
            name=_("Opportunities lost"),
            source="opportunities_closed",
            agg="count",
            where=LOST,
        ),
        Metric(
            code="opportunities_closed",
            name=_("Opportunities closed"),
            source="opportunities_closed",
            agg="count",
        ),
        Metric(
            code="won_amount",
            name=_("Won opportunity amount"),
            source="opportunities_closed",
            agg="sum",
            expr="f.amount",
            where=WON,
            unit="money",
        ),
        Metric(
            code="days_to_close",
            name=_("Days to close (sum)"),
            source="opportunities_closed",
            agg="sum",
            expr="(f.closed_on - f.opened_on)",
            where=WON,
        ),
        Metric(
            code="stage_exits",
            name=_("Stage exits"),
            source="stage_changes",
            agg="count",
            where="f.from_stage_id IS NOT NULL",
        ),
        Metric(
            code="stage_advances",
            name=_("Stage advances"),
            source="stage_changes",
            agg="count",
            where="f.from_stage_id IS NOT NULL AND f.advanced",
        ),
        Metric(
            code="weighted_pipeline",
            name=_("Weighted pipeline"),
            source="opportunities_open",
            agg="sum",
            expr="f.amount * f.probability / 100.0",
            unit="money",
        ),
        Metric(
            code="open_pipeline",
            name=_("Open pipeline"),
            source="opportunities_open",
            agg="sum",
            expr="f.amount",
            unit="money",
        ),
    ):
        registry.register(metric)
    for code, name, numerator, denominator, unit in (
        ("win_rate", _("Win rate"), "opportunities_won", "opportunities_closed", "ratio"),
        ("avg_days_to_close", _("Average days to close"), "days_to_close", "opportunities_won", ""),
        ("stage_conversion_rate", _("Stage conversion rate"), "stage_advances", "stage_exits", "ratio"),
    ):
        registry.register(
            RatioMetric(code=code, name=name, numerator=numerator, denominator=denominator, unit=unit)
        )
