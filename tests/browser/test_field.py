"""The rep in the field, on a phone (390 px): adding visits in place, tomorrow's page before today is
over, a visit card's inner padding, the product picker by keyboard, an order and a collection taken
at a visit that the evening report then shows (numbers in one shape), and a plan's horizon.

The server's clock is pinned to Wednesday 18 November 2026, 10:00 in the tenant's time zone
(Asia/Shanghai), inside the working hours (09:00-18:00); it ticks from there."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from apps.sales.models import Order
from apps.visits.models import DailyReport, ReportOrder, Visit
from tests.factories import CategoryFactory, CustomerFactory, OrderFactory, OrderLineFactory, ProductFactory
from tests.visits.factories import VisitFactory, VisitPlanFactory

from .test_shell import PHONE, no_horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=TZ)
TODAY = NOW.date()
TOMORROW = TODAY + dt.timedelta(days=1)
TODAY_URL = "/t/acme/visits/today/"


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def settled(page: Page) -> None:
    """htmx wires new content a moment after inserting it (its settle step): a person cannot type
    into it sooner, a test can."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-added, .htmx-settling')")


@pytest.fixture
def phone(browser, live_server, rep):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server)
    yield page
    context.close()


@pytest.fixture
def shops(rep):
    names = [
        "Bund Grocery",
        "Harbour Store",
        "Lotus Mart",
        "Pearl Tower Kiosk",
        "Nanjing Road Foods",
        "Jade Cafe",
    ]
    return [
        CustomerFactory(tenant=rep.tenant, owner=rep, name=name, code=f"S{n}") for n, name in enumerate(names)
    ]


@pytest.fixture
def teas(tenant):
    tea = CategoryFactory(tenant=tenant, code="TEA", name="Tea")
    ware = CategoryFactory(tenant=tenant, code="WARE", name="Tableware")
    products = [
        ProductFactory(
            tenant=tenant, category=tea, sku=f"T-{n:03d}", name=f"Tea blend {n}", list_price=Decimal("8")
        )
        for n in range(40)
    ]
    green = ProductFactory(
        tenant=tenant, category=tea, sku="T-900", name="Green tea", list_price=Decimal("25.00")
    )
    cup = ProductFactory(
        tenant=tenant, category=ware, sku="W-100", name="Tea cup", list_price=Decimal("6.00")
    )
    return {"blends": products, "green": green, "cup": cup}


def marked(page: Page) -> None:
    """A mark on the window: still there later means the page was not reloaded."""
    page.evaluate("window.fieldMark = 'kept'")


def still_marked(page: Page) -> bool:
    return page.evaluate("window.fieldMark") == "kept"


# ---- adding a visit in place ------------------------------------------------------------------


def test_adding_visits_keeps_the_page_where_it_was(phone, live_server, rep, shops):
    plan = VisitPlanFactory(tenant=rep.tenant, rep=rep, day=TODAY)
    for n, shop in enumerate(shops[1:]):
        VisitFactory(tenant=rep.tenant, rep=rep, day=TODAY, plan=plan, customer=shop, position=n)
    page = phone
    page.goto(live_server.url + TODAY_URL)
    marked(page)
    form = page.locator("#add-item")
    form.scroll_into_view_if_needed()
    page.fill("#customer-search", "bund")
    page.locator("[data-pick-customer]", has_text="Bund Grocery").click()
    page.select_option("#add-item select[name=purpose]", "order")
    top = form.bounding_box()["y"]
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 300  # the form is far down the page
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.locator("#plan-items [data-visit]")).to_have_count(6)
    expect(page.locator("[data-added]")).to_have_text("Visit added to the plan.")
    settled(page)
    assert still_marked(page), "the page was reloaded"
    assert abs(page.locator("#add-item").bounding_box()["y"] - top) <= 2, "the form moved on the screen"
    assert page.evaluate("window.scrollY") > scrolled  # the new visit above pushed the page, not the form
    expect(page.locator("#plan-items")).to_contain_text("Bund Grocery")
    expect(page.locator("[data-picked]")).to_be_hidden()  # a fresh form for the next one

    page.fill("input[name=prospect_name]", "New Mart")
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.locator("#plan-items [data-visit]")).to_have_count(7)
    settled(page)
    assert still_marked(page)
    assert abs(page.locator("#add-item").bounding_box()["y"] - top) <= 2
    # a refusal keeps what was typed
    page.fill("input[name=area]", "Huangpu")
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.locator("#add-item .form-errors")).to_be_visible()
    expect(page.locator("#add-item input[name=area]")).to_have_value("Huangpu")
    assert no_horizontal_overflow(page)


# ---- tomorrow's page ---------------------------------------------------------------------------


