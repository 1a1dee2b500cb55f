"""Factories for the org app (the isolation probe finds routed models' factories here)."""

import datetime as dt
import secrets

import factory
from django.utils import timezone

from apps.org.models import Invitation
from apps.org.tokens import token_digest
from apps.tenancy.models import Role
from tests.factories import TenantFactory, UnscopedFactory


class InvitationFactory(UnscopedFactory):
    """A pending invitation sent just now; its link cannot be rebuilt (the nonce is thrown away):
    tests that open the link create invitations through the service instead."""

    class Meta:
        model = Invitation

    tenant = factory.SubFactory(TenantFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.REP
    token_hash = factory.LazyFunction(lambda: token_digest(secrets.token_urlsafe(16)))
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    last_sent_at = factory.LazyFunction(timezone.now)
