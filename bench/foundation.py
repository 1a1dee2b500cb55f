"""Foundation bench: bulk order ingest through the API, list latency and list query counts.

Everything goes through the real URL conf, authentication, permissions and serializers, in-process
(rest_framework's APIClient) against the real database and the large `bench` tenant.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import time
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from apps.sales.services import customer_order_dates_refresh
from apps.tenancy.models import ApiToken, Membership
from apps.tenancy.owner import run_as_owner

from .common import Row, summarize_ms, time_calls
from .dataset import BenchSize, BenchTenant, bench_tenant_ensure
from .receivables import receivables_remove

CASE = "foundation"
INGEST_GOAL = 2000  # orders per second
P95_GOAL_MS = 50


def add_arguments(parser) -> None:
    group = parser.add_argument_group("foundation")
    group.add_argument("--reps", type=int, default=200)
    group.add_argument("--customers", type=int, default=20_000)
    group.add_argument("--lines", type=int, default=1_000_000)
    group.add_argument("--days", type=int, default=730)
    group.add_argument("--batches", type=int, default=10, help="bulk ingest calls")
    group.add_argument("--batch-size", type=int, default=1000, help="orders per bulk call")
    group.add_argument("--requests", type=int, default=200, help="timed requests per list case")
    group.add_argument("--slug", default="bench")
    group.add_argument("--rebuild", action="store_true", help="rebuild the bench tenant even if it fits")


def run(args, log=print) -> list[Row]:
    # Every step reads and writes as the system, across the tenant wall (the bench's own raw SQL
    # included): outside scopes_disabled() row-level security shows it no tenant's rows at all.
    with scopes_disabled():
        size = BenchSize(reps=args.reps, customers=args.customers, lines=args.lines, days=args.days)
        log(
            f"foundation: bench tenant '{args.slug}' ({size.reps} reps, {size.customers:,} customers, {size.lines:,} lines)"
        )
        bench = bench_tenant_ensure(slug=args.slug, size=size, rebuild=args.rebuild, log=log)
        if bench.reused:
            log("  reused the existing bench tenant")
        rows = [
            Row(
                CASE,
                "dataset",
                {
                    "reps": len(bench.reps),
                    "customers": size.customers,
                    "lines": size.lines,
                    "orders": size.orders,
                },
                ok=None,
            )
        ]
        manager = bench.managers[0]
        rep = next(r for r in bench.reps if r.reports_to_id == manager.pk)
        clients = {m.pk: _client(m) for m in (bench.admin, manager, rep)}
        rows += ingest(
            bench, clients[bench.admin.pk], batches=args.batches, batch_size=args.batch_size, log=log
        )
        rows += lists(
            bench,
            {"manager": (manager, clients[manager.pk]), "rep": (rep, clients[rep.pk])},
            args.requests,
            log,
        )
        return rows


def _client(membership: Membership) -> APIClient:
    with scopes_disabled():
        _token, key = ApiToken.issue(membership=membership, name="bench")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


# ---------------------------------------------------------------------------------------------
# (a) bulk ingest
# ---------------------------------------------------------------------------------------------


def ingest(bench: BenchTenant, client: APIClient, *, batches: int, batch_size: int, log=print) -> list[Row]:
    """POST /api/v1/orders/bulk/ batches of `batch_size` orders × 3 lines; the rows are removed after."""
    tenant_id = bench.tenant.pk
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, owner_id FROM customers_customer WHERE tenant_id = %s ORDER BY id", [tenant_id]
        )
        customers = cur.fetchall()
        cur.execute("SELECT id, list_price FROM sales_product WHERE tenant_id = %s ORDER BY id", [tenant_id])
        products = cur.fetchall()
    rng = random.Random(7)
    run_id = uuid.uuid4().hex[:8]
    prefix = f"BULK-{run_id}-"

    def batch(b: int) -> dict:
        rows = []
        for i in range(batch_size):
            customer, owner = rng.choice(customers)
            rows.append(
                {
                    "number": f"{prefix}{b:03d}-{i:04d}",
                    "customer": customer,
                    "rep": owner,
                    "order_date": (bench.today - dt.timedelta(days=rng.randrange(0, 60))).isoformat(),
                    "lines": [
                        {"product": p, "quantity": str(rng.randint(1, 20)), "unit_price": str(price)}
                        for p, price in rng.sample(products, 3)
                    ],
                }
            )
        return {"rows": rows}

    url = "/api/v1/orders/bulk/"
    payloads = [batch(b) for b in range(batches + 1)]
    samples, status_codes, first_error = [], [], None
    try:
        for b, payload in enumerate(payloads):
            t0 = time.perf_counter()
            response = client.post(url, payload, format="json")
            elapsed = time.perf_counter() - t0
            status_codes.append(response.status_code)
            if response.status_code not in (200, 201) and first_error is None:
                first_error = (
                    f"{response.status_code} {str(getattr(response, 'data', response.content))[:300]}"
                )
            if b > 0:  # the first batch warms caches and connections
                samples.append(elapsed)
    finally:
        removed = _remove_ingested(tenant_id, prefix)
    ok_codes = all(code in (200, 201) for code in status_codes)
    if not ok_codes:
        log(f"  bulk ingest failed: {first_error}")
    total = sum(samples)
    rate = batches * batch_size / total if total and ok_codes else 0.0
    timing = summarize_ms(samples)
    log(
        f"  ingest: {batches} × {batch_size} orders in {total:.2f} s → {rate:,.0f} orders/s (removed {removed:,})"
    )
    return [
        Row(
            CASE,
            "bulk ingest POST /api/v1/orders/bulk/",
            {
                "n": batches,
                "batch": f"{batch_size}×3 lines",
                "orders_per_s": round(rate, 1),
                "p50_ms": timing["p50_ms"],
                "p95_ms": timing["p95_ms"],
                "status": ",".join(sorted({str(c) for c in status_codes})),
            },
            goal=f">= {INGEST_GOAL} orders/s",
            ok=rate >= INGEST_GOAL,
        )
    ]


def _remove_ingested(tenant_id: int, prefix: str) -> int:
    """Delete the bench's own orders (and the tombstones and audit rows they caused), set-based."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant_id)])
        cur.execute(
            "CREATE TEMP TABLE bench_gone ON COMMIT DROP AS SELECT id, customer_id FROM sales_order "
            "WHERE tenant_id = %s AND number LIKE %s",
            [tenant_id, prefix + "%"],
        )
        receivables_remove(
            cur,
            tenant_id=tenant_id,
            orders="SELECT id FROM bench_gone",
            payments="SELECT id FROM sales_payment WHERE tenant_id = %(t)s AND order_id IN (SELECT id FROM bench_gone)",
        )
        cur.execute(
            "DELETE FROM sales_orderline WHERE tenant_id = %s AND order_id IN (SELECT id FROM bench_gone)",
            [tenant_id],
        )
        cur.execute(
            "DELETE FROM sales_payment WHERE tenant_id = %s AND order_id IN (SELECT id FROM bench_gone)",
            [tenant_id],
        )
        cur.execute(
            "DELETE FROM sales_order WHERE tenant_id = %s AND id IN (SELECT id FROM bench_gone)", [tenant_id]
        )
        removed = cur.rowcount
        cur.execute(
            "DELETE FROM tenancy_tombstone WHERE tenant_id = %s AND model LIKE %s AND object_id IN (SELECT id FROM bench_gone)",
            [tenant_id, "%order%"],
        )
        cur.execute(
            "DELETE FROM tenancy_auditlog WHERE tenant_id = %s AND object_type = 'sales.order' "
            "AND object_id IN (SELECT id FROM bench_gone)",
            [tenant_id],
        )
        cur.execute("SELECT DISTINCT customer_id FROM bench_gone")
        customer_order_dates_refresh(tenant_id=tenant_id, customer_ids=[row[0] for row in cur.fetchall()])
    # The deleted rows sit at the end of the id indexes, where the planner probes for the column's
    # range: without a vacuum every later plan steps over them (15 ms of planning instead of 3).
    # Under a test's transaction VACUUM cannot run, nor matter: run_as_owner does nothing there.
    run_as_owner("VACUUM (ANALYZE) sales_order, sales_orderline, customers_customer, tenancy_tombstone")
    return removed