def test_tomorrow_does_not_tick_todays_visits_before_the_day_is_over(phone, live_server, rep, shops, pinned):
    plan = VisitPlanFactory(tenant=rep.tenant, rep=rep, day=TODAY, status="approved")
    for n, shop in enumerate(shops[:2]):
        VisitFactory(tenant=rep.tenant, rep=rep, day=TODAY, plan=plan, customer=shop, position=n)
    page = phone
    page.goto(live_server.url + TODAY_URL)
    page.get_by_role("link", name="Tomorrow", exact=True).click()
    expect(page.locator("h1")).to_have_text("Tomorrow's plan")
    expect(page.locator("[data-empty]")).to_contain_text("Nothing planned for tomorrow yet")
    expect(page.locator("[data-empty]")).to_contain_text("visit tomorrow")
    carry = page.locator("#carry-over")
    expect(carry.locator("input[type=checkbox]")).to_have_count(2)
    for box in carry.locator("input[type=checkbox]").all():
        expect(box).not_to_be_checked()
    expect(carry.locator("[data-carry-note]")).to_contain_text("Today is not over")

    pinned.move_to(dt.datetime(2026, 11, 18, 19, 0, tzinfo=TZ))  # after the working hours
    page.reload()
    expect(carry).to_contain_text("Unfinished from the last working day")
    for box in carry.locator("input[type=checkbox]").all():
        expect(box).to_be_checked()
    carry.get_by_role("button", name="Add to this plan").click()
    expect(page.locator("#plan-items [data-visit]")).to_have_count(2)


# ---- the visit card --------------------------------------------------------------------------


def test_visit_cards_have_inner_padding_on_a_phone(browser, live_server, rep, shops):
    plan = VisitPlanFactory(tenant=rep.tenant, rep=rep, day=TODAY)
    VisitFactory(
        tenant=rep.tenant,
        rep=rep,
        day=TODAY,
        plan=plan,
        customer=CustomerFactory(tenant=rep.tenant, owner=rep, name="Golden Lotus Trading Company Limited"),
        area="Huangpu",
        note="Bring the autumn price list",
    )
    context = browser.new_context(viewport=PHONE, device_scale_factor=2)
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(live_server.url + TODAY_URL)
    card = page.locator("#plan-items [data-visit]").first
    box = card.bounding_box()
    for part in (".visit__title", ".visit__meta", ".visit__actions .btn"):
        inner = card.locator(part).first.bounding_box()
        assert inner["x"] - box["x"] >= 14, f"{part} touches the card's left edge"
        assert box["x"] + box["width"] - (inner["x"] + inner["width"]) >= 10, f"{part} runs to the right edge"
    title = card.locator(".visit__title").bounding_box()
    assert title["y"] - box["y"] >= 10, "the title touches the card's top"
    assert no_horizontal_overflow(page)
    card.screenshot(path="/tmp/salesmgmt-visit-card-390.png")
    context.close()


# ---- the product picker --------------------------------------------------------------------------


