"""Celery entry points of the visits app: ids and period keys in, one service call each, safe to run twice."""

import datetime as dt

from celery import shared_task
from django.db import OperationalError

from apps.tenancy.context import tenant_context

from . import reminders


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=300,
    soft_time_limit=280,
)
def remind_missing_plans(tenant_id: int, period: str) -> int:
    """Per-tenant job at the plan cut-off (working days): period is the local day, "2026-11-23"."""
    with tenant_context(tenant_id) as tenant:
        return reminders.remind_missing_plans(tenant=tenant, day=dt.date.fromisoformat(period))


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=300,
    soft_time_limit=280,
)
def remind_missing_reports(tenant_id: int, period: str) -> int:
    """Per-tenant job at the report deadline (working days): period is the local day."""
    with tenant_context(tenant_id) as tenant:
        return reminders.remind_missing_reports(tenant=tenant, day=dt.date.fromisoformat(period))
