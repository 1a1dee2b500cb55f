"""Load bench: gunicorn with the production settings on 127.0.0.1 and a closed-loop load generator.

Goal (issue 5, "Hardening"): a mix of list, detail, home and report-filing requests as reps and
managers of a large tenant for 60 s; p50/p95/p99 and throughput per endpoint, and no errors.

The tenant is the shared bench generator's (its own slug, 200 reps under 20 managers, 20,000
customers, 300,000 order lines over two years) plus the reporting case's visits and daily reports of
the last weeks, revenue targets of the current month, quarter and year for every rep and team (the
targets case's dashboard targets) and the weekly rollup. Half of the reps' days of the last 31 are
left without a report: those (rep, day) pairs are what the virtual reps file, each once, so every
request of the mix is valid and any answer but 2xx/3xx is an error.

The server: gunicorn, `--load-workers` processes (default 2 × cores) of the `gthread` class with
`--load-threads` threads each. gthread rather than sync because it keeps HTTP connections alive (the
generator's clients, like a proxy's pool, reuse theirs) and a thread waiting on PostgreSQL lets the
others of its process run; `--load-worker-class sync` measures the Dockerfile's plain workers.

The generator: `--load-users` virtual users (a quarter of them managers), each a thread with one
keep-alive http.client connection, sending its next request as soon as the previous one answered
(no think time), as a member picked from its own share of the tenant's reps or managers, with that
member's API token or session cookie. Requests of the first `--load-warmup` seconds are not counted.
Whatever the load wrote (reports, visits, orders, audit rows) is removed afterwards, so the next run
finds the same tenant.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.sales.services import customer_order_dates_refresh
from apps.tenancy.models import ApiToken
from apps.tenancy.owner import run_as_owner

from .common import ROOT, Row, collectstatic_unless_current, percentile
from .dataset import BenchSize, BenchTenant, bench_tenant_ensure
from .receivables import receivables_remove

CASE = "load"
SLUG = "bench-load"
MARK = "bench:load"  # on the reports and visits the load writes, so they can be found and removed
TOKEN_NAME = "bench-load"
HOST = "127.0.0.1"
LOG_PATH = ROOT / "var" / "log" / "bench-load-web.log"


def add_arguments(parser) -> None:
    group = parser.add_argument_group("load")
    group.add_argument("--load-duration", type=float, default=60.0, help="seconds measured")
    group.add_argument("--load-warmup", type=float, default=5.0, help="seconds of load not counted")
    group.add_argument("--load-users", type=int, default=16, help="virtual users (concurrency)")
    group.add_argument("--load-workers", type=int, default=2 * (os.cpu_count() or 1))
    group.add_argument("--load-threads", type=int, default=4, help="threads per gthread worker")
    group.add_argument("--load-worker-class", choices=["gthread", "sync"], default="gthread")
    group.add_argument("--load-port", type=int, default=0, help="0: a free port")
    group.add_argument("--load-settings", default="salesmgmt.settings.prod")
    group.add_argument("--load-slug", default=SLUG)
    group.add_argument("--load-reps", type=int, default=200)
    group.add_argument("--load-teams", type=int, default=20)
    group.add_argument("--load-customers", type=int, default=20_000)
    group.add_argument("--load-lines", type=int, default=300_000)
    group.add_argument("--load-visits", type=int, default=60_000)
    group.add_argument("--load-weeks", type=int, default=8, help="weeks of visits and reports")
    group.add_argument("--load-seed", type=int, default=5)
    group.add_argument(
        "--load-no-collectstatic",
        dest="load_collectstatic",
        action="store_false",
        help="do not bring var/static up to date (settings without a static manifest)",
    )


def _arg(args, name, default):
    return getattr(args, f"load_{name}", default)


def run(args, log=print) -> list[Row]:
    size = BenchSize(
        reps=_arg(args, "reps", 200),
        teams=_arg(args, "teams", 20),
        customers=_arg(args, "customers", 20_000),
        lines=_arg(args, "lines", 300_000),
        days=730,
    )
    slug = _arg(args, "slug", SLUG)
    weeks = _arg(args, "weeks", 8)
    visits = _arg(args, "visits", 60_000)
    log(
        f"load: tenant '{slug}' ({size.reps} reps in {size.teams} teams, {size.customers:,} customers, "
        f"{size.lines:,} lines, {visits:,} visits over {weeks} weeks)"
    )
    with scopes_disabled():
        t0 = time.perf_counter()
        bench = bench_tenant_ensure(slug=slug, size=size, rebuild=getattr(args, "rebuild", False), log=log)
        world = world_ensure(bench, visits=visits, weeks=weeks, log=log)
        log(f"  data ready: {time.perf_counter() - t0:.1f} s")
        try:
            return _run(args, bench, world, log)
        finally:
            removed = load_writes_remove(bench.tenant.pk)
            log(f"  removed what the load wrote: {removed}")


# ---------------------------------------------------------------------------------------------
# The data: visits, reports, targets and rollup beside the shared bench tenant
# ---------------------------------------------------------------------------------------------


@dataclass
class World:
    today: dt.date  # in the tenant's time zone
    tz: dt.tzinfo
    free_days: dict[int, list[dt.date]]  # rep id -> days of the window without a report
    customers: dict[int, list[int]]  # member id -> customers it may see (a sample)
    orders: dict[int, list[int]]  # member id -> orders it may see (a sample)
    products: list[int]
    reports: int
    visits: int


def world_ensure(bench: BenchTenant, *, visits: int, weeks: int, log) -> World:
    from apps.reporting.models import WeeklyProgress
    from apps.reporting.services import rollup_weeks
    from apps.tenancy.dates import tenant_today

    from .reporting import visits_ensure, week_range
    from .targets import dashboard_targets_ensure

    tenant, t = bench.tenant, bench.tenant.pk
    load_writes_remove(t)  # of an interrupted run
    first, last = week_range(bench.today, weeks)
    made, reused = visits_ensure(bench, visits=visits, first=first, last=last, log=log)
    today = tenant_today(tenant)
    window_open(t, today)
    dashboard_targets_ensure(bench, today, log=log)
    recent = last - dt.timedelta(weeks=3)
    if not WeeklyProgress.objects.filter(tenant=tenant, week_start__range=(recent, last)).exists():
        t0 = time.perf_counter()
        rollup_weeks(tenant=tenant, first=recent, last=last)
        log(f"  weekly rollup of the last 4 weeks: {time.perf_counter() - t0:.1f} s")
    run_as_owner(
        *(
            f"ANALYZE {t}"
            for t in ("visits_visit", "visits_dailyreport", "targets_target", "reporting_weeklyprogress")
        )
    )
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT m.id, array_agg(d.day::date ORDER BY d.day)
            FROM tenancy_membership m
            CROSS JOIN generate_series(%(first)s::date, %(today)s::date, interval '1 day') d(day)
            WHERE m.tenant_id = %(t)s AND m.role = 'rep'
              AND NOT EXISTS (SELECT 1 FROM visits_dailyreport r
                              WHERE r.tenant_id = %(t)s AND r.rep_id = m.id AND r.day = d.day::date)
            GROUP BY m.id
            """,
            {"t": t, "first": _window_first(today), "today": today},
        )
        free_days = dict(cur.fetchall())
        # A sample of what each member may open: reps their own rows, managers their line's.
        samples: dict[str, dict[int, list[int]]] = {}
        for name, table, owner in (
            ("customers", "customers_customer", "owner_id"),
            ("orders", "sales_order", "rep_id"),
        ):
            cur.execute(
                f"""
                SELECT viewer, array_agg(id) FROM (
                    SELECT rc.ancestor_id AS viewer, x.id,
                           row_number() OVER (PARTITION BY rc.ancestor_id ORDER BY md5(x.id::text)) AS n
                    FROM {table} x
                    JOIN org_reportingclosure rc ON rc.tenant_id = x.tenant_id AND rc.descendant_id = x.{owner}
                    WHERE x.tenant_id = %(t)s
                ) s WHERE n <= 50 GROUP BY viewer
                """,  # noqa: S608 - fixed names
                {"t": t},
            )
            samples[name] = dict(cur.fetchall())
        cur.execute("SELECT id FROM sales_product WHERE tenant_id = %s AND is_active ORDER BY id", [t])
        products = [row[0] for row in cur.fetchall()]
        cur.execute("SELECT count(*) FROM visits_dailyreport WHERE tenant_id = %s", [t])
        (reports,) = cur.fetchone()
    return World(
        today=today,
        tz=tenant.tzinfo,
        free_days=free_days,
        customers=samples["customers"],
        orders=samples["orders"],
        products=products,
        reports=reports,
        visits=made,
    )


