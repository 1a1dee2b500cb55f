import pytest
from django.test import Client


@pytest.fixture
def client_as():
    """client_as(membership) -> a test client logged in as that member's user."""

    def make(membership):
        client = Client()
        client.force_login(membership.user)
        return client

    return make


@pytest.fixture
def url(tenant):
    """url(name, **kwargs) -> the URL of a tenant page of the `tenant` fixture."""
    from django.urls import reverse

    def make(name, tenant_obj=None, **kwargs):
        return reverse(name, kwargs={"tenant_slug": (tenant_obj or tenant).slug, **kwargs})

    return make
