"""The current tenant: one contextvar, entered by middleware, API authentication and tasks."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from celery import shared_task
from django.db import OperationalError
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


# At-least-once delivery (docs/architecture.md, Background work): a task is acknowledged after it
# ran, retried with backoff when the database drops out, and must be safe to run twice.
TENANT_TASK_DEFAULTS: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


def tenant_task(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """A Celery task that runs inside one tenant, the one way every app writes them.

    Callers send the tenant's id first, then plain JSON (`task.delay(tenant_id, "2026-W47")`); the
    body receives the Tenant itself, already entered with tenant_context(), and calls one service.
    The task keeps the function's module and name, so scheduled jobs find it as before. `options`
    override TENANT_TASK_DEFAULTS (time limits, other retried errors)."""

    def decorate(func: Callable[..., Any]) -> Any:
        @wraps(func)
        def run(tenant_id: int, *args: Any, **kwargs: Any) -> Any:
            with tenant_context(tenant_id) as tenant:
                return func(tenant, *args, **kwargs)

        return shared_task(**{**TENANT_TASK_DEFAULTS, **options})(run)

    return decorate


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
