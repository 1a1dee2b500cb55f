"""PostgreSQL restarted (fast shutdown, then start) under load, with nothing of the app restarted.

Found: requests fail only inside the restart window (from the moment the server began to stop to a
grace second after it accepted connections again); afterwards every request succeeds — the web
processes' persistent connections are checked before reuse (CONN_HEALTH_CHECKS) and reopened — and
the same worker process runs new tasks (a market report's mail filed after the restart arrives).
"""

from __future__ import annotations

import time

from .rig import Ctx, Load, Result, log, pg_restart
from .worker_kill import file_reports, mail_tally, outbox_last_id, wait_all_sent

GRACE_S = 1.0  # after pg_ctl says the server is up: the first connections are being opened


def run(ctx: Ctx) -> list[Result]:
    from django.db import connections

    web_pid, worker_pid = ctx.web.pid, ctx.worker.pid
    with Load(ctx.cfg, ctx.who) as load:
        time.sleep(6)
        began = time.time()
        pg_restart(ctx.cfg)
        ended = time.time()
        log(f"PostgreSQL restarted in {ended - began:.1f} s; load goes on")
        time.sleep(12)
    connections.close_all()  # the driver's own connection died with the restart
    first_id = outbox_last_id()
    file_reports(ctx, 1)
    wait_all_sent(first_id, 60)
    tally = mail_tally(ctx, first_id)

    failed = [h for h in load.hits if not h.ok]
    outside = [h for h in failed if h.start > ended + GRACE_S or h.end < began]
    after = [h for h in load.hits if h.start > ended + GRACE_S]
    first_fail = min((h.start for h in failed), default=None)
    last_fail = max((h.end for h in failed), default=None)
    window = (last_fail - first_fail) if failed else 0.0
    same = ctx.web.alive() and ctx.web.pid == web_pid and ctx.worker.alive() and ctx.worker.pid == worker_pid
    recovered = bool(after) and all(h.ok for h in after)
    worker_ok = tally["distinct"] == tally["expected"] == 1
    passed = not outside and recovered and same and worker_ok
    return [
        Result(
            "pg-restart",
            passed,
            did=(
                f"restarted PostgreSQL (pg_ctl restart -m fast, {ended - began:.1f} s) under load, "
                f"{len(load.hits)} requests in all; web and worker left running"
            ),
            found=(
                f"{len(failed)} failed requests, all within the restart window: {not outside}"
                + (
                    f" (first failure {first_fail - began:+.2f} s, last {last_fail - ended:+.2f} s from the "
                    f"restart's start/end)"
                    if failed
                    else ""
                )
                + f"; {len(after)} requests after it, all succeeded: {recovered}; same processes: {same}; "
                f"a mail enqueued after the restart arrived: {worker_ok}"
            ),
            figures={
                "restart_s": round(ended - began, 2),
                "requests": len(load.hits),
                "failed_requests": len(failed),
                "failed_outside_window": len(outside),
                "error_window_s": round(window, 2),
                "first_failure_from_stop_s": round(first_fail - began, 2) if failed else "",
                "last_failure_from_up_s": round(last_fail - ended, 2) if failed else "",
                "requests_after": len(after),
                "failed_after": sum(1 for h in after if not h.ok),
                "same_processes": same,
                "worker_mail_after_restart": worker_ok,
            },
        )
    ]
