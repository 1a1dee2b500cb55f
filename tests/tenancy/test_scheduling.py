"""Per-tenant schedules: due in each tenant's local time, exactly once per (tenant, job, period),
across DST changes, ISO week 53, two dispatchers, a broker outage and a worker that dies."""

import datetime as dt
import threading
import zoneinfo

import pytest
from celery import shared_task
from django.db import connection
from django_scopes import scopes_disabled

from apps.tenancy import scheduling
from apps.tenancy.dates import parse_week_key, week_start
from apps.tenancy.models import Tenant, TenantJobRun
from apps.tenancy.tasks import run_tenant_job
from tests.factories import TenantFactory

UTC = dt.UTC
job_calls: list[tuple[int, str]] = []


@shared_task(name="tests.tenancy.record_job")
def record_job(tenant_id: int, period: str) -> None:
    job_calls.append((tenant_id, period))


@shared_task(name="tests.tenancy.failing_job")
def failing_job(tenant_id: int, period: str) -> None:
    raise RuntimeError("boom")


class FakeApp:
    """Stands in for the Celery app at the point where the dispatcher enqueues."""

    def __init__(self, fail: bool = False):
        self.sent: list[tuple] = []
        self.fail = fail

    def send_task(self, name, args):
        if self.fail:
            raise ConnectionError("broker down")
        self.sent.append((name, *args))


@pytest.fixture
def jobs(monkeypatch):
    """An empty registry for the test (the apps' real jobs are registered at start-up)."""
    monkeypatch.setattr(scheduling, "_JOBS", {})
    job_calls.clear()
    return scheduling


@pytest.fixture
def broker(monkeypatch):
    app = FakeApp()
    monkeypatch.setattr(scheduling, "current_app", app)
    return app


def local(tz: str, *args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zoneinfo.ZoneInfo(tz))


# ---- due rules: pure functions, walked minute by minute over the awkward weeks --------------------


def _walk(tz: str, due, start: dt.datetime, end: dt.datetime, step=dt.timedelta(minutes=5)):
    """Every dispatcher tick in UTC from start to end; return {period: first local time it was due}."""
    tenant = TenantFactory.build(timezone=tz)
    seen: dict[str, dt.datetime] = {}
    now = start
    while now < end:
        local_now = now.astimezone(zoneinfo.ZoneInfo(tz))
        period = due(tenant, local_now)
        if period is not None:
            seen.setdefault(period, local_now)
        now += step
    return seen


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "America/New_York"])
def test_the_weekly_rule_fires_once_per_local_week_at_monday_six_across_dst_and_week_53(tz):
    due = scheduling.weekly_previous_week()
    # New York leaves DST on 2026-11-01; 2026 has an ISO week 53 (Dec 28 – Jan 3).
    seen = _walk(tz, due, dt.datetime(2026, 10, 19, tzinfo=UTC), dt.datetime(2027, 1, 20, tzinfo=UTC))
    weeks = sorted(seen)
    assert "2026-W53" in weeks and "2026-W44" in weeks
    # One key per ISO week, consecutive, none skipped.
    mondays = [week_start(*parse_week_key(w)) for w in weeks]
    assert all(b - a == dt.timedelta(days=7) for a, b in zip(mondays, mondays[1:], strict=False))
    # Each (after the first, which was already due when the walk started) first becomes due on the
    # Monday after its week, at 06:00 local time, DST or not.
    for week, first in list(seen.items())[1:]:
        monday_after = week_start(*parse_week_key(week)) + dt.timedelta(days=7)
        assert (first.date(), first.time()) == (monday_after, dt.time(6, 0)), week


def test_the_daily_rule_uses_the_tenants_cutoff_and_working_days():
    due = scheduling.daily(lambda tenant: tenant.plan_cutoff, weekdays=range(5))
    tenant = TenantFactory.build(timezone="Asia/Shanghai", plan_cutoff=dt.time(9, 30))
    assert due(tenant, local("Asia/Shanghai", 2026, 11, 23, 9, 29)) is None
    assert due(tenant, local("Asia/Shanghai", 2026, 11, 23, 9, 30)) == "2026-11-23"
    assert due(tenant, local("Asia/Shanghai", 2026, 11, 23, 23, 59)) == "2026-11-23"
    assert due(tenant, local("Asia/Shanghai", 2026, 11, 22, 12, 0)) is None  # Sunday


def test_a_daily_rule_on_working_days_follows_the_organisations_own_calendar():
    due = scheduling.daily(lambda tenant: tenant.plan_cutoff, on=Tenant.works_on)
    tenant = TenantFactory.build(
        timezone="Asia/Shanghai",
        plan_cutoff=dt.time(9, 30),
        working_days=[1, 2, 3, 4, 5, 6],  # Saturdays worked
        holidays=[{"date": "2026-10-01", "name": "National Day"}],
    )
    assert due(tenant, local("Asia/Shanghai", 2026, 10, 3, 9, 30)) == "2026-10-03"  # a Saturday
    assert due(tenant, local("Asia/Shanghai", 2026, 10, 4, 9, 30)) is None  # Sunday
    assert due(tenant, local("Asia/Shanghai", 2026, 10, 1, 12, 0)) is None  # the holiday
    assert due(tenant, local("Asia/Shanghai", 2026, 10, 2, 9, 29)) is None  # before the cut-off