def _window_first(today: dt.date) -> dt.date:
    # One day inside the limit, so a run that crosses the tenant's midnight files only valid days.
    return today - dt.timedelta(days=settings.DAILY_REPORT_MAX_DAYS_LATE - 1)


def window_open(tenant_id: int, today: dt.date) -> int:
    """Take back the generated reports of every other (rep, day) of the filing window, so reps have
    days left to report (their visits stay, unreported, as after a day nobody filed)."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant_id)])
        cur.execute(
            """
            CREATE TEMP TABLE bench_open ON COMMIT DROP AS
            SELECT id FROM visits_dailyreport
            WHERE tenant_id = %(t)s AND day >= %(first)s AND (rep_id + (day - date '2000-01-01')) %% 2 = 0
            """,
            {"t": tenant_id, "first": _window_first(today)},
        )
        cur.execute("SELECT count(*) FROM bench_open")
        (opened,) = cur.fetchone()
        if opened:
            for table in ("visits_reportorder", "visits_reportpayment"):
                cur.execute(
                    f"DELETE FROM {table} WHERE tenant_id = %s AND report_id IN (SELECT id FROM bench_open)",  # noqa: S608
                    [tenant_id],
                )
            cur.execute(
                "UPDATE visits_visit SET report_id = NULL WHERE tenant_id = %s "
                "AND report_id IN (SELECT id FROM bench_open)",
                [tenant_id],
            )
            cur.execute(
                "DELETE FROM visits_dailyreport WHERE tenant_id = %s AND id IN (SELECT id FROM bench_open)",
                [tenant_id],
            )
    return opened


def load_writes_remove(tenant_id: int) -> dict[str, int]:
    """Remove the reports and visits the load filed, the orders and payments filed with them, and
    the tenant's audit, idempotency, tombstone and notification rows (only the bench writes there)."""
    out: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant_id)])
        p = {"t": tenant_id, "mark": MARK}
        cur.execute(
            "CREATE TEMP TABLE bench_rep ON COMMIT DROP AS "
            "SELECT id FROM visits_dailyreport WHERE tenant_id = %(t)s AND learnings = %(mark)s",
            p,
        )
        cur.execute(
            "CREATE TEMP TABLE bench_ord ON COMMIT DROP AS SELECT o.id, o.customer_id FROM sales_order o "
            "JOIN visits_reportorder l ON l.tenant_id = %(t)s AND l.order_id = o.id "
            "WHERE o.tenant_id = %(t)s AND l.report_id IN (SELECT id FROM bench_rep)",
            p,
        )
        cur.execute(
            "CREATE TEMP TABLE bench_pay ON COMMIT DROP AS SELECT payment_id AS id FROM visits_reportpayment "
            "WHERE tenant_id = %(t)s AND report_id IN (SELECT id FROM bench_rep)",
            p,
        )
        receivables_remove(
            cur, tenant_id=tenant_id, orders="SELECT id FROM bench_ord", payments="SELECT id FROM bench_pay"
        )
        steps = [
            ("report_orders", "DELETE FROM visits_reportorder WHERE tenant_id = %(t)s AND report_id IN (SELECT id FROM bench_rep)"),
            ("report_payments", "DELETE FROM visits_reportpayment WHERE tenant_id = %(t)s AND report_id IN (SELECT id FROM bench_rep)"),
            ("visits_unlinked", "UPDATE visits_visit SET report_id = NULL WHERE tenant_id = %(t)s AND note <> %(mark)s AND report_id IN (SELECT id FROM bench_rep)"),
            ("visits", "DELETE FROM visits_visit WHERE tenant_id = %(t)s AND note = %(mark)s"),
            ("reports", "DELETE FROM visits_dailyreport WHERE tenant_id = %(t)s AND id IN (SELECT id FROM bench_rep)"),
            ("payments", "DELETE FROM sales_payment WHERE tenant_id = %(t)s AND id IN (SELECT id FROM bench_pay)"),
            ("lines", "DELETE FROM sales_orderline WHERE tenant_id = %(t)s AND order_id IN (SELECT id FROM bench_ord)"),
            ("orders", "DELETE FROM sales_order WHERE tenant_id = %(t)s AND id IN (SELECT id FROM bench_ord)"),
            ("audit", "DELETE FROM tenancy_auditlog WHERE tenant_id = %(t)s"),
            ("idempotency", "DELETE FROM tenancy_idempotencyrecord WHERE tenant_id = %(t)s"),
            ("tombstones", "DELETE FROM tenancy_tombstone WHERE tenant_id = %(t)s"),
            ("notifications", "DELETE FROM tenancy_notification WHERE tenant_id = %(t)s"),
            ("mails", "DELETE FROM tenancy_outboxmail WHERE tenant_id = %(t)s"),
        ]  # fmt: skip
        for name, sql in steps:
            cur.execute(sql, p)
            out[name] = cur.rowcount
        # The filed orders moved their customers' first and last order dates: put them back.
        cur.execute("SELECT DISTINCT customer_id FROM bench_ord")
        customer_order_dates_refresh(tenant_id=tenant_id, customer_ids=[row[0] for row in cur.fetchall()])
        cur.execute(
            "DELETE FROM tenancy_apitoken WHERE name = %s AND membership_id IN "
            "(SELECT id FROM tenancy_membership WHERE tenant_id = %s)",
            [TOKEN_NAME, tenant_id],
        )
    return {k: v for k, v in out.items() if v}


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------


