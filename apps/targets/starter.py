"""Loaders of the targets app's starter data (see apps.tenancy.starter): seasonal profiles, custom
KPI presets and the first appraisal cycle, each written through the app's services. A row whose
name or code the organisation already has is skipped, so loading twice adds nothing.

`load_custom_metrics` serves any app's KPI presets: visits registers `visits.custom_metrics` with it
for presets built on the visit metrics it adds to the registry.
"""

from __future__ import annotations

from typing import Any

from apps.tenancy.dates import period_end, period_floor, tenant_today
from apps.tenancy.models import Membership, Tenant

from .models import AppraisalCycle, CustomMetric, SeasonalProfile
from .services import appraisal_cycle_save, custom_metric_save, seasonal_profile_save

CADENCE_GRAIN = {
    AppraisalCycle.Cadence.MONTHLY: "month",
    AppraisalCycle.Cadence.QUARTERLY: "quarter",
    AppraisalCycle.Cadence.ANNUAL: "year",
}


def load_seasonal_profiles(*, tenant: Tenant, rows: list[dict[str, Any]], by: Membership | None) -> int:
    """Rows: {"name", "weights": twelve monthly weights, January first}."""
    have = set(SeasonalProfile.objects.filter(tenant=tenant).values_list("name", flat=True))
    created = 0
    for row in rows:
        if row["name"] in have:
            continue
        seasonal_profile_save(tenant=tenant, by=by, name=row["name"], weights=row["weights"])
        have.add(row["name"])
        created += 1
    return created


def load_custom_metrics(*, tenant: Tenant, rows: list[dict[str, Any]], by: Membership | None) -> int:
    """Rows: {"code", "name", "base", "filters", "description"}; filters without ids (a new
    organisation has no products or regions yet): a segment, key accounts."""
    have = set(CustomMetric.objects.filter(tenant=tenant).values_list("code", flat=True))
    created = 0
    for row in rows:
        if row["code"] in have:
            continue
        custom_metric_save(
            tenant=tenant,
            by=by,
            code=row["code"],
            name=row["name"],
            base=row["base"],
            filters=row.get("filters") or {},
            description=row.get("description", ""),
        )
        have.add(row["code"])
        created += 1
    return created


def load_appraisal_cycles(*, tenant: Tenant, rows: list[dict[str, Any]], by: Membership | None) -> int:
    """Rows: {"name", "cadence"}: a cycle for the organisation's current period of that cadence,
    named from the template ("{year} Q{quarter} appraisal": year, quarter and month of its start)."""
    today = tenant_today(tenant)
    have = set(AppraisalCycle.objects.filter(tenant=tenant).values_list("name", flat=True))
    created = 0
    for row in rows:
        grain = CADENCE_GRAIN[AppraisalCycle.Cadence(row["cadence"])]
        start = period_floor(today, grain)
        name = row["name"].format(year=start.year, quarter=(start.month - 1) // 3 + 1, month=start.month)
        if name in have:
            continue
        appraisal_cycle_save(
            tenant=tenant,
            by=by,
            name=name,
            cadence=row["cadence"],
            period_start=start,
            period_end=period_end(start, grain),
        )
        have.add(name)
        created += 1
    return created