def test_the_visit_reminders_run_on_the_organisations_working_days():
    rules = {job.code: job.due for job in scheduling.registered_jobs()}
    tenant = TenantFactory.build(
        plan_cutoff=dt.time(9, 30),
        report_deadline=dt.time(20, 0),
        timezone="Asia/Shanghai",
        working_days=[2, 3, 4, 5, 6],
        holidays=[{"date": "2026-11-26", "name": "Off"}],
    )
    monday, tuesday, thursday = (local("Asia/Shanghai", 2026, 11, d, 21, 0) for d in (23, 24, 26))
    for code in ("visits_plan_reminders", "visits_report_reminders"):
        assert rules[code](tenant, monday) is None
        assert rules[code](tenant, tuesday) == "2026-11-24"
        assert rules[code](tenant, thursday) is None


# ---- the dispatcher against the database ------------------------------------------------------------


@pytest.mark.django_db
def test_each_tenant_gets_its_own_local_schedule_once(jobs, broker, django_capture_on_commit_callbacks):
    shanghai = TenantFactory(timezone="Asia/Shanghai")
    new_york = TenantFactory(timezone="America/New_York")
    jobs.register_tenant_job("rollup", "tests.tenancy.record_job", jobs.weekly_previous_week())
    # Monday 2026-11-23 00:00 UTC: 08:00 in Shanghai (due), Sunday 19:00 in New York (W46 still).
    now = dt.datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        first = jobs.dispatch(now)
    with django_capture_on_commit_callbacks(execute=True):
        again = jobs.dispatch(now + dt.timedelta(minutes=5))
    assert sorted(first) == sorted([(shanghai.pk, "rollup", "2026-W47"), (new_york.pk, "rollup", "2026-W46")])
    assert again == []
    assert len(broker.sent) == 2
    with scopes_disabled():
        assert TenantJobRun.objects.count() == 2


@pytest.mark.django_db
def test_the_dispatcher_takes_a_fixed_number_of_queries(
    jobs, broker, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    jobs.register_tenant_job("daily", "tests.tenancy.record_job", jobs.daily())
    TenantFactory.create_batch(12)
    with django_assert_max_num_queries(5), django_capture_on_commit_callbacks(execute=True):
        assert len(jobs.dispatch()) >= 12


@pytest.mark.django_db
def test_a_broker_outage_leaves_the_run_to_be_enqueued_on_the_next_tick(
    jobs, monkeypatch, django_capture_on_commit_callbacks
):
    tenant = TenantFactory()
    jobs.register_tenant_job("daily", "tests.tenancy.record_job", jobs.daily())
    down = FakeApp(fail=True)
    monkeypatch.setattr(scheduling, "current_app", down)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.dispatch()
    up = FakeApp()
    monkeypatch.setattr(scheduling, "current_app", up)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.dispatch()
    with scopes_disabled():
        run = TenantJobRun.objects.get(tenant=tenant)
    assert len(up.sent) == 1 and up.sent[0][1] == run.pk
    assert run.attempts == 2


@pytest.mark.django_db
def test_the_runner_runs_the_job_once_and_a_redelivery_does_nothing(
    jobs, broker, django_capture_on_commit_callbacks
):
    tenant = TenantFactory()
    jobs.register_tenant_job("daily", "tests.tenancy.record_job", jobs.daily())
    with django_capture_on_commit_callbacks(execute=True):
        jobs.dispatch(dt.datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    run_id = broker.sent[0][1]
    run_tenant_job(run_id)
    run_tenant_job(run_id)  # at-least-once delivery: the second message finds the run finished
    assert job_calls == [(tenant.pk, "2026-11-23")]
    with scopes_disabled():
        run = TenantJobRun.objects.get(pk=run_id)
    assert run.finished_at is not None and run.started_at is not None


@pytest.mark.django_db
def test_a_failed_run_is_retried_after_a_while_then_given_up(
    jobs, broker, django_capture_on_commit_callbacks
):
    TenantFactory()
    jobs.register_tenant_job("bad", "tests.tenancy.failing_job", jobs.daily())
    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    for attempt in range(scheduling.MAX_ATTEMPTS + 2):
        with django_capture_on_commit_callbacks(execute=True):
            jobs.dispatch(now + attempt * (scheduling.RETRY_AFTER + dt.timedelta(minutes=1)))
        with pytest.raises(RuntimeError):
            run_tenant_job(broker.sent[-1][1])
    assert len(broker.sent) == scheduling.MAX_ATTEMPTS
    with scopes_disabled():
        run = TenantJobRun.objects.get()
    assert run.finished_at is None and "boom" in run.last_error


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_enqueue_each_period_once(jobs, broker):
    TenantFactory.create_batch(5)
    jobs.register_tenant_job("daily", "tests.tenancy.record_job", jobs.daily())
    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    barrier = threading.Barrier(2)
    results: list[list] = []

    def dispatcher():
        try:
            barrier.wait()
            results.append(jobs.dispatch(now))
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    enqueued = [row for result in results for row in result]
    assert len(enqueued) == 5 and len(set(enqueued)) == 5
    assert len(broker.sent) == 5
