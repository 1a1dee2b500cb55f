import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.customers.models import Customer
from apps.sales.models import OrderLine
from apps.tenancy.models import AuditLog
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db

ORDERS = reverse("api:order-list")


def detail(pk):
    return reverse("api:order-detail", args=[pk])


def payload(customer, *lines, **extra):
    return {"customer": customer.pk, "order_date": "2026-03-04", "lines": list(lines), **extra}


def dates(customer):
    with scopes_disabled():
        c = Customer.objects.get(pk=customer.pk)
    return c.first_order_date, c.last_order_date


def test_order_amounts_come_from_the_lines(api_as, rep, own_customer, product, product2):
    response = api_as(rep).post(
        ORDERS,
        payload(
            own_customer,
            {"product": product.pk, "quantity": "3"},
            {"product": product2.pk, "quantity": "2", "unit_price": "4.00"},
        ),
        format="json",
    )
    assert response.status_code == 201, response.data
    assert (response.data["amount"], response.data["cost"], response.data["gross_margin"]) == (
        "38.00",
        "20.50",
        "17.50",
    )
    assert [line["unit_price"] for line in response.data["lines"]] == ["10.00", "4.00"]
    assert response.data["customer_code"] == "OWN1" and response.data["rep_name"] == "rep1"
    assert response.data["number"]  # generated when left out


def test_lines_carry_the_orders_date_rep_and_customer(api_as, rep, own_customer, product):
    response = api_as(rep).post(
        ORDERS, payload(own_customer, {"product": product.pk, "quantity": "1"}), format="json"
    )
    with scopes_disabled():
        line = OrderLine.objects.get(order_id=response.data["id"])
    assert (line.order_date, line.rep_id, line.customer_id) == (dt.date(2026, 3, 4), rep.pk, own_customer.pk)


def test_an_order_sets_the_customers_first_and_last_order_dates(api_as, rep, own_customer, product):
    client = api_as(rep)
    line = {"product": product.pk, "quantity": "1"}
    client.post(ORDERS, payload(own_customer, line), format="json")
    client.post(ORDERS, payload(own_customer, line, order_date="2026-01-10"), format="json")
    assert dates(own_customer) == (dt.date(2026, 1, 10), dt.date(2026, 3, 4))


def test_an_order_needs_at_least_one_line(api_as, rep, own_customer):
    response = api_as(rep).post(ORDERS, payload(own_customer), format="json")
    assert response.status_code == 400 and "lines" in response.data


def test_bad_lines_are_named_by_position(api_as, rep, own_customer, product, rival_product):
    response = api_as(rep).post(
        ORDERS,
        payload(
            own_customer,
            {"product": product.pk, "quantity": "1"},
            {"product": rival_product.pk, "quantity": "0"},
        ),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.data["lines"]) == {1} and "quantity" in response.data["lines"][1]


def test_another_tenants_product_on_a_line_is_a_field_error(api_as, rep, own_customer, rival_product):
    response = api_as(rep).post(
        ORDERS, payload(own_customer, {"product": rival_product.pk, "quantity": "1"}), format="json"
    )
    assert response.status_code == 400 and "product" in response.data["lines"][0]
    assert response.json()["lines"] == {
        "0": {"product": [f'Invalid pk "{rival_product.pk}" - object does not exist.']}
    }


def test_rep_cannot_order_for_a_peers_customer(api_as, rep, peer_customer, product):
    response = api_as(rep).post(
        ORDERS, payload(peer_customer, {"product": product.pk, "quantity": "1"}), format="json"
    )
    assert response.status_code == 400 and "customer" in response.data


def test_rep_cannot_book_an_order_on_a_peer(api_as, rep, peer, own_customer, product):
    response = api_as(rep).post(
        ORDERS, payload(own_customer, {"product": product.pk, "quantity": "1"}, rep=peer.pk), format="json"
    )
    assert response.status_code == 400 and "rep" in response.data


