"""compute(): every requested metric for every (dimension key, period) in one grouped SQL statement
per fact source (several metrics of a source share it through FILTER clauses), plus one per
(source, filter set) for repeat-customer counts. The number of statements depends on the metrics
asked for, never on the number of reps, teams, periods or targets.

Periods are truncated in the tenant's time zone: date columns hold local calendar dates and are
truncated as `date_trunc(grain, col::timestamp)`; timestamp columns as `col AT TIME ZONE tz`.
Ratios are divided after aggregation, in pandas, from their numerator's and denominator's sums.

compute() runs four steps: _validate_request, _plan_reads (which aggregates, in which statements),
_read_source / _read_repeat_metrics (one statement each) and _assemble_frame. A new app's metrics
change none of them: they are registered (see metrics.py) and planned and read like the built-ins.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from apps.tenancy.dates import period_floor, period_shift, tenant_today
from apps.tenancy.models import Tenant

from .fact_filters import COMPUTE_ONLY_KEYS, FILTER_KEYS, filters_validate, source_has
from .metrics import DIMENSIONS, GRAINS, AnyMetric, FactSource, Metric, RatioMetric, RepeatMetric, registry
from .models import CustomMetric

INDEX = ["key", "period_start"]
_STEP = {"week": "7 days", "month": "1 month", "quarter": "3 months", "year": "1 year"}


@dataclass
class _Leaf:
    """One aggregate compute() reads: a registry metric (never a ratio) narrowed by a custom metric's
    filters, held in a frame column of its own."""

    column: str  # the frame column this aggregate fills
    metric: Metric | RepeatMetric
    filters: dict


@dataclass
class _Sql:
    """Joins, predicates and parameters of one statement; joins are added once, in a valid order."""

    tenant_id: int
    source: FactSource
    joins: dict[str, str] = field(default_factory=dict)
    params: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.params["tenant"] = self.tenant_id

    def need(self, what: str) -> None:
        source = self.source
        if what == "customer" and what not in self.joins:
            self.joins[what] = (
                f"JOIN customers_customer c ON c.tenant_id = %(tenant)s AND c.id = f.{source.customer_column}"
            )
        elif what == "product" and what not in self.joins:
            self.joins[what] = (
                f"JOIN sales_product p ON p.tenant_id = %(tenant)s AND p.id = f.{source.product_column}"
            )
        elif what == "team" and what not in self.joins:
            self.joins[what] = (
                f"JOIN tenancy_membership m ON m.tenant_id = %(tenant)s AND m.id = f.{source.rep_column} "
                "JOIN org_teamclosure tcl ON tcl.tenant_id = %(tenant)s AND tcl.descendant_id = m.team_id"
            )
        elif what == "line" and what not in self.joins:
            self.joins[what] = (
                f"JOIN org_reportingclosure lcl ON lcl.tenant_id = %(tenant)s AND lcl.descendant_id = f.{source.rep_column}"
            )
        elif what == "region" and what not in self.joins:
            self.need("customer")
            self.joins[what] = (
                "JOIN org_regionclosure rcl ON rcl.tenant_id = %(tenant)s AND rcl.descendant_id = c.region_id"
            )

    def key(self, by: str) -> str:
        source = self.source
        if by == "tenant":
            return "f.tenant_id"
        if by == "rep":
            return f"f.{source.rep_column}"
        if by == "customer":
            return f"f.{source.customer_column}"
        if by == "product":
            return f"f.{source.product_column}"
        self.need(by if by != "category" else "product")
        return {"team": "tcl.ancestor_id", "line": "lcl.ancestor_id", "region": "rcl.ancestor_id"}.get(
            by, "p.category_id"
        )

    def trunc(self, grain: str) -> str:
        col = f"f.{self.source.date_column}"
        if self.source.date_is_timestamp:
            return f"date_trunc('{grain}', {col} AT TIME ZONE %(tz)s)::date"
        return f"date_trunc('{grain}', {col}::timestamp)::date"

    def date_range(self, start: dt.date, end: dt.date, tz) -> str:
        col = f"f.{self.source.date_column}"
        if self.source.date_is_timestamp:
            self.params["from_ts"] = dt.datetime.combine(start, dt.time(), tzinfo=tz)
            self.params["to_ts"] = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz)
            return f"{col} >= %(from_ts)s AND {col} < %(to_ts)s"
        self.params["from_day"], self.params["to_day"] = start, end
        return f"{col} BETWEEN %(from_day)s AND %(to_day)s"

    def where_filters(self, filters: dict, prefix: str) -> list[str]:
        """SQL predicates (bound parameters) for validated filters."""
        source, out = self.source, []
        for key, value in sorted(filters.items()):
            name = f"{prefix}_{key}"
            self.params[name] = value
            if key == "rep_ids":
                out.append(f"f.{source.rep_column} = ANY(%({name})s)")
            elif key == "product_ids":
                out.append(f"f.{source.product_column} = ANY(%({name})s)")
            elif key == "customer_ids":
                out.append(f"f.{source.customer_column} = ANY(%({name})s)")
            elif key == "category_ids":
                self.need("product")
                out.append(f"p.category_id = ANY(%({name})s)")
            elif key == "region_ids":
                self.need("customer")
                out.append(
                    "c.region_id IN (SELECT rf.descendant_id FROM org_regionclosure rf"
                    f" WHERE rf.tenant_id = %(tenant)s AND rf.ancestor_id = ANY(%({name})s))"
                )
            elif key == "segment":
                self.need("customer")
                out.append(f"c.segment = %({name})s")
            elif key == "key_account":
                self.need("customer")
                out.append(f"c.is_key_account = %({name})s")
        return out

    def from_clause(self) -> str:
        return f"FROM {self.source.table} f " + " ".join(self.joins.values())


def _aggregate_sql(metric: Metric, predicate: list[str]) -> str:
    if metric.agg == "count":
        call = "COUNT(*)"
    elif metric.agg == "count_distinct":
        call = f"COUNT(DISTINCT {metric.expr})"
    else:
        call = f"SUM({metric.expr})"
    if predicate:
        call += " FILTER (WHERE " + " AND ".join(f"({p})" for p in predicate) + ")"
    return f"COALESCE({call}, 0)" if metric.agg == "sum" else call


def _resolve(*, tenant: Tenant, codes: list[str]) -> dict[str, tuple]:
    """code -> (metric, filters) for built-ins and this tenant's custom metrics (one query at most)."""
    out: dict[str, tuple] = {}
    unknown = [code for code in codes if code not in registry]
    customs = {}
    if unknown:
        customs = {
            custom.code: custom for custom in CustomMetric.objects.filter(tenant=tenant, code__in=unknown)
        }
    for code in codes:
        if code in registry:
            out[code] = (registry.get(code), {})
        elif code in customs and customs[code].base in registry:
            out[code] = (registry.get(customs[code].base), customs[code].filters or {})
        else:
            raise ValidationError({"metrics": _("Unknown metric: %(code)s") % {"code": code}})
    return out


