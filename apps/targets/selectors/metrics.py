"""Reads of KPI definitions and values: the metric catalogue (built-in and the tenant's own),
whether a metric adds up, and compute() restricted to what the viewer may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.db.models import QuerySet

from apps.org.selectors import visible_member_ids
from apps.tenancy.dates import period_end, period_shift
from apps.tenancy.models import Membership, Tenant

from ..engine import compute
from ..metrics import DIMENSIONS, RatioMetric, registry
from ..models import CustomMetric


def custom_metric_list(*, tenant: Tenant) -> QuerySet[CustomMetric]:
    """Every member reads the tenant's KPI definitions (they name what targets measure)."""
    return CustomMetric.objects.filter(tenant=tenant).order_by("code")


def metric_catalogue(*, tenant: Tenant) -> list[dict]:
    """Built-in metrics (from the registry, so later apps' metrics appear) followed by the tenant's own."""
    rows = []
    for metric in registry:
        sources = {registry.sources[leaf.source] for leaf in registry.leaves(metric)}
        rows.append(
            {
                "code": metric.code,
                "name": str(metric.name),
                "kind": metric.kind,
                "unit": metric.unit,
                "additive": metric.additive,
                "base": None,
                "filters": {},
                "dimensions": [d for d in DIMENSIONS if all(s.supports(d) for s in sources)],
            }
        )
    by_code = {row["code"]: row for row in rows}
    for custom in custom_metric_list(tenant=tenant):
        base = by_code.get(custom.base)
        if base is None:
            continue
        rows.append(
            {
                **base,
                "code": custom.code,
                "name": custom.name,
                "kind": "custom",
                "base": custom.base,
                "filters": custom.filters,
            }
        )
    return rows


def metric_is_additive(*, tenant: Tenant, code: str) -> bool:
    """Whether the metric's values add up over owners and sub-periods (a built-in's flag, or its base's
    for a custom metric); a ratio never does."""
    metric = registry.get(code)
    if metric is None:
        base = CustomMetric.objects.filter(tenant=tenant, code=code).values_list("base", flat=True).first()
        metric = registry.get(base) if base else None
    return metric is not None and not isinstance(metric, RatioMetric) and metric.additive


def metric_exists(*, tenant: Tenant, code: str) -> bool:
    """A built-in metric or one of the tenant's own."""
    return code in registry or CustomMetric.objects.filter(tenant=tenant, code=code).exists()


def kpi_values(
    *,
    tenant: Tenant,
    viewer: Membership,
    metrics: list[str],
    grain: str,
    start: dt.date,
    end: dt.date,
    by: str = "rep",
    filters: dict | None = None,
) -> pd.DataFrame:
    """compute() over the facts of the reps the viewer may see (a rep: own; a manager: their line)."""
    filters = dict(filters or {})
    ids = visible_member_ids(viewer)
    if ids is not None:
        visible = set(ids) if isinstance(ids, list) else set(ids.values_list("descendant_id", flat=True))
        asked = set(filters.get("rep_ids") or visible)
        filters["rep_ids"] = sorted(asked & visible) or [viewer.pk]
    return compute(tenant=tenant, metrics=metrics, grain=grain, start=start, end=end, by=by, filters=filters)


def metric_trend(
    *, tenant: Tenant, viewer: Membership, metric: str, grain: str, last: dt.date, count: int
) -> dict[dt.date, float]:
    """A metric over what the viewer may see, per period: the `count` periods up to the one starting
    on `last`, oldest first, 0 for a period without facts. One compute()."""
    first = period_shift(last, grain, 1 - count)
    frame = kpi_values(
        tenant=tenant,
        viewer=viewer,
        metrics=[metric],
        grain=grain,
        start=first,
        end=period_end(last, grain),
        by="tenant",
    )
    by_period: Any = frame[metric].groupby(level=1).sum() if len(frame) else {}
    periods = [period_shift(first, grain, i) for i in range(count)]
    return {p: float(by_period.get(p, 0) or 0) for p in periods}
