"""Celery entry points for reporting: one service call each, ids and plain strings in, safe to run twice."""

from apps.tenancy.context import tenant_task
from apps.tenancy.dates import parse_week_key
from apps.tenancy.models import Tenant

from . import services


@tenant_task(time_limit=1800)
def weekly_rollup(tenant: Tenant, period: str) -> dict:
    """Recompute the tenant's WeeklyProgress of `period` ("2026-W47"). Idempotent: the service
    recomputes the whole week in one transaction, so a redelivery after a killed worker just redoes it."""
    iso_year, iso_week = parse_week_key(period)
    return services.rollup_week(tenant=tenant, iso_year=iso_year, iso_week=iso_week).as_dict()


@tenant_task(time_limit=900, soft_time_limit=840)
def weekly_report_mail(tenant: Tenant, period: str) -> int:
    """Mail each manager last week's report (`period` "2026-W47"); the dedupe key per manager and
    week makes a redelivery tell no one twice."""
    iso_year, iso_week = parse_week_key(period)
    return services.weekly_report_mail(tenant=tenant, iso_year=iso_year, iso_week=iso_week)
