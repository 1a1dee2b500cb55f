"""Suggestions bench: tomorrow's plan suggested for every rep of the bench organisation in one pass
(apps.visits.services.plan_suggestions_compute), timed as the median of runs, with its query count.

Data: the reporting case's tenant (`bench-reporting`: 500 reps, 50,000 customers, 2,000,000 order
lines, 1,000,000 visits; the same arguments, bench_tenant_ensure and visits_ensure), plus what the
sources read: every tenth customer a key account, and one open task due by the day planned for at
every 25th customer (owned by its account manager), written here once and reused.

Goal (issue 15, "Speed"): the pass for all 500 reps in one set-based statement; the figure is
reported, not gated. Run small while developing (`--reporting-reps 20 --reporting-customers 2000
--reporting-lines 20000 --reporting-visits 20000 --reporting-slug bench-sugg-small`); the lead runs
the full size after merging.
"""

from __future__ import annotations

import statistics
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from apps.visits.models import PlanSuggestion
from apps.visits.selectors import next_working_day
from apps.visits.services import plan_suggestions_compute

from .common import Row
from .dataset import bench_tenant_ensure, reporting_world
from .reporting import visits_ensure, week_range

CASE = "suggestions"
KEY_EVERY = 10
TASK_EVERY = 25


def run(args, log=print) -> list[Row]:
    size, slug, weeks = reporting_world(args)
    visits = getattr(args, "reporting_visits", 1_000_000)
    repeat = max(1, getattr(args, "reporting_repeat", 3))
    log(f"suggestions: tenant '{slug}' ({size.reps} reps, {size.customers:,} customers, {visits:,} visits)")
    with scopes_disabled():
        bench = bench_tenant_ensure(slug=slug, size=size, rebuild=getattr(args, "rebuild", False), log=log)
        first, last = week_range(bench.today, weeks)
        visits_ensure(bench, visits=visits, first=first, last=last, log=log)
    tenant = bench.tenant
    day = next_working_day(tenant, bench.today)
    with scope(tenant=tenant):
        sources = _sources_ensure(tenant.pk, day)
        times, counts, written = [], [], {}
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                written = plan_suggestions_compute(tenant=tenant, day=day)
                times.append(time.perf_counter() - t0)
            counts.append(len(queries))
        total = PlanSuggestion.objects.filter(tenant=tenant, day=day).count()
        reps = PlanSuggestion.objects.filter(tenant=tenant, day=day).values("rep_id").distinct().count()
    log(f"suggestions: {total:,} for {reps} reps; runs {', '.join(f'{t:.2f}' for t in times)} s")
    return [
        Row(CASE, "dataset", {"reps": len(bench.reps), "visits": visits, "day": day.isoformat(), **sources}),
        Row(
            CASE,
            "pass, all reps",
            {
                "median_s": round(statistics.median(times), 3),
                "max_s": round(max(times), 3),
                "queries": max(counts),
                "suggestions": total,
                "reps_suggested": reps,
                "last_run_written": written.get("written", 0),
            },
        ),
    ]


def _sources_ensure(tenant_id: int, day) -> dict:
    """Key accounts and open tasks for the sources to find (idempotent: written once per tenant)."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "UPDATE customers_customer SET is_key_account = true WHERE tenant_id = %s AND id %% %s = 0"
            " AND NOT is_key_account",
            [tenant_id, KEY_EVERY],
        )
        cur.execute(
            "SELECT count(*) FROM customers_task WHERE tenant_id = %s AND source = 'bench.suggestions'",
            [tenant_id],
        )
        if not cur.fetchone()[0]:
            cur.execute(
                """
                INSERT INTO customers_task (tenant_id, title, notes, owner_id, due_on, priority, status,
                    customer_id, source, created_by_id, done_note, created_at, updated_at)
                SELECT c.tenant_id, 'Bench task ' || c.id, '', c.owner_id, %s::date - (c.id %% 5)::int,
                       CASE WHEN c.id %% 7 = 0 THEN 'high' ELSE 'normal' END, 'open', c.id,
                       'bench.suggestions', c.owner_id, '', now(), now()
                FROM customers_customer c WHERE c.tenant_id = %s AND c.id %% %s = 0
                """,
                [day, tenant_id, TASK_EVERY],
            )
        cur.execute(
            "SELECT (SELECT count(*) FROM customers_customer WHERE tenant_id = %(t)s AND is_key_account),"
            " (SELECT count(*) FROM customers_task WHERE tenant_id = %(t)s AND status = 'open')",
            {"t": tenant_id},
        )
        keys, tasks = cur.fetchone()
    return {"key_accounts": keys, "open_tasks": tasks}
