"""Per-tenant schedules driven by one UTC dispatcher.

Tenants live in different timezones: "Monday 06:00" or "the report deadline" happen at a different
UTC instant for each. Rather than one beat entry per tenant, a single beat task
(`apps.tenancy.tasks.dispatch_tenant_jobs`, every few minutes) asks every registered job, for every
active tenant, which period is due at the tenant's local now, and records it in `TenantJobRun`:

    register_tenant_job("weekly_rollup", "apps.reporting.tasks.weekly_rollup", weekly_at(0, time(6)))

- The task named is called as `task(tenant_id, period)` inside the runner task, which marks the run
  finished. Tasks must be idempotent (delivery is at least once).
- `due(tenant, local_now)` returns the period key that is due, or None. It sees the tenant, so a
  cut-off can come from the tenant's settings.
- The run row is unique per (tenant, job, period): inserting it is the claim. Two dispatchers, a
  restart, or a local hour repeated by a DST change cannot enqueue a period twice.
- Downtime: on the next tick the current period is due at once; a run that was enqueued and never
  finished is enqueued again after `RETRY_AFTER`, up to `MAX_ATTEMPTS`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from celery import current_app
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django_scopes import scopes_disabled

from .dates import week_key
from .models import Tenant

log = logging.getLogger(__name__)

Due = Callable[[Tenant, datetime], "str | None"]

RETRY_AFTER = timedelta(minutes=30)
MAX_ATTEMPTS = 5
RUNNER_TASK = "apps.tenancy.tasks.run_tenant_job"


@dataclass(frozen=True)
class TenantJob:
    code: str
    task: str
    due: Due
    label: str | Promise = ""  # what the job is called where its runs are listed (the tenant admin)


_JOBS: dict[str, TenantJob] = {}


def register_tenant_job(code: str, task: str, due: Due, *, label: str | Promise = "") -> None:
    """Declare a job; call it from an AppConfig.ready(). Re-registering the same code replaces it
    (ready() may run more than once in tests), so the registry stays one entry per code. `label`
    (lazy) is what people read for the code in the list of runs."""
    _JOBS[code] = TenantJob(code=code, task=task, due=due, label=label)


def registered_jobs() -> list[TenantJob]:
    return list(_JOBS.values())


def get_job(code: str) -> TenantJob | None:
    return _JOBS.get(code)


def job_label(code: str) -> str:
    """A job's label in the active language; its code when it has none (or is no longer registered)."""
    job = _JOBS.get(code)
    return str(job.label) if job is not None and job.label else code


# ---- period keys and due-rule builders ---------------------------------------------------------


def day_key(day: date) -> str:
    return day.isoformat()


def daily(
    at: time | Callable[[Tenant], time] = time(0),
    weekdays: Iterable[int] = range(7),
    on: Callable[[Tenant, date], bool] | None = None,
) -> Due:
    """Due once per local day from `at` (a time or a function of the tenant) on the given weekdays
    (Monday 0) and, when `on` is given, only on the local days it accepts (`Tenant.works_on`: the
    organisation's own working days and holidays). The period is the local date; later in the day
    it is still due (catch-up after downtime), the next day it is not (a stale day is not run late)."""
    days = frozenset(weekdays)

    def due(tenant: Tenant, local_now: datetime) -> str | None:
        start = at(tenant) if callable(at) else at
        if local_now.weekday() not in days or local_now.time() < start:
            return None
        if on is not None and not on(tenant, local_now.date()):
            return None
        return day_key(local_now.date())

    return due


def weekly_previous_week(weekday: int = 0, at: time = time(6)) -> Due:
    """Due for the ISO week before, from `weekday` `at` local time (Monday 06:00 by default) on."""
    offset = timedelta(days=weekday, hours=at.hour, minutes=at.minute)

    def due(tenant: Tenant, local_now: datetime) -> str | None:
        # Shift local time back so the trigger instant falls on Monday 00:00 of its week: the week
        # that shifted instant sits in is the current one, and the week before it is due.
        shifted = local_now.replace(tzinfo=None) - offset
        return week_key(shifted.date() - timedelta(days=7))

    return due


# ---- the dispatcher -------------------------------------------------------------------------------


def dispatch(now: datetime | None = None) -> list[tuple[int, str, str]]:
    """Record what is due now in each tenant's local time and enqueue it; return what was enqueued
    as (tenant_id, job, period). A fixed number of queries whatever the number of tenants."""
    now = now or timezone.now()
    jobs = registered_jobs()
    if not jobs:
        return []
    due_rows: list[tuple[int, str, str]] = []
    for tenant in Tenant.objects.filter(is_active=True).only(
        "id", "timezone", "plan_cutoff", "report_deadline"
    ):
        local_now = now.astimezone(tenant.tzinfo)
        for job in jobs:
            period = job.due(tenant, local_now)
            if period:
                due_rows.append((tenant.pk, job.code, period))
    # System work over every tenant: the database shows all of them only under scopes_disabled().
    with scopes_disabled(), transaction.atomic(), connection.cursor() as cur:
        if due_rows:
            tenant_ids, codes, periods = (list(col) for col in zip(*due_rows, strict=True))
            cur.execute(
                """
                INSERT INTO tenancy_tenantjobrun
                    (tenant_id, job, period, attempts, last_error, created_at, updated_at)
                SELECT t, j, p, 0, '', %(now)s, %(now)s
                FROM unnest(%(tenants)s::bigint[], %(jobs)s::text[], %(periods)s::text[]) AS r(t, j, p)
                ON CONFLICT (tenant_id, job, period) DO NOTHING
                """,
                {"now": now, "tenants": tenant_ids, "jobs": codes, "periods": periods},
            )
        # Claim what needs enqueueing: new rows, and rows enqueued long ago that never finished.
        # SKIP LOCKED lets a second dispatcher running at the same moment pass these rows by.
        cur.execute(
            """
            UPDATE tenancy_tenantjobrun r
            SET enqueued_at = %(now)s, attempts = r.attempts + 1, updated_at = %(now)s
            WHERE r.id IN (
                SELECT id FROM tenancy_tenantjobrun
                WHERE finished_at IS NULL AND attempts < %(max)s
                  AND (enqueued_at IS NULL OR enqueued_at < %(stale)s)
                ORDER BY id
                FOR UPDATE SKIP LOCKED
            )
            RETURNING r.id, r.tenant_id, r.job, r.period
            """,
            {"now": now, "stale": now - RETRY_AFTER, "max": MAX_ATTEMPTS},
        )
        claimed = cur.fetchall()
        for run_id, *_ in claimed:
            transaction.on_commit(partial(_enqueue, run_id))
    return [(tenant_id, job, period) for _, tenant_id, job, period in claimed]


def _enqueue(run_id: int) -> None:
    try:
        current_app.send_task(RUNNER_TASK, args=(run_id,))
    except Exception:  # broker down: release the claim so the next tick enqueues it again
        log.exception("could not enqueue tenant job run %s; it will be retried", run_id)
        with scopes_disabled(), connection.cursor() as cur:
            cur.execute(
                "UPDATE tenancy_tenantjobrun SET enqueued_at = NULL WHERE id = %s AND finished_at IS NULL",
                [run_id],
            )
