"""The real browser: sign in through the form, search and open customers, switch to Chinese, and
check the phone layout (390 px) has no horizontal scroll."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_navigation import follow_nav
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    InteractionFactory,
    OrderFactory,
    OrderLineFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def shop(rep):
    """A rep with a few customers, one of them with a history."""
    for i in range(6):
        CustomerFactory(tenant=rep.tenant, owner=rep, name=f"Harbour Store {i}")
    customer = CustomerFactory(
        tenant=rep.tenant, owner=rep, name="Golden Lotus Trading Company Limited", is_key_account=True
    )
    ContactFactory(customer=customer, name="Li Wei", title="Purchasing manager", is_primary=True)
    InteractionFactory(customer=customer, subject="Discussed the spring promotion")
    OrderLineFactory(order=OrderFactory(customer=customer))
    return customer


def sign_in(page: Page, live_server, username="rep1", password="pass-123-word"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/t/acme/$"))


def no_horizontal_overflow(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_sign_in_search_and_open_a_customer(page: Page, live_server, shop):
    sign_in(page, live_server)
    follow_nav(page, "My customers")
    expect(page.locator("#customer-results")).to_contain_text("Harbour Store 3")
    page.fill("input[name=q]", "lotus")  # htmx refreshes the table as the user types
    expect(page.locator("#customer-results")).not_to_contain_text("Harbour Store 3")
    expect(page).to_have_url(re.compile(r"q=lotus"))
    page.get_by_role("link", name=shop.name).click()
    expect(page.locator("h1")).to_have_text(shop.name)
    expect(page.locator("#timeline")).to_contain_text("Discussed the spring promotion")
    expect(page.get_by_text("Li Wei")).to_be_visible()


def test_switching_to_chinese_shows_chinese_and_sticks(page: Page, live_server, shop):
    sign_in(page, live_server)
    page.click("button[value=zh-hans]")
    expect(page.locator("nav#site-nav")).to_contain_text("我的客户")
    page.goto(f"{live_server.url}/t/acme/customers/")
    expect(page.locator("h1")).to_have_text("我的客户")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_phone_width_has_no_horizontal_scroll(browser, live_server, shop):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2)
    page = context.new_page()
    sign_in(page, live_server)
    paths = ["/t/acme/", "/t/acme/customers/", f"/t/acme/customers/{shop.pk}/", "/t/acme/sales/orders/"]
    for path in paths:
        page.goto(live_server.url + path)
        assert no_horizontal_overflow(page), path
    # The navigation is collapsed behind the menu button on a phone, and opens on tap.
    expect(page.locator("#site-nav")).to_be_hidden()
    page.click("[data-nav-toggle]")
    expect(page.locator("#site-nav")).to_be_visible()
    assert no_horizontal_overflow(page)
    page.goto(f"{live_server.url}/t/acme/customers/")
    page.screenshot(path="/tmp/salesmgmt-phone-customers.png", full_page=True)
    page.goto(f"{live_server.url}/t/acme/customers/{shop.pk}/")
    page.screenshot(path="/tmp/salesmgmt-phone-detail.png", full_page=True)
    page.goto(f"{live_server.url}/t/acme/")
    page.click("[data-nav-toggle]")
    page.screenshot(path="/tmp/salesmgmt-phone-menu.png", full_page=True)
    context.close()


def test_desktop_shows_the_navigation_inline(browser, live_server, shop, manager):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, username="mgr")
    expect(page.locator("[data-nav-toggle]")).to_be_hidden()
    page.locator("[data-nav-group-button]", has_text="Reports").click()  # the group opens its panel
    expect(page.locator("#site-nav").get_by_role("link", name="Weekly report", exact=True)).to_be_visible()
    page.goto(f"{live_server.url}/t/acme/customers/")
    page.screenshot(path="/tmp/salesmgmt-desktop-customers.png")
    page.click("button[value=zh-hans]")
    page.goto(f"{live_server.url}/t/acme/customers/{shop.pk}/")
    expect(page.locator("#timeline h2")).to_have_text("互动记录")
    page.screenshot(path="/tmp/salesmgmt-desktop-detail-zh.png")
    context.close()
