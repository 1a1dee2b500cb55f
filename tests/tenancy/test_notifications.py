"""Notifications and the mail outbox: written with the caller's transaction, each mail sent once."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from apps.tenancy import notifications as svc
from apps.tenancy import outbox
from apps.tenancy.models import Notification, OutboxMail
from apps.tenancy.tasks import send_outbox_mail

from .factories import NotificationFactory, OutboxMailFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_tasks(monkeypatch):
    """The outbox task ids enqueued on commit, run by hand (no broker in unit tests)."""
    calls = []
    monkeypatch.setattr(send_outbox_mail, "delay", lambda *args: calls.append(args))
    return calls


def test_notify_writes_the_row_and_a_mail_sent_after_commit(
    tenant, manager, sent_tasks, django_capture_on_commit_callbacks
):
    with scope(tenant=tenant.pk), django_capture_on_commit_callbacks(execute=True):
        note = svc.notify(manager, "test", "Hello", "Body", url="/t/acme/", dedupe_key="k1")
    assert note is not None
    assert len(sent_tasks) == 1
    tenant_id, outbox_id = sent_tasks[0]
    assert tenant_id == tenant.pk
    assert send_outbox_mail(tenant_id, outbox_id) == "sent"
    assert [m.to for m in mail.outbox] == [[manager.user.email]]
    assert "/t/acme/" in mail.outbox[0].body
    with scope(tenant=tenant.pk):
        assert OutboxMail.objects.get(pk=outbox_id).status == "sent"


def test_a_rolled_back_workflow_notifies_nobody(
    tenant, manager, sent_tasks, django_capture_on_commit_callbacks
):
    with scope(tenant=tenant.pk), django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            svc.notify(manager, "test", "Hello", dedupe_key="k1")
            raise RuntimeError
        assert not Notification.objects.exists() and not OutboxMail.objects.exists()
    assert sent_tasks == []


def test_the_same_dedupe_key_notifies_once(tenant, manager, sent_tasks, django_capture_on_commit_callbacks):
    with scope(tenant=tenant.pk), django_capture_on_commit_callbacks(execute=True):
        assert svc.notify(manager, "test", "Hello", dedupe_key="k1") is not None
        assert svc.notify(manager, "test", "Hello again", dedupe_key="k1") is None
        assert Notification.objects.count() == 1 and OutboxMail.objects.count() == 1
    assert len(sent_tasks) == 1


def test_a_redelivered_send_task_sends_nothing_twice(tenant):
    row = OutboxMailFactory(tenant=tenant)
    assert send_outbox_mail(tenant.pk, row.pk) == "sent"
    assert send_outbox_mail(tenant.pk, row.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_a_row_claimed_by_another_worker_is_skipped(tenant):
    row = OutboxMailFactory(tenant=tenant)
    with scope(tenant=tenant.pk):
        OutboxMail.objects.filter(pk=row.pk).update(status="sending", claimed_at=timezone.now())
    assert send_outbox_mail(tenant.pk, row.pk) == "skipped"
    assert mail.outbox == []


def test_a_failed_send_goes_back_to_pending_then_fails_for_good(tenant, settings, monkeypatch):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    row = OutboxMailFactory(tenant=tenant)

    def broken(self, fail_silently=False):
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with scope(tenant=tenant.pk):
        with pytest.raises(outbox.MailNotSent):
            outbox.outbox_send(outbox_id=row.pk)
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("pending", 1) and "smtp down" in row.last_error
        assert outbox.outbox_send(outbox_id=row.pk) == "failed"
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("failed", 2)


def test_the_sweep_resends_a_stale_sending_row_and_leaves_fresh_ones(
    tenant, sent_tasks, django_capture_on_commit_callbacks
):
    old = timezone.now() - dt.timedelta(hours=1)
    stale = OutboxMailFactory(tenant=tenant)
    fresh = OutboxMailFactory(tenant=tenant)
    done = OutboxMailFactory(tenant=tenant)
    with scopes_disabled():
        OutboxMail.objects.filter(pk__in=[stale.pk, done.pk, fresh.pk]).update(created_at=old)
        OutboxMail.objects.filter(pk=stale.pk).update(status="sending", claimed_at=old)
        OutboxMail.objects.filter(pk=fresh.pk).update(status="sending", claimed_at=timezone.now())
        OutboxMail.objects.filter(pk=done.pk).update(status="sent")
    with django_capture_on_commit_callbacks(execute=True):
        assert svc.outbox_sweep() == 1
    assert sent_tasks == [(tenant.pk, stale.pk)]
    with scopes_disabled():
        assert OutboxMail.objects.get(pk=stale.pk).status == "pending"
        assert OutboxMail.objects.get(pk=fresh.pk).status == "sending"


def test_api_lists_only_own_notifications_and_marks_read(api_as, rep, peer):
    mine = NotificationFactory(tenant=rep.tenant, recipient=rep)
    theirs = NotificationFactory(tenant=rep.tenant, recipient=peer)
    client = api_as(rep)
    ids = [row["id"] for row in client.get("/api/v1/notifications/").json()["results"]]
    assert ids == [mine.pk]
    assert client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    response = client.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert response.json() == {"marked": 1, "unread": 0}
    assert client.get("/api/v1/notifications/?unread=true").json()["results"] == []
    with scopes_disabled():
        assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_a_viewer_may_mark_own_notifications_read(api_as, viewer):
    NotificationFactory.create_batch(2, tenant=viewer.tenant, recipient=viewer)
    assert api_as(viewer).post("/api/v1/notifications/read-all/").json() == {"marked": 2, "unread": 0}


def test_the_nav_shows_the_unread_count_in_a_bounded_number_of_queries(
    client, tenant, rep, django_assert_max_num_queries
):
    """The badge comes from the top bar's counts, fetched after the page (tests/tenancy/test_navigation.py)."""
    client.force_login(rep.user)
    counts = reverse("nav-counts", kwargs={"tenant_slug": tenant.slug})
    NotificationFactory(tenant=tenant, recipient=rep)
    client.get(counts)
    with django_assert_max_num_queries(8) as few:
        client.get(counts)
    NotificationFactory.create_batch(20, tenant=tenant, recipient=rep)
    with django_assert_max_num_queries(len(few.captured_queries)):
        text = client.get(counts).text
    assert 'id="nav-count-tenancy-notifications" hx-swap-oob="true">21<' in text


