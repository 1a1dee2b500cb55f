"""The Content-Security-Policy in a real browser: the charts and progress bars of the manager's home
(the team dashboard's attainment table, fetched with htmx, and the revenue trend) still draw without
inline style or script, and the policy (and the conftest's console check) does catch what it must
refuse."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.sales.models import Order
from tests.browser.test_shell import sign_in
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory
from tests.targets.factories import TargetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def line(rep, peer):
    start = timezone.localdate(timezone=rep.tenant.tzinfo).replace(day=1)
    for member in (rep, peer):
        TargetFactory(
            tenant=member.tenant,
            rep=member,
            metric="revenue",
            period_start=start,
            value=Decimal("1000"),
            status="approved",
        )
    order = OrderFactory(
        customer=CustomerFactory(tenant=rep.tenant, owner=rep),
        rep=rep,
        order_date=start,
        status=Order.Status.CONFIRMED,
    )
    OrderLineFactory(order=order, amount=Decimal("400"), cost=Decimal("100"))
    return start


def test_the_team_dashboard_draws_its_charts_and_bars_under_the_policy(
    page: Page, live_server, line, manager
):
    sign_in(page, live_server, username="mgr")
    page.goto(f"{live_server.url}/t/acme/targets/team/")  # the old address: the card on the home
    expect(page).to_have_url(re.compile(r"/t/acme/#team-attainment$"))
    page.wait_for_load_state("load")
    bar = page.locator("#team-attainment .progress__bar[data-width='40']").first  # loaded by htmx
    expect(bar).to_be_attached()
    assert bar.evaluate("el => el.style.width") == "40%"  # set by app.js, not an inline attribute
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('home-trend-chart'))"
    )


def test_the_policy_refuses_injected_inline_script_and_the_check_sees_it(
    page: Page, live_server, rep, no_csp_violations
):
    page.goto(f"{live_server.url}/accounts/login/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """() => { const s = document.createElement('script');
                       s.textContent = 'window.injected = 1';
                       document.body.appendChild(s); }"""
        )
    assert page.evaluate("() => window.injected") is None
    assert any("script" in refusal for refusal in no_csp_violations)
    no_csp_violations.clear()  # seen and expected: the fixture must not fail this test


def test_the_tenant_admin_works_under_the_policy(page: Page, live_server, admin, rep):
    """Django's admin (the tenant settings) keeps its scripts in files since 5.x: its list, change
    and add pages open without a policy refusal (the conftest fixture checks the console)."""
    sign_in(page, live_server, username="boss")
    page.goto(f"{live_server.url}/tenant-admin/")
    expect(page.locator("#content")).to_be_visible()
    page.goto(f"{live_server.url}/tenant-admin/customers/customer/add/")
    expect(page.locator("form#customer_form")).to_be_visible()
    page.goto(f"{live_server.url}/tenant-admin/org/team/")
    expect(page.locator("#changelist")).to_be_visible()
    page.wait_for_load_state("load")
