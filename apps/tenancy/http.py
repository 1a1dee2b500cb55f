"""Request types for annotations: what the middleware adds to a request, so views are type-checked."""

from django.contrib.auth.models import User
from django.http import HttpRequest
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