@dataclass(frozen=True)
class _Request:
    """A compute() call with every argument checked and every metric code resolved: what the later
    steps read, so each takes one argument instead of compute()'s eight."""

    tenant: Tenant
    metrics: dict[str, tuple[AnyMetric, dict]]  # requested code -> (registry metric, its own filters)
    grain: str
    by: str
    start: dt.date
    end: dt.date
    filters: dict  # validated filters that narrow every metric, the caller's rep_ids applied


@dataclass(frozen=True)
class _Output:
    """How a requested metric's frame column is made from the aggregate columns read: `column` as it
    is, or, for a ratio, `column` divided by `denominator`."""

    column: str
    denominator: str | None = None


@dataclass(frozen=True)
class _Plan:
    """Which aggregates compute() reads, in which statements, and how it answers from them."""

    leaves: dict[str, _Leaf]  # aggregate column -> its leaf, in the order the metrics first need them
    outputs: dict[str, _Output]  # requested code -> how its column is made
    # One statement per entry, each (fact source code, the leaves it reads):
    source_reads: list[tuple[str, list[_Leaf]]]  # a source's aggregates
    repeat_reads: list[tuple[str, list[_Leaf]]]  # a source's repeat counts under one filter set


def compute(
    *,
    tenant: Tenant,
    metrics: list[str],
    grain: str,
    start: dt.date,
    end: dt.date,
    by: str = "rep",
    filters: dict | None = None,
    rep_ids: list[int] | None = None,
) -> pd.DataFrame:
    """Values of `metrics` per (key of dimension `by`, period start) for facts dated start..end
    (inclusive, local dates). Index (key, period_start), one column per metric code; a key/period
    with no facts is absent (read from the rollups, it may instead be all zeros: see _rollup_rows).
    Additive columns are 0 where another metric has facts, ratios NaN when their denominator is 0.
    `filters` narrow every metric (see fact_filters.FILTER_KEYS, plus rep_ids); `rep_ids` narrows to reps
    the caller took from this tenant's rows, without checking them again."""
    request = _validate_request(
        tenant=tenant,
        metrics=metrics,
        grain=grain,
        start=start,
        end=end,
        by=by,
        filters=filters,
        rep_ids=rep_ids,
    )
    plan = _plan_reads(request)
    frames = [_read_source(request, code, leaves) for code, leaves in plan.source_reads]
    frames += [_read_repeat_metrics(request, code, leaves) for code, leaves in plan.repeat_reads]
    return _assemble_frame(plan, frames)


