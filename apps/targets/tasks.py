"""Celery entry points for targets: one service call each, ids in, safe to run twice."""

import datetime as dt

from apps.tenancy.context import tenant_task
from apps.tenancy.dates import tenant_today
from apps.tenancy.models import Tenant

from . import services


@tenant_task(time_limit=300, soft_time_limit=280)
def targets_lock_due(tenant: Tenant, period: str = "") -> int:
    """Lock the approved targets whose period has started in the tenant's own calendar. Idempotent:
    a second run finds nothing approved and due. Scheduled daily per tenant ("targets_lock", the
    period is the local date) by the tenant-job dispatcher."""
    today = dt.date.fromisoformat(period) if period else tenant_today(tenant)
    return services.targets_lock_due(tenant=tenant, today=today)