def database_url() -> str:
    """The database this process uses (the test database under pytest), for the server."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{quote(s['NAME'], safe='')}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with the given settings on 127.0.0.1, stopped (TERM, then KILL) on leaving."""

    def __init__(self, *, settings_module: str, port: int, workers: int, threads: int, worker_class: str):
        self.port = port or free_port()
        self.settings_module = settings_module
        self.cmd = [
            str(Path(sys.executable).parent / "gunicorn"),
            "salesmgmt.wsgi:application",
            "--bind", f"{HOST}:{self.port}",
            "--workers", str(workers),
            "--worker-class", worker_class,
            "--threads", str(threads if worker_class == "gthread" else 1),
            "--timeout", "60",
            "--keep-alive", "30",
            "--error-logfile", str(LOG_PATH),
            "--capture-output",
            "--log-level", "warning",
        ]  # fmt: skip
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DATABASE_URL": database_url(),
            # This process's key: the sessions it logs in are signed with it.
            "SECRET_KEY": settings.SECRET_KEY,
            "SECURE_SSL_REDIRECT": "False",
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "LOG_LEVEL": "WARNING",
            "DEBUG": "false",
        }
        # The role the app logs in as, where the settings name one apart from the schema owner.
        s = connection.settings_dict
        if s.get("APP_USER"):
            self.env["DATABASE_APP_USER"] = s["APP_USER"]
            self.env["DATABASE_APP_PASSWORD"] = s.get("APP_PASSWORD") or ""
        self.proc: subprocess.Popen | None = None

    def collectstatic(self, log) -> None:
        t0 = time.perf_counter()
        if collectstatic_unless_current(self.env):
            log(f"  collectstatic: {time.perf_counter() - t0:.1f} s")

    def __enter__(self) -> Server:
        LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
        LOG_PATH.write_text("")
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL)  # noqa: S603
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}: see {LOG_PATH}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/accounts/login/")
                conn.getresponse().read()
                conn.close()
                return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on port {self.port} within 60 s")

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)  # graceful: workers finish their requests
        try:
            self.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def cpu_seconds(self) -> float:
        """CPU time the master and its workers used so far (Linux /proc; 0 elsewhere). Unlike
        latency, it does not depend on what else the machine is running."""
        if self.proc is None:
            return 0.0
        pids, total = [self.proc.pid], 0.0
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as fh:
                pids += [int(p) for p in fh.read().split()]
        except OSError:
            return 0.0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
            except (OSError, IndexError, ValueError):
                continue
        return total

    @staticmethod
    def log_errors() -> tuple[int, list[str]]:
        """Tracebacks in the server's log, and the first lines naming an error."""
        text = LOG_PATH.read_text(errors="replace") if LOG_PATH.exists() else ""
        firsts = [line for line in text.splitlines() if "Internal Server Error" in line or "[ERROR]" in line]
        return text.count("Traceback (most recent call last)"), firsts[:5]