def _validate_request(
    *,
    tenant: Tenant,
    metrics: list[str],
    grain: str,
    start: dt.date,
    end: dt.date,
    by: str,
    filters: dict | None,
    rep_ids: list[int] | None,
) -> _Request:
    """compute()'s arguments checked (ValidationError on the first bad one, grain, dimension and dates
    before metrics and filters) and resolved: metric codes, each once in the order asked, to registry
    metrics with their custom filters; filters validated against the tenant's rows and narrowed to
    `rep_ids`, which the caller read from this tenant's own rows and so are not looked up again."""
    if grain not in GRAINS:
        raise ValidationError({"grain": _("Unknown period grain: %(grain)s") % {"grain": grain}})
    if by not in DIMENSIONS:
        raise ValidationError({"by": _("Unknown dimension: %(by)s") % {"by": by}})
    if end < start:
        raise ValidationError({"end": _("The end is before the start.")})
    resolved = _resolve(tenant=tenant, codes=list(dict.fromkeys(metrics)))
    checked_filters = filters_validate(
        tenant_id=tenant.pk, filters=filters or {}, source=None, allow_reps=True
    )
    if rep_ids is not None:  # read by the caller from this tenant's own rows: not looked up again
        checked_filters["rep_ids"] = sorted(set(rep_ids) & set(checked_filters.get("rep_ids", rep_ids)))
    return _Request(
        tenant=tenant, metrics=resolved, grain=grain, by=by, start=start, end=end, filters=checked_filters
    )


def _plan_reads(request: _Request) -> _Plan:
    """The aggregates (leaves) the requested metrics need, each once, and the statements that read
    them: a ratio needs its numerator's and denominator's, read by whatever statement reads their
    source, so that two metrics of one source share one statement whatever their number. Raises
    ValidationError for a metric that cannot be sliced or filtered as asked, before any fact is read."""
    leaves: dict[str, _Leaf] = {}
    outputs: dict[str, _Output] = {}
    for code, (metric, own_filters) in request.metrics.items():
        if isinstance(metric, RatioMetric):
            numerator, denominator = registry.get(metric.numerator), registry.get(metric.denominator)
            output = _Output(
                _add_leaf(leaves, request, numerator, own_filters, code),
                _add_leaf(leaves, request, denominator, own_filters, code),
            )
            if numerator.kind == "ratio" or denominator.kind == "ratio":
                raise ValidationError({"metrics": "nested ratios are not supported"})
            outputs[code] = output
        else:
            outputs[code] = _Output(_add_leaf(leaves, request, metric, own_filters, code))
    by_source: dict[str, list[_Leaf]] = {}
    repeats: dict[tuple[str, str], list[_Leaf]] = {}  # by (source, filters): counts differ by mode only
    for leaf in leaves.values():
        if isinstance(leaf.metric, RepeatMetric):
            repeats.setdefault((leaf.metric.source, repr(sorted(leaf.filters.items()))), []).append(leaf)
        else:
            by_source.setdefault(leaf.metric.source, []).append(leaf)
    return _Plan(
        leaves=leaves,
        outputs=outputs,
        source_reads=list(by_source.items()),
        repeat_reads=[(source_code, group) for (source_code, _filters), group in repeats.items()],
    )