# ---------------------------------------------------------------------------------------------
# (b) list latency and (c) query counts
# ---------------------------------------------------------------------------------------------


def deep_cursor_url(next_url: str, position: int) -> str:
    """The `next` link of a first page, moved to `position` (an id): a page deep in the list.

    DRF's cursor is base64 of a query string {o: offset, r: reverse, p: position}; keeping the server's
    own format means the request is exactly what a client that paged that far would send.
    """
    parts = urlsplit(next_url)
    query = parse_qs(parts.query)
    raw = query["cursor"][0]
    state = parse_qs(base64.b64decode(raw.encode()).decode())
    state["p"] = [str(position)]
    state.pop("o", None)
    state.pop("r", None)
    query["cursor"] = [base64.b64encode(urlencode(state, doseq=True).encode()).decode()]
    return urlunsplit(("", "", parts.path, urlencode(query, doseq=True), ""))


def _median_visible_id(table: str, tenant_id: int, viewer: Membership, column: str, where: str = "") -> int:
    with connection.cursor() as cur:
        cur.execute(
            f"""
            SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY t.id) FROM {table} t
            JOIN org_reportingclosure rc ON rc.tenant_id = t.tenant_id AND rc.descendant_id = t.{column}
            WHERE t.tenant_id = %s AND rc.ancestor_id = %s {where}
            """,  # noqa: S608
            [tenant_id, viewer.pk],
        )
        return cur.fetchone()[0]


