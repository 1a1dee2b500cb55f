"""Notifications: an in-app row per recipient and, where wanted, a mail through the outbox.

Delivery of mail, and the choice made about duplicates
------------------------------------------------------
`notify()` writes the Notification and the OutboxMail rows in the caller's transaction and enqueues
`send_outbox_mail` once it commits: a rolled-back workflow sends nothing, a committed one
always leaves a row to send.

`outbox_send()` (in apps/tenancy/outbox.py, with the task that calls it) claims the row with
`SELECT … FOR UPDATE SKIP LOCKED` and moves it pending → sending in its own short transaction,
sends through Django's mail API, then marks it sent. Celery delivers at least once (acks_late): a
redelivered or duplicated task finds the row sent, or being claimed by another worker (skipped), or
sending, and does nothing. So a healthy system sends each mail once.

The one window left is a worker that dies after the SMTP server took the mail and before the row is
marked sent. The row then stays "sending". `outbox_sweep()` puts rows that stayed "sending" longer
than OUTBOX_STALE_MINUTES back to pending and sends them again: we choose **at least once** for that
crash window, because the mails here are reminders and escalations (a market report to a manager),
where a rare duplicate costs little and a lost one costs a missed escalation. The sweep also
re-enqueues pending rows whose task was lost (a broker restart), and gives up after
OUTBOX_MAX_ATTEMPTS failed sends (status failed, last_error kept for the operator).

A broker that is down when the transaction commits (Redis restarting) must not fail the request or
the job that wrote the mail: the row is committed, so enqueueing is best effort — a failure is
logged and the row stays pending until the sweep enqueues it again. Each mail carries a Message-ID
made from its outbox row, the same on every attempt, so the receiving side can recognise a resend
from the crash window above.
"""

import datetime as dt
import functools
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from .models import Membership, Notification, OutboxMail, Tenant, UserProfile
from .outbox import send_outbox_mail

log = logging.getLogger(__name__)


@dataclass
class Message:
    recipient: Membership
    kind: str
    title: str
    body: str = ""
    url: str = ""
    dedupe_key: str = ""
    mail: bool = True


def recipient_languages(members: list[Membership]) -> dict[int, str]:
    """The language each member reads mail in (their preference, else the tenant's), one query."""
    chosen = dict(
        UserProfile.objects.filter(user_id__in={m.user_id for m in members})
        .exclude(language="")
        .values_list("user_id", "language")
    )
    return {m.pk: chosen.get(m.user_id) or m.tenant.default_language for m in members}


def _insert(table: str, types: dict[str, str], columns: dict[str, list], constants: dict) -> list[tuple]:
    """One INSERT … SELECT FROM unnest(...) ON CONFLICT DO NOTHING for a batch; returns the new rows'
    (id, dedupe_key) — a dedupe key already used in the tenant inserts nothing."""
    names = list(types) + list(constants)
    arrays = ", ".join(f"%s::{pgtype}[]" for pgtype in types.values())
    consts = ", ".join(["%s"] * len(constants))
    sql = (
        f"INSERT INTO {table} ({', '.join(names)}) SELECT u.*, {consts} FROM unnest({arrays}) AS u "
        "ON CONFLICT DO NOTHING RETURNING id, dedupe_key"
    )
    with connection.cursor() as cur:
        cur.execute(sql, list(constants.values()) + [columns[name] for name in types])
        return cur.fetchall()


def notify_many(*, tenant: Tenant, messages: list[Message]) -> list[Notification]:
    """Write the notifications and their mails in two statements, whatever their number.

    Runs in the caller's transaction; the mails go out after it commits. A message whose dedupe key
    was used before (in this tenant) is skipped entirely. Returns the notifications created (ids only).
    """
    if not messages:
        return []
    for msg in messages:
        if not msg.dedupe_key:
            msg.dedupe_key = f"{msg.kind}:{uuid.uuid4().hex}"
    now = timezone.now()
    base = {"tenant_id": tenant.pk, "created_at": now, "updated_at": now}
    rows = _insert(
        Notification._meta.db_table,
        {
            "recipient_id": "bigint",
            "kind": "text",
            "title": "text",
            "body": "text",
            "url": "text",
            "dedupe_key": "text",
        },
        {
            "recipient_id": [m.recipient.pk for m in messages],
            "kind": [m.kind for m in messages],
            "title": [m.title[:200] for m in messages],
            "body": [m.body for m in messages],
            "url": [m.url[:300] for m in messages],
            "dedupe_key": [m.dedupe_key for m in messages],
        },
        base,
    )
    created_keys = {key for _pk, key in rows}
    mails = [m for m in messages if m.mail and m.dedupe_key in created_keys and m.recipient.user.email]
    if mails:
        outbox = _insert(
            OutboxMail._meta.db_table,
            {"to_address": "text", "subject": "text", "body": "text", "dedupe_key": "text"},
            {
                "to_address": [m.recipient.user.email for m in mails],
                "subject": [m.title[:200] for m in mails],
                "body": [_mail_body(m) for m in mails],
                "dedupe_key": [m.dedupe_key for m in mails],
            },
            {**base, "status": OutboxMail.Status.PENDING, "attempts": 0, "last_error": ""},
        )
        enqueue_mails_on_commit([(tenant.pk, pk) for pk, _key in outbox])
    return [Notification(pk=pk, tenant=tenant, dedupe_key=key) for pk, key in rows]