def _add_leaf(
    leaves: dict[str, _Leaf], request: _Request, metric: Metric | RepeatMetric, own_filters: dict, code: str
) -> str:
    """The column of `metric` narrowed by `own_filters` (a custom metric's), added to `leaves` the
    first time it is needed: its source must be sliceable by the request's dimension and filterable
    by every request filter, and errors name `code`, the metric the caller asked for."""
    column = metric.code if not own_filters else f"{code}:{metric.code}"
    if column not in leaves:
        source = registry.sources[metric.source]
        if not source.supports(request.by):
            raise ValidationError(
                {"by": _("%(metric)s cannot be sliced by %(by)s.") % {"metric": code, "by": request.by}}
            )
        checked = (
            filters_validate(tenant_id=request.tenant.pk, filters=own_filters, source=source)
            if own_filters
            else {}
        )
        for key in request.filters:
            if not _supports_filter(source, key):
                raise ValidationError(
                    {"filters": _("%(metric)s cannot be filtered by %(key)s.") % {"metric": code, "key": key}}
                )
        leaves[column] = _Leaf(column, metric, checked)
    return column


def _read_source(request: _Request, source_code: str, leaves: list[_Leaf]) -> pd.DataFrame:
    """The aggregates `leaves` of one fact source, one column each, per (key, period): a single
    grouped statement, each aggregate narrowed by its own predicate through a FILTER clause. Reads
    the source's rollups instead of its facts when they answer every aggregate (see _rollup_of)."""
    source = registry.sources[source_code]
    statement = _Sql(request.tenant.pk, _rollup_of(source, leaves, request.by, request.filters) or source)
    if statement.source is not source:
        statement.source = _rollup_rows(
            statement, source, request.grain, request.by, request.start, request.end
        )
    key = statement.key(request.by)
    where = [
        "f.tenant_id = %(tenant)s",
        statement.date_range(request.start, request.end, request.tenant.tzinfo),
    ]
    if statement.source.where:
        where.append(statement.source.where)
    where += statement.where_filters(request.filters, "g")
    selects = []
    for number, leaf in enumerate(leaves):
        for join in leaf.metric.needs:
            statement.need(join)
        predicate = ([leaf.metric.where] if leaf.metric.where else []) + statement.where_filters(
            leaf.filters, f"m{number}"
        )
        selects.append(f"{_aggregate_sql(leaf.metric, predicate)} AS c{number}")
    sql = (
        f"SELECT {key} AS key, {statement.trunc(request.grain)} AS period_start, {', '.join(selects)} "
        f"{statement.from_clause()} WHERE {' AND '.join(where)} GROUP BY 1, 2"
    )
    if statement.source.date_is_timestamp:
        statement.params["tz"] = request.tenant.timezone
    if "%(today)s" in sql:
        # A metric measured against today (overdue receivables) means the tenant's local day, not
        # the database server's CURRENT_DATE.
        statement.params["today"] = tenant_today(request.tenant)
    return _fetch(sql, statement.params, [leaf.column for leaf in leaves])


