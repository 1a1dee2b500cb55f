"""Two dispatchers at once, and time: tenants in Asia/Shanghai and America/New_York driven through
the 2026 DST changes in New York (spring forward 2026-03-08, fall back 2026-11-01) and ISO week 53
(2026-12-28 .. 2027-01-03).

Two dispatcher processes (chaos/dispatcher.py, each running the per-tenant dispatcher that the beat
task runs) are handed the same simulated instant at the same moment, every 30 simulated minutes
across three windows; the runs they enqueue go through Redis to a real worker. The clock waits for
the worker only so that no run looks abandoned (the dispatcher re-enqueues a run unfinished after
RETRY_AFTER): the simulated half hours pass faster than real ones.

Found: every (tenant, job, period) was claimed by exactly one dispatcher and enqueued once; each
tenant got exactly one weekly rollup per local week (W53 included), due at Monday 06:00 local on
both sides of the DST changes, and each daily job exactly once per local (working) day.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from zoneinfo import ZoneInfo

from .rig import PY, ChaosError, Ctx, Proc, Result, log, wait_for

UTC = dt.UTC
STEP = dt.timedelta(minutes=30)
WINDOWS = [
    ("New York springs forward 2026-03-08", dt.datetime(2026, 3, 4, tzinfo=UTC), dt.datetime(2026, 3, 17, tzinfo=UTC)),
    ("New York falls back 2026-11-01", dt.datetime(2026, 10, 28, tzinfo=UTC), dt.datetime(2026, 11, 10, tzinfo=UTC)),
    ("ISO week 2026-W53", dt.datetime(2026, 12, 23, tzinfo=UTC), dt.datetime(2027, 1, 13, tzinfo=UTC)),
]  # fmt: skip
TENANTS = [("chaos-sh", "Asia/Shanghai"), ("chaos-ny", "America/New_York")]
WORKING_DAYS = frozenset(range(5))
ALL_DAYS = frozenset(range(7))


def week_key(day: dt.date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def expected_weeks(tz: ZoneInfo, start: dt.datetime, end: dt.datetime) -> set[str]:
    """The weekly rollups a window should produce: the week before each local Monday 06:00 inside
    it, and the catch-up at its first instant (the week due then, as after downtime)."""
    local_start = start.astimezone(tz).replace(tzinfo=None) - dt.timedelta(hours=6)
    weeks = {week_key(local_start.date() - dt.timedelta(days=7))}
    day = start.astimezone(tz).date()
    while day <= end.astimezone(tz).date():
        if day.weekday() == 0 and start <= dt.datetime.combine(day, dt.time(6), tzinfo=tz) < end:
            weeks.add(week_key(day - dt.timedelta(days=7)))
        day += dt.timedelta(days=1)
    return weeks


def expected_days(
    tz: ZoneInfo, start: dt.datetime, end: dt.datetime, at: dt.time, weekdays: frozenset[int]
) -> set[str]:
    """Local days a daily job at `at` should run for in a window (the first day too, when the
    window opens after `at`: it is caught up)."""
    local_start = start.astimezone(tz)
    days = set()
    day = local_start.date()
    while day <= end.astimezone(tz).date():
        instant = dt.datetime.combine(day, at, tzinfo=tz)
        caught_up = day == local_start.date() and local_start.time() >= at
        if day.weekday() in weekdays and instant < end and (instant >= start or caught_up):
            days.add(day.isoformat())
        day += dt.timedelta(days=1)
    return days


def _make_tenants():
    from django.contrib.auth import get_user_model

    from apps.tenancy.models import Membership, Tenant

    tenants = []
    for slug, zone in TENANTS:
        tenant, _ = Tenant.objects.update_or_create(
            slug=slug, defaults={"name": f"Chaos {zone}", "timezone": zone, "is_active": True}
        )
        for i in range(2):
            user, _ = get_user_model().objects.get_or_create(username=f"{slug}-rep{i}")
            Membership.objects.get_or_create(user=user, tenant=tenant, defaults={"role": "rep"})
        tenants.append(tenant)
    return tenants


def run(ctx: Ctx) -> list[Result]:
    from django_scopes import scopes_disabled

    from apps.tenancy.models import Tenant

    with scopes_disabled():
        others = list(Tenant.objects.filter(is_active=True).values_list("pk", flat=True))
        Tenant.objects.filter(pk__in=others).update(is_active=False)  # only the two chaos tenants tick
        tenants = _make_tenants()
    dispatchers = [Proc(f"dispatcher-{n}", [PY, "-m", "chaos.dispatcher"], ctx.env, pipes=True) for n in "AB"]
    try:
        return _drive(ctx, tenants, dispatchers)
    finally:
        for proc in dispatchers:
            proc.stop(timeout=5)
        with scopes_disabled():
            Tenant.objects.filter(pk__in=[t.pk for t in tenants]).update(is_active=False)
            Tenant.objects.filter(pk__in=others).update(is_active=True)


def _drive(ctx: Ctx, tenants, dispatchers: list[Proc]) -> list[Result]:
    from django_scopes import scopes_disabled

    from apps.tenancy.models import TenantJobRun
    from apps.tenancy.scheduling import RETRY_AFTER

    ids = [t.pk for t in tenants]
    with scopes_disabled():
        runs = TenantJobRun.objects.filter(tenant_id__in=ids)
    claims: dict[str, list[tuple]] = {"A": [], "B": []}
    errors: list[str] = []
    ticks = 0
    started = time.monotonic()
    with scopes_disabled():
        for label, start, end in WINDOWS:
            log(f"dispatchers A and B tick every 30 min from {start:%Y-%m-%d} to {end:%Y-%m-%d} ({label})")
            now = start
            while now < end:
                stale = now - RETRY_AFTER
                wait_for(
                    lambda stale=stale: not runs.filter(finished_at=None, enqueued_at__lt=stale).exists(),
                    120,
                    "the worker to finish runs enqueued half an hour (simulated) ago",
                    0.05,
                )
                for proc in dispatchers:  # both get the instant before either answers: they race
                    proc.popen.stdin.write(now.isoformat() + "\n")
                    proc.popen.stdin.flush()
                for name, proc in zip("AB", dispatchers, strict=True):
                    line = proc.popen.stdout.readline()
                    if not line:
                        raise ChaosError(f"dispatcher {name} exited (see {proc.log_path})")
                    answer = json.loads(line)
                    if "error" in answer:
                        errors.append(f"{name} at {now:%Y-%m-%d %H:%M}: {answer['error']}")
                    claims[name] += [tuple(c) for c in answer.get("claimed", [])]
                now += STEP
                ticks += 1
        wait_for(lambda: not runs.filter(finished_at=None).exists(), 180, "every run to finish", 0.2)
        drive_s = time.monotonic() - started
        rows = list(
            runs.values("tenant_id", "job", "period", "attempts", "created_at", "finished_at", "last_error")
        )
        weekly_rows = _weekly_progress_weeks(ids)
        tenants = [type(t).objects.get(pk=t.pk) for t in tenants]  # times as the database gives them
    return [
        _dispatchers_result(claims, rows, errors, ticks, drive_s),
        _time_result(tenants, rows, weekly_rows),
    ]


def _weekly_progress_weeks(tenant_ids: list[int]) -> dict[int, Counter]:
    """Rows of WeeklyProgress per tenant and week: the rollups that actually ran."""
    from apps.reporting.models import WeeklyProgress

    found: dict[int, Counter] = {pk: Counter() for pk in tenant_ids}
    for tenant_id, week in WeeklyProgress.objects.filter(tenant_id__in=tenant_ids).values_list(
        "tenant_id", "week_start"
    ):
        found[tenant_id][week_key(week)] += 1
    return found


def _dispatchers_result(claims, rows, errors, ticks, drive_s) -> Result:
    every = claims["A"] + claims["B"]
    duplicate_claims = len(every) - len(set(every))
    keys = {(r["tenant_id"], r["job"], r["period"]) for r in rows}
    enqueued_twice = sum(1 for r in rows if r["attempts"] != 1)
    unfinished = sum(1 for r in rows if r["finished_at"] is None)
    failed = sum(1 for r in rows if r["last_error"])
    passed = (
        not errors
        and duplicate_claims == 0
        and set(every) == keys
        and enqueued_twice == 0
        and unfinished == 0
        and failed == 0
        and claims["A"]
        and claims["B"]
    )
    return Result(
        "two-dispatchers",
        bool(passed),
        did=(
            f"two dispatcher processes handed the same instant {ticks} times (every 30 simulated minutes over "
            f"{len(WINDOWS)} windows, {drive_s:.0f} s), two tenants, runs executed by a real worker"
        ),
        found=(
            f"{len(rows)} runs; A claimed {len(claims['A'])}, B {len(claims['B'])}, {duplicate_claims} claimed "
            f"by both; {enqueued_twice} enqueued more than once, {unfinished} unfinished, {failed} failed; "
            f"{len(errors)} dispatcher errors"
        ),
        figures={
            "ticks": ticks,
            "runs": len(rows),
            "claims_a": len(claims["A"]),
            "claims_b": len(claims["B"]),
            "claimed_twice": duplicate_claims,
            "enqueued_more_than_once": enqueued_twice,
            "unfinished": unfinished,
            "failed": failed,
            "dispatcher_errors": len(errors),
        },
    )


def _time_result(tenants, rows, weekly_rows) -> Result:
    problems: list[str] = []
    figures: dict[str, object] = {}
    notes = []
    for tenant in tenants:
        tz = ZoneInfo(tenant.timezone)
        mine = [r for r in rows if r["tenant_id"] == tenant.pk]
        weekly = [r for r in mine if r["job"] == "weekly_rollup"]
        per_week = Counter(r["period"] for r in weekly)
        expected = set().union(*(expected_weeks(tz, s, e) for _l, s, e in WINDOWS))
        if set(per_week) != expected:
            problems.append(
                f"{tenant.slug}: weeks missing {sorted(expected - set(per_week))}, "
                f"extra {sorted(set(per_week) - expected)}"
            )
        if any(n != 1 for n in per_week.values()):
            problems.append(f"{tenant.slug}: weeks rolled up more than once {per_week}")
        window_starts = {s for _l, s, _e in WINDOWS}
        scheduled = [r for r in weekly if r["created_at"] not in window_starts]
        on_time = [
            r
            for r in scheduled
            if (local := r["created_at"].astimezone(tz)).weekday() == 0 and local.time() == dt.time(6)
        ]
        if len(on_time) != len(scheduled):
            problems.append(
                f"{tenant.slug}: {len(scheduled) - len(on_time)} weekly runs not at Monday 06:00 local"
            )
        ran = weekly_rows[tenant.pk]
        not_rolled = sorted(w for w in expected if ran.get(w, 0) == 0)
        if not_rolled:
            problems.append(f"{tenant.slug}: no WeeklyProgress rows for {not_rolled}")
        daily_expect = {
            "targets_lock": (dt.time(0), ALL_DAYS),
            "visits_plan_reminders": (tenant.plan_cutoff, WORKING_DAYS),
            "visits_report_reminders": (tenant.report_deadline, WORKING_DAYS),
        }
        daily_counts = {}
        for job, (at, weekdays) in daily_expect.items():
            got = Counter(r["period"] for r in mine if r["job"] == job)
            want = set().union(*(expected_days(tz, s, e, at, weekdays) for _l, s, e in WINDOWS))
            daily_counts[job] = len(got)
            if set(got) != want or any(n != 1 for n in got.values()):
                problems.append(
                    f"{tenant.slug} {job}: missing {sorted(want - set(got))[:5]}, extra {sorted(set(got) - want)[:5]}"
                )
        short = tenant.slug.removeprefix("chaos-")
        figures[f"{short}_weeks"] = len(per_week)
        figures[f"{short}_max_runs_per_week"] = max(per_week.values(), default=0)
        figures[f"{short}_weekly_on_time"] = f"{len(on_time)}/{len(scheduled)}"
        figures[f"{short}_w53"] = per_week.get("2026-W53", 0)
        figures[f"{short}_daily_runs"] = sum(daily_counts.values())
        dst = {
            w: r["created_at"].astimezone(tz).strftime("%a %H:%M %Z")
            for r in weekly
            if (w := r["period"]) in ("2026-W10", "2026-W44", "2026-W53")
        }
        notes.append(f"{tenant.slug} ({tenant.timezone}): {len(per_week)} weeks, each once; {dst}")
    return Result(
        "time-dst-week53",
        not problems,
        did=(
            "the same run: Asia/Shanghai and America/New_York tenants across "
            + "; ".join(label for label, _s, _e in WINDOWS)
        ),
        found="; ".join(notes) + ("; PROBLEMS: " + " | ".join(problems) if problems else ""),
        figures=figures,
    )
