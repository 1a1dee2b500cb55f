"""Reporting bench: the weekly progress rollup of 52 ISO weeks for every rep and team, through
rollup_weeks() (the KPI engine's compute by rep and by team, then the upsert and stale-row delete),
against hand-written SQL computing the same figures in the same run; the two must agree.

Goal (issue 4, "Speed and faults"): 500 reps, 2,000,000 order lines and 1,000,000 visits; the rollup
within 1.5× of the hand-written SQL. The data set is the shared bench tenant generator at that size
(its own slug, so cases of other sizes do not rebuild it back and forth) plus visits, daily reports
and order links generated here in SQL: a fifth of the orders of the period were taken on a visit
(a done, effective "order" visit of the order's rep, customer and day, linked by a ReportOrder),
the rest of the visits spread over every rep's customers and days, one daily report per rep and day
with visits (nine in ten submitted, most on time).

Measured on this machine kind (2 cores shared with other work, PostgreSQL 15): 52 weeks × 511
subjects = 26,572 rows; rollup 19.7–26.9 s (median 25.0 s), hand-written SQL 16.9–23.1 s (median
21.7 s), ratio of medians 1.15; every figure equal (0 mismatches, 266,836 non-zero cells). The
stale-row delete was the one trap: an anti-join against the unnested keys ran as a nested loop
(160 s); testing subjects against arrays takes 0.05 s.

The weekly report of one manager's team (50 account managers) for the last full week, read the two
ways the page reads a week: from the rollup's rows (a week over and rolled up) p50 204–239 ms, and
computed from the facts as it is read (the current week: `today` inside the week) p50 676–747 ms,
p95 < 850 ms, 20 queries, the same figures. The team's own row is read as one group of its members
(by tenant, narrowed to their ids): through the team closure the lines statement took 336 ms, as one
group 117 ms. What is left is mostly the lines source's exclusion of cancelled orders (a parallel
scan of sales_order, ~70 ms per statement) and the lost-customers query (~200 ms, in both ways).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

import pandas as pd
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from apps.reporting.models import WeeklyProgress
from apps.reporting.selectors import weekly_report
from apps.reporting.services import rollup_weeks
from apps.tenancy.dates import last_full_week
from apps.tenancy.owner import analyze, bulk_load, run_as_owner

from .common import Row, summarize_ms, time_calls
from .dataset import BenchTenant, bench_tenant_ensure, reporting_world
from .receivables import receivables_ensure

CASE = "reporting"
RATIO_GOAL = 1.5
MEASURES = [
    "revenue",
    "gross_margin",
    "collections",
    "orders",
    "new_customers",
    "active_customers",
    "visits_done",
    "visits_effective",
    "visits_with_deal",
    "reports_submitted",
    "reports_on_time",
    "overdue_receivables",
    "overdue_change",
]


def add_arguments(parser) -> None:
    group = parser.add_argument_group("reporting")
    group.add_argument("--reporting-reps", type=int, default=500)
    group.add_argument("--reporting-customers", type=int, default=50_000)
    group.add_argument("--reporting-lines", type=int, default=2_000_000)
    group.add_argument("--reporting-visits", type=int, default=1_000_000)
    group.add_argument("--reporting-weeks", type=int, default=52)
    group.add_argument("--reporting-slug", default="bench-reporting")
    group.add_argument(
        "--reporting-repeat", type=int, default=3, help="timed runs of each side (median kept)"
    )


def run(args, log=print) -> list[Row]:
    size, slug, weeks = reporting_world(args)
    visits = getattr(args, "reporting_visits", 1_000_000)
    repeat = max(1, getattr(args, "reporting_repeat", 3))
    log(
        f"reporting: tenant '{slug}' ({size.reps} reps, {size.lines:,} lines, {visits:,} visits, {weeks} weeks)"
    )
    with scopes_disabled():
        bench = bench_tenant_ensure(slug=slug, size=size, rebuild=getattr(args, "rebuild", False), log=log)
        first, last = week_range(bench.today, weeks)
        made, reused = visits_ensure(bench, visits=visits, first=first, last=last, log=log)
        receivables_ensure(bench, log=log)  # invoices and allocations: the overdue receivables
        return _run(bench, first, last, weeks, made, reused, repeat, log)


def week_range(today: dt.date, weeks: int) -> tuple[dt.date, dt.date]:
    """Mondays of the first and last of the `weeks` full ISO weeks before the current one."""
    last = last_full_week(today)
    return last - dt.timedelta(weeks=weeks - 1), last


def visits_ensure(bench: BenchTenant, *, visits: int, first: dt.date, last: dt.date, log) -> tuple[int, bool]:
    t = bench.tenant.pk
    end = last + dt.timedelta(days=6)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*), min(day), max(day) FROM visits_visit WHERE tenant_id = %s", [t])
        count, lo, hi = cur.fetchone()
    if count == visits and lo is not None and lo >= first and hi <= end:
        return count, True
    t0 = time.perf_counter()
    with bulk_load(), transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT set_config('app.tenant_id', %s, true)", [str(t)])
        cur.execute("SELECT setseed(0.17)")
        for table in ("reporting_weeklyprogress", "visits_reportorder", "visits_visit", "visits_dailyreport"):
            cur.execute(f"DELETE FROM {table} WHERE tenant_id = %s", [t])  # noqa: S608 - fixed names
        params = {"t": t, "first": first, "end": end, "days": (end - first).days + 1}
        # Order visits: a fifth of the confirmed orders of the period, one done effective visit each.
        cur.execute(
            """
            CREATE TEMP TABLE bench_order_visit ON COMMIT DROP AS
            SELECT o.id AS order_id, o.rep_id, o.customer_id, o.order_date AS day,
                   nextval(pg_get_serial_sequence('visits_visit', 'id')) AS visit_id
            FROM sales_order o
            WHERE o.tenant_id = %(t)s AND o.status = 'confirmed' AND o.id %% 5 = 0
              AND o.order_date BETWEEN %(first)s AND %(end)s
            LIMIT %(limit)s
            """,
            {**params, "limit": visits // 2},
        )
        cur.execute("SELECT count(*) FROM bench_order_visit")
        (order_visits,) = cur.fetchone()
        cur.execute(
            """
            INSERT INTO visits_visit (id, tenant_id, rep_id, day, planned, customer_id, prospect_name, area,
                purpose, note, outcome, result_note, effective, cost, check_in_far, position,
                created_at, updated_at, sync_xid)
            SELECT visit_id, %(t)s, rep_id, day, true, customer_id, '', '', 'order', '', 'done', '', true,
                   round((random() * 80)::numeric, 2), false, 0, now(), now(), 0
            FROM bench_order_visit
            """,
            params,
        )
        # The other visits: a random customer of the tenant, visited by its owner on a random day.
        cur.execute(
            """
            CREATE TEMP TABLE bench_cust ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY id) AS rn, id, owner_id FROM customers_customer
            WHERE tenant_id = %(t)s
            """,
            params,
        )
        cur.execute("CREATE INDEX ON bench_cust (rn)")
        cur.execute("SELECT count(*) FROM bench_cust")
        (customers,) = cur.fetchone()
        cur.execute(
            """
            INSERT INTO visits_visit (tenant_id, rep_id, day, planned, customer_id, prospect_name, area,
                purpose, note, outcome, result_note, effective, cost, check_in_far, position,
                created_at, updated_at, sync_xid)
            SELECT %(t)s, c.owner_id, %(first)s::date + r.d, true, c.id, '', '',
                   (ARRAY['new_customer', 'market_research', 'collection', 'service', 'complaint', 'order',
                          'other'])[r.purpose],
                   '', r.outcome, '', CASE WHEN r.outcome = 'done' THEN r.eff < 0.6 END,
                   round((r.eff * 100)::numeric, 2), false, 0, now(), now(), 0
            FROM (SELECT 1 + floor(random() * %(ncust)s)::int AS crn, floor(random() * %(days)s)::int AS d,
                         1 + floor(random() * 7)::int AS purpose, random() AS eff,
                         (ARRAY['done', 'done', 'done', 'done', 'done', 'done', 'done', 'done', 'not_met',
                                'postponed'])[1 + floor(random() * 10)::int] AS outcome
                  FROM generate_series(1, %(n)s) g OFFSET 0) r
            JOIN bench_cust c ON c.rn = r.crn
            """,
            {**params, "n": max(0, visits - order_visits), "ncust": customers},
        )
        analyze("visits_visit")
        # One report per rep and day with visits; nine in ten submitted, four in five of those on time.
        cur.execute(
            """
            INSERT INTO visits_dailyreport (tenant_id, rep_id, day, attendance, complaints_handled,
                competitor_info, customer_feedback, learnings, status, submitted_at, deadline_at, on_time,
                manager_comment, created_at, updated_at, sync_xid)
            SELECT %(t)s, s.rep_id, s.day, 'on_duty', '', '', '', '', s.status,
                   CASE WHEN s.status <> 'draft' THEN s.deadline + (s.late - 0.8) * interval '5 hours' END,
                   s.deadline, CASE WHEN s.status <> 'draft' THEN s.late < 0.8 END, '', now(), now(), 0
            FROM (SELECT rep_id, day, (day + time '20:00') AT TIME ZONE 'Asia/Shanghai' AS deadline,
                         random() AS late,
                         (ARRAY['submitted', 'submitted', 'submitted', 'submitted', 'submitted', 'submitted',
                                'submitted', 'reviewed', 'reviewed', 'draft'])[1 + floor(random() * 10)::int]
                             AS status
                  FROM (SELECT DISTINCT rep_id, day FROM visits_visit WHERE tenant_id = %(t)s) v OFFSET 0) s
            """,
            params,
        )
        analyze("visits_dailyreport")
        cur.execute(
            """
            INSERT INTO visits_reportorder (tenant_id, report_id, visit_id, order_id, created_at, updated_at)
            SELECT %(t)s, r.id, b.visit_id, b.order_id, now(), now()
            FROM bench_order_visit b
            JOIN visits_dailyreport r ON r.tenant_id = %(t)s AND r.rep_id = b.rep_id AND r.day = b.day
            """,
            params,
        )
        cur.execute(
            "UPDATE visits_visit v SET report_id = r.id FROM visits_dailyreport r "
            "WHERE v.tenant_id = %(t)s AND r.tenant_id = %(t)s AND r.rep_id = v.rep_id AND r.day = v.day",
            params,
        )
    run_as_owner(
        *(f"ANALYZE {table}" for table in ("visits_visit", "visits_dailyreport", "visits_reportorder"))
    )
    log(f"  generated {visits:,} visits ({order_visits:,} with an order): {time.perf_counter() - t0:.1f} s")
    return visits, False


# ---------------------------------------------------------------- the hand-written side

HAND_SQL = {
    "lines": """
        SELECT {key} AS key, date_trunc('week', l.order_date::timestamp)::date AS week,
               sum(l.amount) AS revenue, sum(l.amount - l.cost) AS gross_margin,
               count(DISTINCT l.order_id) AS orders, count(DISTINCT l.customer_id) AS active_customers
        FROM sales_orderline l {join}
        WHERE l.tenant_id = %(t)s AND l.order_date BETWEEN %(first)s AND %(end)s
          AND l.order_id NOT IN (SELECT id FROM sales_order WHERE tenant_id = %(t)s AND status = 'cancelled')
        GROUP BY 1, 2""",
    "payments": """
        SELECT {key} AS key, date_trunc('week', l.received_on::timestamp)::date AS week,
               sum(l.amount) AS collections
        FROM sales_payment l {join}
        WHERE l.tenant_id = %(t)s AND l.received_on BETWEEN %(first)s AND %(end)s
        GROUP BY 1, 2""",
    "customers": """
        SELECT {key} AS key, date_trunc('week', l.first_order_date::timestamp)::date AS week,
               count(*) AS new_customers
        FROM customers_customer l {join}
        WHERE l.tenant_id = %(t)s AND l.first_order_date BETWEEN %(first)s AND %(end)s
        GROUP BY 1, 2""",
    "visits": """
        SELECT {key} AS key, date_trunc('week', l.day::timestamp)::date AS week,
               count(*) FILTER (WHERE l.outcome = 'done') AS visits_done,
               count(*) FILTER (WHERE l.outcome = 'done' AND l.effective) AS visits_effective,
               count(*) FILTER (WHERE l.outcome = 'done' AND l.id IN (
                   SELECT visit_id FROM visits_reportorder WHERE tenant_id = %(t)s AND visit_id IS NOT NULL))
                   AS visits_with_deal
        FROM visits_visit l {join}
        WHERE l.tenant_id = %(t)s AND l.day BETWEEN %(first)s AND %(end)s
        GROUP BY 1, 2""",
    "reports": """
        SELECT {key} AS key, date_trunc('week', l.day::timestamp)::date AS week,
               count(*) FILTER (WHERE l.status IN ('submitted', 'reviewed')) AS reports_submitted,
               count(*) FILTER (WHERE l.status IN ('submitted', 'reviewed') AND l.on_time) AS reports_on_time
        FROM visits_dailyreport l {join}
        WHERE l.tenant_id = %(t)s AND l.day BETWEEN %(first)s AND %(end)s
        GROUP BY 1, 2""",
    # The overdue balance at each week's end (Sunday D): invoices (not cancelled) due before D and
    # issued by D, less their allocations paid by D. Each invoice and allocation is an event on the
    # first day it counts, summed per key and week (earlier ones into the week before the first),
    # then a running sum over every key × week of a generated grid, and its change week on week.
    "overdue": """
        WITH ev AS (
            SELECT {key} AS key, greatest(date_trunc('week', l.day::timestamp)::date, %(before)s) AS week,
                   sum(l.amount) AS delta
            FROM (
                SELECT i.rep_id, greatest(i.due_on + 1, i.issued_on) AS day, i.amount
                FROM sales_invoice i WHERE i.tenant_id = %(t)s AND i.status <> 'cancelled'
                UNION ALL
                SELECT i.rep_id, greatest(a.paid_on, i.due_on + 1, i.issued_on), -a.amount
                FROM sales_allocation a JOIN sales_invoice i ON i.tenant_id = %(t)s AND i.id = a.invoice_id
                WHERE a.tenant_id = %(t)s AND i.status <> 'cancelled'
            ) l {join}
            WHERE l.day <= %(end)s
            GROUP BY 1, 2),
        grid AS (
            SELECT k.key, w::date AS week
            FROM (SELECT DISTINCT key FROM ev) k,
                 generate_series(%(before)s::date, %(end)s::date - 6, interval '7 days') w),
        balance AS (
            SELECT g.key, g.week, sum(coalesce(ev.delta, 0)) OVER (PARTITION BY g.key ORDER BY g.week) AS b
            FROM grid g LEFT JOIN ev ON ev.key = g.key AND ev.week = g.week)
        SELECT key, week, overdue_receivables, overdue_change FROM (
            SELECT key, week, b AS overdue_receivables,
                   b - lag(b) OVER (PARTITION BY key ORDER BY week) AS overdue_change
            FROM balance) s
        WHERE week >= %(first)s""",
}
REP_COLUMN = {
    "lines": "rep_id",
    "payments": "rep_id",
    "customers": "owner_id",
    "visits": "rep_id",
    "reports": "rep_id",
    "overdue": "rep_id",
}


def hand_sql(tenant_id: int, first: dt.date, end: dt.date) -> pd.DataFrame:
    """The rollup's figures per (scope, subject, week) by hand: per fact source one grouped statement
    by rep and one by team (the rep's team rolled up through the team closure)."""
    params = {"t": tenant_id, "first": first, "end": end, "before": first - dt.timedelta(weeks=1)}
    frames = []
    with connection.cursor() as cur:
        for scope in ("rep", "team"):
            parts = []
            for source, sql in HAND_SQL.items():
                rep = f"l.{REP_COLUMN[source]}"
                if scope == "rep":
                    key, join = rep, ""
                else:
                    key = "tc.ancestor_id"
                    join = (
                        f"JOIN tenancy_membership m ON m.tenant_id = %(t)s AND m.id = {rep} "
                        "JOIN org_teamclosure tc ON tc.tenant_id = %(t)s AND tc.descendant_id = m.team_id"
                    )
                cur.execute(sql.format(key=key, join=join), params)
                columns = [c.name for c in cur.description]
                parts.append(
                    pd.DataFrame.from_records(cur.fetchall(), columns=columns).set_index(["key", "week"])
                )
            frame = pd.concat(parts, axis=1).fillna(0)
            frame["scope"] = scope
            frames.append(frame.reset_index())
    out = pd.concat(frames, ignore_index=True)
    out[MEASURES] = out[MEASURES].astype(float)
    return out.set_index(["scope", "key", "week"])[MEASURES].sort_index()


def rollup_rows(tenant_id: int, first: dt.date, last: dt.date) -> pd.DataFrame:
    rows = WeeklyProgress.objects.filter(tenant_id=tenant_id, week_start__range=(first, last)).values(
        "scope", "subject_id", "week_start", *MEASURES
    )
    frame = pd.DataFrame.from_records(list(rows)).rename(columns={"subject_id": "key", "week_start": "week"})
    frame[MEASURES] = frame[MEASURES].astype(float)
    return frame.set_index(["scope", "key", "week"])[MEASURES].sort_index()


def compare(engine: pd.DataFrame, hand: pd.DataFrame) -> dict:
    """Mismatching cells over the union of keys (a key missing on one side counts as zeros: the
    rollup writes rows of zeros for quiet reps, the hand SQL has no row for them)."""
    index = engine.index.union(hand.index)
    a = engine.reindex(index).fillna(0.0)
    b = hand.reindex(index).fillna(0.0)
    bad = (a - b).abs() > 0.01
    return {
        "rows": len(index),
        "mismatches": int(bad.to_numpy().sum()),
        "nonzero": int((b != 0).to_numpy().sum()),
    }


def _run(bench: BenchTenant, first, last, weeks, visits, reused, repeat, log) -> list[Row]:
    tenant, t = bench.tenant, bench.tenant.pk
    end = last + dt.timedelta(days=6)
    rows = [
        Row(
            CASE,
            "dataset",
            {
                "reps": len(bench.reps),
                "lines": bench.size.lines,
                "visits": visits,
                "weeks": weeks,
                "from": first.isoformat(),
                "to": end.isoformat(),
                "reused": "yes" if bench.reused and reused else "no",
            },
        )
    ]
    engine_times, hand_times, written = [], [], 0
    hand = None
    for i in range(repeat):
        if i == 0:
            with connection.cursor() as cur:  # the first run writes every row; later ones rewrite
                cur.execute("DELETE FROM reporting_weeklyprogress WHERE tenant_id = %s", [t])
        t0 = time.perf_counter()
        result = rollup_weeks(tenant=tenant, first=first, last=last)
        engine_times.append(time.perf_counter() - t0)
        written = max(written, result.rows)
        t0 = time.perf_counter()
        hand = hand_sql(t, first, end)
        hand_times.append(time.perf_counter() - t0)
        log(f"  run {i + 1}: rollup {engine_times[-1]:.2f} s, hand SQL {hand_times[-1]:.2f} s")
    engine_s, hand_s = statistics.median(engine_times), statistics.median(hand_times)
    check = compare(rollup_rows(t, first, last), hand)
    ratio = engine_s / hand_s if hand_s else float("nan")
    rows += [
        *report_reads(bench, last, log),
        Row(
            CASE,
            "rollup_weeks() 52 weeks",
            {"s": round(engine_s, 2), "rows": written, "first_run_s": round(engine_times[0], 2)},
        ),
        Row(CASE, "hand-written SQL", {"s": round(hand_s, 2)}),
        Row(
            CASE,
            "rollup / hand SQL",
            {"ratio": round(ratio, 2)},
            goal=f"<= {RATIO_GOAL}",
            ok=ratio <= RATIO_GOAL,
        ),
        Row(
            CASE,
            "rollup = hand SQL",
            check,
            goal="0 mismatches",
            ok=check["mismatches"] == 0 and check["nonzero"] > 0,
        ),
    ]
    return rows


LIVE_GOAL_MS = 1000


def report_reads(bench: BenchTenant, week: dt.date, log) -> list[Row]:
    """The weekly report of one manager's team (50 account managers at the default size) for `week`:
    read from the rollup's rows, as for a week over and rolled up, and computed from the facts as it
    is read, as for the current week (`today` inside `week`). Both must show the same figures."""
    tenant = bench.tenant
    team = bench.managers[0].team
    inside = week + dt.timedelta(days=4)

    def stored():
        return weekly_report(tenant=tenant, team=team, first_week=week, last_week=week)

    def live():
        return weekly_report(tenant=tenant, team=team, first_week=week, last_week=week, today=inside)

    a, b = stored(), live()
    assert a["live_weeks"] == [] and b["live_weeks"] == [week], "the bench week must be rolled up"
    same = a["summary"] == b["summary"] and a["reps"] == b["reps"]
    with CaptureQueriesContext(connection) as queries:
        live()
    stored_ms = summarize_ms(time_calls(stored, n=20))
    live_ms = summarize_ms(time_calls(live, n=10))
    log(
        f"  weekly report of a team of {len(a['reps'])}: rollup rows p50 {stored_ms['p50_ms']} ms, "
        f"computed as read p50 {live_ms['p50_ms']} ms ({len(queries)} queries)"
    )
    return [
        Row(CASE, "weekly report of a team, week rolled up", {"reps": len(a["reps"]), **stored_ms}),
        Row(
            CASE,
            "weekly report of a team, week computed as read",
            {"reps": len(b["reps"]), "queries": len(queries), **live_ms},
            goal=f"p95 < {LIVE_GOAL_MS} ms, = rollup",
            ok=same and live_ms["p95_ms"] < LIVE_GOAL_MS,
        ),
    ]