def _read_repeat_metrics(request: _Request, source_code: str, leaves: list[_Leaf]) -> pd.DataFrame:
    """The repeat-customer counts `leaves` (same source, same filters) per (key, period): customers
    seen in the previous period ("prior") and those seen again in this one ("retained"), one column
    per leaf. One statement: the distinct (key, customer, period) from the period before the first
    one to the end, joined to itself one period on."""
    statement = _Sql(request.tenant.pk, registry.sources[source_code])
    grain, first = request.grain, period_floor(request.start, request.grain)
    key = statement.key(request.by)
    where = [
        "f.tenant_id = %(tenant)s",
        statement.date_range(period_shift(first, grain, -1), request.end, request.tenant.tzinfo),
    ]
    if statement.source.where:
        where.append(statement.source.where)
    where += statement.where_filters(request.filters, "g") + statement.where_filters(leaves[0].filters, "m")
    if statement.source.date_is_timestamp:
        statement.params["tz"] = request.tenant.timezone
    statement.params["first"], statement.params["last"] = first, request.end
    following = f"(prev.p + interval '{_STEP[grain]}')::date"
    sql = (
        f"WITH a AS (SELECT DISTINCT {key} AS k, f.{statement.source.customer_column} AS cust, "
        f"{statement.trunc(grain)} AS p {statement.from_clause()} WHERE {' AND '.join(where)}) "
        f"SELECT prev.k, {following}, COUNT(*), COUNT(cur.cust) "
        f"FROM a prev LEFT JOIN a cur ON cur.k = prev.k AND cur.cust = prev.cust AND cur.p = {following} "
        f"WHERE {following} BETWEEN %(first)s AND %(last)s GROUP BY 1, 2"
    )
    counts = _fetch(sql, statement.params, ["prior", "retained"])
    return counts.rename(columns={leaf.metric.mode: leaf.column for leaf in leaves})[
        [leaf.column for leaf in leaves]
    ]


def _assemble_frame(plan: _Plan, frames: list[pd.DataFrame]) -> pd.DataFrame:
    """compute()'s frame from the frames read: their aggregate columns aligned on (key, period), 0
    where one read has a row and another none, then one column per requested metric, in the order
    asked, ratios divided here (NaN for a zero denominator). Sorted by (key, period)."""
    if len(frames) == 1 and list(frames[0].columns) == list(plan.leaves):  # one source: nothing to align
        aggregates = frames[0].fillna(0.0)
    else:
        aggregates = pd.concat(frames, axis=1) if frames else pd.DataFrame(index=_empty_index())
        aggregates = aggregates.reindex(columns=list(plan.leaves)).fillna(0.0)
    # Whole columns as arrays, and one frame built of them: a column set at a time costs more than the
    # query for the few rows of a page.
    columns = {}
    for code, output in plan.outputs.items():
        values = aggregates[output.column].to_numpy(dtype=float)
        if output.denominator is None:
            columns[code] = values
        else:
            denominator = aggregates[output.denominator].to_numpy(dtype=float)
            columns[code] = np.divide(
                values, denominator, out=np.full(len(values), np.nan), where=denominator != 0.0
            )
    out = pd.DataFrame(columns, index=aggregates.index)
    return out if out.index.is_monotonic_increasing else out.sort_index()


ROLLUP_DIMENSIONS = ("tenant", "rep", "team", "line")


def _rollup_of(source: FactSource, group: list[_Leaf], by: str, filters: dict) -> FactSource | None:
    """The source's per-rep-and-day pre-aggregate, read as a fact table of its own, when it answers
    every metric of the group: plain sums it holds, no per-metric predicate, filter or join, sliced by
    something a rep rolls up to and narrowed by reps at most. Same numbers, far fewer rows."""
    if not source.rollup or by not in ROLLUP_DIMENSIONS or set(filters) - {"rep_ids"}:
        return None
    for leaf in group:
        metric = leaf.metric
        if (
            metric.agg != "sum"
            or metric.expr not in source.rollup_sums
            or metric.where
            or metric.needs
            or leaf.filters
        ):
            return None
    return replace(
        source,
        table=source.rollup,
        date_column="day",
        date_is_timestamp=False,
        rep_column="rep_id",
        customer_column=None,
        product_column=None,
        where="",
        rollup="",
    )


MONTHLY_GRAINS = ("month", "quarter", "year")


