import re

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils import translation

from .context import tenant_context, user_membership
from .models import Tenant

TENANT_PATH = re.compile(r"^/t/(?P<slug>[a-z0-9-]+)/")
# The tenant admin is Django's admin, whose URLs cannot carry a slug: it runs in the tenant the
# user opened last (kept in the session), so it always shows exactly one tenant.
SESSION_TENANT_PATH = re.compile(r"^/tenant-admin/")
SESSION_TENANT = "tenant_id"


class TenantMiddleware:
    """Browser requests under /t/<slug>/ run inside that tenant, for members only.

    A tenant the user is not a member of answers 404, exactly like one that does not exist, so
    slugs cannot be probed. The tenant is remembered in the session for the browsable API.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        request.membership = None
        match = TENANT_PATH.match(request.path_info)
        by_session = SESSION_TENANT_PATH.match(request.path_info)
        if not (match or by_session):
            return self.get_response(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if match:
            membership = user_membership(request.user, slug=match["slug"])
        else:
            membership = user_membership(request.user, tenant_id=request.session.get(SESSION_TENANT))
        if membership is None:
            raise Http404("No such organisation.")
        request.tenant, request.membership = membership.tenant, membership
        if request.session.get(SESSION_TENANT) != membership.tenant_id:
            request.session[SESSION_TENANT] = membership.tenant_id
        language = request.session.get("language") or membership.tenant.default_language
        translation.activate(language)
        request.LANGUAGE_CODE = language
        with tenant_context(membership.tenant):
            return self.get_response(request)


class UserLanguageMiddleware:
    """The user's chosen language (kept in the session at login) wins over the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.session.get("language") if hasattr(request, "session") else None
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def tenant_for_slug(slug: str) -> Tenant:
    tenant = Tenant.objects.filter(slug=slug, is_active=True).first()
    if tenant is None:
        raise Http404("No such organisation.")
    return tenant
