"""The weekly sales management report on a phone: a manager opens their team's week from the nav,
reads it without sideways scrolling, and writes next week's goals."""

import pytest
from django_scopes import scope
from playwright.sync_api import expect

from apps.reporting.services import rollup_week
from tests.browser.test_shell import PHONE, no_horizontal_overflow, sign_in
from tests.reporting.conftest import WEEK, field  # noqa: F401 - the week of field work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_reads_the_week_on_a_phone_and_saves_next_weeks_goals(browser, live_server, tenant, field):  # noqa: F811
    with scope(tenant=tenant.pk):
        rollup_week(tenant=tenant, iso_year=WEEK[0], iso_week=WEEK[1])
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    sign_in(page, live_server, username="fmgr")
    page.goto(f"{live_server.url}/t/acme/reporting/weekly/?week=2026-W46&team={field.north.pk}")
    expect(page.locator("h1")).to_have_text("Weekly sales management report")
    expect(page.locator(".report-stats")).to_contain_text("60%")  # effective-visit rate of North
    expect(page.locator("body")).to_contain_text("New competitor warehouse")
    assert no_horizontal_overflow(page)
    page.fill("textarea[name=next_week_goals]", "Visit every lost customer")
    page.get_by_role("button", name="Save goals").click()
    expect(page.locator("textarea[name=next_week_goals]")).to_have_value("Visit every lost customer")
    expect(page.locator("body")).to_contain_text("Next week's goals saved.")
    page.screenshot(path="/tmp/h5msg/weekly.png", full_page=True)
    context.close()
