"""Receivables: terms, invoices from orders on every write path, allocation rules, ageing, credit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.sales import selectors, services
from apps.sales.models import Allocation, Invoice, Payment, PaymentTerm
from tests.factories import CustomerFactory, OrderFactory, PaymentFactory

from .factories import CustomerCreditFactory, InvoiceFactory, PaymentTermFactory

pytestmark = pytest.mark.django_db

D = Decimal
ORDERS = reverse("api:order-list")
PAYMENTS = reverse("api:payment-list")
TERMS = reverse("api:payment-term-list")
ALLOCATIONS = reverse("api:allocation-list")
INVOICES = reverse("api:invoice-list")
AGEING = reverse("api:receivables-ageing")


def test_due_dates_from_the_invoice_date_or_the_month_end():
    assert services.due_date(issued_on=dt.date(2026, 1, 15), days=30, basis="invoice_date") == dt.date(
        2026, 2, 14
    )
    assert services.due_date(issued_on=dt.date(2026, 1, 15), days=60, basis="month_end") == dt.date(
        2026, 4, 1
    )
    assert services.due_date(issued_on=dt.date(2026, 2, 3), days=0, basis="month_end") == dt.date(2026, 2, 28)


def test_terms_that_make_no_sense_are_field_errors(api_as, admin, rep):
    bad = api_as(admin).post(TERMS, {"name": "Odd", "days": -5, "basis": "invoice_date"}, format="json")
    assert bad.status_code == 400 and "days" in bad.data
    bad = api_as(admin).post(TERMS, {"name": "", "days": 99999, "basis": "weekly"}, format="json")
    assert bad.status_code == 400 and {"days", "basis", "name"} <= set(bad.data)
    assert api_as(rep).post(TERMS, {"name": "Net 7", "days": 7}, format="json").status_code == 403
    made = api_as(admin).post(TERMS, {"name": "Net 30", "days": 30, "is_default": True}, format="json")
    assert made.status_code == 201 and made.data["is_default"]
    second = api_as(admin).post(TERMS, {"name": "Net 60", "days": 60, "is_default": True}, format="json")
    assert second.status_code == 201
    with scope(tenant=admin.tenant_id):
        assert list(PaymentTerm.objects.filter(is_default=True).values_list("name", flat=True)) == ["Net 60"]


def _order(api, customer, product, qty="10", day="2026-03-02", **extra):
    body = {"customer": customer.pk, "order_date": day, "lines": [{"product": product.pk, "quantity": qty}]}
    response = api.post(ORDERS, {**body, **extra}, format="json")
    assert response.status_code == 201, response.data
    return response


def test_a_confirmed_order_gets_its_invoice_due_by_the_customers_term(
    api_as, tenant, rep, own_customer, product
):
    PaymentTermFactory(tenant=tenant, name="Net 30", days=30, is_default=True)
    month_end = PaymentTermFactory(tenant=tenant, name="EOM 60", days=60, basis="month_end")
    response = _order(api_as(rep), own_customer, product)
    other = CustomerFactory(tenant=tenant, owner=rep)
    CustomerCreditFactory(customer=other, payment_term=month_end, credit_limit=None)
    _order(api_as(rep), other, product)
    with scope(tenant=tenant.pk):
        default = Invoice.objects.get(order_id=response.data["id"])
        assert (default.number, default.due_on, default.amount, default.open_amount, default.status) == (
            response.data["number"],
            dt.date(2026, 4, 1),
            D("100.00"),
            D("100.00"),
            "open",
        )
        assert Invoice.objects.get(customer=other).due_on == dt.date(2026, 5, 30)


def test_a_due_day_past_year_9999_is_its_last_day(api_as, tenant, admin, rep, own_customer, product):
    # An order or invoice late in year 9999 under a 30-day term fell due in year 10000: stored by
    # PostgreSQL, it could not be read back into Python, so every invoice list and ageing was a 500
    # (and the ERP's invoice itself was one).
    PaymentTermFactory(tenant=tenant, name="Net 30", days=30, is_default=True)
    order = _order(api_as(rep), own_customer, product, day="9999-12-20")
    made = api_as(admin).post(
        INVOICES,
        {"number": "ERP-LATE", "customer": own_customer.pk, "issued_on": "9999-12-30", "amount": "5.00"},
        format="json",
    )
    assert made.status_code == 201 and made.data["due_on"] == "9999-12-31"
    listed = api_as(admin).get(INVOICES)
    assert listed.status_code == 200
    assert {(row["number"], row["due_on"]) for row in listed.data["results"]} == {
        (order.data["number"], "9999-12-31"),
        ("ERP-LATE", "9999-12-31"),
    }
    assert services.due_date(issued_on=dt.date(9999, 12, 1), days=60, basis="month_end") == dt.date.max
    assert api_as(admin).get(AGEING, {"level": "customer"}).status_code == 200


def test_a_payment_pays_its_orders_invoice_then_the_oldest(api_as, tenant, rep, own_customer, product):
    api = api_as(rep)
    first = _order(api, own_customer, product, qty="10", day="2026-01-05").data  # 100.00
    second = _order(api, own_customer, product, qty="5", day="2026-02-05").data  # 50.00
    third = _order(api, own_customer, product, qty="3", day="2026-03-05").data  # 30.00
    paid = api.post(
        PAYMENTS,
        {"customer": own_customer.pk, "order": third["id"], "received_on": "2026-03-10", "amount": "150.00"},
        format="json",
    )
    assert paid.status_code == 201, paid.data
    assert paid.data["unallocated"] == "0.00"
    with scope(tenant=tenant.pk):
        opens = dict(Invoice.objects.values_list("order_id", "open_amount"))
        # 30 to the named order's invoice, then 100 to the oldest, 20 to the next
        assert opens == {first["id"]: D("0.00"), second["id"]: D("30.00"), third["id"]: D("0.00")}
        assert Invoice.objects.get(order_id=first["id"]).status == "paid"
        assert sum(Allocation.objects.values_list("amount", flat=True)) == D("150.00")


def test_money_left_over_waits_for_the_next_invoice(api_as, tenant, rep, own_customer, product):
    api = api_as(rep)
    paid = api.post(
        PAYMENTS, {"customer": own_customer.pk, "received_on": "2026-03-01", "amount": "40.00"}, format="json"
    )
    assert paid.data["unallocated"] == "40.00"
    order = _order(api, own_customer, product, qty="10", day="2026-03-05").data
    with scope(tenant=tenant.pk):
        invoice = Invoice.objects.get(order_id=order["id"])
        assert invoice.open_amount == D("60.00")
        allocation = Allocation.objects.get(invoice=invoice)
        assert allocation.paid_on == dt.date(2026, 3, 5)  # the credit applied when the invoice came
        assert Payment.objects.get(pk=paid.data["id"]).unallocated == D("0")


def test_explicit_allocations_above_the_open_amount_or_the_payment_name_the_field(
    api_as, tenant, rep, own_customer, product
):
    api = api_as(rep)
    order = _order(api, own_customer, product, qty="10").data
    with scope(tenant=tenant.pk):
        invoice = Invoice.objects.get(order_id=order["id"])
    too_much = api.post(
        PAYMENTS,
        {
            "customer": own_customer.pk,
            "received_on": "2026-03-10",
            "amount": "500.00",
            "allocations": [{"invoice": invoice.pk, "amount": "100.01"}],
        },
        format="json",
    )
    assert too_much.status_code == 400 and "amount" in too_much.data
    with scope(tenant=tenant.pk):
        assert not Payment.objects.exists()  # atomic: no payment either
    partial = api.post(
        PAYMENTS,
        {
            "customer": own_customer.pk,
            "received_on": "2026-03-10",
            "amount": "30.00",
            "allocations": [{"invoice": invoice.pk, "amount": "20.00"}],
        },
        format="json",
    )
    assert partial.status_code == 201 and partial.data["unallocated"] == "10.00"
    over_payment = api.post(
        ALLOCATIONS, {"payment": partial.data["id"], "invoice": invoice.pk, "amount": "10.01"}, format="json"
    )
    assert over_payment.status_code == 400 and "amount" in over_payment.data
    ok = api.post(
        ALLOCATIONS, {"payment": partial.data["id"], "invoice": invoice.pk, "amount": "10.00"}, format="json"
    )
    assert ok.status_code == 201, ok.data
    with scope(tenant=tenant.pk):
        assert Invoice.objects.get(pk=invoice.pk).open_amount == D("70.00")
    undone = api.delete(reverse("api:allocation-detail", args=[ok.data["id"]]))
    assert undone.status_code == 204
    with scope(tenant=tenant.pk):
        assert Invoice.objects.get(pk=invoice.pk).open_amount == D("80.00")
        assert Payment.objects.get(pk=partial.data["id"]).unallocated == D("10.00")


def test_deleting_a_payment_gives_its_allocations_back_in_constant_queries(tenant, admin, rep):
    # _release updated each invoice and each payment apart: a query per invoice the payment paid.
    def spread_over(n):
        customer = CustomerFactory(tenant=tenant, owner=rep)
        invoices = [
            InvoiceFactory(customer=customer, issued_on=dt.date(2026, 1, 1), due_on=dt.date(2026, 1, 31))
            for _ in range(n)
        ]
        payment = PaymentFactory(customer=customer, received_on=dt.date(2026, 3, 1), amount=D(20 * n))
        with scope(tenant=tenant.pk):
            services.payment_allocate(
                payment=_with_unallocated(payment),
                by=admin,
                allocations=[{"invoice": invoice, "amount": D("20.00")} for invoice in invoices],
            )
            with CaptureQueriesContext(connection) as ctx:
                services.payment_delete(payment=Payment.objects.get(pk=payment.pk), by=admin)
            reopened = list(Invoice.objects.filter(customer=customer).values_list("open_amount", "status"))
            assert not Allocation.objects.filter(customer=customer).exists()
        assert reopened == [(D("300.00"), "open")] * n
        return len(ctx.captured_queries)

    assert spread_over(2) == spread_over(8)


def test_cancelling_an_order_with_allocations_is_refused_with_the_reason(
    api_as, tenant, rep, own_customer, product
):
    api = api_as(rep)
    order = _order(api, own_customer, product).data
    api.post(
        PAYMENTS, {"customer": own_customer.pk, "received_on": "2026-03-10", "amount": "5.00"}, format="json"
    )
    refused = api.post(reverse("api:order-cancel", args=[order["id"]]))
    assert refused.status_code == 400 and "allocations" in str(refused.data["status"])
    free = _order(api, own_customer, product, day="2026-03-20").data
    assert api.post(reverse("api:order-cancel", args=[free["id"]])).status_code == 200
    with scope(tenant=tenant.pk):
        assert Invoice.objects.get(order_id=free["id"]).status == "cancelled"


def test_an_order_cannot_shrink_below_what_was_collected(api_as, tenant, rep, own_customer, product):
    api = api_as(rep)
    order = _order(api, own_customer, product, qty="10").data
    api.post(
        PAYMENTS, {"customer": own_customer.pk, "received_on": "2026-03-10", "amount": "60.00"}, format="json"
    )
    url = reverse("api:order-detail", args=[order["id"]])
    shrunk = api.patch(url, {"lines": [{"product": product.pk, "quantity": "5"}]}, format="json")
    assert shrunk.status_code == 400 and "lines" in shrunk.data
    grown = api.patch(url, {"lines": [{"product": product.pk, "quantity": "20"}]}, format="json")
    assert grown.status_code == 200
    with scope(tenant=tenant.pk):
        assert Invoice.objects.get(order_id=order["id"]).open_amount == D("140.00")


def test_bulk_orders_and_payments_get_invoices_and_allocations_in_constant_queries(
    api_as, tenant, rep, own_customer, product
):
    api = api_as(rep)

    def rows(n, day):
        return [
            {
                "customer": own_customer.pk,
                "order_date": day,
                "lines": [{"product": product.pk, "quantity": "1"}],
            }
            for _ in range(n)
        ]

    assert api.get(ORDERS).status_code == 200  # warm-up: the token's last-used stamp
    with CaptureQueriesContext(connection) as one:
        assert api.post(ORDERS + "bulk/", {"rows": rows(1, "2026-03-01")}, format="json").status_code == 201
    with CaptureQueriesContext(connection) as many:
        assert api.post(ORDERS + "bulk/", {"rows": rows(30, "2026-03-02")}, format="json").status_code == 201
    assert len(many) == len(one)
    pay = [{"customer": own_customer.pk, "received_on": "2026-03-05", "amount": "15.00"} for _ in range(3)]
    assert api.post(PAYMENTS + "bulk/", {"rows": pay}, format="json").status_code == 201
    with scope(tenant=tenant.pk):
        assert Invoice.objects.count() == 31
        assert Invoice.objects.filter(status="paid").count() == 4  # 45.00 pays four invoices of 10.00
        assert Invoice.objects.get(open_amount__lt=D("10"), status="open").open_amount == D("5.00")


def test_existing_orders_and_payments_are_brought_in_by_the_rebuild(tenant, rep, own_customer):
    PaymentTermFactory(tenant=tenant, name="Net 10", days=10, is_default=True)
    with scopes_disabled():
        old = OrderFactory(customer=own_customer, order_date=dt.date(2026, 1, 1), amount=D("80.00"))
        new = OrderFactory(customer=own_customer, order_date=dt.date(2026, 2, 1), amount=D("50.00"))
        OrderFactory(
            customer=own_customer, order_date=dt.date(2026, 2, 1), amount=D("9.00"), status="cancelled"
        )
        PaymentFactory(customer=own_customer, amount=D("100.00"), unallocated=D("0"))
    with scope(tenant=tenant.pk):
        result = services.receivables_rebuild(tenant_id=tenant.pk)
        assert result["allocations"] == 2
        opens = dict(Invoice.objects.values_list("order_id", "open_amount"))
        assert opens == {old.pk: D("0.00"), new.pk: D("30.00")}
        assert Invoice.objects.get(order=old).due_on == dt.date(2026, 1, 11)
        again = services.receivables_rebuild(tenant_id=tenant.pk)
        assert again == {"payments_fixed": 0, "invoices_fixed": 0, "customers_invoiced": 0, "allocations": 0}


def _ageing_fixture(tenant, rep, peer):
    """Open invoices of two reps around as_of 2026-06-30 (hand-computed below)."""
    mine = CustomerFactory(tenant=tenant, owner=rep)
    theirs = CustomerFactory(tenant=tenant, owner=peer)
    for due, amount, customer in [
        (dt.date(2026, 7, 15), "100.00", mine),  # not due
        (dt.date(2026, 6, 30), "10.00", mine),  # due today: not due
        (dt.date(2026, 6, 29), "20.00", mine),  # 1 day: 1-30
        (dt.date(2026, 5, 31), "30.00", mine),  # 30 days: 1-30
        (dt.date(2026, 5, 30), "40.00", theirs),  # 31 days: 31-60
        (dt.date(2026, 4, 1), "50.00", theirs),  # 90 days: 61-90
        (dt.date(2026, 3, 1), "60.00", theirs),  # 121 days: over 90
    ]:
        InvoiceFactory(customer=customer, issued_on=dt.date(2026, 1, 1), due_on=due, amount=D(amount))
    return mine, theirs


def test_ageing_buckets_by_hand(tenant, admin, rep, peer, django_assert_max_num_queries):
    mine, theirs = _ageing_fixture(tenant, rep, peer)
    as_of = dt.date(2026, 6, 30)
    with scope(tenant=tenant.pk), django_assert_max_num_queries(3):
        (company,) = selectors.ageing(tenant=tenant, viewer=admin, as_of=as_of, level="company")
    figures = {k: company[k] for k in ("not_due", "d1_30", "d31_60", "d61_90", "over_90", "total", "overdue")}
    assert figures == {
        "not_due": D("110.00"),
        "d1_30": D("50.00"),
        "d31_60": D("40.00"),
        "d61_90": D("50.00"),
        "over_90": D("60.00"),
        "total": D("310.00"),
        "overdue": D("200.00"),
    }
    with scope(tenant=tenant.pk):
        by_rep = selectors.ageing(tenant=tenant, viewer=admin, as_of=as_of, level="rep")
        assert [(r["key"], r["overdue"]) for r in by_rep] == [(peer.pk, D("150.00")), (rep.pk, D("50.00"))]
        own = selectors.ageing(tenant=tenant, viewer=rep, as_of=as_of, level="customer")
        assert [(r["key"], r["total"]) for r in own] == [(mine.pk, D("160.00"))]


def test_ageing_as_of_an_earlier_day_counts_what_was_paid_by_then(tenant, admin, rep, own_customer):
    invoice = InvoiceFactory(
        customer=own_customer, issued_on=dt.date(2026, 1, 1), due_on=dt.date(2026, 1, 31), amount=D("100.00")
    )
    payment = PaymentFactory(customer=own_customer, received_on=dt.date(2026, 3, 1), amount=D("60.00"))
    with scope(tenant=tenant.pk):
        services.payment_allocate(
            payment=_with_unallocated(payment),
            by=admin,
            allocations=[{"invoice": invoice, "amount": D("60.00")}],
        )
        (before,) = selectors.ageing(tenant=tenant, viewer=admin, as_of=dt.date(2026, 2, 15), level="company")
        (after,) = selectors.ageing(tenant=tenant, viewer=admin, as_of=dt.date(2026, 3, 15), level="company")
    assert (before["d1_30"], before["total"]) == (D("100.00"), D("100.00"))
    assert (after["d31_60"], after["total"]) == (D("40.00"), D("40.00"))


def _with_unallocated(payment):
    Payment.objects.filter(pk=payment.pk).update(unallocated=payment.amount)
    return Payment.objects.get(pk=payment.pk)


def test_ageing_reads_the_same_queries_whatever_the_rows(
    tenant, admin, rep, peer, django_assert_max_num_queries
):
    _ageing_fixture(tenant, rep, peer)
    for _ in range(20):
        InvoiceFactory(
            customer=CustomerFactory(tenant=tenant, owner=rep),
            issued_on=dt.date(2025, 12, 1),
            due_on=dt.date(2026, 1, 1),
        )
    with scope(tenant=tenant.pk), django_assert_max_num_queries(2):
        rows = selectors.ageing(tenant=tenant, viewer=admin, as_of=dt.date(2026, 6, 30), level="customer")
    assert len(rows) == 22


def test_ageing_api_is_restricted_and_validates(api_as, tenant, rep, peer, manager):
    _ageing_fixture(tenant, rep, peer)
    mine = api_as(rep).get(AGEING, {"as_of": "2026-06-30", "level": "rep"})
    assert mine.status_code == 200 and [r["key"] for r in mine.data["results"]] == [rep.pk]
    line = api_as(manager).get(AGEING, {"as_of": "2026-06-30", "level": "company"})
    assert line.data["results"][0]["total"] == "310.00"
    bad = api_as(rep).get(AGEING, {"as_of": "yesterday", "level": "planet"})
    assert bad.status_code == 400 and {"as_of", "level"} <= set(bad.data)


def test_an_ageing_as_of_the_first_days_there_are_is_not_a_500(api_as, client, tenant, admin, rep, peer):
    # The buckets' bounds (as_of less 30, 60, 90 days) fell before year 1: OverflowError, a 500 on
    # the API, the page and its export.
    _ageing_fixture(tenant, rep, peer)
    for day in ("0001-01-01", "0001-02-15", "0001-03-31"):
        answer = api_as(admin).get(AGEING, {"as_of": day, "level": "customer"})
        assert answer.status_code == 200 and answer.data["results"] == []
    late = api_as(admin).get(AGEING, {"as_of": "9999-12-31"})
    assert late.data["results"][0]["over_90"] == "310.00"
    client.force_login(admin.user)
    base = f"/t/{tenant.slug}/sales/receivables/"
    assert client.get(base, {"as_of": "0001-01-01", "level": "rep"}).status_code == 200
    assert client.get(base + "ageing.xlsx", {"as_of": "0001-01-01"}).status_code == 200


def test_a_new_order_over_the_credit_limit_is_warned(api_as, tenant, rep, own_customer, product):
    CustomerCreditFactory(customer=own_customer, credit_limit=D("150.00"))
    api = api_as(rep)
    first = _order(api, own_customer, product, qty="10")  # 100.00: within the limit
    assert "warnings" not in first.data
    second = _order(api, own_customer, product, qty="6")  # 160.00 open: over
    (warning,) = second.data["warnings"]
    assert (warning["code"], warning["over"]) == ("credit_limit", "10.00")


def test_credit_limits_are_written_by_managers_with_field_errors(api_as, tenant, rep, manager, own_customer):
    url = reverse("api:customer-credit-list")
    assert (
        api_as(rep).post(url, {"customer": own_customer.pk, "credit_limit": "5"}, format="json").status_code
        == 403
    )
    bad = api_as(manager).post(url, {"customer": own_customer.pk, "credit_limit": "-5"}, format="json")
    assert bad.status_code == 400 and "credit_limit" in bad.data
    ok = api_as(manager).post(url, {"customer": own_customer.pk, "credit_limit": "500.00"}, format="json")
    assert ok.status_code == 201 and ok.data["credit_limit"] == "500.00"
    again = api_as(manager).post(url, {"customer": own_customer.pk, "credit_limit": "600.00"}, format="json")
    assert again.status_code == 201 and again.data["id"] == ok.data["id"]


def test_an_erp_posts_an_opening_balance_invoice(api_as, tenant, admin, own_customer):
    PaymentTermFactory(tenant=tenant, name="Net 30", days=30, is_default=True)
    api = api_as(admin)
    made = api.post(
        INVOICES,
        {"number": "ERP-1", "customer": own_customer.pk, "issued_on": "2026-01-10", "amount": "250.00"},
        format="json",
    )
    assert made.status_code == 201, made.data
    assert (made.data["due_on"], made.data["open_amount"], made.data["rep"]) == (
        "2026-02-09",
        "250.00",
        own_customer.owner_id,
    )
    dup = api.post(
        INVOICES,
        {"number": "ERP-1", "customer": own_customer.pk, "issued_on": "2026-01-10", "amount": "0"},
        format="json",
    )
    assert dup.status_code == 400 and {"number", "amount"} <= set(dup.data)


def test_invoice_lists_are_pinned(api_as, tenant, admin, rep, own_customer, list_queries):
    for _ in range(3):
        InvoiceFactory(customer=own_customer)
    few = list_queries(api_as(admin), INVOICES)
    for _ in range(20):
        InvoiceFactory(customer=own_customer)
    assert list_queries(api_as(admin), INVOICES) == few


def test_panel_and_card_read_fixed_queries(tenant, rep, manager, peer, django_assert_max_num_queries):
    mine, _theirs = _ageing_fixture(tenant, rep, peer)
    today = dt.date(2026, 6, 30)
    with scope(tenant=tenant.pk), django_assert_max_num_queries(3):
        panel = selectors.receivables_panel(mine, rep, today)
    assert (panel["open"], panel["overdue"]) == (D("160.00"), D("50.00"))
    with scope(tenant=tenant.pk), django_assert_max_num_queries(4):
        card = selectors.overdue_card(manager, today)
    assert (card["count"], card["total"]) == (2, D("200.00"))
    with scope(tenant=tenant.pk):
        assert selectors.overdue_card(rep, today)["total"] == D("50.00")


def test_deleting_a_term_in_use_is_refused(tenant, admin, own_customer):
    term = PaymentTermFactory(tenant=tenant)
    CustomerCreditFactory(customer=own_customer, payment_term=term)
    with scope(tenant=tenant.pk), pytest.raises(ValidationError) as refused:
        services.payment_term_delete(term=term, by=admin)
    assert "payment_term" in refused.value.message_dict


def test_receivables_metrics_match_hand_computations(tenant, admin, rep, own_customer):
    from apps.targets.engine import compute

    # Two invoices fell due in January 2025 (long past on any day this runs): 100 and 200.
    a = InvoiceFactory(
        customer=own_customer, issued_on=dt.date(2024, 12, 1), due_on=dt.date(2025, 1, 10), amount=D("100.00")
    )
    b = InvoiceFactory(
        customer=own_customer,
        issued_on=dt.date(2024, 12, 20),
        due_on=dt.date(2025, 1, 20),
        amount=D("200.00"),
    )
    payment = PaymentFactory(customer=own_customer, received_on=dt.date(2025, 1, 9), amount=D("150.00"))
    with scope(tenant=tenant.pk):
        pay = _with_unallocated(payment)
        services.payment_allocate(
            payment=pay,
            by=admin,
            allocations=[{"invoice": a, "amount": D("100.00")}, {"invoice": b, "amount": D("50.00")}],
        )
        frame = compute(
            tenant=tenant,
            metrics=["receivables_due", "overdue_receivables", "collection_rate_due", "dso"],
            grain="month",
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 1, 31),
            by="rep",
        )
    row = frame.loc[(rep.pk, dt.date(2025, 1, 1))]
    assert row["receivables_due"] == pytest.approx(300.0)
    assert row["overdue_receivables"] == pytest.approx(150.0)  # b's 150 still open, past due
    assert row["collection_rate_due"] == pytest.approx(150 / 300)
    # DSO: 100 paid 39 days after issue (Dec 1 → Jan 9), 50 paid 20 days after (Dec 20 → Jan 9)
    assert row["dso"] == pytest.approx((100 * 39 + 50 * 20) / 150)


def test_pages_show_ageing_panel_and_credit_form(
    client, tenant, admin, manager, rep, peer, django_assert_max_num_queries
):
    mine, _theirs = _ageing_fixture(tenant, rep, peer)
    client.force_login(admin.user)
    base = f"/t/{tenant.slug}/sales/receivables/"
    page = client.get(base, {"as_of": "2026-06-30", "level": "team"})
    assert page.status_code == 200 and "200.00" in page.content.decode()
    xlsx = client.get(base + "ageing.xlsx", {"as_of": "2026-06-30", "level": "customer"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    detail = client.get(f"/t/{tenant.slug}/customers/{mine.pk}/")
    assert detail.status_code == 200 and 'id="receivables"' in detail.content.decode()
    form = base + f"customers/{mine.pk}/"
    bad = client.post(form, {"credit_limit": "-1"})
    assert bad.status_code == 200 and "credit_limit" in bad.content.decode()
    assert client.post(form, {"credit_limit": "900"}).status_code == 302
    client.force_login(rep.user)
    assert client.get(form).status_code in (403, 404)
    assert client.get(base, {"level": "customer"}).status_code == 200


def test_overdue_receivables_metric_counts_overdue_by_the_tenants_local_day(
    tenant, admin, rep, own_customer, monkeypatch
):
    from django.utils import timezone

    from apps.targets.engine import compute

    # 17:00 UTC on 20 January is already 21 January in Shanghai: an invoice due on the 20th is
    # overdue there, one due on the 21st is not (the database's CURRENT_DATE knows neither).
    tenant.timezone = "Asia/Shanghai"
    tenant.save(update_fields=["timezone"])
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2025, 1, 20, 17, 0, tzinfo=dt.UTC))
    for due, amount in ((dt.date(2025, 1, 20), "70.00"), (dt.date(2025, 1, 21), "30.00")):
        InvoiceFactory(customer=own_customer, issued_on=dt.date(2024, 12, 20), due_on=due, amount=D(amount))
    with scope(tenant=tenant.pk):
        frame = compute(
            tenant=tenant,
            metrics=["overdue_receivables", "receivables_due"],
            grain="month",
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 1, 31),
            by="rep",
        )
    row = frame.loc[(rep.pk, dt.date(2025, 1, 1))]
    assert row["receivables_due"] == pytest.approx(100.0)
    assert row["overdue_receivables"] == pytest.approx(70.0)
