"""The weekly rollup in a real Celery worker, killed halfway (SIGKILL while its transaction is open,
the rep rows written and the team rows not yet), then run again: the rows equal a clean run's.

Runs against this test database (committed data: a transactional test) and this checkout's Redis db,
on a queue of its own so no other worker takes the message. `-m "not worker"` (make test-fast) skips it.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_scopes import scope, scopes_disabled

from apps.reporting.models import WeeklyProgress
from apps.reporting.services import ROLLUP_LOCK, rollup_week
from apps.reporting.tasks import weekly_rollup

from .conftest import WEEK
from .factories import WeeklyProgressFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
FIELDS = [
    "week_start",
    "scope",
    "subject_id",
    "reps",
    "revenue",
    "collections",
    "visits_done",
    "deal_rate",
    "attainment",
]


def snapshot(tenant) -> list[tuple]:
    with scopes_disabled():
        return sorted(tuple(r) for r in WeeklyProgress.objects.filter(tenant=tenant).values_list(*FIELDS))


def start_worker(queue: str, pause: float) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "salesmgmt.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "REPORTING_ROLLUP_PAUSE": str(pause),
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(Path(sys.executable).with_name("celery")), "-A", "salesmgmt", "worker", "-Q", queue, "-c", "1",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{queue}@%h", "--loglevel", "WARNING",
    ]  # fmt: skip
    # Its own session, so the kill reaches the pool child that runs the task too.
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def kill(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def rollup_state(tenant) -> str | None:
    """'running' / 'paused' while a rollup of the tenant holds its lock (paused: idle in its
    transaction right after upserting the rep rows, i.e. in the test pause), None when none runs."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT a.state, a.query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s",
            [ROLLUP_LOCK, tenant.pk],
        )
        row = cur.fetchone()
    if row is None:
        return None
    paused = row[0] == "idle in transaction" and row[1].startswith("INSERT INTO reporting_weeklyprogress")
    return "paused" if paused else "running"


def wait_for(predicate, timeout: float, what: str, worker: subprocess.Popen):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        assert worker.poll() is None, f"the worker exited ({worker.returncode}) while waiting for {what}"
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_rollup_killed_halfway_and_run_again_equals_a_clean_run(tenant, field, admin):
    period = f"{WEEK[0]}-W{WEEK[1]:02d}"
    with scope(tenant=tenant.pk):
        rollup_week(tenant=tenant, iso_year=WEEK[0], iso_week=WEEK[1])
    clean = snapshot(tenant)
    # Spoil the week: wrong figures and a row that should not exist.
    with scopes_disabled():
        WeeklyProgress.objects.filter(tenant=tenant).update(revenue=Decimal("1"), visits_done=99)
    WeeklyProgressFactory(tenant=tenant, rep=admin, subject_id=admin.pk)
    spoiled = snapshot(tenant)
    assert spoiled != clean

    queue = f"test-rollup-{uuid.uuid4().hex[:10]}"
    worker = start_worker(queue, pause=60)
    try:
        weekly_rollup.apply_async(args=[tenant.pk, period], queue=queue)
        wait_for(lambda: rollup_state(tenant) == "paused", 120, "the rollup to reach its pause", worker)
    finally:
        kill(worker)
    # The database aborts the dead worker's transaction: nothing of the half-run is visible.
    deadline = time.monotonic() + 30
    while rollup_state(tenant) is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert rollup_state(tenant) is None
    assert snapshot(tenant) == spoiled

    worker = start_worker(queue, pause=0)
    try:
        weekly_rollup.apply_async(args=[tenant.pk, period], queue=queue)
        wait_for(lambda: snapshot(tenant) == clean, 120, "the second run to finish", worker)
    finally:
        kill(worker)
    assert snapshot(tenant) == clean
