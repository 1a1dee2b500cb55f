import datetime as dt
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.customers.models import Customer
from apps.sales.models import Order, OrderLine, Payment
from apps.tenancy.models import AuditLog
from tests.factories import CustomerFactory, OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db

ORDERS_BULK = reverse("api:order-bulk")
PAYMENTS_BULK = reverse("api:payment-bulk")


def order_row(customer, product, number=None, **extra):
    row = {
        "customer": customer.pk,
        "order_date": "2026-04-01",
        "lines": [
            {"product": product.pk, "quantity": "2"},
            {"product": product.pk, "quantity": "1", "unit_price": "5"},
        ],
        **extra,
    }
    if number:
        row["number"] = number
    return row


def counts():
    with scopes_disabled():
        return Order.objects.count(), OrderLine.objects.count(), Payment.objects.count()


def test_bulk_orders_are_created_with_lines_amounts_and_audit(api_as, rep, own_customer, product):
    rows = [
        order_row(own_customer, product, "B-1"),
        order_row(own_customer, product, order_date="2026-02-01"),
    ]
    response = api_as(rep).post(ORDERS_BULK, {"rows": rows}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["count"] == 2
    assert [r["row"] for r in response.data["results"]] == [0, 1]
    assert response.data["results"][0]["number"] == "B-1" and response.data["results"][1]["number"]
    with scopes_disabled():
        order = Order.objects.get(pk=response.data["results"][0]["id"])
        lines = list(order.lines.order_by("id"))
        customer = Customer.objects.get(pk=own_customer.pk)
        audited = AuditLog.objects.filter(action="sales.order.created").count()
    assert (order.amount, order.cost, order.gross_margin, order.rep_id) == (25, 18, 7, rep.pk)
    assert [(line.amount, line.order_date, line.customer_id) for line in lines] == [
        (20, dt.date(2026, 4, 1), own_customer.pk),
        (5, dt.date(2026, 4, 1), own_customer.pk),
    ]
    assert (customer.first_order_date, customer.last_order_date) == (dt.date(2026, 2, 1), dt.date(2026, 4, 1))
    assert audited == 2


def test_one_bad_row_saves_nothing_and_is_named(api_as, rep, own_customer, product):
    rows = [order_row(own_customer, product), order_row(own_customer, product, order_date="someday")]
    response = api_as(rep).post(ORDERS_BULK, {"rows": rows}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {"row": 1, "errors": {"order_date": [response.data["errors"][0]["errors"]["order_date"][0]]}}
        ]
    }
    assert counts() == (0, 0, 0)


def test_foreign_keys_of_every_row_are_checked_in_the_same_call(
    api_as, rep, own_customer, peer_customer, product, rival_product, rival
):
    rows = [
        order_row(own_customer, product),
        order_row(peer_customer, product),  # a peer's customer: invisible to a rep
        order_row(own_customer, rival_product),  # another tenant's product
        order_row(own_customer, product, rep=rival.pk),  # another tenant's member
        order_row(own_customer, product, order_date=None),  # a field error
    ]
    response = api_as(rep).post(ORDERS_BULK, {"rows": rows}, format="json")
    assert response.status_code == 400
    errors = {e["row"]: e["errors"] for e in response.json()["errors"]}
    assert set(errors) == {1, 2, 3, 4}
    assert "customer" in errors[1] and "product" in errors[2]["lines"]["0"] and "rep" in errors[3]
    assert "order_date" in errors[4]
    assert counts() == (0, 0, 0)


def test_duplicate_numbers_in_the_batch_or_existing_are_row_errors(api_as, rep, own_customer, product):
    OrderFactory(customer=own_customer, number="OLD")
    rows = [
        order_row(own_customer, product, "OLD"),
        order_row(own_customer, product, "TWICE"),
        order_row(own_customer, product, "TWICE"),
        order_row(own_customer, product, "FINE"),
    ]
    response = api_as(rep).post(ORDERS_BULK, {"rows": rows}, format="json")
    assert response.status_code == 400
    assert {e["row"]: list(e["errors"]) for e in response.data["errors"]} == {
        0: ["number"],
        1: ["number"],
        2: ["number"],
    }
    assert counts() == (1, 0, 0)


@pytest.mark.parametrize("body", [{}, {"rows": []}, {"rows": "x"}, []])
def test_a_bulk_call_without_rows_is_400(api_as, rep, body):
    response = api_as(rep).post(ORDERS_BULK, body, format="json")
    assert response.status_code == 400 and "rows" in response.data


def test_more_than_the_maximum_rows_is_400(api_as, rep, settings, own_customer, product):
    settings.BULK_MAX_ROWS = 2
    response = api_as(rep).post(ORDERS_BULK, {"rows": [order_row(own_customer, product)] * 3}, format="json")
    assert response.status_code == 400 and "rows" in response.data


def test_viewer_cannot_bulk_create(api_as, viewer, own_customer, product):
    response = api_as(viewer).post(ORDERS_BULK, {"rows": [order_row(own_customer, product)]}, format="json")
    assert response.status_code == 403


