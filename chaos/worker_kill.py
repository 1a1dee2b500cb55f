"""A Celery worker killed with SIGKILL in the middle of a weekly rollup and in the middle of sending
mail (reminders and market-report notifications), then started again.

Rollup: the demo tenant's last full week is rolled up cleanly, then spoiled (figures changed, team
rows deleted). The per-tenant dispatcher enqueues the week's rollup to a worker that holds its
transaction open halfway (REPORTING_ROLLUP_PAUSE): the rep rows are written, the team rows not yet.
The worker is killed there; the half-run must be invisible. A new worker gets the unacknowledged
task back (visibility timeout) and finishes it; the week's rows are then compared, row by row and
column by column, with a clean recompute of the same week.

Mail: the dispatcher's reminder jobs for a working day (every rep without a plan or a report) and
market reports filed through the API produce a batch of mails; the SMTP sink answers slowly and the
worker is killed while the sink holds a message. A new worker and the outbox sweep finish the batch;
every mail must arrive exactly once (counted by Message-ID at the sink).
"""

from __future__ import annotations

import datetime as dt
import json
import time

from .rig import ChaosError, Ctx, Result, log, start_worker, wait_for


def run(ctx: Ctx) -> list[Result]:
    return [rollup(ctx), mail(ctx)]


def _rollup_state(tenant_id: int) -> str | None:
    """'paused' while a rollup of the tenant sits in its test pause (idle in its transaction right
    after upserting the rep rows), 'running' while it holds the lock otherwise, None when none runs."""
    from django.db import connection

    from apps.reporting.services import ROLLUP_LOCK

    with connection.cursor() as cur:
        cur.execute(
            "SELECT a.state, a.query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s",
            [ROLLUP_LOCK, tenant_id],
        )
        row = cur.fetchone()
    if row is None:
        return None
    paused = row[0] == "idle in transaction" and row[1].startswith("INSERT INTO reporting_weeklyprogress")
    return "paused" if paused else "running"