def test_manager_books_an_order_on_a_rep_of_their_line(api_as, manager, rep, own_customer, product):
    response = api_as(manager).post(
        ORDERS, payload(own_customer, {"product": product.pk, "quantity": "1"}, rep=rep.pk), format="json"
    )
    assert response.status_code == 201 and response.data["rep"] == rep.pk


def test_duplicate_order_number_is_a_field_error(api_as, rep, own_customer, product):
    OrderFactory(customer=own_customer, number="SO-1")
    response = api_as(rep).post(
        ORDERS, payload(own_customer, {"product": product.pk, "quantity": "1"}, number="SO-1"), format="json"
    )
    assert response.status_code == 400 and "number" in response.data


def test_viewer_cannot_create_orders(api_as, viewer, own_customer, product):
    response = api_as(viewer).post(
        ORDERS, payload(own_customer, {"product": product.pk, "quantity": "1"}), format="json"
    )
    assert response.status_code == 403


def test_rep_reading_a_peers_order_gets_404(api_as, rep, peer_customer):
    order = OrderFactory(customer=peer_customer)
    assert api_as(rep).get(detail(order.pk)).status_code == 404


def test_another_tenants_order_is_404(api_as, admin, rival):
    order = OrderFactory(customer=CustomerFactory(tenant=rival.tenant, owner=rival))
    assert api_as(admin).get(detail(order.pk)).status_code == 404
    assert api_as(admin).post(reverse("api:order-cancel", args=[order.pk])).status_code == 404


def test_update_replaces_the_lines_and_amounts(api_as, rep, tenant, own_customer, product, product2):
    client = api_as(rep)
    created = client.post(
        ORDERS, payload(own_customer, {"product": product.pk, "quantity": "1"}), format="json"
    )
    response = client.patch(
        detail(created.data["id"]), {"lines": [{"product": product2.pk, "quantity": "4"}]}, format="json"
    )
    assert response.status_code == 200, response.data
    assert [line["product"] for line in response.data["lines"]] == [product2.pk]
    assert response.data["amount"] == "14.00"
    with scope(tenant=tenant.pk):
        log = AuditLog.objects.filter(action="sales.order.updated").get()
    assert log.changes["amount"] == ["10.00", "14.00"]


def test_moving_an_order_date_moves_its_lines_and_the_customer_dates(api_as, rep, own_customer, product):
    client = api_as(rep)
    created = client.post(
        ORDERS, payload(own_customer, {"product": product.pk, "quantity": "1"}), format="json"
    )
    client.patch(detail(created.data["id"]), {"order_date": "2026-05-01"}, format="json")
    with scopes_disabled():
        assert OrderLine.objects.get(order_id=created.data["id"]).order_date == dt.date(2026, 5, 1)
    assert dates(own_customer) == (dt.date(2026, 5, 1), dt.date(2026, 5, 1))


def test_cancelling_an_order_drops_it_from_the_customer_dates(api_as, rep, own_customer, product):
    client = api_as(rep)
    line = {"product": product.pk, "quantity": "1"}
    client.post(ORDERS, payload(own_customer, line, order_date="2026-01-01"), format="json")
    late = client.post(ORDERS, payload(own_customer, line, order_date="2026-06-01"), format="json")
    response = client.post(reverse("api:order-cancel", args=[late.data["id"]]))
    assert response.status_code == 200 and response.data["status"] == "cancelled"
    assert dates(own_customer) == (dt.date(2026, 1, 1), dt.date(2026, 1, 1))
    assert client.post(reverse("api:order-cancel", args=[late.data["id"]])).status_code == 400


def test_deleting_the_only_order_clears_the_customer_dates(api_as, rep, own_customer, product):
    client = api_as(rep)
    created = client.post(
        ORDERS, payload(own_customer, {"product": product.pk, "quantity": "1"}), format="json"
    )
    assert client.delete(detail(created.data["id"])).status_code == 204
    assert dates(own_customer) == (None, None)


