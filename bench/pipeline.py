"""Pipeline bench: the team pipeline board (`/t/<slug>/pipeline/`) on a large organisation, with its
query count.

Goal (issue 15, "Speed"): with 20,000 open opportunities, the team pipeline board's p95 under
100 ms, through the Django test client as the homes case times its pages (server time: the view,
its queries and the template).

The organisation is the reporting case's (its own slug, 500 reps under 10 managers, 50,000
customers, 2,000,000 order lines), built by that case's generator when missing, with the pipeline's
starter stages. On top, this case writes the open opportunities in SQL (one INSERT ... SELECT over
generate_series, each on a random customer and owned by that customer's account manager, in a
random open stage, with a next step due from five days ago to three weeks ahead, and its creation in
the stage history), named with MARK so that they are found again: a rerun with as many keeps them,
another number replaces them.

Timed: the board of the manager with the largest line (their whole reporting line, the default
board of a manager), the board of that manager's team as the admin picks it (`?team=`), and the
admin's board of the whole organisation. Each is three queries of its own (the open stages, one
grouped count and sum per stage, one UNION ALL of the first BOARD_CARDS (20) cards of each stage on
the board index) whatever the number of opportunities.
"""

from __future__ import annotations

import os
import time

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import override_settings
from django_scopes import scopes_disabled

from apps.pipeline.models import Stage
from apps.pipeline.starter import load_stages
from apps.tenancy.owner import analyze, bulk_load, run_as_owner
from apps.tenancy.starter import starter_rows, starter_sets

from .common import Row, summarize_ms, time_calls
from .dataset import BenchTenant, bench_tenant_ensure, reporting_world

CASE = "pipeline"
GOAL_MS = 100
MARK = "bench:pipeline"  # the name prefix of every opportunity this case writes
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


def add_arguments(parser) -> None:
    group = parser.add_argument_group("pipeline")
    group.add_argument("--pipeline-opportunities", type=int, default=20_000, help="open opportunities")
    group.add_argument("--pipeline-requests", type=int, default=200, help="timed requests per page")


def _arg(args, name: str, default):
    return getattr(args, name, default)


def run(args, log=print) -> list[Row]:
    # The reporting case's organisation at that case's size, so the cases reuse one build.
    size, slug, _weeks = reporting_world(args)
    wanted = _arg(args, "pipeline_opportunities", 20_000)
    requests = max(1, _arg(args, "pipeline_requests", 200))
    log(f"pipeline: tenant '{slug}' ({size.reps} reps), {wanted:,} open opportunities")
    with scopes_disabled():
        bench = bench_tenant_ensure(slug=slug, size=size, rebuild=_arg(args, "rebuild", False), log=log)
        stages_ensure(bench)
        made, reused = opportunities_ensure(bench, wanted=wanted, log=log)
        rows = [Row(CASE, "dataset", {"reps": len(bench.reps), "open_opportunities": made, "reused": reused})]
        return rows + _measure(bench, requests, log)


def stages_ensure(bench: BenchTenant) -> list[Stage]:
    tenant = bench.tenant
    if not Stage.objects.filter(tenant=tenant).exists():
        stage_set = next(s for s in starter_sets() if s.name == "pipeline.stages")
        with transaction.atomic():
            load_stages(tenant=tenant, rows=starter_rows(stage_set, tenant.default_language), by=None)
    return list(Stage.objects.filter(tenant=tenant, kind=Stage.Kind.OPEN).order_by("order"))