def rollup(ctx: Ctx) -> Result:
    from django_scopes import scopes_disabled

    from apps.reporting.models import WeeklyProgress
    from apps.reporting.services import COLUMNS, rollup_week
    from apps.tenancy import scheduling
    from apps.tenancy.context import tenant_context
    from apps.tenancy.dates import week_key
    from apps.tenancy.models import Tenant, TenantJobRun

    with scopes_disabled():
        tenant = Tenant.objects.get(slug="demo")
    local_now = dt.datetime.now(tenant.tzinfo)
    monday = local_now.date() - dt.timedelta(days=local_now.weekday())
    week = monday - dt.timedelta(days=7)
    period = week_key(week)
    iso = week.isocalendar()

    def snapshot() -> list[tuple]:
        with scopes_disabled():
            rows = WeeklyProgress.objects.filter(tenant=tenant, week_start=week).values_list(*COLUMNS)
            return sorted(tuple(r) for r in rows)

    with tenant_context(tenant):
        rollup_week(tenant=tenant, iso_year=iso.year, iso_week=iso.week)
    with scopes_disabled():
        qs = WeeklyProgress.objects.filter(tenant=tenant, week_start=week)
        qs.update(revenue=1, visits_done=99)
        qs.filter(scope="team").delete()
    spoiled = snapshot()

    ctx.worker.stop()
    paused_worker = start_worker(ctx.env, 1, REPORTING_ROLLUP_PAUSE="30")
    trigger = dt.datetime.combine(monday, dt.time(7), tzinfo=tenant.tzinfo)
    claimed = scheduling.dispatch(now=trigger)
    if (tenant.pk, "weekly_rollup", period) not in claimed:
        raise ChaosError(f"the dispatcher did not enqueue the rollup of {period}: {claimed}")
    log(f"rollup {period} of tenant demo enqueued by the dispatcher; waiting for its halfway pause")
    wait_for(lambda: _rollup_state(tenant.pk) == "paused", 90, "the rollup to reach its pause", 0.2)
    killed_at = time.monotonic()
    paused_worker.kill9()
    log(f"worker {paused_worker.pid} killed (SIGKILL) with the rep rows written and the team rows not")
    wait_for(lambda: _rollup_state(tenant.pk) is None, 30, "the dead worker's transaction to end", 0.2)
    after_kill = snapshot()

    ctx.worker = start_worker(ctx.env, 1)
    restarted_at = time.monotonic()

    def finished():
        with scopes_disabled():
            return TenantJobRun.objects.filter(
                tenant=tenant, job="weekly_rollup", period=period, finished_at__isnull=False
            ).first()

    run = wait_for(finished, 120, "the redelivered rollup to finish", 0.5)
    recovered_s = time.monotonic() - restarted_at
    after = snapshot()

    with tenant_context(tenant):  # the clean recompute to compare with
        with scopes_disabled():
            WeeklyProgress.objects.filter(tenant=tenant, week_start=week).delete()
        rollup_week(tenant=tenant, iso_year=iso.year, iso_week=iso.week)
    clean = snapshot()
    differing = len(set(after) ^ set(clean))
    half_run_visible = after_kill != spoiled
    passed = after == clean and not half_run_visible and len(clean) > 0
    return Result(
        "worker-kill-rollup",
        passed,
        did=(
            f"dispatched the weekly rollup of {period} (tenant demo), killed its worker with SIGKILL "
            f"halfway through its transaction, started a new worker"
        ),
        found=(
            f"half-run {'VISIBLE' if half_run_visible else 'invisible'} after the kill; the task came back "
            f"{recovered_s:.0f} s after the restart (run attempts {run.attempts}); "
            f"{len(clean)} rows compared with a clean recompute, {differing} differ"
        ),
        figures={
            "week": period,
            "rows_compared": len(clean),
            "rows_differing": differing,
            "half_run_visible": half_run_visible,
            "redelivered_after_s": round(recovered_s, 1),
            "killed_to_finished_s": round(time.monotonic() - killed_at, 1),
            "run_attempts": run.attempts,
        },
    )


def _next_working_day(day: dt.date, after: int = 1) -> dt.date:
    found = 0
    while True:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            found += 1
            if found == after:
                return day


def reminder_trigger(tenant, after: int) -> tuple[dt.date, dt.datetime]:
    """A working day ahead (`after` working days from today, local) and the instant half an hour
    after its report deadline: both reminder jobs are due for that day then."""
    today = dt.datetime.now(tenant.tzinfo).date()
    day = _next_working_day(today, after)
    at = dt.datetime.combine(day, tenant.report_deadline, tzinfo=tenant.tzinfo) + dt.timedelta(minutes=30)
    return day, at