# ---------------------------------------------------------------------------------------------
# The load generator
# ---------------------------------------------------------------------------------------------


@dataclass
class Member:
    id: int
    role: str
    token: str
    cookie: str


@dataclass
class Stats:
    samples: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0
    first_errors: list[str] = field(default_factory=list)


class User(threading.Thread):
    """One virtual user: a keep-alive connection and a loop of weighted requests, no think time."""

    def __init__(self, load: Load, role: str, members: list[Member], seed: int):
        super().__init__(daemon=True)
        self.load, self.role, self.members = load, role, members
        self.rng = random.Random(seed)
        self.stats: dict[str, Stats] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.member: Member = members[0]
        self.mix = MIX[role]
        self.weights = [w for w, *_ in self.mix]

    # -- HTTP
    def request(
        self, label: str, method: str, path: str, body: dict | None = None, *, api=True, key=False, htmx=False
    ):
        headers = {"Accept": "application/json" if api else "text/html"}
        if htmx:
            headers["HX-Request"] = "true"  # a card of the home fetching its body
        if api:
            headers["Authorization"] = f"Token {self.member.token}"
        else:
            headers["Cookie"] = self.member.cookie
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
            if key:
                headers["Idempotency-Key"] = str(uuid.uuid4())
        counted = time.monotonic() >= self.load.counting_from
        t0 = time.perf_counter()
        status, data, error = 0, b"", None
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.load.port, timeout=60)
            self.conn.request(method, path, body=payload, headers=headers)
            response = self.conn.getresponse()
            status, data = response.status, response.read()
            if response.will_close:
                self.conn.close()
                self.conn = None
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
            if self.conn is not None:
                self.conn.close()
            self.conn = None
        elapsed = time.perf_counter() - t0
        if counted:
            stats = self.stats.setdefault(f"{self.role} {method} {label}", Stats())
            stats.samples.append(elapsed)
            stats.statuses[str(status) if status else "exception"] += 1
            if error or not 200 <= status < 400:
                stats.errors += 1
                if len(stats.first_errors) < 3:
                    stats.first_errors.append(error or f"{status} {path} {data[:300]!r}")
        if error or not 200 <= status < 400:
            return None
        return data

    def run(self) -> None:
        # First a tour of the whole mix, finished even past the end (every endpoint is answered at
        # least once, and warm), then requests drawn by weight.
        tour = [action for _w, _label, action in self.mix]
        while tour or time.monotonic() < self.load.stop_at:
            self.member = self.rng.choice(self.members)
            action = tour.pop(0) if tour else self.rng.choices(self.mix, self.weights)[0][2]
            try:
                action(self)
            except Exception as exc:  # an answer the generator could not use: an error, not a dead user
                stats = self.stats.setdefault(f"{self.role} {action.__name__} (unusable answer)", Stats())
                stats.errors += 1
                stats.statuses["exception"] += 1
                if len(stats.first_errors) < 3:
                    stats.first_errors.append(f"{type(exc).__name__}: {exc}")
        if self.conn is not None:
            self.conn.close()

    # -- what the requests name
    def pick(self, kind: str) -> int | None:
        ids = getattr(self.load.world, kind).get(self.member.id)
        return self.rng.choice(ids) if ids else None

    def page(self, name: str, query: str = "") -> str:
        return self.load.pages[name] + query