def enqueue_mails_on_commit(rows: list[tuple[int, int]]) -> None:
    """After commit, enqueue `send_outbox_mail` for each (tenant_id, outbox_id); best effort."""
    if rows:
        transaction.on_commit(functools.partial(_enqueue_mails, rows))


def _enqueue_mails(rows: list[tuple[int, int]]) -> None:
    for done, (tenant_id, outbox_id) in enumerate(rows):
        try:
            send_outbox_mail.delay(tenant_id, outbox_id)
        except Exception:  # noqa: BLE001 — broker down: the committed rows wait for the sweep
            # Stop at the first failure: each further try would wait out the producer's retries.
            log.warning(
                "broker unavailable: %d outbox mail(s) left pending for the sweep",
                len(rows) - done,
                exc_info=True,
            )
            return


def _mail_body(msg: Message) -> str:
    if not msg.url:
        return msg.body
    link = msg.url if msg.url.startswith("http") else settings.SITE_URL.rstrip("/") + msg.url
    return f"{msg.body}\n\n{link}"


def notify(
    recipient: Membership,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
    mail: bool = True,
) -> Notification | None:
    """Tell one member: in-app, and by mail unless mail=False. None when the dedupe key was used."""
    created = notify_many(
        tenant=recipient.tenant,
        messages=[Message(recipient, kind, title, body, url, dedupe_key, mail)],
    )
    return created[0] if created else None


# ---- reading and marking --------------------------------------------------------------------


def notification_list(*, recipient: Membership) -> QuerySet[Notification]:
    """A member's own notifications, newest first (nobody reads another's)."""
    return Notification.objects.filter(tenant_id=recipient.tenant_id, recipient=recipient).order_by("-id")


def unread_count(*, recipient: Membership) -> int:
    return notification_list(recipient=recipient).filter(read_at__isnull=True).count()


def notification_mark_read(*, recipient: Membership, ids: list[int] | None = None) -> int:
    """Mark the member's own notifications read (the given ones, or all); returns how many changed."""
    qs = notification_list(recipient=recipient).filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now(), updated_at=timezone.now())


# ---- what a crash or a lost task left unsent -------------------------------------------------


def outbox_sweep(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Re-send what a crash or a lost task left behind, across tenants; returns rows re-enqueued.

    "sending" for longer than OUTBOX_STALE_MINUTES means the worker died mid-send: back to pending
    (at least once, see the module docstring). "pending" for as long means its task was lost.
    """
    now = now or timezone.now()
    stale = now - dt.timedelta(minutes=settings.OUTBOX_STALE_MINUTES)
    with scopes_disabled(), transaction.atomic():  # the sweep serves every tenant
        rows = list(
            OutboxMail.objects.select_for_update(skip_locked=True)
            .filter(status__in=[OutboxMail.Status.PENDING, OutboxMail.Status.SENDING])
            .filter(created_at__lt=stale)
            .exclude(status=OutboxMail.Status.SENDING, claimed_at__gte=stale)
            .values_list("pk", "tenant_id")[:limit]
        )
        OutboxMail.objects.filter(pk__in=[pk for pk, _t in rows]).update(
            status=OutboxMail.Status.PENDING, claimed_at=None, updated_at=now
        )
        enqueue_mails_on_commit([(tenant_id, pk) for pk, tenant_id in rows])
    return len(rows)


def notification_unread_count(membership: Membership) -> int:
    """The top bar's count of the member's unread notifications (one COUNT on the partial index)."""
    return unread_count(recipient=membership)
