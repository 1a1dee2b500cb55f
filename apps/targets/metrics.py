"""The metric registry: a metric is declared once, as a fact source plus an aggregate.

A `FactSource` names a table (read as alias `f`), the column that places a fact in a period, and the
columns through which each dimension is reached (rep, customer, product). From those three columns the
engine derives every slice: rep; team (the rep's membership team rolled up through the team closure);
line (the reporting closure: a manager's value includes everyone below them); region (the customer's
region rolled up through the region closure); customer; product and category.

A `Metric` is an aggregate over one source (sum, count, count distinct) with an optional predicate.
A `RatioMetric` divides two metrics after aggregation — never an average of averages.
A `RepeatMetric` counts entities (customers) seen in the previous period, and those seen again in this one.

Later apps register theirs in their AppConfig.ready():

    from apps.targets.metrics import FactSource, Metric, RatioMetric, registry
    registry.register_source(FactSource(code="visits", table="visits_visit", date_column="visited_at",
                                        date_is_timestamp=True, rep_column="rep_id", customer_column="customer_id"))
    registry.register(Metric(code="visits", name=_("Visits"), source="visits", agg="count"))

SQL fragments here are code, never user input: tenant-defined metrics (CustomMetric) only add
filters, which the engine turns into bound parameters.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from django.utils.functional import Promise

AGGREGATES = ("sum", "count", "count_distinct")
GRAINS = ("week", "month", "quarter", "year")
DIMENSIONS = ("tenant", "rep", "team", "line", "region", "customer", "product", "category")


@dataclass(frozen=True)
class FactSource:
    code: str
    table: str
    date_column: str
    # True for timestamptz columns: truncated in the tenant's time zone. Date columns are already
    # local calendar dates and are truncated as `col::timestamp` (a bare date would be cast to
    # timestamptz, which is slower and zone-dependent).
    date_is_timestamp: bool = False
    rep_column: str | None = None
    customer_column: str | None = None
    product_column: str | None = None
    # A fixed predicate every fact of this source must meet (alias f, %(tenant)s is bound).
    where: str = ""
    # A pre-aggregate of the same facts per (tenant_id, rep_id, day): sums of `rollup_sums` (written
    # over alias f with the rollup's own column names) read from it when nothing finer is asked.
    rollup: str = ""
    rollup_sums: tuple[str, ...] = ()
    # The same sums per (tenant_id, rep_id, month), `month` its first day: whole months of a month,
    # quarter or year grain read a row per rep and month instead of one per day.
    rollup_monthly: str = ""

    def supports(self, dimension: str) -> bool:
        if dimension == "tenant":
            return True
        if dimension in ("rep", "team", "line"):
            return self.rep_column is not None
        if dimension in ("region", "customer"):
            return self.customer_column is not None
        if dimension in ("product", "category"):
            return self.product_column is not None
        return False


@dataclass(frozen=True)
class Metric:
    code: str
    name: str | Promise
    source: str
    agg: Literal["sum", "count", "count_distinct"]
    expr: str = "*"  # SQL over alias f (and c = customer, p = product when `needs` names them)
    where: str = ""  # predicate on the facts counted by this metric only (%(today)s: the tenant's today)
    needs: tuple[str, ...] = ()  # joins the expression or predicate reads: "customer", "product"
    unit: str = ""

    kind = "aggregate"

    def __post_init__(self) -> None:
        if self.agg not in AGGREGATES:
            raise ValueError(f"unknown aggregate {self.agg!r}")

    @property
    def additive(self) -> bool:
        """Children of a target on this metric must sum to the parent (count distinct does not add up)."""
        return self.agg in ("sum", "count")


@dataclass(frozen=True)
class RepeatMetric:
    """Entities (distinct customers) of a source seen in the previous period (`mode="prior"`) or seen
    in the previous period and again in this one (`mode="retained"`), per dimension key."""

    code: str
    name: str | Promise
    source: str
    mode: Literal["prior", "retained"]
    unit: str = ""

    kind = "repeat"
    additive = False


@dataclass(frozen=True)
class RatioMetric:
    code: str
    name: str | Promise
    numerator: str
    denominator: str
    unit: str = "ratio"

    kind = "ratio"
    additive = False


AnyMetric = Metric | RepeatMetric | RatioMetric


@dataclass
class MetricRegistry:
    sources: dict[str, FactSource] = field(default_factory=dict)
    metrics: dict[str, AnyMetric] = field(default_factory=dict)

    def register_source(self, source: FactSource) -> FactSource:
        self.sources[source.code] = source
        return source

    def register(self, metric: AnyMetric) -> AnyMetric:
        if isinstance(metric, RatioMetric):
            for part in (metric.numerator, metric.denominator):
                if part not in self.metrics:
                    raise ValueError(f"{metric.code}: register {part!r} before the ratio using it")
                if isinstance(self.metrics[part], RatioMetric):
                    raise ValueError(f"{metric.code}: a ratio divides two aggregates, not another ratio")
        elif metric.source not in self.sources:
            raise ValueError(f"{metric.code}: unknown fact source {metric.source!r}")
        self.metrics[metric.code] = metric
        return metric

    def unregister(self, code: str) -> None:
        self.metrics.pop(code, None)
        self.sources.pop(code, None)

    def get(self, code: str) -> AnyMetric | None:
        return self.metrics.get(code)

    def __contains__(self, code: str) -> bool:
        return code in self.metrics

    def __iter__(self) -> Iterator[AnyMetric]:
        return iter(self.metrics.values())

    def source_of(self, metric: AnyMetric) -> FactSource | None:
        """The single fact source of a metric (a ratio's when both its parts read the same one)."""
        if isinstance(metric, RatioMetric):
            a = self.source_of(self.metrics[metric.numerator])
            b = self.source_of(self.metrics[metric.denominator])
            return a if a == b else None
        return self.sources[metric.source]

    def leaves(self, metric: AnyMetric) -> list[Metric | RepeatMetric]:
        """The aggregates a metric needs computed (a ratio: its numerator's and denominator's)."""
        if isinstance(metric, RatioMetric):
            return self.leaves(self.metrics[metric.numerator]) + self.leaves(self.metrics[metric.denominator])
        return [metric]


registry = MetricRegistry()
