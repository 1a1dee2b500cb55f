"""Factories of the notification rows (the isolation probe finds them here)."""

import factory

from apps.tenancy.models import Notification, OutboxMail
from tests.factories import MembershipFactory, UnscopedFactory


class NotificationFactory(UnscopedFactory):
    class Meta:
        model = Notification

    tenant = factory.SubFactory("tests.factories.TenantFactory")
    recipient = factory.SubFactory(MembershipFactory, tenant=factory.SelfAttribute("..tenant"))
    kind = "test"
    title = factory.Sequence(lambda n: f"Notice {n}")
    body = "Something happened."


class OutboxMailFactory(UnscopedFactory):
    class Meta:
        model = OutboxMail

    tenant = factory.SubFactory("tests.factories.TenantFactory")
    to_address = "someone@example.com"
    subject = "Subject"
    body = "Body"
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")