def test_the_product_picker_works_by_keyboard_on_a_phone(phone, live_server, rep, shops, teas):
    plan = VisitPlanFactory(tenant=rep.tenant, rep=rep, day=TODAY, status="approved")
    visit = VisitFactory(tenant=rep.tenant, rep=rep, day=TODAY, plan=plan, customer=shops[0])
    for _ in range(2):  # the rep's usual product
        order = OrderFactory(customer=shops[1], order_date=TODAY - dt.timedelta(days=5))
        OrderLineFactory(order=order, product=teas["cup"])
    page = phone
    page.goto(live_server.url + TODAY_URL)
    card = page.locator(f"#visit-{visit.pk}")
    card.get_by_text("Take an order or a collection").click()
    box = card.get_by_role("combobox", name="Product")
    box.focus()  # on focus: the rep's usual products
    options = card.get_by_role("listbox")
    expect(options).to_contain_text("Your usual products")
    expect(options.get_by_role("option").first).to_contain_text("Tea cup")
    page.keyboard.type("tea blend 1")
    expect(options.get_by_role("option").first).to_contain_text("Tea blend 1")
    expect(options.get_by_role("option")).to_have_count(13)  # "1" anywhere: 1, 10-19, 21, 31
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(r"-1$"))
    assert no_horizontal_overflow(page)
    card.screenshot(path="/tmp/salesmgmt-picker-open-390.png")
    page.keyboard.press("Enter")  # chooses; does not submit the form
    expect(box).to_have_value("T-010 Tea blend 10")
    expect(card.locator("input[name='lines-0-product']")).to_have_value(str(teas["blends"][10].pk))
    expect(options.get_by_role("option")).to_have_count(0)
    page.keyboard.press("Tab")
    page.keyboard.type("3")  # the quantity, next in the tab order
    expect(card.locator("input[name='lines-0-quantity']")).to_have_value("3")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("cup")  # typing again forgets the product chosen
    expect(card.locator("input[name='lines-0-product']")).to_have_value("")
    expect(options.get_by_role("option")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(options.get_by_role("option")).to_have_count(0)
    with scopes_disabled():
        assert not Order.objects.filter(order_date=TODAY).exists()
    page.screenshot(path="/tmp/salesmgmt-picker-390.png", full_page=True)


# ---- an order and a collection at the visit --------------------------------------------------


def test_an_order_and_a_collection_taken_at_the_visit_are_in_the_evening_report(
    phone, live_server, rep, shops, teas
):
    plan = VisitPlanFactory(tenant=rep.tenant, rep=rep, day=TODAY, status="approved")
    visit = VisitFactory(tenant=rep.tenant, rep=rep, day=TODAY, plan=plan, customer=shops[0])
    page = phone
    page.goto(live_server.url + TODAY_URL)
    card = page.locator(f"#visit-{visit.pk}")
    card.get_by_role("button", name="Check in").click()
    expect(card.locator("[data-checkin]")).to_be_visible()
    page.goto(live_server.url + "/t/acme/")  # the home's Today card leads to the visit's order form
    page.locator("#card-today").get_by_role("link", name="Order / collection").click()
    expect(card.get_by_role("combobox", name="Product")).to_be_visible()
    marked(page)
    card.get_by_role("combobox", name="Product").fill("green")
    card.get_by_role("option", name=re.compile("Green tea")).click()
    card.get_by_role("button", name="Add an order line").click()
    settled(page)
    card.locator(f"#id_v{visit.pk}-lines-1-product").fill("cup")
    card.get_by_role("option", name=re.compile("Tea cup")).click()
    card.locator("input[name='lines-1-quantity']").fill("2")
    card.get_by_label("Amount collected").fill("50")
    card.get_by_label("Method").select_option("cash")
    card.get_by_role("button", name="Save what was taken").click()  # the first line has no quantity
    expect(card.locator(".errorlist")).to_contain_text("Enter the quantity.")
    settled(page)
    expect(card.get_by_role("combobox", name="Product").first).to_have_value("T-900 Green tea")
    expect(card.get_by_label("Amount collected")).to_have_value("50")
    expect(card.locator("input[name='lines-1-quantity']")).to_have_value("2")
    card.locator("input[name='lines-0-quantity']").fill("4")
    card.get_by_role("button", name="Save what was taken").click()
    taken = card.locator("[data-taken]")
    expect(taken).to_contain_text(re.compile(r"Order SO20261118001 · ¥112\.00"))
    expect(taken).to_contain_text("Collection · ¥50.00 · Cash")
    expect(card.locator("[data-taken-status]")).to_contain_text("in today's daily report")
    assert still_marked(page)
    assert no_horizontal_overflow(page)
    page.screenshot(path="/tmp/salesmgmt-visit-sale-390.png", full_page=True)

    page.goto(live_server.url + "/t/acme/reports/mine/")  # the evening
    expect(page.locator("body")).to_contain_text("Taken so far")
    expect(page.locator("body")).to_contain_text("SO20261118001")
    expect(page.locator("body")).to_contain_text("¥50.00")
    page.get_by_role("button", name="Submit report").click()
    expect(page.locator(".messages")).to_contain_text("submitted")
    with scopes_disabled():
        report = DailyReport.objects.get(rep=rep, day=TODAY)
        assert report.status == "submitted"
        assert list(ReportOrder.objects.filter(report=report).values_list("order__number", flat=True)) == [
            "SO20261118001"
        ]
        assert Order.objects.get().amount == Decimal("112.00")  # one order, not a copy
        assert Visit.objects.get(pk=visit.pk).report_id == report.pk
    page.goto(live_server.url + "/t/acme/sales/orders/")
    expect(page.locator("body")).to_contain_text("SO20261118001")


# ---- the plan's horizon --------------------------------------------------------------------------


def test_a_day_beyond_the_horizon_says_so_and_the_last_day_can_be_planned(phone, live_server, rep):
    page = phone
    page.goto(f"{live_server.url}{TODAY_URL}?day=2099-01-01")
    expect(page.locator("[data-empty]")).to_contain_text("Plans can be made until 2027-01-17")
    expect(page.locator("#add-item")).to_have_count(0)
    page.goto(f"{live_server.url}{TODAY_URL}?day=2027-01-17")
    page.fill("input[name=prospect_name]", "New Mart")
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.locator("#plan-items")).to_contain_text("New Mart")
    expect(page.get_by_role("button", name="Submit plan for approval")).to_be_visible()
