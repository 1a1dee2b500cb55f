"""Celery entry points for targets: one service call each, ids in, safe to run twice."""

import datetime as dt

from celery import shared_task
from django.db import OperationalError

from apps.tenancy.context import tenant_context
from apps.tenancy.dates import tenant_today

from . import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=300,
    soft_time_limit=280,
)
def targets_lock_due(tenant_id: int, period: str = "") -> int:
    """Lock the approved targets whose period has started in the tenant's own calendar. Idempotent:
    a second run finds nothing approved and due. Scheduled daily per tenant ("targets_lock", the
    period is the local date) by the tenant-job dispatcher."""
    with tenant_context(tenant_id) as tenant:
        today = dt.date.fromisoformat(period) if period else tenant_today(tenant)
        return services.targets_lock_due(tenant=tenant, today=today)