def file_reports(ctx: Ctx, count: int) -> list[int]:
    """Market reports filed through the API by reps with a manager (each tells the manager by mail)."""
    import http.client

    ids = []
    for i in range(count):
        token = ctx.who.rep_tokens[i % len(ctx.who.rep_tokens)]
        conn = http.client.HTTPConnection("127.0.0.1", ctx.cfg.web_port, timeout=30)
        body = json.dumps({"title": f"Chaos report {i}", "body": "Rival promotion", "category": "price"})
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        conn.request("POST", "/api/v1/market-reports/", body=body, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        if response.status != 201:
            raise ChaosError(f"filing a market report answered {response.status}: {payload[:200]!r}")
        ids.append(json.loads(payload)["id"])
    return ids


def mail_tally(ctx: Ctx, first_id: int) -> dict:
    """Outbox rows after first_id against what the sink accepted, by Message-ID."""
    from django_scopes import scopes_disabled

    from apps.tenancy.models import OutboxMail
    from apps.tenancy.outbox import message_id

    with scopes_disabled():
        rows = list(
            OutboxMail.objects.filter(pk__gt=first_id).only("pk", "tenant_id", "status", "dedupe_key")
        )
    counts = ctx.sink.counts({message_id(r) for r in rows})
    kinds: dict[str, int] = {}
    for r in rows:
        kind = r.dedupe_key.split(":", 1)[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    return {
        "expected": len(rows),
        "by_kind": kinds,
        "sent_rows": sum(r.status == "sent" for r in rows),
        "received": sum(counts.values()),
        "distinct": sum(1 for c in counts.values() if c),
        "duplicates": sum(c - 1 for c in counts.values() if c > 1),
        "missing": sum(1 for c in counts.values() if c == 0),
    }


def outbox_last_id() -> int:
    from django.db.models import Max
    from django_scopes import scopes_disabled

    from apps.tenancy.models import OutboxMail

    with scopes_disabled():
        return OutboxMail.objects.aggregate(m=Max("pk"))["m"] or 0


def wait_all_sent(first_id: int, timeout: float) -> None:
    from django_scopes import scopes_disabled

    from apps.tenancy.models import OutboxMail

    def done():
        with scopes_disabled():
            return not OutboxMail.objects.filter(pk__gt=first_id).exclude(status="sent").exists()

    wait_for(done, timeout, "every outbox mail to be sent", 0.5)


def mail(ctx: Ctx) -> Result:
    from django_scopes import scopes_disabled

    from apps.tenancy import scheduling
    from apps.tenancy.models import OutboxMail, Tenant

    with scopes_disabled():
        tenant = Tenant.objects.get(slug="demo")
    first_id = outbox_last_id()
    discarded_before = ctx.sink.discarded
    worker = ctx.worker  # one process: the one mail in flight is the one the kill cuts
    ctx.sink.hold = 1.0  # long enough that the kill lands inside the conversation, even on a busy machine
    day, trigger = reminder_trigger(tenant, after=1)
    claimed = scheduling.dispatch(now=trigger)
    reminder_jobs = [c for c in claimed if c[1].endswith("_reminders")]
    reports = file_reports(ctx, 5)
    log(f"{len(reminder_jobs)} reminder jobs for {day} and {len(reports)} market reports: mails under way")

    accepted_before = len(ctx.sink.accepted)

    def mid_send():
        return len(ctx.sink.accepted) - accepted_before >= 10 and ctx.sink.holding > 0

    wait_for(mid_send, 90, "the sink to hold a mail after ten were sent", 0.02)
    with scopes_disabled():
        sending = list(
            OutboxMail.objects.filter(pk__gt=first_id, status="sending").values_list("pk", flat=True)
        )
    worker.kill9()
    log(f"worker {worker.pid} killed (SIGKILL) while the sink held a message; rows sending: {sending}")
    ctx.worker = start_worker(ctx.env, 1)
    restarted = time.monotonic()
    wait_all_sent(first_id, 180)
    drained_s = time.monotonic() - restarted
    time.sleep(3)  # a late duplicate would arrive now
    tally = mail_tally(ctx, first_id)
    ctx.sink.hold = 0
    discarded = ctx.sink.discarded - discarded_before
    passed = tally["duplicates"] == 0 and tally["missing"] == 0 and tally["sent_rows"] == tally["expected"]
    return Result(
        "worker-kill-mail",
        passed,
        did=(
            f"reminder jobs for {day} and {len(reports)} market reports made {tally['expected']} mails "
            f"{tally['by_kind']}; killed the worker (SIGKILL) mid-send after 10, started a new one"
        ),
        found=(
            f"{tally['distinct']} of {tally['expected']} mails arrived, {tally['duplicates']} twice, "
            f"{tally['missing']} missing; {discarded} message(s) cut off by the kill were sent again; "
            f"all sent {drained_s:.0f} s after the restart"
        ),
        figures={
            "mails_expected": tally["expected"],
            "mails_received": tally["received"],
            "mails_distinct": tally["distinct"],
            "duplicates": tally["duplicates"],
            "missing": tally["missing"],
            "cut_off_by_kill": discarded,
            "rows_sending_at_kill": len(sending),
            "drained_after_restart_s": round(drained_s, 1),
        },
    )
