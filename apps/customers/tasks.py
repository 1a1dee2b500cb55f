"""Celery entry points of the customers app: ids and period keys in, one service call each, safe to run twice."""

import datetime as dt

from apps.tenancy.context import tenant_task
from apps.tenancy.models import Tenant

from . import services


@tenant_task(time_limit=300, soft_time_limit=280)
def task_reminders(tenant: Tenant, period: str) -> int:
    """Per-tenant job in the morning: period is the local day, "2026-11-23"."""
    return services.task_reminders_send(tenant=tenant, day=dt.date.fromisoformat(period))
