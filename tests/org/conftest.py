import uuid

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import translation
from django_scopes import scopes_disabled

from apps.tenancy import throttling
from apps.tenancy.models import OutboxMail


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, whatever an earlier request in this worker activated."""
    with translation.override("en"):
        yield


@pytest.fixture
def rates(monkeypatch):
    """rates(invitation_send="2/hour", …): those rates, every other one unlimited, a cache namespace
    of the test's own and a clock pinned mid-window (as in tests/tenancy/test_throttling.py)."""
    monkeypatch.setattr(throttling, "clock", lambda: 1_800_000_030.0)
    overrides = []

    def set_rates(**given):
        rest = dict(settings.REST_FRAMEWORK)
        rest["DEFAULT_THROTTLE_RATES"] = {
            scope: given.get(scope, "100000/min") for scope in rest["DEFAULT_THROTTLE_RATES"]
        }
        caches = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"org-test-{uuid.uuid4().hex}"}}
        override = override_settings(REST_FRAMEWORK=rest, CACHES=caches)
        override.enable()
        overrides.append(override)

    yield set_rates
    for override in reversed(overrides):
        override.disable()


@pytest.fixture
def managers_may_manage(tenant):
    """The organisation lets its sales managers manage the people of their own line."""
    tenant.managers_manage_people = True
    tenant.save(update_fields=["managers_manage_people"])
    return tenant


@pytest.fixture
def client_as():
    def make(membership):
        client = Client()
        client.force_login(membership.user)
        return client

    return make


@pytest.fixture
def outbox():
    """outbox() -> the queued mails (OutboxMail rows), oldest first, across tenants."""

    def read():
        with scopes_disabled():
            return list(OutboxMail.objects.order_by("id"))

    return read


def link_path(url: str) -> str:
    """The path of an accept URL (the mail names SITE_URL; tests open it on their own server)."""
    return "/" + url.split("://", 1)[-1].split("/", 1)[1]


def update(obj, **fields):
    """Change a row behind the services' back (test set-up), across the tenant wall."""
    with scopes_disabled():
        type(obj).objects.filter(pk=obj.pk).update(**fields)


def reload(obj):
    with scopes_disabled():
        obj.refresh_from_db()
    return obj
