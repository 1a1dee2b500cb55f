"""The outbox through real Celery workers: one mail's task delivered six times to two workers at once
(what acks_late redelivery and a duplicated enqueue look like) is claimed and sent exactly once."""

import time
import uuid

import pytest
import redis
from django.conf import settings
from django_scopes import scopes_disabled

from apps.tenancy.models import OutboxMail
from apps.tenancy.tasks import send_outbox_mail
from tests.reporting.test_worker import kill, start_worker, wait_for

from .factories import OutboxMailFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_mail_delivered_six_times_to_two_workers_is_sent_once(tenant):
    row = OutboxMailFactory(tenant=tenant)
    queue = f"test-outbox-{uuid.uuid4().hex[:10]}"
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    workers = [start_worker(queue, pause=0), start_worker(queue, pause=0)]
    try:
        for _ in range(6):
            send_outbox_mail.apply_async(args=[tenant.pk, row.pk], queue=queue)

        def state():
            with scopes_disabled():
                return OutboxMail.objects.filter(pk=row.pk).values_list("status", "attempts").first()

        wait_for(lambda: state()[0] == "sent", 120, "the mail to be sent", workers[0])
        wait_for(lambda: broker.llen(queue) == 0, 60, "the queue to drain", workers[0])
        time.sleep(2)  # the last deliveries finish their (skipped) claim
    finally:
        for worker in workers:
            kill(worker)
    assert state() == ("sent", 1)  # one claim: the other five deliveries found it taken or sent
