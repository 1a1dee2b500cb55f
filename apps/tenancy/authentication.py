"""API authentication: a token names one membership; a browser session names its current tenant."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .context import user_membership
from .middleware import SESSION_TENANT
from .models import ApiToken


class MembershipTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        with scopes_disabled():  # the token names its tenant; until it is read, no tenant is known
            token = ApiToken.lookup(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        membership = token.membership
        if token.expires_at and token.expires_at < timezone.now():
            raise exceptions.AuthenticationFailed(_("Token has expired."))
        if not (membership.is_active and membership.tenant.is_active and membership.user.is_active):
            raise exceptions.AuthenticationFailed(_("This account is disabled."))
        # Touch at most once a minute: a write per request would serialise a busy client.
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return membership.user, membership

    def authenticate_header(self, request):
        return self.keyword


class TenantSessionAuthentication(authentication.SessionAuthentication):
    """Session auth for the browser; the tenant is the one the user last opened (or X-Tenant)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        slug = request.headers.get("X-Tenant")
        tenant_id = request._request.session.get(SESSION_TENANT)
        if not slug and tenant_id is None:
            return None
        membership = user_membership(user, slug=slug, tenant_id=tenant_id)
        if membership is None:
            return None
        return user, membership


class MembershipTokenScheme(OpenApiAuthenticationExtension):
    target_class = MembershipTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`, from POST /api/v1/auth/token/",
        }


class TenantSessionScheme(OpenApiAuthenticationExtension):
    target_class = TenantSessionAuthentication
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
