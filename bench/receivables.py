"""Receivables bench: the ageing (账龄) of every customer of a large organisation as of its today,
through the selector the ageing page, its XLSX and the API use, with its query count.

Goal (issue 15, "Speed"): the median of the timed runs under 1 s.

The organisation is the reporting case's (its own slug, 500 reps, 50,000 customers, 2,000,000 order
lines and their payments), built by that case's generators when missing. Its receivables are brought
up to date by the set-based rebuild the migration and `manage.py receivables_rebuild` use (an invoice
for every confirmed order, every payment allocated oldest first): timed, and kept between runs, so a
second run only checks that nothing is missing.
"""

from __future__ import annotations

import statistics
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from apps.sales.models import Allocation, Invoice
from apps.sales.selectors.receivables import ageing
from apps.sales.services.receivables import receivables_rebuild
from apps.tenancy.owner import run_as_owner

from .common import Row
from .dataset import BenchTenant, bench_tenant_ensure, reporting_world

CASE = "receivables"
GOAL_MS = 1000


def add_arguments(parser) -> None:
    group = parser.add_argument_group("receivables")
    group.add_argument("--receivables-repeat", type=int, default=7, help="timed runs of the ageing (median)")


def _arg(args, name: str, default):
    return getattr(args, name, default)


def run(args, log=print) -> list[Row]:
    # The reporting case's organisation at that case's size, so both reuse one build.
    size, slug, _weeks = reporting_world(args)
    repeat = max(5, _arg(args, "receivables_repeat", 7))
    log(
        f"receivables: tenant '{slug}' ({size.reps} reps, {size.customers:,} customers, {size.lines:,} lines)"
    )
    with scopes_disabled():
        bench = bench_tenant_ensure(slug=slug, size=size, rebuild=_arg(args, "rebuild", False), log=log)
        rows = [receivables_ensure(bench, log=log)]
    rows.append(ageing_measure(bench, repeat=repeat, log=log))
    return rows


def receivables_ensure(bench: BenchTenant, log=print) -> Row:
    """Every confirmed order invoiced and every payment allocated, by receivables_rebuild (a no-op
    apart from its checks when a previous run has done it)."""
    tenant_id = bench.tenant.pk
    t0 = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant_id)])
        done = receivables_rebuild(tenant_id=tenant_id)
    seconds = time.perf_counter() - t0
    # Fresh statistics after a load of hundreds of thousands of invoices (outside a transaction only).
    run_as_owner("ANALYZE sales_invoice", "ANALYZE sales_allocation", "ANALYZE sales_payment")
    log(f"  receivables rebuild: {seconds:.1f} s {done}")
    return Row(CASE, "rebuild", {"seconds": round(seconds, 2), **done})


def ageing_measure(bench: BenchTenant, *, repeat: int, log=print) -> Row:
    """The ageing of all customers as of the bench's today, as the admin sees it: median of `repeat`
    runs after one warm-up, with the statements of one run counted."""
    tenant, admin = bench.tenant, bench.admin
    with scope(tenant=tenant):
        invoices = Invoice.objects.filter(tenant=tenant).count()
        open_invoices = Invoice.objects.filter(tenant=tenant, status=Invoice.Status.OPEN).count()
        allocations = Allocation.objects.filter(tenant=tenant).count()

        def call():
            return ageing(tenant=tenant, viewer=admin, as_of=bench.today, level="customer")

        call()  # warm-up
        with CaptureQueriesContext(connection) as ctx:
            rows = call()
        samples = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            call()
            samples.append((time.perf_counter() - t0) * 1000)
    median = statistics.median(samples)
    log(f"  ageing of {len(rows):,} customers: median {median:.0f} ms over {repeat} runs")
    return Row(
        CASE,
        "ageing by customer",
        {
            "median_ms": round(median, 1),
            "max_ms": round(max(samples), 1),
            "runs": repeat,
            "queries": len(ctx.captured_queries),
            "customers": len(rows),
            "invoices": invoices,
            "open_invoices": open_invoices,
            "allocations": allocations,
        },
        goal=f"median < {GOAL_MS} ms",
        ok=median < GOAL_MS,
    )


def receivables_remove(cur, *, tenant_id: int, orders: str, payments: str) -> None:
    """Before a case deletes the orders and payments it added (`orders`, `payments`: SQL selecting
    their ids): drop their invoices and every allocation that touches them, and give the invoices
    and payments that stay back what those allocations had taken. Set-based, on the caller's cursor."""
    p = {"t": tenant_id}
    cur.execute(
        f"""
        CREATE TEMP TABLE bench_alloc ON COMMIT DROP AS
        SELECT a.id, a.invoice_id, a.payment_id FROM sales_allocation a
         WHERE a.tenant_id = %(t)s
           AND (a.payment_id IN ({payments})
                OR a.invoice_id IN (SELECT id FROM sales_invoice
                                     WHERE tenant_id = %(t)s AND order_id IN ({orders})))
        """,  # noqa: S608 - the callers' own SQL
        p,
    )
    cur.execute(
        "DELETE FROM sales_allocation WHERE tenant_id = %(t)s AND id IN (SELECT id FROM bench_alloc)", p
    )
    cur.execute(f"DELETE FROM sales_invoice WHERE tenant_id = %(t)s AND order_id IN ({orders})", p)  # noqa: S608
    cur.execute(
        """
        UPDATE sales_invoice i
           SET open_amount = i.amount - coalesce(s.amount, 0),
               status = CASE WHEN i.amount - coalesce(s.amount, 0) = 0 THEN 'paid' ELSE 'open' END
          FROM (SELECT x.invoice_id, (SELECT sum(a.amount) FROM sales_allocation a
                                       WHERE a.tenant_id = %(t)s AND a.invoice_id = x.invoice_id) AS amount
                  FROM (SELECT DISTINCT invoice_id FROM bench_alloc) x) s
         WHERE i.tenant_id = %(t)s AND i.id = s.invoice_id AND i.status <> 'cancelled'
        """,
        p,
    )
    cur.execute(
        """
        UPDATE sales_payment v
           SET unallocated = v.amount - coalesce((SELECT sum(a.amount) FROM sales_allocation a
                                                   WHERE a.tenant_id = %(t)s AND a.payment_id = v.id), 0)
         WHERE v.tenant_id = %(t)s AND v.id IN (SELECT payment_id FROM bench_alloc)
        """,
        p,
    )
    cur.execute("DROP TABLE bench_alloc")
