"""The current tenant: one contextvar, entered by middleware, API authentication and tasks."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django_scopes import scope, scopes_disabled

from .models import Membership, Tenant

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


# ---- who the user is, before a tenant is entered ---------------------------------------------------
# A request learns its tenant from the user's own membership. That read happens before any tenant
# scope exists, so it runs across tenants (the database shows every tenant under scopes_disabled());
# each query names the user, and these two functions are the only places that make it.


def user_membership(user, *, slug: str | None = None, tenant_id: int | None = None) -> Membership | None:
    """The user's active membership in one active tenant, named by slug or else by id; None if none."""
    memberships = Membership.objects.select_related("tenant", "user", "team").filter(
        user=user, is_active=True, tenant__is_active=True
    )
    # tenant_id=None (no tenant in the session) matches no row.
    memberships = memberships.filter(tenant__slug=slug) if slug else memberships.filter(tenant_id=tenant_id)  # type: ignore[misc]
    with scopes_disabled():
        return memberships.first()


def user_memberships(user) -> list[Membership]:
    """Every organisation the user is an active member of, by name (the tenant switcher)."""
    with scopes_disabled():
        return list(
            user.memberships.select_related("tenant")
            .filter(is_active=True, tenant__is_active=True)
            .order_by("tenant__name")
        )
