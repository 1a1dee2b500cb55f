"""Each role's home in a real browser, under the Content-Security-Policy (the conftest fails a test
on any refusal): the cards show, the cards fetched with htmx load, bars and the trend chart draw, and
the attainment card's period switch keeps the home's address meaningful."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.sales.models import Order
from apps.visits.models import VisitPlan
from tests.browser.test_shell import sign_in
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory
from tests.targets.factories import TargetFactory
from tests.visits.factories import VisitFactory, VisitPlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def day(rep, peer):
    """This month's revenue targets of the line, a sale, and today's submitted plan of the rep."""
    today = timezone.localdate(timezone=rep.tenant.tzinfo)
    for member in (rep, peer):
        TargetFactory(
            tenant=member.tenant,
            rep=member,
            metric="revenue",
            period_start=today.replace(day=1),
            value=Decimal("1000"),
            status="approved",
        )
    order = OrderFactory(
        customer=CustomerFactory(tenant=rep.tenant, owner=rep, name="Harbour Store"),
        rep=rep,
        order_date=today.replace(day=1),
        status=Order.Status.CONFIRMED,
    )
    OrderLineFactory(order=order, amount=Decimal("400"), cost=Decimal("100"))
    plan = VisitPlanFactory(
        tenant=rep.tenant, rep=rep, day=today, status=VisitPlan.Status.SUBMITTED, submitted_at=timezone.now()
    )
    VisitFactory(tenant=rep.tenant, rep=rep, day=today, plan=plan, customer=order.customer)
    return today


@pytest.mark.parametrize(
    ("username", "first_card"),
    [
        ("rep1", "visits.today"),
        ("mgr", "visits.plan_approvals"),
        ("boss", "targets.teams"),
        ("viewer", "targets.teams"),
    ],
)
def test_each_roles_home_opens_under_the_policy(
    page: Page, live_server, day, admin, viewer, username, first_card
):
    sign_in(page, live_server, username=username)
    cards = page.locator(".home [data-card]")
    expect(cards.first).to_have_attribute("data-card", first_card)
    if username in ("mgr", "boss"):
        # The cards that load their body with htmx: the attainment table and the team's figures.
        expect(page.locator("#team-attainment table")).to_be_visible()
        expect(page.locator("#team-figures table")).to_be_visible()
    if username != "rep1":
        page.wait_for_function(
            "() => window.Chart && Chart.getChart(document.getElementById('home-trend-chart'))"
        )
    page.wait_for_load_state("networkidle")


def test_the_reps_home_links_today_s_visit_and_shows_the_bar(page: Page, live_server, day, rep):
    sign_in(page, live_server)
    card = page.locator("#card-today")
    expect(card).to_contain_text("Harbour Store")
    expect(card).to_contain_text("Submitted")
    bar = page.locator("#card-my-targets .progress__bar").first
    expect(bar).to_have_attribute("data-width", "40")
    assert bar.evaluate("el => el.style.width") == "40%"
    card.get_by_role("link", name=re.compile("Harbour Store")).click()
    expect(page).to_have_url(re.compile(r"/t/acme/visits/today/#visit-\d+$"))


def test_the_attainment_card_switches_period_in_place(page: Page, live_server, day, manager):
    sign_in(page, live_server, username="mgr")
    card = page.locator("#team-attainment")
    expect(card.locator("table")).to_be_visible()
    card.get_by_role("link", name="This quarter").click()
    expect(card.locator("[aria-current=page]")).to_have_text("This quarter")
    expect(page).to_have_url(re.compile(r"/t/acme/\?period=quarter&page=1$"))  # pushed by htmx
    page.reload()
    expect(page.locator("#team-attainment [aria-current=page]")).to_have_text("This quarter")
