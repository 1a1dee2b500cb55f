"""Targets bench: progress of every rep × month × built-in metric target of a year, through the
progress selector the API uses, against hand-written SQL computing the same actuals in the same run.

Goal (issue 3, "Speed"): the engine within 2× of the hand-written SQL, and a query count that does not
depend on the number of targets (a 10 % subset and the whole set cost the same number of queries).
Runs on its own tenant at the issue's scale: 500 reps × 12 months × 8 metrics = 48,000 targets over
2,000,000 order lines. Then the server time of the team dashboard, now the attainment card of the home
fetched with htmx (p95 < 100 ms), for a manager and an admin.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import statistics
import time
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django_scopes import scopes_disabled

from apps.targets.models import Target
from apps.targets.selectors import target_list, target_progress
from apps.tenancy.owner import run_as_owner

from .common import Row
from .dataset import BenchSize, BenchTenant, bench_tenant_ensure, bench_today

CASE = "targets"
RATIO_GOAL = 2.0
MARK = "bench:targets"  # statement of the bench's own targets, so reruns find and reuse them
METRICS = [
    "revenue",
    "gross_margin",
    "collections",
    "order_count",
    "new_customers",
    "active_customers",
    "key_account_share",
    "retention_rate",
]
ADDITIVE = ("revenue", "gross_margin", "collections", "new_customers")
# Target values: round numbers of the right order; the bench measures actuals, not attainment.
VALUES = {
    "revenue": Decimal("500000"),
    "gross_margin": Decimal("200000"),
    "collections": Decimal("450000"),
    "order_count": Decimal("150"),
    "new_customers": Decimal("5"),
    "active_customers": Decimal("60"),
    "key_account_share": Decimal("0.1"),
    "retention_rate": Decimal("0.3"),
}
# Its own tenant at the scale (500 reps, 2M order lines): the foundation case keeps its smaller
# `bench` tenant, so its figures stay comparable run to run and its ingest never touches these facts.
SLUG = "bench-targets"


def add_arguments(parser) -> None:
    group = parser.add_argument_group("targets")
    group.add_argument("--targets-repeat", type=int, default=3, help="timed runs of each side (median kept)")
    group.add_argument("--targets-slug", default=SLUG, help="its own tenant, at the issue's scale")
    group.add_argument("--targets-reps", type=int, default=500)
    group.add_argument("--targets-customers", type=int, default=50_000)
    group.add_argument("--targets-lines", type=int, default=2_000_000)
    group.add_argument(
        "--dashboard-requests", type=int, default=100, help="timed requests per dashboard case"
    )
    group.add_argument(
        "--dashboard-only", action="store_true", help="time the team dashboard only (skip the engine runs)"
    )


def run(args, log=print) -> list[Row]:
    size = BenchSize(
        reps=getattr(args, "targets_reps", 500),
        customers=getattr(args, "targets_customers", 50_000),
        lines=getattr(args, "targets_lines", 2_000_000),
        days=data_days(bench_today()),
    )
    slug = getattr(args, "targets_slug", SLUG)
    repeat = max(1, getattr(args, "targets_repeat", 3))
    log(
        f"targets: bench tenant '{slug}' ({size.reps} reps, {size.customers:,} customers, {size.lines:,} lines)"
    )
    with scopes_disabled():
        bench = bench_tenant_ensure(slug=slug, size=size, rebuild=getattr(args, "rebuild", False), log=log)
        rows = [] if getattr(args, "dashboard_only", False) else _run(bench, repeat, log)
        rows += dashboard(bench, getattr(args, "dashboard_requests", 100), log)
        return rows


def data_days(today: dt.date) -> int:
    """Days of data the case builds: two years, and always enough to hold the whole of last year
    with the December before it (retention compares each month with the one before), which two
    years ending in December do not: 730 days back from 5 December start on the 6th."""
    return max(730, (today - dt.date(today.year - 2, 12, 1)).days + 1)


def latest_full_year(today: dt.date, days: int) -> int:
    """The last calendar year wholly inside `days` of data ending `today`, with its previous
    December (for retention)."""
    first = today - dt.timedelta(days=days - 1)
    year = today.year - 1
    if dt.date(year - 1, 12, 1) < first:
        raise RuntimeError(f"the bench data ({first}..{today}) holds no full year after a full December")
    return year


def targets_ensure(bench: BenchTenant, year: int, log=print) -> tuple[int, bool]:
    """rep × 12 months × 8 metrics monthly targets for `year`, bulk-created once and reused after."""
    tenant = bench.tenant
    months = [dt.date(year, m, 1) for m in range(1, 13)]
    mine = Target.objects.filter(tenant=tenant, statement=MARK)
    expected = len(bench.reps) * len(months) * len(METRICS)
    have = mine.filter(period_start__year=year, rep_id__in=[r.pk for r in bench.reps]).count()
    if have == expected and mine.count() == expected:
        return expected, True
    t0 = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant.pk)])
        mine.delete()
        Target.objects.bulk_create(
            [
                Target(
                    tenant=tenant,
                    metric=metric,
                    owner_kind=Target.OwnerKind.REP,
                    rep=rep,
                    grain="month",
                    period_start=month,
                    value=VALUES[metric],
                    statement=MARK,
                    status=Target.Status.LOCKED,
                )
                for rep in bench.reps
                for month in months
                for metric in METRICS
            ],
            batch_size=5000,
        )
    run_as_owner("ANALYZE targets_target")
    log(f"  created {expected:,} targets in {time.perf_counter() - t0:.1f} s")
    return expected, False


# ---------------------------------------------------------------------------------------------
# Hand-written SQL: one grouped statement per fact source, plus the distinct customers for retention
# ---------------------------------------------------------------------------------------------

NOT_CANCELLED = (
    "l.order_id NOT IN (SELECT o.id FROM sales_order o WHERE o.tenant_id = %(t)s AND o.status = 'cancelled')"
)
LINES_SQL = f"""
    SELECT l.rep_id, date_trunc('month', l.order_date::timestamp)::date,
           sum(l.amount), sum(l.amount - l.cost), count(DISTINCT l.order_id), count(DISTINCT l.customer_id),
           coalesce(sum(l.amount) FILTER (WHERE c.is_key_account), 0)
    FROM sales_orderline l JOIN customers_customer c ON c.tenant_id = %(t)s AND c.id = l.customer_id
    WHERE l.tenant_id = %(t)s AND l.order_date BETWEEN %(lo)s AND %(hi)s AND {NOT_CANCELLED}
    GROUP BY 1, 2"""  # noqa: S608 (constant SQL)
PAYMENTS_SQL = """
    SELECT rep_id, date_trunc('month', received_on::timestamp)::date, sum(amount) FROM sales_payment
    WHERE tenant_id = %(t)s AND received_on BETWEEN %(lo)s AND %(hi)s GROUP BY 1, 2"""
NEW_CUSTOMERS_SQL = """
    SELECT owner_id, date_trunc('month', first_order_date::timestamp)::date, count(*) FROM customers_customer
    WHERE tenant_id = %(t)s AND first_order_date BETWEEN %(lo)s AND %(hi)s GROUP BY 1, 2"""
RETENTION_SQL = f"""
    WITH a AS (SELECT DISTINCT l.rep_id, l.customer_id, date_trunc('month', l.order_date::timestamp)::date AS m
               FROM sales_orderline l
               WHERE l.tenant_id = %(t)s AND l.order_date BETWEEN %(prev)s AND %(hi)s AND {NOT_CANCELLED})
    SELECT p.rep_id, (p.m + interval '1 month')::date, count(*), count(n.customer_id)
    FROM a p LEFT JOIN a n ON n.rep_id = p.rep_id AND n.customer_id = p.customer_id
                           AND n.m = (p.m + interval '1 month')::date
    WHERE (p.m + interval '1 month')::date BETWEEN %(lo)s AND %(hi)s GROUP BY 1, 2"""  # noqa: S608


def hand_actuals(tenant_id: int, year: int) -> dict[tuple[int, dt.date, str], float]:
    """(rep, month, metric) -> actual, for every metric of METRICS, in four statements."""
    params = {
        "t": tenant_id,
        "lo": dt.date(year, 1, 1),
        "hi": dt.date(year, 12, 31),
        "prev": dt.date(year - 1, 12, 1),
    }
    out: dict[tuple[int, dt.date, str], float] = {}
    with connection.cursor() as cur:
        cur.execute(LINES_SQL, params)
        for rep, month, revenue, margin, orders, active, key in cur.fetchall():
            out[rep, month, "revenue"] = float(revenue)
            out[rep, month, "gross_margin"] = float(margin)
            out[rep, month, "order_count"] = float(orders)
            out[rep, month, "active_customers"] = float(active)
            out[rep, month, "key_account_share"] = float(key) / float(revenue) if revenue else 0.0
        cur.execute(PAYMENTS_SQL, params)
        for rep, month, amount in cur.fetchall():
            out[rep, month, "collections"] = float(amount)
        cur.execute(NEW_CUSTOMERS_SQL, params)
        for rep, month, n in cur.fetchall():
            out[rep, month, "new_customers"] = float(n)
        cur.execute(RETENTION_SQL, params)
        for rep, month, prior, retained in cur.fetchall():
            out[rep, month, "retention_rate"] = retained / prior if prior else 0.0
    return out


HAND_STATEMENTS = 4


def _median_time(func, repeat: int) -> tuple[float, object]:
    func()  # warm-up: caches, plans
    samples, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = func()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples), result


def _load(tenant, viewer, year: int, rep_ids: list[int] | None = None) -> list[Target]:
    qs = target_list(tenant=tenant, viewer=viewer).filter(statement=MARK, period_start__year=year)
    if rep_ids is not None:
        qs = qs.filter(rep_id__in=rep_ids)
    return list(qs)


def _progress_queries(tenant, targets: list[Target], today: dt.date) -> int:
    with CaptureQueriesContext(connection) as ctx:
        target_progress(tenant=tenant, targets=targets, today=today)
    return len(ctx.captured_queries)


def compare(targets: list[Target], frame, hand: dict[tuple[int, dt.date, str], float]) -> dict[str, int]:
    """Mismatches per metric between the engine's actuals and the hand-written SQL's."""
    actual = frame["actual"].to_dict()
    bad = dict.fromkeys(METRICS, 0)
    for t in targets:
        engine = float(actual[t.pk])
        engine = 0.0 if math.isnan(engine) else engine
        expected = hand.get((t.rep_id, t.period_start, t.metric), 0.0)
        if not math.isclose(engine, expected, rel_tol=1e-9, abs_tol=0.005):
            bad[t.metric] += 1
    return bad


def _run(bench: BenchTenant, repeat: int, log) -> list[Row]:
    tenant = bench.tenant
    year = latest_full_year(bench.today, bench.size.days)
    count, reused = targets_ensure(bench, year, log=log)
    if reused:
        log(f"  reused {count:,} targets of {year}")
    today = bench.today
    viewer = bench.admin

    t0 = time.perf_counter()
    targets = _load(tenant, viewer, year)
    load_s = time.perf_counter() - t0
    assert len(targets) == count, (len(targets), count)

    # Query counts: a tenth of the reps' targets and all of them.
    subset_reps = [r.pk for r in bench.reps[: max(1, len(bench.reps) // 10)]]
    subset = _load(tenant, viewer, year, subset_reps)
    queries_subset = _progress_queries(tenant, subset, today)
    queries_all = _progress_queries(tenant, targets, today)
    log(f"  queries: {queries_subset} for {len(subset):,} targets, {queries_all} for {len(targets):,}")

    # Both sides in the same run, alternating warm-ups, median of `repeat` timed runs each.
    engine_s, frame = _median_time(
        lambda: target_progress(tenant=tenant, targets=targets, today=today), repeat
    )
    hand_s, hand = _median_time(lambda: hand_actuals(tenant.pk, year), repeat)
    ratio = engine_s / hand_s if hand_s else float("inf")
    log(f"  engine {engine_s:.3f} s, hand SQL {hand_s:.3f} s, ratio {ratio:.2f}× (goal ≤ {RATIO_GOAL}×)")

    bad = compare(targets, frame, hand)
    additive_bad = {m: bad[m] for m in ADDITIVE if bad[m]}
    other_bad = {m: n for m, n in bad.items() if n and m not in ADDITIVE}
    log(f"  engine = hand SQL: additive mismatches {additive_bad or 'none'}, others {other_bad or 'none'}")
    nonzero = sum(1 for v in frame["actual"] if v)
    assert nonzero, "every actual is zero: the targets' year has no facts"
    assert not additive_bad, f"engine actuals differ from hand-written SQL: {additive_bad}"

    return [
        Row(
            CASE,
            "dataset",
            {
                "reps": len(bench.reps),
                "lines": bench.size.lines,
                "year": str(year),
                "targets": count,
                "reused": "yes" if reused else "no",
            },
        ),
        Row(CASE, "load targets (target_list)", {"targets": len(targets), "s": round(load_s, 3)}),
        Row(
            CASE,
            "progress target_progress()",
            {"targets": len(targets), "s": round(engine_s, 3), "queries": queries_all, "n": repeat},
        ),
        Row(
            CASE,
            "hand-written SQL",
            {"targets": len(targets), "s": round(hand_s, 3), "queries": HAND_STATEMENTS, "n": repeat},
        ),
        Row(
            CASE,
            "engine / hand SQL",
            {"ratio": round(ratio, 2)},
            goal=f"<= {RATIO_GOAL}×",
            ok=ratio <= RATIO_GOAL,
        ),
        Row(
            CASE,
            "queries 10% subset vs all",
            {
                "targets": f"{len(subset)} vs {len(targets)}",
                "queries": f"{queries_subset} vs {queries_all}",
            },
            goal="same count",
            ok=queries_subset == queries_all,
        ),
        Row(
            CASE,
            "engine actuals = hand SQL",
            {
                "targets": len(targets),
                "nonzero": nonzero,
                "additive_mismatches": sum(additive_bad.values()),
                "other_mismatches": sum(other_bad.values()),
            },
            goal="additive equal",
            ok=not additive_bad,
        ),
    ]


# ---------------------------------------------------------------------------------------------
# Team dashboard, the attainment card of the home: server time for a manager of a big team and for
# an admin (everyone)
# ---------------------------------------------------------------------------------------------

DASHBOARD_MARK = "bench:dashboard"
DASHBOARD_GOAL_MS = 100
DASHBOARD_VALUES = {"month": Decimal("500000"), "quarter": Decimal("1500000"), "year": Decimal("6000000")}


def _current_periods(today: dt.date) -> dict[str, dt.date]:
    return {
        "month": today.replace(day=1),
        "quarter": today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1),
        "year": today.replace(month=1, day=1),
    }


def dashboard_targets_ensure(bench: BenchTenant, today: dt.date, log=print) -> int:
    """Revenue targets of the current month, quarter and year for every rep and every team (what the
    dashboard shows), made once per period and reused."""
    from apps.org.models import Team

    tenant = bench.tenant
    periods = _current_periods(today)
    teams = list(Team.objects.filter(tenant=tenant))
    expected = (len(bench.reps) + len(teams)) * len(periods)
    mine = Target.objects.filter(tenant=tenant, statement=DASHBOARD_MARK)
    if mine.filter(period_start__in=periods.values()).count() == expected == mine.count():
        return expected
    per_team = max(1, len(bench.reps) // max(1, len(teams) - 1))
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant.pk)])
        mine.delete()
        rows = []
        for grain, start in periods.items():
            value = DASHBOARD_VALUES[grain]
            common = {"tenant": tenant, "metric": "revenue", "grain": grain, "period_start": start}
            common |= {"statement": DASHBOARD_MARK, "status": Target.Status.LOCKED}
            rows += [Target(owner_kind="rep", rep=r, value=value, **common) for r in bench.reps]
            rows += [Target(owner_kind="team", team=t, value=value * per_team, **common) for t in teams]
        Target.objects.bulk_create(rows, batch_size=5000)
    run_as_owner("ANALYZE targets_target")
    log(f"  created {expected:,} dashboard targets (revenue, current month, quarter and year)")
    return expected


def dashboard(bench: BenchTenant, requests: int, log=print) -> list[Row]:
    from django.urls import reverse

    from apps.tenancy.dates import tenant_today

    tenant = bench.tenant
    today = tenant_today(tenant)
    dashboard_targets_ensure(bench, today, log=log)
    url = reverse("targets:team-card", kwargs={"tenant_slug": tenant.slug})
    manager = max(bench.managers, key=lambda m: sum(1 for r in bench.reps if r.reports_to_id == m.pk))
    line = sum(1 for r in bench.reps if r.reports_to_id == manager.pk)
    rows = []
    # Static URLs without a collectstatic manifest (the bench runs from a checkout, as the tests do).
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}):
        for who, member, reps in (("manager", manager, line), ("admin", bench.admin, len(bench.reps))):
            rows += _dashboard_rows(url, who, member, reps, requests, log)
    return rows


PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


def _dashboard_rows(url: str, who: str, member, reps: int, requests: int, log) -> list[Row]:
    from django.test import Client

    from apps.targets.views.targets import DASHBOARD_REPS_PER_PAGE

    from .common import summarize_ms, time_calls

    rows = []
    client = Client()
    # A session made in-process, not a sign-in: django-axes would log it under a request without a
    # client address (its IP field refuses the "unknown" that stands for none).
    with override_settings(AXES_ENABLED=False):
        client.force_login(member.user)
    htmx = {"HTTP_HX_REQUEST": "true"}  # as the home's card fetches it
    for period in ("month", "quarter", "year"):
        page = f"{url}?period={period}"
        response = client.get(page, **htmx)
        assert response.status_code == 200, (page, response.status_code)
        listed = min(reps, DASHBOARD_REPS_PER_PAGE)  # the first page of the line's reps
        assert response.content.count(b'class="team-rep"') == listed, "a full first page of reps"
        # Counted by a wrapper: the test client's request_started signal resets connection.queries.
        executed: list[str] = []
        with connection.execute_wrapper(lambda run, sql, *a, seen=executed: seen.append(sql) or run(sql, *a)):
            client.get(page, **htmx)
        timing = summarize_ms(time_calls(lambda page=page, client=client: client.get(page, **htmx), requests))
        log(
            f"  attainment card {who} ({reps} reps) {period}: p95 {timing['p95_ms']} ms, {len(executed)} queries"
        )
        rows.append(
            Row(
                CASE,
                f"team dashboard (attainment card) {who} {period}",
                {"reps": reps, **timing, "queries": len(executed), "load1": round(os.getloadavg()[0], 1)},
                goal=f"p95 < {DASHBOARD_GOAL_MS} ms",
                ok=timing["p95_ms"] < DASHBOARD_GOAL_MS,
            )
        )
    return rows
