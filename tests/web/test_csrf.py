"""CSRF on every browser form: each POST form in the templates carries the token, no page view is
exempt (only DRF's views, which check CSRF themselves for session users), and a POST without the
token is refused — for pages and for the API called with the browser's session."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authentication import SessionAuthentication
from rest_framework.test import APIClient
from rest_framework.views import APIView

from apps.tenancy.authentication import MembershipTokenAuthentication
from tests.web.test_i18n import compiled_messages  # noqa: F401  (autouse: the Chinese page needs the .mo)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("apps/*/templates"))]
TEMPLATES = sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*.html"))
FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S | re.I)
POST = re.compile(r"""\bmethod\s*=\s*["']?post\b""", re.I)


def post_forms(text: str) -> list[str]:
    return [m["attrs"] + m["body"] for m in FORM.finditer(text) if POST.search(m["attrs"])]


def test_the_template_walk_finds_the_forms():
    """Guards the walk itself: a regex that matched nothing would pass every template."""
    found = {p.relative_to(ROOT).as_posix() for p in TEMPLATES if post_forms(p.read_text(encoding="utf-8"))}
    assert {
        "templates/registration/login.html",
        "templates/base.html",
        "templates/visits/_visit.html",
    } <= found
    assert len(found) >= 15


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_post_form_carries_the_csrf_token(path):
    for form in post_forms(path.read_text(encoding="utf-8")):
        assert "{% csrf_token %}" in form, form[:200]


def test_htmx_requests_carry_the_token_from_the_page():
    """hx-post/hx-delete outside a form send the token as a header set on <body> (never from the
    cookie, which is HttpOnly)."""
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    assert """hx-headers='{"X-CSRFToken": "{{ csrf_token }}"}'""" in base
    assert settings.CSRF_COOKIE_HTTPONLY


def _views(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _views(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


VIEWS = list(_views(get_resolver().url_patterns))


def test_no_page_view_is_csrf_exempt():
    exempt = [
        route for route, view in VIEWS if getattr(view, "csrf_exempt", False) and not hasattr(view, "cls")
    ]
    assert exempt == []


def test_exempt_api_views_authenticate_by_token_or_by_a_session_that_checks_csrf():
    """DRF marks its views exempt and checks CSRF itself in SessionAuthentication; a view that
    accepted cookies without that check would be open to cross-site posts."""
    api_views = [(route, view.cls) for route, view in VIEWS if hasattr(view, "cls")]
    assert len(api_views) > 20
    for route, cls in api_views:
        assert issubclass(cls, APIView), route
        for auth in cls.authentication_classes:
            assert issubclass(auth, MembershipTokenAuthentication | SessionAuthentication), (route, auth)
            if issubclass(auth, SessionAuthentication):
                assert auth.enforce_csrf is SessionAuthentication.enforce_csrf, (route, auth)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, data",
    [
        ("login", {"username": "rep1", "password": "pass-123-word"}),
        ("logout", {}),
        ("set-language", {"language": "zh-hans", "next": "/"}),
        ("preferences", {"language": "zh-hans"}),
        (
            "password_change",
            {
                "old_password": "pass-123-word",
                "new_password1": "N3w-pass-4711",
                "new_password2": "N3w-pass-4711",
            },
        ),
    ],
)
def test_a_post_without_the_token_is_refused(rep, name, data):
    client = Client(enforce_csrf_checks=True)
    if name != "login":
        client.force_login(rep.user)
    response = client.post(reverse(name), data)
    assert response.status_code == 403
    assert "403_csrf.html" in [t.name for t in response.templates]


@pytest.mark.django_db
def test_a_tenant_page_post_without_the_token_is_refused_and_changes_nothing(rep):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep.user)
    url = reverse("notifications", kwargs={"tenant_slug": rep.tenant.slug})
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 403
    # With the token the page's form works.
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302


@pytest.mark.django_db
def test_the_csrf_failure_page_speaks_the_users_language(rep):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403 and "页面已过期" in response.text


@pytest.mark.django_db
def test_the_api_with_the_browser_session_requires_the_csrf_token(rep):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(rep.user)
    url = reverse("api:notification-read-all")
    headers = {"HTTP_X_TENANT": rep.tenant.slug}
    assert client.get(reverse("api:member-me"), **headers).status_code == 200  # reading needs no token
    refused = client.post(url, **headers)
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    client.get(reverse("preferences"))  # any page with a form sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert client.post(url, HTTP_X_CSRFTOKEN=token, **headers).status_code == 200


@pytest.mark.django_db
def test_the_api_with_a_token_needs_no_csrf_token(api_as, rep):
    client = api_as(rep)
    client.handler.enforce_csrf_checks = True
    assert client.post(reverse("api:notification-read-all")).status_code == 200
