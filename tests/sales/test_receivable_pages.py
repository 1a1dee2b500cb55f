"""Receivables pages: the payment terms settings (admins) and a payment's allocation to invoices."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.sales.models import Allocation, Invoice, Payment, PaymentTerm
from apps.tenancy.models import AuditLog
from tests.factories import CustomerFactory, PaymentFactory

from .factories import CustomerCreditFactory, InvoiceFactory, PaymentTermFactory

pytestmark = pytest.mark.django_db

D = Decimal


def _url(name, tenant, **kwargs):
    return reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})


# ---- payment terms ------------------------------------------------------------------------------


def test_an_admin_lists_creates_and_edits_terms_with_audit(client, tenant, admin, own_customer):
    term = PaymentTermFactory(tenant=tenant, name="Net 30", days=30, is_default=True)
    CustomerCreditFactory(customer=own_customer, payment_term=term)
    client.force_login(admin.user)
    page = client.get(_url("payment-terms", tenant))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Net 30" in html and _url("payment-term-create", tenant) in html

    created = client.post(
        _url("payment-term-create", tenant),
        {"name": "Month end + 60", "days": "60", "basis": "month_end", "is_default": "on"},
    )
    assert created.status_code == 302 and created["Location"] == _url("payment-terms", tenant)
    with scopes_disabled():
        new = PaymentTerm.objects.get(tenant=tenant, name="Month end + 60")
        assert (new.days, new.basis, new.is_default) == (60, "month_end", True)
        term.refresh_from_db()
        assert term.is_default is False  # one default

    edited = client.post(
        _url("payment-term-edit", tenant, term_id=term.pk),
        {"name": "Net 45", "days": "45", "basis": "invoice_date"},
    )
    assert edited.status_code == 302
    with scopes_disabled():
        term.refresh_from_db()
        assert (term.name, term.days) == ("Net 45", 45)
        codes = set(AuditLog.objects.filter(tenant=tenant).values_list("action", flat=True))
    assert {"sales.term.created", "sales.term.updated"} <= codes


def test_a_term_is_made_the_default_from_the_list(client, tenant, admin):
    old = PaymentTermFactory(tenant=tenant, name="Net 30", is_default=True)
    new = PaymentTermFactory(tenant=tenant, name="Net 60", days=60)
    client.force_login(admin.user)
    assert client.get(_url("payment-term-default", tenant, term_id=new.pk)).status_code == 405
    done = client.post(_url("payment-term-default", tenant, term_id=new.pk))
    assert done.status_code == 302
    with scopes_disabled():
        assert set(
            PaymentTerm.objects.filter(tenant=tenant, is_default=True).values_list("pk", flat=True)
        ) == {new.pk}
        old.refresh_from_db()
        assert not old.is_default


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Odd", "days": "-1", "basis": "invoice_date"}, "days"),
        ({"name": "Odd", "days": "4000", "basis": "invoice_date"}, "days"),
        ({"name": "Odd", "days": "ten", "basis": "invoice_date"}, "days"),
        ({"name": "Odd", "days": "10", "basis": "fortnightly"}, "basis"),
        ({"name": "   ", "days": "10", "basis": "invoice_date"}, "name"),
        ({"name": "Net 30", "days": "10", "basis": "invoice_date"}, "name"),  # taken
    ],
)
def test_terms_that_make_no_sense_are_field_errors_with_the_typed_values(client, tenant, admin, data, field):
    PaymentTermFactory(tenant=tenant, name="Net 30")
    client.force_login(admin.user)
    response = client.post(_url("payment-term-create", tenant), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert f'value="{data["days"]}"' in response.content.decode()
    with scopes_disabled():
        assert PaymentTerm.objects.filter(tenant=tenant).count() == 1


def test_deleting_a_term_customers_use_is_refused_with_the_reason(client, tenant, admin, own_customer):
    used = PaymentTermFactory(tenant=tenant, name="Net 30")
    CustomerCreditFactory(customer=own_customer, payment_term=used)
    unused = PaymentTermFactory(tenant=tenant, name="Net 90", days=90)
    client.force_login(admin.user)
    refused = client.post(_url("payment-term-edit", tenant, term_id=used.pk), {"delete": "1"}, follow=True)
    assert "Customers use this payment term" in refused.content.decode()
    deleted = client.post(_url("payment-term-edit", tenant, term_id=unused.pk), {"delete": "1"})
    assert deleted.status_code == 302
    with scopes_disabled():
        assert list(PaymentTerm.objects.filter(tenant=tenant).values_list("pk", flat=True)) == [used.pk]
        assert AuditLog.objects.filter(tenant=tenant, action="sales.term.deleted").count() == 1


@pytest.mark.parametrize("role", ["manager", "rep", "viewer"])
def test_only_admins_reach_the_terms_pages(client, tenant, request, role):
    member = request.getfixturevalue(role)
    term = PaymentTermFactory(tenant=tenant)
    client.force_login(member.user)
    for url in (
        _url("payment-terms", tenant),
        _url("payment-term-create", tenant),
        _url("payment-term-edit", tenant, term_id=term.pk),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(_url("payment-term-default", tenant, term_id=term.pk)).status_code == 404


def test_the_terms_list_reads_fixed_queries(client, tenant, admin, django_assert_max_num_queries):
    for n in range(12):
        term = PaymentTermFactory(tenant=tenant, name=f"T{n}", days=n)
        CustomerCreditFactory(customer=CustomerFactory(tenant=tenant, owner=admin), payment_term=term)
    client.force_login(admin.user)
    client.get(_url("payment-terms", tenant))  # warm the session and nav caches
    with django_assert_max_num_queries(8) as captured:
        page = client.get(_url("payment-terms", tenant))
    assert page.status_code == 200 and page.content.decode().count("data-term=") == 12
    few = len(captured.captured_queries)
    PaymentTermFactory(tenant=tenant, name="More", days=99)
    with django_assert_max_num_queries(few):
        client.get(_url("payment-terms", tenant))


# ---- allocating a payment ----------------------------------------------------------------------


def _open_invoices(customer, n=3):
    """Invoices of 100, 200, 300 …, due oldest first in the order made."""
    prefix = customer.code
    return [
        InvoiceFactory(
            customer=customer,
            number=f"{prefix}-{n}-{i}",
            issued_on=dt.date(2026, 1, 1) + dt.timedelta(days=10 * i),
            due_on=dt.date(2026, 2, 1) + dt.timedelta(days=10 * i),
            amount=D(100 * (i + 1)),
        )
        for i in range(n)
    ]


def _payment(customer, amount="250.00"):
    payment = PaymentFactory(customer=customer, amount=D(amount), received_on=dt.date(2026, 3, 1))
    with scopes_disabled():
        Payment.objects.filter(pk=payment.pk).update(unallocated=payment.amount)
        return Payment.objects.get(pk=payment.pk)


def test_the_page_prefills_oldest_first(client, tenant, manager, own_customer):
    first, second, third = _open_invoices(own_customer)
    payment = _payment(own_customer, "250.00")
    client.force_login(manager.user)
    page = client.get(_url("sales:payment-allocate", tenant, payment_id=payment.pk))
    assert page.status_code == 200
    form = page.context["form"]
    assert [form[f"invoice_{i.pk}"].value() for i in (first, second, third)] == [D("100"), D("150"), None]


def test_several_invoices_are_paid_partly_at_once(client, tenant, manager, own_customer):
    first, second, third = _open_invoices(own_customer)
    payment = _payment(own_customer, "250.00")
    client.force_login(manager.user)
    url = _url("sales:payment-allocate", tenant, payment_id=payment.pk)
    done = client.post(url, {f"invoice_{first.pk}": "40", f"invoice_{third.pk}": "60.50"})
    assert done.status_code == 302 and done["Location"] == url
    with scopes_disabled():
        payment.refresh_from_db()
        first.refresh_from_db()
        third.refresh_from_db()
        assert payment.unallocated == D("149.50")
        assert (first.open_amount, third.open_amount) == (D("60.00"), D("239.50"))
        assert AuditLog.objects.filter(tenant=tenant, action="sales.payment.allocated").count() == 1
    shown = client.get(url).content.decode()
    assert shown.count("data-allocation=") == 2


@pytest.mark.parametrize(
    ("amounts", "bad_row"),
    [
        ({0: "150"}, 0),  # above the first invoice's 100 open
        ({0: "100", 1: "200"}, 1),  # 300 above the 250 left: on the row that crosses
        ({0: "-5"}, 0),
        ({0: "abc"}, 0),
    ],
)
def test_too_much_is_an_error_on_that_row_and_nothing_is_written(
    client, tenant, manager, own_customer, amounts, bad_row
):
    invoices = _open_invoices(own_customer)
    payment = _payment(own_customer, "250.00")
    client.force_login(manager.user)
    data = {f"invoice_{invoices[i].pk}": v for i, v in amounts.items()}
    response = client.post(_url("sales:payment-allocate", tenant, payment_id=payment.pk), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [f"invoice_{invoices[bad_row].pk}"], errors
    html = response.content.decode()
    for value in amounts.values():
        assert f'value="{value}"' in html  # the typed values, not the pre-fill
    with scopes_disabled():
        assert not Allocation.objects.filter(tenant=tenant).exists()
        payment.refresh_from_db()
        assert payment.unallocated == D("250.00")


def test_an_empty_allocation_says_so(client, tenant, manager, own_customer):
    _open_invoices(own_customer)
    payment = _payment(own_customer)
    client.force_login(manager.user)
    response = client.post(_url("sales:payment-allocate", tenant, payment_id=payment.pk), {})
    assert response.status_code == 400
    assert "at least one invoice" in response.content.decode()


def test_an_allocation_is_undone(client, tenant, manager, own_customer):
    (first,) = _open_invoices(own_customer, 1)
    payment = _payment(own_customer, "100.00")
    client.force_login(manager.user)
    url = _url("sales:payment-allocate", tenant, payment_id=payment.pk)
    client.post(url, {f"invoice_{first.pk}": "100"})
    with scopes_disabled():
        first.refresh_from_db()
        assert first.status == Invoice.Status.PAID
        allocation = Allocation.objects.get(tenant=tenant)
    undo = _url("sales:allocation-delete", tenant, allocation_id=allocation.pk)
    assert client.get(undo).status_code == 405
    assert client.post(undo)["Location"] == url
    with scopes_disabled():
        first.refresh_from_db()
        payment.refresh_from_db()
        assert (first.status, first.open_amount, payment.unallocated) == ("open", D("100.00"), D("100.00"))
        assert not Allocation.objects.filter(tenant=tenant).exists()


def test_a_rep_allocates_their_own_payments_only(client, tenant, rep, own_customer, peer_customer):
    (mine,) = _open_invoices(own_customer, 1)
    own_payment = _payment(own_customer, "50.00")
    _open_invoices(peer_customer, 1)
    peer_payment = _payment(peer_customer, "50.00")
    client.force_login(rep.user)
    url = _url("sales:payment-allocate", tenant, payment_id=own_payment.pk)
    assert client.post(url, {f"invoice_{mine.pk}": "50"}).status_code == 302
    assert client.get(_url("sales:payment-allocate", tenant, payment_id=peer_payment.pk)).status_code == 404
    assert client.post(_url("sales:payment-allocate", tenant, payment_id=peer_payment.pk)).status_code == 404


def test_a_viewer_reads_the_page_but_cannot_allocate_or_undo(client, tenant, viewer, manager, own_customer):
    (first,) = _open_invoices(own_customer, 1)
    payment = _payment(own_customer, "100.00")
    client.force_login(manager.user)
    url = _url("sales:payment-allocate", tenant, payment_id=payment.pk)
    client.post(url, {f"invoice_{first.pk}": "30"})
    with scopes_disabled():
        allocation = Allocation.objects.get(tenant=tenant)
    client.force_login(viewer.user)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="allocate-form"' not in html and "Undo" not in html
    refused = client.post(url, {f"invoice_{first.pk}": "30"})
    assert refused.status_code == 400
    client.post(_url("sales:allocation-delete", tenant, allocation_id=allocation.pk))
    with scopes_disabled():
        payment.refresh_from_db()
        assert payment.unallocated == D("70.00")
        assert Allocation.objects.filter(tenant=tenant).count() == 1


def test_the_page_is_reachable_from_the_payment_list_and_the_panel(client, tenant, manager, own_customer):
    _open_invoices(own_customer, 1)
    payment = _payment(own_customer)
    client.force_login(manager.user)
    listed = client.get(_url("sales:payments", tenant)).content.decode()
    assert _url("sales:payment-allocate", tenant, payment_id=payment.pk) in listed
    panel = client.get(_url("customers:detail", tenant, customer_id=own_customer.pk)).content.decode()
    assert f"{_url('sales:payments', tenant)}?customer={own_customer.pk}" in panel


def test_the_page_reads_the_same_queries_whatever_the_invoices(
    client, tenant, manager, own_customer, django_assert_max_num_queries
):
    _open_invoices(own_customer, 2)
    payment = _payment(own_customer, "1000.00")
    client.force_login(manager.user)
    url = _url("sales:payment-allocate", tenant, payment_id=payment.pk)
    client.post(url, {})  # warm
    with django_assert_max_num_queries(12) as captured:
        client.get(url)
    few = len(captured.captured_queries)
    _open_invoices(own_customer, 30)
    with django_assert_max_num_queries(few):
        page = client.get(url)
    assert page.content.decode().count("data-invoice=") == 32
