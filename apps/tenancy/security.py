"""Who the client is (its address behind the proxies we trust) and what a locked-out sign-in sees."""

from __future__ import annotations

import ipaddress
import math

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind TRUSTED_PROXY_COUNT reverse proxies it is that many entries from
    the right of X-Forwarded-For (entries further left are whatever the client sent, so they are
    never trusted); with no proxy it is the socket's address. django-axes and the throttles both
    use this, so a lock-out and a rate limit always name the same client."""
    meta = request.META
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return meta.get("REMOTE_ADDR") or "unknown"


def axes_client_ip(request: HttpRequest) -> str | None:
    """client_ip for django-axes, which stores it in an address column: a request with no address
    (gunicorn on a unix socket without a trusted proxy, a login made in-process) is recorded
    without one, instead of failing the sign-in with a 500 on saving the word "unknown"."""
    address = client_ip(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer once a username is locked out from an address (AXES_LOCKOUT_CALLABLE):
    JSON in the API's error shape for /api/, a page in the user's language for the browser. Both
    429 with Retry-After, so clients and people know when to try again."""
    cool_off = get_cool_off(request)
    seconds = math.ceil(cool_off.total_seconds()) if cool_off else None
    minutes = max(1, math.ceil(seconds / 60)) if seconds else None
    if request.path.startswith("/api/"):
        if minutes:
            detail = ngettext(
                "Too many failed sign-ins for this username from this address. Try again in %(n)d minute.",
                "Too many failed sign-ins for this username from this address. Try again in %(n)d minutes.",
                minutes,
            ) % {"n": minutes}
        else:
            detail = gettext("Too many failed sign-ins for this username from this address.")
        response: HttpResponse = JsonResponse({"detail": detail}, status=429)
    else:
        context = {
            "username": get_client_username(request, credentials) or "",
            "failure_limit": get_failure_limit(request, credentials),
            "minutes": minutes,
        }
        response = render(request, "registration/locked_out.html", context, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


def _policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every answer. Django 5.2 sets the rest
    (X-Content-Type-Options, Referrer-Policy and Cross-Origin-Opener-Policy in SecurityMiddleware,
    X-Frame-Options in XFrameOptionsMiddleware) but has no CSP of its own before 6.0; SECURE_CSP
    has 6.0's shape, so the upgrade can hand it to django.middleware.csp unchanged.

    The pages need no inline script or style: scripts are static files, data comes in json_script
    blocks, and sizes computed on the server are data attributes applied by static/js/app.js. Only
    the Swagger UI at /api/docs/ (served from our static files) gets the looser SECURE_CSP_API_DOCS.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = _policy(settings.SECURE_CSP)
        self.docs_policy = _policy(settings.SECURE_CSP_API_DOCS)
        self.permissions = ", ".join(
            f"{feature}={allow}" for feature, allow in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        policy = self.docs_policy if request.path_info.startswith(API_DOCS_PATH) else self.policy
        if policy:
            response.headers.setdefault("Content-Security-Policy", policy)
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        return response


API_DOCS_PATH = "/api/docs/"
