"""Request types for annotations: what the middleware adds to a request, so views are type-checked."""

from collections.abc import Callable

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from .models import Membership, Tenant


class AuthenticatedRequest(HttpRequest):
    """A request past @login_required (or @tenant_page): a signed-in user, htmx details attached."""

    user: User
    htmx: HtmxDetails


class TenantRequest(AuthenticatedRequest):
    """A request inside a @tenant_page view: TenantMiddleware has resolved both, the decorator checked."""

    tenant: Tenant
    membership: Membership


def rendered_in_tenant_zone(tenant: Tenant, respond: Callable[[], HttpResponse]) -> HttpResponse:
    """The response of `respond()`, rendered with the tenant's time zone active: every time on the
    page (templates, the admin's columns) is the organisation's local time. A lazy TemplateResponse
    is rendered here, inside the zone, rather than after the view returns."""
    with timezone.override(tenant.tzinfo):
        response = respond()
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
    return response
