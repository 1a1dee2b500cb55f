"""Sending one outbox mail, the worker's side of the outbox: claim the row, send it, mark it sent.

The rules (each mail sent once by a healthy system, at least once across a worker's crash, a
Message-ID that is the same on every attempt) are in the docstring of apps.tenancy.notifications,
which writes the rows, enqueues `send_outbox_mail` after commit and sweeps what was left behind.

The task is declared here rather than in tasks.py: notifications enqueue it, and tasks.py calls the
notifications sweep, so with the task there the two modules imported each other. It keeps its name
`apps.tenancy.tasks.send_outbox_mail` (messages already queued carry that name), and tasks.py
imports it so that every tenancy task is found there.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import OperationalError, transaction
from django.utils import timezone

from .context import tenant_task
from .models import OutboxMail, Tenant


class MailNotSent(Exception):
    """Sending failed but may be retried (the row is pending again)."""


def message_id(row: OutboxMail) -> str:
    """The same Message-ID on every attempt to send this row."""
    domain = urlsplit(settings.SITE_URL).hostname or "salesmgmt.local"
    return f"<outbox.{row.tenant_id}.{row.pk}@{domain}>"


def outbox_send(*, outbox_id: int) -> str:
    """Send one outbox mail if it is still pending; returns the row's status afterwards.

    Safe to call twice or concurrently: only the caller that claims the pending row sends.
    """
    with transaction.atomic():
        row = (
            OutboxMail.objects.select_for_update(skip_locked=True)
            .filter(pk=outbox_id, status=OutboxMail.Status.PENDING)
            .first()
        )
        if row is None:  # sent, sending, failed, gone, or being claimed by another worker
            return "skipped"
        row.status = OutboxMail.Status.SENDING
        row.attempts += 1
        row.claimed_at = timezone.now()
        row.save(update_fields=["status", "attempts", "claimed_at", "updated_at"])
    try:
        EmailMessage(
            row.subject, row.body, to=[row.to_address], headers={"Message-ID": message_id(row)}
        ).send()
    except Exception as exc:  # noqa: BLE001 — any backend error: keep it, retry or give up
        final = row.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        status = OutboxMail.Status.FAILED if final else OutboxMail.Status.PENDING
        OutboxMail.objects.filter(pk=row.pk, status=OutboxMail.Status.SENDING).update(
            status=status, last_error=repr(exc)[:2000], claimed_at=None, updated_at=timezone.now()
        )
        if final:
            return status
        raise MailNotSent(str(exc)) from exc
    OutboxMail.objects.filter(pk=row.pk).update(
        status=OutboxMail.Status.SENT, sent_at=timezone.now(), updated_at=timezone.now()
    )
    return OutboxMail.Status.SENT


@tenant_task(
    name="apps.tenancy.tasks.send_outbox_mail",
    autoretry_for=(OperationalError, MailNotSent),
    retry_backoff=30,
    # Both limits: the settings' default soft limit (25 min) above a 2 min hard limit would make
    # Celery refuse to enqueue the task at all.
    time_limit=120,
    soft_time_limit=100,
)
def send_outbox_mail(tenant: Tenant, outbox_id: int) -> str:
    """Send one outbox mail; a redelivered task finds it sent (or claimed) and does nothing."""
    return outbox_send(outbox_id=outbox_id)
