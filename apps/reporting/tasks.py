"""Celery entry points for reporting: one service call each, ids and plain strings in, safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from apps.tenancy.context import tenant_context
from apps.tenancy.dates import parse_week_key

from . import services


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, time_limit=1800
)
def weekly_rollup(tenant_id: int, period: str) -> dict:
    """Recompute the tenant's WeeklyProgress of `period` ("2026-W47"). Idempotent: the service
    recomputes the whole week in one transaction, so a redelivery after a killed worker just redoes it."""
    iso_year, iso_week = parse_week_key(period)
    with tenant_context(tenant_id) as tenant:
        return services.rollup_week(tenant=tenant, iso_year=iso_year, iso_week=iso_week).as_dict()