def opportunities_ensure(bench: BenchTenant, *, wanted: int, log) -> tuple[int, bool]:
    """`wanted` open opportunities marked MARK, written in SQL; kept when a rerun asks as many."""
    t = bench.tenant.pk
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pipeline_opportunity WHERE tenant_id = %s AND name LIKE %s AND status = 'open'",
            [t, MARK + "%"],
        )
        (have,) = cur.fetchone()
    if have == wanted:
        return have, True
    stages = [s.pk for s in Stage.objects.filter(tenant_id=t, kind=Stage.Kind.OPEN).order_by("order")]
    probabilities = [s.probability for s in Stage.objects.filter(pk__in=stages).order_by("order")]
    t0 = time.perf_counter()
    with bulk_load(), transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT set_config('app.tenant_id', %s, true)", [str(t)])
        cur.execute("SELECT setseed(0.15)")
        # Their history first: the keys have no ON DELETE (Django cascades, raw SQL does not), and the
        # deferred check would fail the whole load at commit.
        cur.execute(
            "DELETE FROM pipeline_stagechange WHERE tenant_id = %s AND opportunity_id IN "
            "(SELECT id FROM pipeline_opportunity WHERE tenant_id = %s AND name LIKE %s)",
            [t, t, MARK + "%"],
        )
        cur.execute("DELETE FROM pipeline_opportunity WHERE tenant_id = %s AND name LIKE %s", [t, MARK + "%"])
        cur.execute(
            """
            CREATE TEMP TABLE bench_pipe_cust ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY id) AS rn, id, owner_id FROM customers_customer
            WHERE tenant_id = %s
            """,
            [t],
        )
        cur.execute("CREATE INDEX ON bench_pipe_cust (rn)")
        cur.execute("SELECT count(*) FROM bench_pipe_cust")
        (customers,) = cur.fetchone()
        today = bench.today
        cur.execute(
            """
            INSERT INTO pipeline_opportunity (tenant_id, name, customer_id, prospect_name, prospect_contact,
                prospect_phone, owner_id, stage_id, status, amount, probability, expected_close, source,
                competitors, next_step, next_step_on, opened_on, stage_entered_at, closed_on, order_id,
                lost_reason, lost_note, created_at, updated_at)
            SELECT %(t)s, %(mark)s || ' ' || r.g, c.id, '', '', '', c.owner_id, (%(stages)s::bigint[])[r.s],
                   'open', round((1000 + random() * 199000)::numeric, -2), (%(probs)s::int[])[r.s],
                   %(today)s::date + floor(random() * 180)::int, 'visit', '', 'Call the buyer',
                   %(today)s::date + floor(random() * 26)::int - 5, %(today)s::date - floor(random() * 200)::int,
                   now() - random() * interval '90 days', NULL, NULL, '', '', now(), now()
            FROM (SELECT g, 1 + floor(random() * %(ncust)s)::int AS crn,
                         1 + floor(random() * %(nstages)s)::int AS s
                  FROM generate_series(1, %(n)s) g OFFSET 0) r
            JOIN bench_pipe_cust c ON c.rn = r.crn
            """,
            {
                "t": t,
                "mark": MARK,
                "stages": stages,
                "probs": probabilities,
                "nstages": len(stages),
                "today": today,
                "ncust": customers,
                "n": wanted,
            },
        )
        cur.execute(
            """
            INSERT INTO pipeline_stagechange (tenant_id, opportunity_id, from_stage_id, to_stage_id, owner_id,
                by_id, at, days_in_previous, advanced, note, created_at, updated_at)
            SELECT tenant_id, id, NULL, stage_id, owner_id, owner_id, stage_entered_at, NULL, false, '', now(), now()
            FROM pipeline_opportunity WHERE tenant_id = %s AND name LIKE %s
            """,
            [t, MARK + "%"],
        )
        analyze("pipeline_opportunity", "pipeline_stagechange")
    run_as_owner("VACUUM (ANALYZE) pipeline_opportunity, pipeline_stagechange")
    log(f"  generated {wanted:,} open opportunities: {time.perf_counter() - t0:.1f} s")
    return wanted, False


def _measure(bench: BenchTenant, requests: int, log) -> list[Row]:
    from django.test import Client
    from django.urls import reverse

    slug = bench.tenant.slug
    board = reverse("pipeline:board", kwargs={"tenant_slug": slug})
    manager = max(bench.managers, key=lambda m: sum(1 for r in bench.reps if r.reports_to_id == m.pk))
    line = sum(1 for r in bench.reps if r.reports_to_id == manager.pk)
    pages = [
        (f"team board manager ({line} reps)", manager, board),
        ("team board admin ?team=", bench.admin, f"{board}?team={manager.team_id}"),
        ("whole board admin", bench.admin, board),
    ]
    rows = []
    with override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}, AXES_ENABLED=False
    ):
        for name, member, url in pages:
            client = Client()
            client.force_login(member.user)
            rows.append(_time_page(client, name, url, requests, log))
    return rows


def _time_page(client, name: str, url: str, requests: int, log) -> Row:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    cards = response.content.count(b'<li class="board-card')
    executed: list[str] = []
    with connection.execute_wrapper(lambda run, sql, *a, seen=executed: seen.append(sql) or run(sql, *a)):
        client.get(url)
    cpu = time.process_time()
    timing = summarize_ms(time_calls(lambda: client.get(url), requests))
    cpu_ms = round((time.process_time() - cpu) / requests * 1000, 1)
    log(
        f"  {name}: p50 {timing['p50_ms']} ms, p95 {timing['p95_ms']} ms, {len(executed)} queries, {cards} cards"
    )
    values = {
        **timing,
        "cpu_ms": cpu_ms,
        "queries": len(executed),
        "cards": cards,
        "load1": round(os.getloadavg()[0], 1),
    }
    return Row(CASE, name, values, goal=f"p95 < {GOAL_MS} ms", ok=timing["p95_ms"] < GOAL_MS)