def test_bulk_of_1000_orders_works_with_a_constant_number_of_queries(api_as, admin, tenant, rep):
    customers = CustomerFactory.create_batch(20, tenant=tenant, owner=rep)
    products = ProductFactory.create_batch(10, tenant=tenant)

    def rows(prefix, n):
        return [
            {
                "number": f"{prefix}-{i}",
                "customer": customers[i % 20].pk,
                "rep": rep.pk,
                "order_date": f"2026-04-{i % 28 + 1:02d}",
                "lines": [{"product": products[(i + k) % 10].pk, "quantity": "3"} for k in range(3)],
            }
            for i in range(n)
        ]

    client = api_as(admin)
    client.post(ORDERS_BULK, {"rows": rows("W", 2)}, format="json")  # warm-up
    with CaptureQueriesContext(connection) as small:
        assert client.post(ORDERS_BULK, {"rows": rows("S", 2)}, format="json").status_code == 201
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as big:
        response = client.post(ORDERS_BULK, {"rows": rows("L", 1000)}, format="json")
    elapsed = time.perf_counter() - started
    assert response.status_code == 201 and response.data["count"] == 1000
    assert len(big) == len(small)
    assert counts()[:2] == (1004, 3012)
    assert elapsed < 5  # about 0.3 s here; generous for a loaded CI machine
    with scopes_disabled():
        assert Customer.objects.filter(pk=customers[0].pk).values_list("first_order_date", flat=True)[
            0
        ] == dt.date(2026, 4, 1)


def test_bulk_replay_with_the_same_key_creates_nothing_and_returns_the_same_body(
    api_as, rep, own_customer, product
):
    client = api_as(rep)
    body = {"rows": [order_row(own_customer, product, "K-1")]}
    first = client.post(ORDERS_BULK, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = client.post(ORDERS_BULK, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert counts()[0] == 1


def test_bulk_same_key_with_a_different_body_is_422(api_as, rep, own_customer, product):
    client = api_as(rep)
    client.post(
        ORDERS_BULK,
        {"rows": [order_row(own_customer, product, "K-1")]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    other = client.post(
        ORDERS_BULK,
        {"rows": [order_row(own_customer, product, "K-2")]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert other.status_code == 422 and counts()[0] == 1


def test_a_rejected_bulk_call_does_not_burn_its_key(api_as, rep, own_customer, product):
    client = api_as(rep)
    bad = {"rows": [order_row(own_customer, product, order_date="x")]}
    assert client.post(ORDERS_BULK, bad, format="json", HTTP_IDEMPOTENCY_KEY="k1").status_code == 400
    good = {"rows": [order_row(own_customer, product)]}
    assert client.post(ORDERS_BULK, good, format="json", HTTP_IDEMPOTENCY_KEY="k1").status_code == 201


def test_single_create_replay_returns_the_first_order(api_as, rep, own_customer, product):
    client = api_as(rep)
    body = {
        "customer": own_customer.pk,
        "order_date": "2026-04-01",
        "lines": [{"product": product.pk, "quantity": "1"}],
    }
    first = client.post(reverse("api:order-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="one")
    again = client.post(reverse("api:order-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="one")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert counts()[0] == 1


def test_bulk_payments_are_created(api_as, rep, own_customer):
    order = OrderFactory(customer=own_customer)
    rows = [
        {"customer": own_customer.pk, "received_on": "2026-04-02", "amount": "10.00"},
        {
            "customer": own_customer.pk,
            "order": order.pk,
            "received_on": "2026-04-03",
            "amount": "5",
            "method": "cash",
        },
    ]
    response = api_as(rep).post(PAYMENTS_BULK, {"rows": rows}, format="json")
    assert response.status_code == 201, response.data
    with scopes_disabled():
        saved = list(Payment.objects.order_by("id").values_list("rep_id", "order_id", "amount", "method"))
        saved_ids = list(Payment.objects.order_by("id").values_list("id", flat=True))
        audited = AuditLog.objects.filter(action="sales.payment.created").count()
    assert saved == [(rep.pk, None, 10, "transfer"), (rep.pk, order.pk, 5, "cash")]
    assert [r["id"] for r in response.data["results"]] == saved_ids
    assert audited == 2


def test_bulk_payment_against_another_customers_order_names_the_row(api_as, rep, tenant, own_customer):
    order = OrderFactory(customer=CustomerFactory(tenant=tenant, owner=rep))
    rows = [
        {"customer": own_customer.pk, "received_on": "2026-04-02", "amount": "10"},
        {"customer": own_customer.pk, "order": order.pk, "received_on": "2026-04-02", "amount": "10"},
        {"customer": own_customer.pk, "received_on": "2026-04-02", "amount": "-1"},
    ]
    response = api_as(rep).post(PAYMENTS_BULK, {"rows": rows}, format="json")
    assert response.status_code == 400
    assert {e["row"]: list(e["errors"]) for e in response.data["errors"]} == {1: ["order"], 2: ["amount"]}
    assert counts()[2] == 0


def test_bulk_payment_with_another_tenants_customer_is_a_row_error(api_as, admin, rival):
    theirs = CustomerFactory(tenant=rival.tenant, owner=rival)
    rows = [{"customer": theirs.pk, "received_on": "2026-04-02", "amount": "10"}]
    response = api_as(admin).post(PAYMENTS_BULK, {"rows": rows}, format="json")
    assert response.status_code == 400 and "customer" in response.data["errors"][0]["errors"]