def _rollup_rows(
    statement: _Sql, source: FactSource, grain: str, by: str, start: dt.date, end: dt.date
) -> FactSource:
    """The rows of the day rollup `statement` reads for start..end, as a table of (tenant_id, rep_id,
    day, amount, cost):

    - for a month, quarter or year grain, whole months come from the monthly rollup, a month's first day
      standing for the month (which lies in one period of these grains). A month the range covers in
      part is read per day, or, when the range holds most of it (this month to date, the usual case), as
      the month's row less the days outside the range, which are few and mostly in the future. Same
      sums, a thirtieth of the rows; a rep whose month has facts only outside the range reads as zero.
    - by team or line, the rows are first summed per rep and period (the earliest day standing for the
      period), so the closure join, which repeats each row once per ancestor, joins one row per rep and
      period instead of one per day. Sums are exact regrouped; the rollup holds nothing but sums.
    """
    days, months = statement.source.table, source.rollup_monthly
    in_range = "tenant_id = %(tenant)s AND day >= %({0}_from)s AND day <= %({0}_to)s"
    parts: list[str] = []

    def read_days(name: str, first: dt.date, last: dt.date, sign: str = "", day: str = "day") -> None:
        statement.params |= {f"{name}_from": first, f"{name}_to": last}
        parts.append(
            f"SELECT tenant_id, rep_id, {day} AS day, {sign}amount AS amount, {sign}cost AS cost "
            f"FROM {days} WHERE {in_range.format(name)}"
        )

    if months and grain in MONTHLY_GRAINS:
        first = start if start.day == 1 else period_shift(start.replace(day=1), "month", 1)  # first whole
        after = end + dt.timedelta(days=1)
        after = after if after.day == 1 else end.replace(day=1)  # the day after the last whole month
        whole = (first, after) if first < after else None  # month rows read in one range: [from, to)
        ends = ((start.replace(day=1), start < first), (after, after <= end))  # (month, cut short?)
        partial = sorted({month for month, cut in ends if cut})
        for number, month in enumerate(partial):
            following = period_shift(month, "month", 1)
            last = following - dt.timedelta(days=1)
            lo, hi = max(start, month), min(end, last)
            inside = (hi - lo).days + 1
            if (last - month).days + 1 - inside >= inside:
                read_days(f"p{number}", lo, hi)
                continue
            # The month less its days outside the range, all standing on the range's first day in it:
            # the month's own first day for the range's last month, read with the whole months.
            statement.params |= {f"p{number}_month": month, f"p{number}_day": lo}
            day = f"%(p{number}_day)s::date"
            if month >= start:  # lo is the month's first day
                whole = (whole[0] if whole else month, following)
            else:
                parts.append(
                    f"SELECT tenant_id, rep_id, {day} AS day, amount, cost FROM {months} "
                    f"WHERE tenant_id = %(tenant)s AND month = %(p{number}_month)s"
                )
            if month < lo:
                read_days(f"p{number}_head", month, lo - dt.timedelta(days=1), "-", day)
            if hi < last:
                read_days(f"p{number}_tail", hi + dt.timedelta(days=1), last, "-", day)
        if whole:
            statement.params |= {"m_from": whole[0], "m_to": whole[1]}
            parts.insert(
                0,
                f"SELECT tenant_id, rep_id, month AS day, amount, cost FROM {months} "
                "WHERE tenant_id = %(tenant)s AND month >= %(m_from)s AND month < %(m_to)s",
            )
    elif by in ("team", "line"):
        read_days("r", start, end)
    else:
        return statement.source
    table = "(" + " UNION ALL ".join(parts) + ")"
    if by in ("team", "line"):
        table = (
            "(SELECT tenant_id, rep_id, min(day) AS day, sum(amount) AS amount, sum(cost) AS cost "
            f"FROM {table} u GROUP BY tenant_id, rep_id, date_trunc('{grain}', day::timestamp))"
        )
    return replace(statement.source, table=table)


def _supports_filter(source: FactSource, key: str) -> bool:
    return source_has(source, (FILTER_KEYS | COMPUTE_ONLY_KEYS)[key][1])


def _empty_index() -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([[], []], names=INDEX)


def _fetch(sql: str, params: dict, columns: list[str]) -> pd.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return pd.DataFrame(columns=columns, index=_empty_index(), dtype=float)
    keys, periods, *values = zip(*rows, strict=True)
    index = pd.MultiIndex.from_arrays([keys, periods], names=INDEX)
    # NULL (an aggregate over no row) reads as NaN; numerics as floats.
    return pd.DataFrame(
        {
            column: np.array(column_values, dtype=float)
            for column, column_values in zip(columns, values, strict=True)
        },
        index=index,
    )