# Actions: each sends one request, or a short sequence a client would (create a visit, check in, out).


def customers_list(u: User):
    u.request("/api/v1/customers/", "GET", "/api/v1/customers/")


def customers_filtered(u: User):
    u.request("/api/v1/customers/?status&segment", "GET", "/api/v1/customers/?status=active&segment=dealer")


def customer_detail(u: User):
    pk = u.pick("customers")
    if pk:
        u.request("/api/v1/customers/{id}/", "GET", f"/api/v1/customers/{pk}/")


def orders_list(u: User):
    u.request("/api/v1/orders/", "GET", "/api/v1/orders/")


def order_detail(u: User):
    pk = u.pick("orders")
    if pk:
        u.request("/api/v1/orders/{id}/", "GET", f"/api/v1/orders/{pk}/")


def visits_list(u: User):
    since = (u.load.world.today - dt.timedelta(days=14)).isoformat()
    u.request("/api/v1/visits/?day_from", "GET", f"/api/v1/visits/?day_from={since}")


def reports_list(u: User):
    u.request("/api/v1/daily-reports/", "GET", "/api/v1/daily-reports/")


def targets_progress(u: User):
    start = u.load.world.today.replace(day=1).isoformat()
    u.request(
        "/api/v1/targets/progress/?grain=month",
        "GET",
        f"/api/v1/targets/progress/?grain=month&period_from={start}&period_to={start}",
    )