def test_rep_cannot_update_a_peers_order(api_as, rep, peer_customer):
    order = OrderFactory(customer=peer_customer)
    assert api_as(rep).patch(detail(order.pk), {"note": "x"}, format="json").status_code == 404


def test_manager_sees_orders_of_their_line_only(
    api_as, manager, own_customer, peer_customer, tenant, outsider_rep
):
    mine = {OrderFactory(customer=own_customer).pk, OrderFactory(customer=peer_customer).pk}
    OrderFactory(customer=CustomerFactory(tenant=tenant, owner=outsider_rep))
    rows = api_as(manager).get(ORDERS).data["results"]
    assert {row["id"] for row in rows} == mine


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"date_from": "2026-02-01"}, {"B", "C"}),
        ({"date_to": "2026-02-01"}, {"A", "B"}),
        ({"status": "cancelled"}, {"C"}),
    ],
)
def test_order_filters(api_as, admin, own_customer, params, expected):
    OrderFactory(customer=own_customer, number="A", order_date=dt.date(2026, 1, 1))
    OrderFactory(customer=own_customer, number="B", order_date=dt.date(2026, 2, 1))
    OrderFactory(customer=own_customer, number="C", order_date=dt.date(2026, 3, 1), status="cancelled")
    rows = api_as(admin).get(ORDERS, params).data["results"]
    assert {row["number"] for row in rows} == expected


def test_orders_filter_by_customer_and_rep(api_as, admin, own_customer, peer_customer, peer):
    mine = OrderFactory(customer=own_customer)
    theirs = OrderFactory(customer=peer_customer)
    assert [r["id"] for r in api_as(admin).get(ORDERS, {"customer": own_customer.pk}).data["results"]] == [
        mine.pk
    ]
    assert [r["id"] for r in api_as(admin).get(ORDERS, {"rep": peer.pk}).data["results"]] == [theirs.pk]


def test_bad_date_filter_is_400(api_as, admin):
    response = api_as(admin).get(ORDERS, {"date_from": "soon"})
    assert response.status_code == 400 and "date_from" in response.data


def test_order_list_query_count_does_not_grow_with_orders_or_lines(
    api_as, admin, own_customer, list_queries, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            order = OrderFactory(customer=own_customer, amount=Decimal("1"))
            OrderLineFactory.create_batch(3, order=order)

    add(3)
    client = api_as(admin)
    few = list_queries(client, ORDERS)
    add(27)
    assert list_queries(client, ORDERS) == few
    with django_assert_max_num_queries(3):  # token, orders (with customer and rep), lines
        client.get(ORDERS)


@pytest.mark.django_db(transaction=True)
def test_order_sync_sees_a_later_update_and_a_deletion(api_as, rep, own_customer, product, committed_horizon):
    client = api_as(rep)
    created = client.post(
        ORDERS, payload(own_customer, {"product": product.pk, "quantity": "1"}), format="json"
    )
    first = client.get(ORDERS, {"updated_since": 0})
    assert [r["id"] for r in first.data["results"]] == [created.data["id"]]
    client.patch(
        detail(created.data["id"]), {"lines": [{"product": product.pk, "quantity": "2"}]}, format="json"
    )
    second = client.get(ORDERS, {"updated_since": first.data["sync_token"]})
    assert [r["amount"] for r in second.data["results"]] == ["20.00"]
    client.delete(detail(created.data["id"]))
    gone = client.get(reverse("api:deletion-list"), {"updated_since": second.data["sync_token"]})
    tombstones = {r["model"]: r["object_id"] for r in gone.data["results"]}
    # the order and, with it, its invoice (a receivable goes with the order it was issued for)
    assert set(tombstones) == {"sales.order", "sales.invoice"}
    assert tombstones["sales.order"] == created.data["id"]
