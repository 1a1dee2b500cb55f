"""The breakdown tree in a real browser: a year target split into four quarters by a seasonal profile,
one quarter edited by hand in place (htmx), the mismatch shown and blocking approval, then fixed."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_navigation import follow_nav
from tests.browser.test_shell import PHONE, no_horizontal_overflow, sign_in
from tests.targets.factories import SeasonalProfileFactory, TargetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def year_target(admin):
    # This year's: the breakdown list offers last, this and next year, counted from today.
    year = timezone.localdate(timezone=admin.tenant.tzinfo).year
    SeasonalProfileFactory(tenant=admin.tenant, name="Year-end push", weights=[1] * 9 + [2, 2, 2])
    return TargetFactory(
        tenant=admin.tenant,
        owner_kind="tenant",
        rep=None,
        grain="year",
        period_start=dt.date(year, 1, 1),
        value=Decimal("1200"),
        statement=f"Company revenue {year}",
    )


def quarter_row(page: Page, label: str):
    return page.locator("tr.tree__row", has_text=label)


def test_break_a_year_into_quarters_edit_one_see_the_mismatch_and_fix_it(
    page: Page, live_server, year_target
):
    year = year_target.period_start.year
    sign_in(page, live_server, username="boss")
    follow_nav(page, "Target breakdown")
    page.get_by_role("link", name=str(year), exact=True).click()
    page.get_by_role("link", name="Revenue").click()
    expect(page.locator("h1")).to_contain_text(str(year))
    page.get_by_role("link", name="Break down").click()

    page.select_option("select[name=split]", "quarters")
    page.select_option("select[name=allocation]", "seasonal")
    page.select_option("select[name=seasonal_profile]", label="Year-end push")
    page.get_by_role("button", name="Show the parts").click()
    # 9 + 3 + 3 + 6 = 15 weight points of 1200: 240, 240, 240, 480, editable before saving
    expect(page.locator("input[name=value_3]")).to_have_value("480.00")
    expect(page.locator("input[name=value_0]")).to_have_value("240.00")
    page.get_by_role("button", name="Save the breakdown").click()

    expect(page).to_have_url(re.compile(rf"/targets/tree/{year_target.pk}/$"))
    expect(page.locator("tr.tree__row")).to_have_count(5)
    expect(page.locator(".tree__row--mismatch")).to_have_count(0)

    quarter_row(page, f"{year} Q1").get_by_role("link", name="Edit").click()
    field = page.locator("tr.tree__row", has_text=f"{year} Q1").locator("input[name=value]")
    field.fill("200")
    field.press("Enter")  # htmx swaps the tree in place
    expect(page.locator(".tree__feedback")).to_contain_text("value saved")
    expect(page.locator(".tree__row--mismatch")).to_have_count(1)
    expect(page.locator(".tree__mismatch")).to_contain_text("40 short of the target")
    expect(page.locator(".tree__mismatch")).to_contain_text("Approval is blocked")

    # Proposed, its approval is refused with the reason while the quarters miss it.
    page.locator(f"#node-{year_target.pk}").get_by_role("button", name="Propose").click()
    expect(page.locator(".tree__feedback")).to_contain_text("proposed")
    page.locator(f"#node-{year_target.pk}").get_by_role("button", name="Approve").click()
    expect(page.locator(".tree__feedback")).to_contain_text("The children miss the parent by 40")

    quarter_row(page, f"{year} Q2").get_by_role("link", name="Edit").click()
    field = quarter_row(page, f"{year} Q2").locator("input[name=value]")
    field.fill("280")
    quarter_row(page, f"{year} Q2").get_by_role("button", name="Save").click()
    expect(page.locator(".tree__row--mismatch")).to_have_count(0)
    page.locator(f"#node-{year_target.pk}").get_by_role("button", name="Approve").click()
    expect(page.locator(".tree__feedback")).to_contain_text("approved")
    expect(page.locator(f"#node-{year_target.pk}")).to_contain_text("Approved")


def test_the_tree_fits_a_phone(browser, live_server, year_target):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2)
    page = context.new_page()
    sign_in(page, live_server, username="boss")
    for path in (
        f"/t/acme/targets/tree/{year_target.pk}/",
        f"/t/acme/targets/tree/{year_target.pk}/breakdown/",
    ):
        page.goto(live_server.url + path)
        assert no_horizontal_overflow(page), path
    context.close()