def my_targets_page(u: User):
    u.request("page targets:mine", "GET", u.page("targets:mine"), api=False)


def today_page(u: User):
    u.request("page visits:today", "GET", u.page("visits:today"), api=False)


def home_page(u: User):
    u.request("page dashboard", "GET", u.page("dashboard"), api=False)


def team_card(u: User):
    """The home's attainment card (what the team dashboard was), as htmx fetches it."""
    period = u.rng.choice(["month", "quarter"])
    u.request(
        f"card targets:team-card ?period={period}",
        "GET",
        u.page("targets:team-card", f"?period={period}"),
        api=False,
        htmx=True,
    )


def weekly_report_page(u: User):
    u.request("page reporting:weekly", "GET", u.page("reporting:weekly"), api=False)


def report_file(u: User):
    """File a daily report for a day the rep has not reported yet: two visits' outcomes (one
    new with an order and a collection), linking the day's planned visits as well."""
    day = u.load.claim_day(u.member.id)
    customers = u.load.world.customers.get(u.member.id) or []
    if day is None or not customers:
        return visit_round(u)
    a, b = u.rng.sample(customers, 2) if len(customers) > 1 else (customers[0], customers[0])
    product = u.rng.choice(u.load.world.products)
    body = {
        "day": day.isoformat(),
        "attendance": "on_duty",
        "customer_feedback": "Asked for the new price list.",
        "learnings": MARK,
        "visits": [
            {
                "customer": a,
                "purpose": "order",
                "note": MARK,
                "outcome": "done",
                "effective": True,
                "cost": "35.00",
                "orders": [{"lines": [{"product": product, "quantity": "3"}]}],
                "payments": [{"amount": "120.00", "method": "transfer"}],
            },
            {"customer": b, "purpose": "service", "note": MARK, "outcome": "done", "effective": False},
        ],
    }
    u.request("/api/v1/daily-reports/", "POST", "/api/v1/daily-reports/", body, key=True)


def visit_round(u: User):
    """An unplanned visit today, then check-in and check-out at the customer."""
    pk = u.pick("customers")
    if not pk:
        return
    # Today as the server sees it now: a run may cross the tenant's midnight, and check-in is same-day.
    today = dt.datetime.now(u.load.world.tz).date()
    body = {"day": today.isoformat(), "customer": pk, "purpose": "service", "note": MARK}
    data = u.request("/api/v1/visits/", "POST", "/api/v1/visits/", body, key=True)
    if data is None:
        return
    visit = json.loads(data)["id"]
    position = {"lat": 31.2 + u.rng.random() / 10, "lng": 121.4 + u.rng.random() / 10}
    checked_in = u.request(
        "/api/v1/visits/{id}/check-in/",
        "POST",
        f"/api/v1/visits/{visit}/check-in/",
        {**position, "accuracy_m": 25},
    )
    if checked_in is not None:
        u.request("/api/v1/visits/{id}/check-out/", "POST", f"/api/v1/visits/{visit}/check-out/", position)


