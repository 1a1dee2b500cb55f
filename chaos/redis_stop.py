"""Redis (broker and cache) stopped for 30 s under load, then started again.

Just before the stop, reminder jobs put a batch of mails into the queue (the sink answers slowly, so
most are still queued when Redis goes). During the outage the load keeps reading pages and the API,
filing market reports (each enqueues a mail: the enqueue fails, the report is still filed and its
mail waits in the outbox for the sweep) and obtaining tokens (the throttle's cache is down). A
dispatcher tick during the outage claims the reminder runs of another day, cannot enqueue them and
must release them; the tick after the outage enqueues them.
Found: every web request succeeded; after the restart the same worker process reconnected, and every
mail — queued before the stop or written during it — arrived exactly once.
"""

from __future__ import annotations

import time

from .rig import Ctx, Load, Result, log, redis_stop, services, wait_for
from .worker_kill import mail_tally, outbox_last_id, reminder_trigger, wait_all_sent

OUTAGE_S = 30


def runs_of(tenant, claimed: list[tuple]):
    """The TenantJobRun rows of (tenant_id, job, period) claims of this tenant (call unscoped)."""
    from django.db.models import Q

    from apps.tenancy.models import TenantJobRun

    match = Q(pk__in=[])
    for tenant_id, job, period in claimed:
        if tenant_id == tenant.pk:
            match |= Q(job=job, period=period)
    return TenantJobRun.objects.filter(match, tenant=tenant)


def run(ctx: Ctx) -> list[Result]:
    from django_scopes import scopes_disabled

    from apps.tenancy import scheduling
    from apps.tenancy.models import OutboxMail, Tenant

    with scopes_disabled():
        tenant = Tenant.objects.get(slug="demo")
    first_id = outbox_last_id()
    worker_pid = ctx.worker.pid
    ctx.sink.hold = 0.2
    with Load(ctx.cfg, ctx.who) as load:
        time.sleep(4)
        day, trigger = reminder_trigger(tenant, after=2)
        scheduling.dispatch(now=trigger)

        def queued():
            with scopes_disabled():
                return OutboxMail.objects.filter(pk__gt=first_id, status="pending").count() >= 20

        wait_for(queued, 60, "reminder mails to be queued", 0.2)
        with scopes_disabled():
            queued_at_stop = OutboxMail.objects.filter(pk__gt=first_id, status="pending").count()
        stopped = time.time()
        redis_stop(ctx.cfg)
        log(f"Redis stopped with mails queued; {OUTAGE_S} s of load without it")
        time.sleep(5)
        # A dispatcher tick during the outage: it claims the due runs, cannot enqueue them, and
        # must release them for the next tick.
        _day3, trigger3 = reminder_trigger(tenant, after=3)
        in_outage = scheduling.dispatch(now=trigger3)
        with scopes_disabled():
            released = runs_of(tenant, in_outage).filter(enqueued_at__isnull=True).count()
        time.sleep(max(0.0, OUTAGE_S - (time.time() - stopped)))
        services(ctx.cfg)
        started = time.time()
        log(f"Redis started again after {started - stopped:.0f} s")
        requeued = scheduling.dispatch(now=trigger3)  # the next tick after the outage
        time.sleep(8)
        outage = load.between(stopped, started)
        reports_in_outage = sum(1 for h in outage if h.kind == "report" and h.status == 201)
    with scopes_disabled():
        wait_for(
            lambda: not runs_of(tenant, in_outage).filter(finished_at__isnull=True).exists(),
            120,
            "the runs dispatched during the outage to finish",
            0.5,
        )
    wait_all_sent(first_id, 150)
    drained_s = time.time() - started
    time.sleep(3)
    tally = mail_tally(ctx, first_id)
    ctx.sink.hold = 0
    failed = [h for h in load.hits if not h.ok]
    by_kind: dict[str, int] = {}
    for h in outage:
        by_kind[h.kind] = by_kind.get(h.kind, 0) + 1
    slowest = {k: round(max(h.end - h.start for h in outage if h.kind == k), 2) for k in by_kind}
    normal = [h for h in load.hits if h.end < stopped or h.start > started]
    slowest_normal = {
        k: round(max((h.end - h.start for h in normal if h.kind == k), default=0), 2) for k in by_kind
    }
    worker_same = ctx.worker.alive() and ctx.worker.pid == worker_pid
    runs_ok = bool(in_outage) and released == len(in_outage) and set(in_outage) <= set(requeued)
    passed = (
        runs_ok
        and not failed
        and reports_in_outage > 0
        and worker_same
        and tally["duplicates"] == 0
        and tally["missing"] == 0
        and tally["sent_rows"] == tally["expected"]
    )
    return [
        Result(
            "redis-stop",
            passed,
            did=(
                f"stopped Redis for {started - stopped:.0f} s under load ({len(load.hits)} requests in all, "
                f"{len(outage)} during the outage: {by_kind}) with {queued_at_stop} reminder mails waiting to be "
                f"sent, then started it again"
            ),
            found=(
                f"{len(failed)} failed requests ({[h.status for h in failed][:5]}); {reports_in_outage} market "
                f"reports filed during the outage; worker {'reconnected (same process)' if worker_same else 'LOST'}; "
                f"{tally['distinct']} of {tally['expected']} mails arrived, {tally['duplicates']} twice, "
                f"{tally['missing']} missing, all sent {drained_s:.0f} s after Redis was back; a dispatcher tick "
                f"in the outage claimed {len(in_outage)} runs and released {released}, the tick after it "
                f"enqueued {len(requeued)} and they finished"
            ),
            figures={
                "outage_s": round(started - stopped, 1),
                "requests": len(load.hits),
                "requests_in_outage": len(outage),
                "failed_requests": len(failed),
                "slowest_in_outage_s": slowest,
                "slowest_otherwise_s": slowest_normal,
                "reports_filed_in_outage": reports_in_outage,
                "mails_pending_at_stop": queued_at_stop,
                "mails_expected": tally["expected"],
                "mails_distinct": tally["distinct"],
                "duplicates": tally["duplicates"],
                "missing": tally["missing"],
                "drained_after_s": round(drained_s, 1),
                "worker_reconnected": worker_same,
                "runs_dispatched_in_outage": len(in_outage),
                "runs_released": released,
                "runs_enqueued_after": len(requeued),
            },
        )
    ]
