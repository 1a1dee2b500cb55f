"""Reads of KPI definitions and values, restricted to what the viewer may see."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db.models import Q, QuerySet

from apps.org.models import TeamClosure
from apps.org.selectors import visible_member_ids
from apps.tenancy.models import Membership, Role, Tenant

from .engine import compute
from .metrics import DIMENSIONS, RatioMetric, registry
from .models import CustomMetric, SeasonalProfile, Target


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


def is_additive(code: str) -> bool:
    metric = registry.get(code)
    return bool(metric) and not isinstance(metric, RatioMetric) and metric.additive


# ---------------------------------------------------------------- targets


def target_list(*, tenant: Tenant, viewer: Membership) -> QuerySet[Target]:
    """A rep sees their own targets; a manager their line's, their team subtree's and what they wrote;
    an admin or viewer the whole tenant."""
    qs = Target.objects.filter(tenant=tenant).select_related("rep__user", "team")
    ids = visible_member_ids(viewer)
    if ids is None:
        return qs.order_by("id")
    if viewer.role == Role.MANAGER:
        teams = TeamClosure.objects.filter(tenant_id=tenant.pk, ancestor_id=viewer.team_id).values(
            "descendant_id"
        )
        return qs.filter(Q(rep__in=ids) | Q(team__in=teams) | Q(created_by=viewer)).order_by("id")
    return qs.filter(rep=viewer).order_by("id")


PROGRESS_COLUMNS = [
    "target",
    "actual",
    "attainment",
    "expected",
    "forecast",
    "gap",
    "elapsed",
    "status",
]


def target_progress(*, targets: list[Target], today: dt.date) -> pd.DataFrame:
    """Progress of many targets from one compute() per (grain, owner kind, dimension row), that is one
    grouped query per fact source:
    the number of queries does not grow with the number of targets, reps or teams.

    actual to date; attainment = actual / value; expected = value × elapsed share (additive metrics;
    a rate is expected at its value all along); forecast = run-rate to period end; gap = value − actual;
    status on_track (actual ≥ expected), at_risk (forecast ≥ 90 % of value), off_track, or not_started.
    """
    from .targets import OWNER_DIMENSION, metric_is_additive, period_end, profile_share, target_filters

    if not targets:
        return pd.DataFrame(columns=PROGRESS_COLUMNS).set_index("target")
    tenant = targets[0].tenant
    rows = pd.DataFrame.from_records(
        [
            {
                "target": t.pk,
                "metric": t.metric,
                "grain": t.grain,
                "owner_kind": t.owner_kind,
                "dimension": t.dimension,
                "dimension_id": t.dimension_id or 0,
                "key": t.owner_id,
                "period_start": t.period_start,
                "period_end": period_end(t),
                "value": float(t.value),
            }
            for t in targets
        ]
    )
    by_target = {t.pk: t for t in targets}
    actual = pd.Series(0.0, index=rows.index)
    # All metrics of a (grain, owner kind, dimension row) go to one compute(), which reads each fact
    # source once for all of them; targets are then joined to its long frame in one merge.
    groups = rows.groupby(["grain", "owner_kind", "dimension", "dimension_id"], sort=False)
    for (grain, owner_kind, _dimension, _dimension_id), group in groups:
        start = group["period_start"].min()
        end = min(group["period_end"].max(), today)
        if end < start:
            continue
        frame = compute(
            tenant=tenant,
            metrics=list(group["metric"].unique()),
            grain=grain,
            start=start,
            end=end,
            by=OWNER_DIMENSION[owner_kind],
            filters=target_filters(by_target[group["target"].iloc[0]]),
        )
        if frame.empty:
            continue
        long = frame.reset_index().melt(
            id_vars=["key", "period_start"], var_name="metric", value_name="actual"
        )
        joined = group[["key", "period_start", "metric"]].merge(
            long, how="left", on=["key", "period_start", "metric"]
        )
        actual.loc[group.index] = joined["actual"].to_numpy()
    rows["actual"] = actual.fillna(0.0)
    additive = {code: metric_is_additive(tenant=tenant, code=code) for code in rows["metric"].unique()}
    rows["additive"] = rows["metric"].map(additive)
    total_days = (pd.to_datetime(rows["period_end"]) - pd.to_datetime(rows["period_start"])).dt.days + 1
    elapsed_days = ((pd.Timestamp(today) - pd.to_datetime(rows["period_start"])).dt.days + 1).clip(lower=0)
    rows["elapsed"] = (elapsed_days / total_days).clip(upper=1.0)
    # Expected-by-now: linear, or the share of the target's seasonal profile already past.
    share = rows["elapsed"].copy()
    profile_ids = {t.seasonal_profile_id for t in targets if t.seasonal_profile_id}
    profiles = (
        dict(SeasonalProfile.objects.filter(tenant=tenant, pk__in=profile_ids).values_list("pk", "weights"))
        if profile_ids
        else {}
    )
    for i, t in enumerate(targets):
        if t.seasonal_profile_id:
            share.iloc[i] = profile_share(
                profiles[t.seasonal_profile_id], t.period_start, period_end(t), today
            )
    rows["expected"] = rows["value"].where(~rows["additive"], rows["value"] * share)
    run_rate = rows["actual"] / rows["elapsed"].replace(0.0, np.nan)
    rows["forecast"] = rows["actual"].where(~rows["additive"], run_rate)
    rows["gap"] = rows["value"] - rows["actual"]
    rows["attainment"] = rows["actual"] / rows["value"].replace(0.0, np.nan)
    status = np.where(
        rows["actual"] >= rows["expected"],
        "on_track",
        np.where(rows["forecast"] >= 0.9 * rows["value"], "at_risk", "off_track"),
    )
    rows["status"] = np.where(rows["elapsed"] <= 0, "not_started", status)
    return rows.set_index("target")[PROGRESS_COLUMNS[1:]]


def target_tree(*, root: Target, viewer: Membership) -> dict:
    """The target and every descendant the viewer may see, nested, with the children's sum and the
    mismatch for additive metrics. One query: descendants share the root's metric and lie in its period."""
    from .api.serializers import TargetOut
    from .targets import metric_is_additive, period_end

    rows = list(
        target_list(tenant=root.tenant, viewer=viewer).filter(
            metric=root.metric, period_start__gte=root.period_start, period_start__lte=period_end(root)
        )
    )
    children: dict[int, list[Target]] = {}
    for t in rows:
        children.setdefault(t.parent_id, []).append(t)
    additive = metric_is_additive(tenant=root.tenant, code=root.metric)

    def node(t: Target, depth: int = 0) -> dict:
        kids = children.get(t.pk, []) if depth < 20 else []
        total = sum((k.value for k in kids), Decimal("0")) if kids and additive else None
        mismatch = (t.value - total) if total is not None and total != t.value else None
        return {  # decimals as strings, like every other money/value field of the API
            "id": t.pk,
            "value": str(t.value),
            "children_sum": None if total is None else str(total),
            "mismatch": None if mismatch is None else str(mismatch),
            "target": TargetOut(t).data,
            "children": [node(k, depth + 1) for k in kids],
        }

    return node(root)


def seasonal_profile_list(*, tenant: Tenant) -> QuerySet[SeasonalProfile]:
    return SeasonalProfile.objects.filter(tenant=tenant).order_by("name")
