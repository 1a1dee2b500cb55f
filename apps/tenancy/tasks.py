"""Celery entry points of the tenancy layer: thin, ids in, safe to run twice."""

from celery import current_app, shared_task
from django.db import OperationalError
from django.utils import timezone
from django_scopes import scopes_disabled

from . import notifications, scheduling
from .models import TenantJobRun

# send_outbox_mail is declared in outbox.py, where notifications can import it to enqueue it (see
# there), under this module's name; imported here so that every tenancy task is found in tasks.py.
from .outbox import send_outbox_mail as send_outbox_mail


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100, ignore_result=True)
def dispatch_tenant_jobs() -> int:
    """Beat, every few minutes (UTC): enqueue what is due in each tenant's local time."""
    return len(scheduling.dispatch())


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=60 * 60,
    soft_time_limit=55 * 60,
    ignore_result=True,
)
def run_tenant_job(run_id: int) -> None:
    """Run one scheduled (tenant, job, period) and mark it finished. A redelivered message for a
    finished run does nothing; an unfinished one runs the (idempotent) job again."""
    with scopes_disabled():
        run = TenantJobRun.objects.filter(pk=run_id, finished_at=None).first()
        if run is None:
            return
        job = scheduling.get_job(run.job)
        if job is None:  # the job was removed from the code: record why and stop asking
            TenantJobRun.objects.filter(pk=run_id).update(
                finished_at=timezone.now(), last_error="job no longer registered"
            )
            return
        TenantJobRun.objects.filter(pk=run_id).update(started_at=timezone.now())
    try:
        current_app.tasks[job.task](run.tenant_id, run.period)
    except Exception as exc:
        with scopes_disabled():
            TenantJobRun.objects.filter(pk=run_id).update(last_error=repr(exc)[:2000])
        raise
    with scopes_disabled():
        TenantJobRun.objects.filter(pk=run_id).update(finished_at=timezone.now(), last_error="")


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), max_retries=3, time_limit=300, soft_time_limit=280
)
def outbox_sweep() -> int:
    """Every few minutes (beat): re-enqueue mails a crash or a lost task left unsent."""
    return notifications.outbox_sweep()