# (weight, label, action) per role: reps mostly look at their own lists, pages and file their day;
# managers look at their line's lists, their home and its attainment card, and the weekly report.
MIX = {
    "rep": [
        (12, "customers", customers_list),
        (4, "customers filtered", customers_filtered),
        (10, "customer detail", customer_detail),
        (10, "orders", orders_list),
        (8, "order detail", order_detail),
        (8, "visits", visits_list),
        (4, "reports", reports_list),
        (6, "progress", targets_progress),
        (8, "my targets", my_targets_page),
        (8, "today", today_page),
        (6, "home", home_page),
        (6, "file report", report_file),
        (4, "visit round", visit_round),
    ],
    "manager": [
        (10, "customers", customers_list),
        (4, "customers filtered", customers_filtered),
        (6, "customer detail", customer_detail),
        (10, "orders", orders_list),
        (6, "order detail", order_detail),
        (8, "visits", visits_list),
        (8, "reports", reports_list),
        (8, "progress", targets_progress),
        (8, "home", home_page),
        (8, "team card", team_card),
        (6, "weekly report", weekly_report_page),
    ],
}


class Load:
    def __init__(self, *, port: int, world: World, pages: dict[str, str], warmup: float, duration: float):
        self.port, self.world, self.pages = port, world, pages
        self.warmup, self.duration = warmup, duration
        self.counting_from = self.stop_at = 0.0
        self._days = {rep: list(days) for rep, days in world.free_days.items()}
        self._lock = threading.Lock()
        self.filed_days = 0

    def claim_day(self, rep: int) -> dt.date | None:
        """A day this rep has not reported yet, each handed out once."""
        with self._lock:
            days = self._days.get(rep)
            if not days:
                return None
            self.filed_days += 1
            return days.pop()

    def run(self, users: list[User]) -> float:
        start = time.monotonic()
        self.counting_from = start + self.warmup
        self.stop_at = self.counting_from + self.duration
        for u in users:
            u.start()
        for u in users:
            u.join()
        return time.monotonic() - self.counting_from  # the last answers come in after stop_at


def members_ready(bench: BenchTenant) -> list[Member]:
    """An API token and a signed-in session for every rep and manager of the tenant. The sessions
    are written as a sign-in leaves them (no password hashing, no sign-in records per run)."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from apps.tenancy.middleware import SESSION_TENANT

    store = import_module(settings.SESSION_ENGINE).SessionStore
    ApiToken.objects.filter(membership__tenant=bench.tenant, name=TOKEN_NAME).delete()
    out = []
    for m in [*bench.managers, *bench.reps]:
        _token, key = ApiToken.issue(membership=m, name=TOKEN_NAME)
        session = store()
        session[SESSION_KEY] = str(m.user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = m.user.get_session_auth_hash()
        session[SESSION_TENANT] = m.tenant_id
        session.create()
        out.append(
            Member(
                id=m.pk,
                role=m.role,
                token=key,
                cookie=f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
            )
        )
    return out


def users_for(members: list[Member], count: int, seed: int, load: Load) -> list[User]:
    """`count` virtual users, a quarter managers (at least one of each role when count ≥ 2), each
    acting for its own share of the role's members."""
    managers = [m for m in members if m.role == "manager"]
    reps = [m for m in members if m.role == "rep"]
    n_managers = min(len(managers), max(1 if count >= 2 else 0, round(count / 4)))
    n_reps = count - n_managers
    users = [User(load, "manager", managers[i::n_managers], seed * 1000 + i) for i in range(n_managers)]
    users += [User(load, "rep", reps[i::n_reps], seed * 1000 + 500 + i) for i in range(n_reps)]
    return users


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