def lists(
    bench: BenchTenant, viewers: dict[str, tuple[Membership, APIClient]], n: int, log=print
) -> list[Row]:
    tenant_id = bench.tenant.pk
    since = (bench.today - dt.timedelta(days=365)).isoformat()
    cases = [
        # (endpoint, table, owner column, filter query, SQL for the same filter)
        ("/api/v1/orders/", "sales_order", "rep_id", "", ""),
        (
            "/api/v1/orders/",
            "sales_order",
            "rep_id",
            f"status=confirmed&date_from={since}",
            f"AND t.status = 'confirmed' AND t.order_date >= '{since}'",
        ),
        ("/api/v1/customers/", "customers_customer", "owner_id", "", ""),
        (
            "/api/v1/customers/",
            "customers_customer",
            "owner_id",
            "status=active&segment=dealer",
            "AND t.status = 'active' AND t.segment = 'dealer'",
        ),
    ]
    rows = []
    for role, (viewer, client) in viewers.items():
        for endpoint, table, column, query, where in cases:
            first_url = endpoint + (f"?{query}" if query else "")
            first = client.get(first_url)
            if first.status_code != 200:
                log(f"  {role} {first_url}: HTTP {first.status_code} {str(getattr(first, 'data', ''))[:200]}")
                rows.append(Row(CASE, f"{role} GET {first_url}", {"status": first.status_code}, ok=False))
                continue
            pages = {"first": first_url}
            next_url = first.data.get("next")
            if next_url:
                pages["deep"] = deep_cursor_url(
                    next_url, _median_visible_id(table, tenant_id, viewer, column, where)
                )
            counts = {}
            for page, url in pages.items():
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                counts[page] = len(ctx.captured_queries)
                samples = time_calls(lambda url=url, client=client: client.get(url), n)
                timing = summarize_ms(samples)
                label = f"{role} GET {endpoint}" + (f" ?{query}" if query else "") + f" [{page}]"
                rows.append(
                    Row(
                        CASE,
                        label,
                        {
                            "n": timing["n"],
                            "p50_ms": timing["p50_ms"],
                            "p95_ms": timing["p95_ms"],
                            "queries": counts[page],
                            "results": len(response.data.get("results", [])),
                        },
                        goal=f"p95 < {P95_GOAL_MS} ms",
                        ok=timing["p95_ms"] < P95_GOAL_MS,
                    )
                )
                log(
                    f"  {label}: p50 {timing['p50_ms']} ms, p95 {timing['p95_ms']} ms, {counts[page]} queries"
                )
            if len(set(counts.values())) > 1:
                log(f"  WARNING: query count differs between pages of {endpoint}: {counts}")
                rows[-1].ok = False
    return rows
