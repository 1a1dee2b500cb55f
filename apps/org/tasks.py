"""Celery entry points of the org app, one service call each."""

from apps.tenancy.context import tenant_task
from apps.tenancy.models import Tenant

from . import services


@tenant_task(time_limit=120, soft_time_limit=100)
def invitations_expire(tenant: Tenant, period: str = "") -> int:
    """Mark the tenant's pending invitations past their expiry as expired. Idempotent (a second run
    finds none); scheduled daily per tenant ("org_invitations_expire") by the tenant-job dispatcher."""
    return services.invitations_expire(tenant=tenant)