def _run(args, bench: BenchTenant, world: World, log) -> list[Row]:
    slug = bench.tenant.slug
    duration = _arg(args, "duration", 60.0)
    warmup = _arg(args, "warmup", 5.0)
    count = max(1, _arg(args, "users", 16))
    workers = _arg(args, "workers", 2 * (os.cpu_count() or 1))
    threads = _arg(args, "threads", 4)
    worker_class = _arg(args, "worker_class", "gthread")
    t0 = time.perf_counter()
    members = members_ready(bench)
    log(f"  tokens and sessions: {time.perf_counter() - t0:.1f} s")
    pages = {
        name: reverse(name, kwargs={"tenant_slug": slug})
        for name in ("dashboard", "targets:mine", "targets:team-card", "visits:today", "reporting:weekly")
    }
    free = sum(len(d) for d in world.free_days.values())
    log(
        f"  {len(members)} members with tokens and sessions; {free:,} (rep, day) pairs to file; "
        f"{world.reports:,} reports, {world.visits:,} visits in the tenant"
    )
    server = Server(
        settings_module=_arg(args, "settings", "salesmgmt.settings.prod"),
        port=_arg(args, "port", 0),
        workers=workers,
        threads=threads,
        worker_class=worker_class,
    )
    if _arg(args, "collectstatic", True):
        server.collectstatic(log)
    load = Load(port=server.port, world=world, pages=pages, warmup=warmup, duration=duration)
    users = users_for(members, count, _arg(args, "seed", 5), load)
    load1_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    with server:
        log(f"  server up: {time.perf_counter() - t0:.1f} s")
        log(
            f"  gunicorn ({server.settings_module}) on {HOST}:{server.port}: {workers} {worker_class} workers"
            + (f" × {threads} threads" if worker_class == "gthread" else "")
            + f"; {len(users)} users for {warmup:g} + {duration:g} s"
        )
        cpu0 = time.process_time()
        server_cpu = [0.0]
        timer = threading.Timer(warmup, lambda: server_cpu.__setitem__(0, server.cpu_seconds()))
        timer.start()
        measured = load.run(users)
        timer.join()
        server_cpu[0] = server.cpu_seconds() - server_cpu[0]  # of the counted requests (workers survive)
        client_cpu = time.process_time() - cpu0  # the generator's own share of the machine
        load1 = os.getloadavg()[0]
        t0 = time.perf_counter()
    log(f"  server stopped: {time.perf_counter() - t0:.1f} s")
    tracebacks, lines = Server.log_errors()
    return rows_from(
        users,
        measured,
        {
            "users": len(users),
            "workers": f"{workers} {worker_class}" + (f" ×{threads}" if worker_class == "gthread" else ""),
            "duration_s": round(measured, 1),
            "reports_filed": load.filed_days,
            "load1_before": round(load1_before, 2),
            "load1_after": round(load1, 2),
            "client_cpu_s": round(client_cpu, 1),
            "server_cpu_s": round(server_cpu[0], 1),
            "cores": os.cpu_count(),
        },
        tracebacks,
        lines,
        log,
    )


def rows_from(
    users: list[User], measured: float, setup: dict, tracebacks: int, lines: list[str], log
) -> list[Row]:
    merged: dict[str, Stats] = {}
    for u in users:
        for label, s in u.stats.items():
            m = merged.setdefault(label, Stats())
            m.samples += s.samples
            m.statuses.update(s.statuses)
            m.errors += s.errors
            m.first_errors += s.first_errors[: max(0, 3 - len(m.first_errors))]
    rows = [Row(CASE, "setup", setup)]
    every: list[float] = []
    errors = 0
    for label in sorted(merged, key=lambda k: (k.split(" ", 1)[0] != "rep", k)):
        s = merged[label]
        every += s.samples
        errors += s.errors
        rows.append(Row(CASE, label, _figures(s.samples, measured, s.errors, s.statuses)))
        for first in s.first_errors:
            log(f"  error {label}: {first}")
    statuses: Counter = Counter()
    for s in merged.values():
        statuses.update(s.statuses)
    rows.append(
        Row(
            CASE,
            "total",
            {
                **_figures(every, measured, errors, statuses),
                # gunicorn's CPU per request: comparable between runs on a machine shared with others
                "server_cpu_ms_per_req": round(setup.get("server_cpu_s", 0) * 1000 / len(every), 1)
                if every
                else 0.0,
            },
            goal="0 errors, all 2xx",
            ok=errors == 0 and bool(every) and all(k.startswith("2") for k in statuses),
        )
    )
    rows.append(
        Row(
            CASE,
            "server log",
            {"tracebacks": tracebacks},
            goal="no tracebacks",
            ok=tracebacks == 0,
        )
    )
    for line in lines:
        log(f"  server: {line}")
    return rows


def _figures(samples: list[float], measured: float, errors: int, statuses: Counter) -> dict[str, object]:
    ms = [s * 1000 for s in samples]
    return {
        "n": len(ms),
        "rps": round(len(ms) / measured, 2) if measured > 0 else 0.0,
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "max_ms": round(max(ms), 1) if ms else float("nan"),
        "errors": errors,
        "status": " ".join(f"{k}:{v}" for k, v in sorted(statuses.items())),
    }