def test_the_page_marks_one_and_all_read(client, tenant, rep):
    first, second = NotificationFactory.create_batch(2, tenant=tenant, recipient=rep)
    client.force_login(rep.user)
    page = reverse("notifications", kwargs={"tenant_slug": tenant.slug})
    client.post(page, {"id": first.pk})
    with scopes_disabled():
        assert Notification.objects.get(pk=first.pk).read_at is not None
        assert Notification.objects.get(pk=second.pk).read_at is None
    client.post(page)
    with scopes_disabled():
        assert not Notification.objects.filter(read_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_row_locked_by_a_worker_mid_claim_is_skipped_then_sent_once(tenant):
    """Two workers on one mail: while one holds the row (FOR UPDATE), the other skips it."""
    import psycopg
    from django.db import connection

    row = OutboxMailFactory(tenant=tenant)
    s = connection.settings_dict
    other = psycopg.connect(
        f"host={s['HOST']} port={s['PORT']} dbname={s['NAME']} user={s['USER']} password={s['PASSWORD']}"
    )
    try:
        other.execute("SELECT id FROM tenancy_outboxmail WHERE id = %s FOR UPDATE", [row.pk])
        assert send_outbox_mail(tenant.pk, row.pk) == "skipped"  # no wait, no send
        assert mail.outbox == []
    finally:
        other.rollback()
        other.close()
    assert send_outbox_mail(tenant.pk, row.pk) == "sent"
    assert send_outbox_mail(tenant.pk, row.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_a_broker_down_at_commit_leaves_the_mail_pending_for_the_sweep(
    tenant, manager, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError as BrokerDown

    def down(*args):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_outbox_mail, "delay", down)
    with scope(tenant=tenant.pk), django_capture_on_commit_callbacks(execute=True):
        assert svc.notify(manager, "test", "Hello", dedupe_key="k1") is not None  # no exception
    with scopes_disabled():
        row = OutboxMail.objects.get()
        assert row.status == "pending"
    sent = []
    monkeypatch.setattr(send_outbox_mail, "delay", lambda *args: sent.append(args))
    later = timezone.now() + dt.timedelta(minutes=60)
    with django_capture_on_commit_callbacks(execute=True):
        assert svc.outbox_sweep(now=later) == 1
    assert sent == [(tenant.pk, row.pk)]


def test_a_resent_mail_keeps_its_message_id(tenant):
    row = OutboxMailFactory(tenant=tenant)
    assert send_outbox_mail(tenant.pk, row.pk) == "sent"
    with scopes_disabled():  # the sweep's reset after a crash in the send window
        OutboxMail.objects.filter(pk=row.pk).update(status="pending")
    assert send_outbox_mail(tenant.pk, row.pk) == "sent"
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert ids == [f"<outbox.{tenant.pk}.{row.pk}@127.0.0.1>"] * 2
    assert "Message-ID: <outbox." in mail.outbox[0].message().as_string()
