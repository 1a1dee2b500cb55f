"""Celery entry points of the key-account plans: ids and period keys in, one service call each."""

import datetime as dt

from apps.tenancy.context import tenant_task
from apps.tenancy.models import Tenant

from . import services


@tenant_task(time_limit=300, soft_time_limit=280)
def remind_reviews_due(tenant: Tenant, period: str) -> int:
    """Per-tenant job each local morning: period is the local day, "2026-11-23"."""
    return services.remind_reviews_due(tenant=tenant, day=dt.date.fromisoformat(period))
