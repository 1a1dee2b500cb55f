"""/api/docs/ in a real browser with no way out to the internet: the Swagger UI comes from our own
static files (drf-spectacular-sidecar), draws the schema, and runs under the page's policy."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_swagger_ui_draws_the_api_without_internet_access(page: Page, live_server):
    local = urlsplit(live_server.url).netloc
    outside: list[str] = []

    def only_local(route):
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("salesmgmt API", timeout=15_000)
    expect(page.locator(".opblock-tag").first).to_have_text("allocations")
    expect(page.locator(".opblock-summary-path").first).to_have_text("/api/v1/allocations/")
    assert outside == []
