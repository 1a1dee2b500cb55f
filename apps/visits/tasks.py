"""Celery entry points of the visits app: ids and period keys in, one service call each, safe to run twice."""

import datetime as dt

from apps.tenancy.context import tenant_task
from apps.tenancy.models import Tenant

from . import selectors, services


@tenant_task(time_limit=300, soft_time_limit=280)
def remind_missing_plans(tenant: Tenant, period: str) -> int:
    """Per-tenant job at the plan cut-off (working days): period is the local day, "2026-11-23"."""
    return services.remind_missing_plans(tenant=tenant, day=dt.date.fromisoformat(period))


@tenant_task(time_limit=300, soft_time_limit=280)
def remind_missing_reports(tenant: Tenant, period: str) -> int:
    """Per-tenant job at the report deadline (working days): period is the local day."""
    return services.remind_missing_reports(tenant=tenant, day=dt.date.fromisoformat(period))


@tenant_task(time_limit=600, soft_time_limit=570)
def suggest_tomorrows_plans(tenant: Tenant, period: str) -> int:
    """Per-tenant job every working evening: period is the local day; the suggestions are for the
    organisation's next working day after it, for all reps in one pass (safe to run twice)."""
    day = selectors.next_working_day(tenant, dt.date.fromisoformat(period))
    return services.plan_suggestions_compute(tenant=tenant, day=day)["written"]
