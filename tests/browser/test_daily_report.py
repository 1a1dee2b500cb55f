"""The real browser, at phone width: a rep files today's report with an order taken on a planned
visit (an order line added by htmx) and submits it; their manager signs it off from the queue."""

import re
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from apps.sales.models import Order
from apps.tenancy.dates import tenant_today
from apps.visits.models import DailyReport
from tests.factories import CategoryFactory, CustomerFactory, ProductFactory
from tests.visits.factories import VisitFactory, VisitPlanFactory

from .test_field import settled
from .test_shell import PHONE, no_horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-123-word")
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/t/acme/$"))


def test_a_rep_files_a_report_with_an_order_and_the_manager_signs_it_off(
    page: Page, live_server, tenant, rep, manager
):
    today = tenant_today(tenant)
    product = ProductFactory(
        tenant=tenant,
        category=CategoryFactory(tenant=tenant),
        sku="TEA1",
        name="Green tea",
        list_price=Decimal("25.00"),
    )
    plan = VisitPlanFactory(tenant=tenant, rep=rep, day=today, status="approved")
    VisitFactory(
        tenant=tenant,
        rep=rep,
        day=today,
        plan=plan,
        planned=True,
        customer=CustomerFactory(tenant=tenant, owner=rep, name="Harbour Store"),
    )

    page.set_viewport_size(PHONE)
    _sign_in(page, live_server, "rep1")
    page.goto(f"{live_server.url}/t/acme/reports/mine/")
    visit = page.locator("fieldset.report-visit").first
    expect(visit).to_contain_text("Harbour Store")
    visit.get_by_role("button", name="Add an order line").click()
    settled(page)
    visit.locator("#id_visits-0-lines-0-product").fill("green")  # the product picker asks as one types
    visit.get_by_role("option", name=re.compile("Green tea")).click()
    expect(visit.locator("input[name='visits-0-lines-0-product']")).to_have_value(str(product.pk))
    visit.locator("input[name='visits-0-lines-0-quantity']").fill("4")
    visit.locator("select[name='visits-0-effective']").select_option("true")
    page.fill("textarea[name=competitor_info]", "Rival discounts oolong by 10%")
    assert no_horizontal_overflow(page)
    page.get_by_role("button", name="Submit report").click()
    expect(page.locator(".messages")).to_contain_text("submitted")
    with scopes_disabled():
        report = DailyReport.objects.get(rep=rep, day=today)
        assert report.status == "submitted"
        assert Order.objects.get(rep=rep).amount == Decimal("100.00")

    page.context.clear_cookies()
    _sign_in(page, live_server, "mgr")
    page.locator("[data-nav-toggle]").click()  # the phone layout folds the nav behind the menu button
    page.get_by_role("link", name="Reports to sign off").click()
    page.get_by_role("link", name="Review").click()
    expect(page.locator("body")).to_contain_text("Rival discounts oolong by 10%")
    page.fill("textarea[name=comment]", "Good order; match the rival's price on oolong")
    page.get_by_role("button", name="Sign off").click()
    expect(page.locator(".messages")).to_contain_text("signed off")
    assert no_horizontal_overflow(page)
    with scopes_disabled():
        report.refresh_from_db()
        assert report.status == "reviewed" and report.reviewed_by_id == manager.pk
