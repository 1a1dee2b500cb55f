"""The rep's morning on a phone (390 px): build today's plan with the customer search, check in with
the phone's (mocked) position, submit; the manager approves it from the queue."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import CustomerFactory

from .test_shell import PHONE, no_horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOP = {"latitude": 31.230416, "longitude": 121.473701}


@pytest.fixture
def shops(rep):
    CustomerFactory(tenant=rep.tenant, owner=rep, name="Harbour Store", code="H1")
    return CustomerFactory(
        tenant=rep.tenant,
        owner=rep,
        name="Bund Grocery",
        code="B1",
        latitude=str(SHOP["latitude"]),
        longitude=str(SHOP["longitude"]),
    )


def test_rep_plans_checks_in_with_location_and_manager_approves(browser, live_server, shops, rep, manager):
    near = {"latitude": SHOP["latitude"] + 0.0004, "longitude": SHOP["longitude"], "accuracy": 15}
    context = browser.new_context(viewport=PHONE, geolocation=near, permissions=["geolocation"])
    page = context.new_page()
    sign_in(page, live_server)
    page.click("[data-nav-toggle]")
    page.get_by_role("link", name="Today's visits", exact=True).click()
    expect(page.locator("h1")).to_have_text("Today")

    page.wait_for_load_state("load")  # htmx wires the search input once the page has loaded
    page.fill("#customer-search", "bund")  # htmx asks the server as the rep types
    page.locator("[data-pick-customer]", has_text="Bund Grocery").click()
    expect(page.locator("[data-picked]")).to_contain_text("Bund Grocery")
    page.select_option("select[name=purpose]", "order")
    page.fill("input[name=planned_time]", "09:30")
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.locator("#plan-items")).to_contain_text("Bund Grocery")

    page.fill("input[name=prospect_name]", "New Mart")
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.locator("#plan-items [data-visit]")).to_have_count(2)
    assert no_horizontal_overflow(page)

    first = page.locator("#plan-items [data-visit]").first
    first.get_by_role("button", name="Check in").click()
    expect(page.locator(".messages")).to_contain_text("Checked in.")
    checked = page.locator("#plan-items [data-visit]").first.locator("[data-checkin]")
    expect(checked).to_contain_text(re.compile(r"\b4\d m from the customer"))
    expect(
        page.locator("#plan-items [data-visit]").first.get_by_role("button", name="Check out")
    ).to_be_visible()
    expect(page.locator("input[type=file][accept='image/*'][capture]")).to_have_count(1)

    page.get_by_role("button", name="Submit plan for approval").click()
    expect(page.locator("[data-plan-status]")).to_have_text("Submitted")
    assert no_horizontal_overflow(page)
    page.screenshot(path="/tmp/salesmgmt-phone-today.png", full_page=True)
    context.close()

    boss = browser.new_context(viewport=PHONE)
    page = boss.new_page()
    sign_in(page, live_server, username="mgr")
    page.click("[data-nav-toggle]")
    page.get_by_role("link", name="Plan approvals").click()
    plan = page.locator("[data-plan]")
    expect(plan).to_contain_text("rep1")
    expect(plan).to_contain_text("New Mart")
    assert no_horizontal_overflow(page)
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text("approved")
    expect(page.locator("[data-plan]")).to_have_count(0)
    boss.close()


def test_check_in_still_works_when_the_rep_refuses_location(browser, live_server, shops, rep, today_plan):
    context = browser.new_context(viewport=PHONE)  # no geolocation permission: the browser refuses
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/t/acme/visits/today/")
    page.get_by_role("button", name="Check in").click()
    expect(page.locator(".messages")).to_contain_text("Checked in.")
    expect(page.locator("[data-checkin]")).to_contain_text("no location")
    context.close()


@pytest.fixture
def today_plan(rep, shops):
    from apps.tenancy.dates import tenant_today
    from tests.visits.factories import VisitFactory, VisitPlanFactory

    day = tenant_today(rep.tenant)
    plan = VisitPlanFactory(tenant=rep.tenant, rep=rep, day=day)
    return VisitFactory(tenant=rep.tenant, rep=rep, day=day, plan=plan, customer=shops)
