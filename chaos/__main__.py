"""python -m chaos [--only SCENARIO ...]: run the fault scenarios (bin/chaos starts the servers first)."""

from __future__ import annotations

import argparse
import csv
import json
import signal
import time
import traceback
from datetime import UTC, datetime

from . import pg_restart, redis_stop, scheduling, worker_kill
from .rig import (
    ROOT,
    ChaosError,
    Config,
    Ctx,
    Identity,
    Proc,
    Result,
    SmtpSink,
    Sweeper,
    log,
    pg_up,
    prepare_database,
    redis_up,
    services,
    setup_django,
    start_web,
    start_worker,
)

SCENARIOS = {
    "worker-kill": worker_kill.run,
    "redis-stop": redis_stop.run,
    "pg-restart": pg_restart.run,
    "scheduling": scheduling.run,
}
CSV_PATH = ROOT / "bench-results" / "chaos.csv"


def identity() -> Identity:
    """The demo manager's browser session and API token, API tokens of reps who have a manager."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_scopes import scopes_disabled

    from apps.tenancy.demo import DEMO_PASSWORD
    from apps.tenancy.models import ApiToken, Membership

    with scopes_disabled():
        manager = Membership.objects.select_related("user").get(
            user__username="demo-manager", tenant__slug="demo"
        )
        reps = list(
            Membership.objects.filter(
                tenant__slug="demo", role="rep", is_active=True, reports_to__isnull=False
            )
            .exclude(reports_to__user__email="")
            .order_by("pk")[:4]
        )
        session = import_module(settings.SESSION_ENGINE).SessionStore()  # a signed-in browser
        session[SESSION_KEY] = str(manager.user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = manager.user.get_session_auth_hash()
        session.create()
        return Identity(
            session_cookie=session.session_key,
            manager_token=ApiToken.issue(membership=manager, name="chaos")[1],
            rep_tokens=[ApiToken.issue(membership=rep, name="chaos")[1] for rep in reps],
            username="demo-manager",
            password=DEMO_PASSWORD,
            tenant="demo",
        )


def db_role() -> str:
    """The role the app's connections log in as (row-level security binds it unless it bypasses)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT current_user, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        role, bypass = cur.fetchone()
    return f"{role} ({'BYPASSES' if bypass else 'bound by'} row-level security)"


def _on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def heal(ctx: Ctx) -> None:
    """Between scenarios: whatever a failed scenario left down comes back up."""
    if not pg_up(ctx.cfg) or not redis_up(ctx.cfg):
        services(ctx.cfg)
    if not ctx.web.alive():
        ctx.web = start_web(ctx.cfg, ctx.env)
    if not ctx.worker.alive():
        ctx.worker = start_worker(ctx.env, 2)
    ctx.sink.hold = 0
    from django.db import connections

    connections.close_all()


def write_csv(results: list[Result], started: datetime) -> None:
    CSV_PATH.parent.mkdir(exist_ok=True)
    with open(CSV_PATH, "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["run_at", "scenario", "result", "seconds", "did", "found", "figures"])
        for r in results:
            verdict = "PASS" if r.passed else "FAIL"
            out.writerow(
                [started.isoformat(timespec="seconds"), r.scenario, verdict, round(r.seconds, 1), r.did, r.found,
                 json.dumps(r.figures, ensure_ascii=False, default=str)]
            )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m chaos")
    parser.add_argument("--only", action="append", choices=list(SCENARIOS), help="run only this scenario")
    args = parser.parse_args()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _on_signal)

    cfg = Config.from_env()
    started_at = datetime.now(UTC)
    t0 = time.monotonic()
    sink = SmtpSink()
    env = cfg.app_env(sink.port)
    results: list[Result] = []
    sweeper = None
    try:
        log(f"database {cfg.db} on 127.0.0.1:{cfg.pg_port}: template {prepare_database(cfg, env)}")
        setup_django(env)
        web = start_web(cfg, env)
        worker = start_worker(env, 2)
        ctx = Ctx(cfg=cfg, env=env, sink=sink, web=web, worker=worker, who=identity())
        sweeper = Sweeper()
        sweeper.start()
        log(
            f"ready in {time.monotonic() - t0:.0f} s: gunicorn :{cfg.web_port}, Redis :{cfg.redis_port}, "
            f"SMTP sink :{sink.port}; the app logs in as {db_role()}"
        )
        for name in args.only or list(SCENARIOS):
            log(f"--- {name}")
            t = time.monotonic()
            try:
                rows = SCENARIOS[name](ctx)
            except ChaosError as exc:
                rows = [Result(name, False, "did not complete", str(exc))]
            except Exception as exc:  # noqa: BLE001 — one scenario's crash is its failure, not the run's
                traceback.print_exc()
                rows = [Result(name, False, "crashed", repr(exc))]
            for row in rows:
                row.seconds = (time.monotonic() - t) / len(rows)
                row.print()
            results += rows
            heal(ctx)
    finally:
        try:
            if sweeper:
                sweeper.stop()
        finally:
            Proc.stop_all()
            sink.close()
    write_csv(results, started_at)
    failed = [r.scenario for r in results if not r.passed]
    total = time.monotonic() - t0
    print(
        f"\nchaos: {len(results) - len(failed)} of {len(results)} passed in {total:.0f} s"
        + (f"; FAILED: {', '.join(failed)}" if failed else "")
        + f" ({CSV_PATH.relative_to(ROOT)})",
        flush=True,
    )
    return 1 if failed or not results else 0


if __name__ == "__main__":
    raise SystemExit(main())
