"""Allocating a payment to open invoices, in a browser at desktop width and on a phone (390 px): the
manager opens it from the collections list, finds it pre-filled oldest first, types too much on one
row (the error sits on that row, the typed values stay), corrects it, allocates, and undoes one."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from apps.sales.models import Allocation, Payment
from tests.factories import CustomerFactory, PaymentFactory
from tests.sales.factories import InvoiceFactory

from .test_shell import PHONE, no_horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = dt.datetime(2026, 4, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def payment(tenant, rep, manager):
    customer = CustomerFactory(tenant=tenant, owner=rep, code="C1", name="Lotus Mart")
    for i, amount in enumerate(("100.00", "200.00", "300.00")):
        InvoiceFactory(
            customer=customer,
            number=f"INV-{i + 1}",
            issued_on=dt.date(2026, 1, 1) + dt.timedelta(days=10 * i),
            due_on=dt.date(2026, 2, 1) + dt.timedelta(days=10 * i),
            amount=Decimal(amount),
        )
    made = PaymentFactory(customer=customer, amount=Decimal("250.00"), received_on=dt.date(2026, 4, 1))
    with scopes_disabled():
        Payment.objects.filter(pk=made.pk).update(unallocated=made.amount)
    return made


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_manager_allocates_a_payment_and_undoes_one(browser, live_server, payment, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    sign_in(page, live_server, username="mgr")
    page.goto(f"{live_server.url}/t/acme/sales/payments/")
    page.locator(f'[data-allocate="{payment.pk}"]').click()
    expect(page.locator("h1")).to_have_text("Allocate a payment")

    rows = page.locator("#allocate-form [data-invoice]")
    expect(rows).to_have_count(3)
    inputs = rows.locator("input")
    expect(inputs.nth(0)).to_have_value("100.00")
    expect(inputs.nth(1)).to_have_value("150.00")
    expect(inputs.nth(2)).to_have_value("")
    if viewport is PHONE:
        assert no_horizontal_overflow(page)

    inputs.nth(0).fill("120")  # above the 100 open on INV-1
    inputs.nth(2).fill("30")
    page.get_by_role("button", name="Allocate").click()
    expect(rows.nth(0).locator(".errorlist")).to_contain_text("allocate at most")
    expect(rows.nth(2).locator(".errorlist")).to_have_count(0)
    expect(inputs.nth(0)).to_have_value("120")
    expect(inputs.nth(2)).to_have_value("30")
    with scopes_disabled():
        assert not Allocation.objects.exists()

    inputs.nth(0).fill("100")
    inputs.nth(1).fill("")
    page.get_by_role("button", name="Allocate").click()
    expect(page.locator("#payment-unallocated")).to_contain_text("120.00")
    allocated = page.locator("#allocations [data-allocation]")
    expect(allocated).to_have_count(2)
    # INV-1 is paid: the form offers the two still open, the rest pre-filled oldest first.
    expect(rows).to_have_count(2)
    expect(rows.locator("input").nth(0)).to_have_value("120.00")
    if viewport is PHONE:
        assert no_horizontal_overflow(page)

    allocated.first.get_by_role("button", name="Undo").click()
    expect(allocated).to_have_count(1)
    expect(page.locator("#payment-unallocated")).to_contain_text("220.00")
    expect(rows).to_have_count(3)
    context.close()
