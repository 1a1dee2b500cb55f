"""Rate limits for the endpoints anyone can reach without an account: the API token endpoint, the
sign-in form, and (later) the public survey pages.

Each limit is a *scope* with two rates in `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`:
`<scope>` per client address and `<scope>_credential` per credential the request names (a
username, an invitation token). The address rate stops one machine hammering many accounts; the
credential rate stops many machines (a botnet) guessing one account's password. Both are counted in
the shared cache (Redis), so every web process sees the same counts.

A new public endpoint joins with one line:

- a DRF view: ``throttle_classes = PUBLIC_THROTTLES`` plus ``throttle_scope = "survey"`` (and
  ``throttle_credential = "token"`` to name the request field or URL keyword that identifies
  the credential);
- a plain Django view: ``@rate_limited("survey", credential="token")``.

and its two rates in settings (docs/configuration.md). Over the limit, the API answers 429 with
``Retry-After`` and ``{"detail": "..."}``; a page answers the 429 page.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Mapping
from functools import wraps

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from .security import client_ip

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
clock = time.time  # tests pin it, so a window boundary never falls inside one


def parse_rate(rate: str) -> tuple[int, int]:
    """'20/min' → (20, 60). The unit is read from its first letter: s, m, h or d."""
    number, _sep, period = rate.partition("/")
    try:
        return int(number), PERIODS[period.strip()[0].lower()]
    except (ValueError, KeyError, IndexError):
        raise ImproperlyConfigured(f"Bad throttle rate {rate!r}: expected '<n>/<s|min|hour|day>'.")


def rate_for(scope: str) -> str | None:
    """Read when used, not at import, so a changed setting (and override_settings) applies at once."""
    rates = api_settings.DEFAULT_THROTTLE_RATES
    if scope not in rates:
        raise ImproperlyConfigured(f"No throttle rate for scope {scope!r} in DEFAULT_THROTTLE_RATES.")
    return rates[scope] or None  # type: ignore[return-value]  # stubs: float; rates are "20/min"


def hit(scope: str, ident: str) -> int | None:
    """Count one request of `ident` in `scope`. None while within the rate, else the seconds until
    the current window ends (the Retry-After).

    A fixed window per period, counted with the cache's atomic increment: two web processes racing
    can never both take the last request of a window (a read-modify-write of a list of timestamps,
    DRF's way, can). A client may burst to twice the rate across a window boundary, never more.
    """
    rate = rate_for(scope)
    if rate is None:
        return None
    limit, period = parse_rate(rate)
    now = clock()
    window = int(now // period)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    key = f"throttle:{scope}:{digest}:{window}"
    cache.add(key, 0, timeout=period + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # Redis is down (the cache degrades to misses) or the key just expired
        return None  # fail open: a rate limit is not worth refusing every sign-in during an outage
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * period - now))


def credential_of(request, field: str, kwargs: Mapping | None = None) -> str | None:
    """The credential a request names: a URL keyword, else a field of the form or JSON body."""
    value = (kwargs or {}).get(field)
    if value is None:
        data = getattr(request, "data", None)  # DRF request: parsed form or JSON
        if data is None:
            data = request.POST
        value = data.get(field) if isinstance(data, Mapping) else None
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower()


class _ScopeThrottle(BaseThrottle):
    """Base of the two DRF throttles: the view names the scope (`throttle_scope`)."""

    suffix = ""

    def ident(self, request, view) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        self.retry_after = None
        scope = getattr(view, "throttle_scope", None)
        if not scope:
            raise ImproperlyConfigured(
                f"{type(view).__name__} uses a public throttle but names no throttle_scope."
            )
        ident = self.ident(request, view)
        if ident is None:
            return True
        self.retry_after = hit(scope + self.suffix, ident)
        return self.retry_after is None

    def wait(self) -> float | None:
        return self.retry_after


class AddressRateThrottle(_ScopeThrottle):
    """Rate `<scope>` per client address."""

    def ident(self, request, view) -> str | None:
        return client_ip(request)


class CredentialRateThrottle(_ScopeThrottle):
    """Rate `<scope>_credential` per credential, named by the view's `throttle_credential`."""

    suffix = "_credential"

    def ident(self, request, view) -> str | None:
        field = getattr(view, "throttle_credential", None)
        if not field:
            return None
        return credential_of(request, field, getattr(view, "kwargs", None))


PUBLIC_THROTTLES = [AddressRateThrottle, CredentialRateThrottle]


def rate_limited(
    scope: str, *, credential: str | None = None, methods: tuple[str, ...] = ("POST",)
) -> Callable:
    """The same two limits for a plain Django view; only `methods` count (showing a form is free).
    Over the limit it answers the 429 page with Retry-After."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in methods:
                waits = [hit(scope, client_ip(request))]
                named = credential_of(request, credential, kwargs) if credential else None
                if named is not None:
                    waits.append(hit(scope + "_credential", named))
                due = [w for w in waits if w is not None]
                if due:
                    return too_many_requests(request, max(due))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    minutes = max(1, math.ceil(retry_after / 60))
    response = render(request, "429.html", {"retry_after": retry_after, "minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
