import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import CustomerFactory, OrderFactory, PaymentFactory

pytestmark = pytest.mark.django_db

PAYMENTS = reverse("api:payment-list")


def test_rep_records_a_payment_against_own_order(api_as, rep, own_customer):
    order = OrderFactory(customer=own_customer, number="SO-9")
    response = api_as(rep).post(
        PAYMENTS,
        {"customer": own_customer.pk, "order": order.pk, "received_on": "2026-03-05", "amount": "99.50"},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert (response.data["rep"], response.data["order_number"], response.data["amount"]) == (
        rep.pk,
        "SO-9",
        "99.50",
    )


def test_payment_order_must_belong_to_the_same_customer(api_as, admin, tenant, own_customer, rep):
    order = OrderFactory(customer=CustomerFactory(tenant=tenant, owner=rep))
    response = api_as(admin).post(
        PAYMENTS,
        {"customer": own_customer.pk, "order": order.pk, "received_on": "2026-03-05", "amount": "1"},
        format="json",
    )
    assert response.status_code == 400 and "order" in response.data


def test_changing_only_the_order_of_a_payment_is_checked_too(api_as, rep, tenant, own_customer):
    payment = PaymentFactory(customer=own_customer)
    other = OrderFactory(customer=CustomerFactory(tenant=tenant, owner=rep))
    url = reverse("api:payment-detail", args=[payment.pk])
    response = api_as(rep).patch(url, {"order": other.pk}, format="json")
    assert response.status_code == 400 and "order" in response.data


def test_zero_amount_and_missing_date_are_field_errors(api_as, rep, own_customer):
    response = api_as(rep).post(PAYMENTS, {"customer": own_customer.pk, "amount": "0"}, format="json")
    assert response.status_code == 400 and {"amount", "received_on"} <= set(response.data)


def test_rep_cannot_record_a_payment_from_a_peers_customer(api_as, rep, peer_customer):
    response = api_as(rep).post(
        PAYMENTS, {"customer": peer_customer.pk, "received_on": "2026-03-05", "amount": "1"}, format="json"
    )
    assert response.status_code == 400 and "customer" in response.data


def test_another_tenants_order_on_a_payment_is_a_field_error(api_as, admin, own_customer, rival):
    order = OrderFactory(customer=CustomerFactory(tenant=rival.tenant, owner=rival))
    response = api_as(admin).post(
        PAYMENTS,
        {"customer": own_customer.pk, "order": order.pk, "received_on": "2026-03-05", "amount": "1"},
        format="json",
    )
    assert response.status_code == 400 and "order" in response.data


def test_rep_reading_a_peers_payment_gets_404(api_as, rep, peer_customer):
    payment = PaymentFactory(customer=peer_customer)
    assert api_as(rep).get(reverse("api:payment-detail", args=[payment.pk])).status_code == 404


def test_rep_updates_and_deletes_own_payment(api_as, rep, own_customer):
    payment = PaymentFactory(customer=own_customer)
    url = reverse("api:payment-detail", args=[payment.pk])
    client = api_as(rep)
    assert client.patch(url, {"reference": "R-1"}, format="json").data["reference"] == "R-1"
    assert client.delete(url).status_code == 204


def test_viewer_cannot_record_payments(api_as, viewer, own_customer):
    response = api_as(viewer).post(
        PAYMENTS, {"customer": own_customer.pk, "received_on": "2026-03-05", "amount": "1"}, format="json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("params", "expected"),
    [({"date_from": "2026-02-01"}, {"B"}), ({"date_to": "2026-01-31"}, {"A"})],
)
def test_payment_date_filters(api_as, admin, own_customer, params, expected):
    PaymentFactory(customer=own_customer, reference="A", received_on=dt.date(2026, 1, 1))
    PaymentFactory(customer=own_customer, reference="B", received_on=dt.date(2026, 2, 1))
    rows = api_as(admin).get(PAYMENTS, params).data["results"]
    assert {row["reference"] for row in rows} == expected


def test_payments_filter_by_customer_rep_and_order(api_as, admin, own_customer, peer_customer, peer):
    order = OrderFactory(customer=own_customer)
    on_order = PaymentFactory(customer=own_customer, order=order)
    PaymentFactory(customer=own_customer)
    theirs = PaymentFactory(customer=peer_customer)
    client = api_as(admin)

    def ids(params):
        return {row["id"] for row in client.get(PAYMENTS, params).data["results"]}

    assert ids({"order": order.pk}) == {on_order.pk}
    assert ids({"rep": peer.pk}) == {theirs.pk}
    assert ids({"customer": peer_customer.pk}) == {theirs.pk}


def test_payment_list_query_count_does_not_grow(
    api_as, admin, own_customer, list_queries, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            PaymentFactory(customer=own_customer, order=OrderFactory(customer=own_customer))

    add(3)
    client = api_as(admin)
    few = list_queries(client, PAYMENTS)
    add(27)
    assert list_queries(client, PAYMENTS) == few
    with django_assert_max_num_queries(2):
        client.get(PAYMENTS)
