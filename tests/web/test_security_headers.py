"""Security headers on pages and API answers, and templates that the Content-Security-Policy can
afford: no inline script, style or event handler anywhere."""

import re
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html")) + sorted(ROOT.glob("apps/*/templates/**/*.html"))
# PDFs are rendered by WeasyPrint on the server, never served as HTML: their <style> is no risk.
PAGE_TEMPLATES = [p for p in TEMPLATES if not p.name.endswith("pdf.html")]

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: rest for name, *rest in (part.split() for part in policy.split(";") if part.strip())}


def assert_secure_headers(response):
    for header, value in EXPECTED.items():
        assert response.get(header) == value, header
    permissions = response["Permissions-Policy"]
    assert "geolocation=(self)" in permissions and "camera=(self)" in permissions
    assert "microphone=()" in permissions
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"] and csp["form-action"] == ["'self'"]
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_page_has_the_security_headers(client_as, rep):
    assert_secure_headers(Client().get(reverse("login")))
    assert_secure_headers(client_as(rep).get(reverse("dashboard", kwargs={"tenant_slug": rep.tenant.slug})))


@pytest.mark.django_db
def test_an_api_answer_has_the_security_headers(api_as, rep):
    response = api_as(rep).get(reverse("api:member-list"))
    assert response.status_code == 200
    assert_secure_headers(response)


@pytest.mark.django_db
def test_errors_have_them_too(client_as, rep, other_tenant):
    assert_secure_headers(client_as(rep).get(f"/t/{other_tenant.slug}/"))  # 404 raised by the middleware
    assert_secure_headers(Client().get(reverse("api:member-list")))  # 401


@pytest.mark.django_db
def test_the_lockout_page_has_them(rep):
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=1):
        client = Client(REMOTE_ADDR="192.0.2.10")
        client.post(reverse("login"), {"username": "rep1", "password": "wrong"})
        response = client.post(reverse("login"), {"username": "rep1", "password": "wrong"})
    assert response.status_code == 429
    assert_secure_headers(response)


def test_the_api_docs_load_the_swagger_ui_from_our_own_static_files(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    csp = directives(response)
    assert csp["script-src"] == ["'self'"] and "cdn" not in response.headers["Content-Security-Policy"]
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in response.text
    assert "cdn.jsdelivr.net" not in response.text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.text), "inline script on /api/docs/"


INLINE = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "htmx inline handler": re.compile(r"\shx-on[:\-]", re.I),
}


@pytest.mark.parametrize("path", PAGE_TEMPLATES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_templates_have_nothing_inline_that_the_policy_refuses(path):
    text = path.read_text(encoding="utf-8")
    found = {name: m.group(0) for name, pattern in INLINE.items() if (m := pattern.search(text))}
    assert not found, found


def test_htmx_is_told_not_to_inject_its_style_element():
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    assert '"includeIndicatorStyles": false' in base
