"""The current tenant: one contextvar, entered by middleware, API authentication and tasks."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django_scopes import scope

from .models import Tenant

_current: ContextVar[Tenant | None] = ContextVar("salesmgmt_tenant", default=None)


def current_tenant() -> Tenant | None:
    return _current.get()


@contextmanager
def tenant_context(tenant: "Tenant | int") -> Iterator[Tenant]:
    """Run a block inside one tenant: scoped managers filter by it, and nothing else is reachable.

    Tasks and commands take a tenant id; requests pass the resolved Tenant.
    """
    if tenant is None:  # scope(tenant=None) would mean "unscoped": refuse it loudly
        raise ValueError("tenant_context() needs a tenant")
    if not isinstance(tenant, Tenant):
        tenant = Tenant.objects.get(pk=tenant)
    token = _current.set(tenant)
    try:
        with scope(tenant=tenant.pk):
            yield tenant
    finally:
        _current.reset(token)
