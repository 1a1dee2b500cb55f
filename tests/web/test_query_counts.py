"""Query counts of the list and detail pages stay the same whatever the number of rows (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ContactFactory,
    CustomerFactory,
    InteractionFactory,
    OrderFactory,
    OrderLineFactory,
    PaymentFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db

# Session, user, membership, the header's memberships, and the page's own queries. Pinned with headroom
# of one or two for the shell (e.g. a future per-request RLS set_config); the equality tests below are
# the real N+1 guard.
MAX = {
    "dashboard": 25,  # the manager's home: see tests/web/test_homes.py for every role's
    "customers:list": 10,
    "customers:detail": 17,  # with the panels: open tasks (a count and the first few), receivables,
    # opportunities (one), the key-account plan (one when the customer has none)
    "sales:orders": 10,
    "sales:payments": 10,
    "sales:order-detail": 10,
    "sales:team-card": 12,
}
HTMX = {"sales:team-card": {"HTTP_HX_REQUEST": "true"}}  # a card the home fetches


def _rows(manager, rep, peer, n):
    """n customers per rep, each with a contact, an interaction, an order with two lines and a payment."""
    customers = []
    for owner in (rep, peer):
        for _ in range(n):
            customer = CustomerFactory(tenant=owner.tenant, owner=owner)
            ContactFactory(customer=customer)
            InteractionFactory(customer=customer)
            order = OrderFactory(customer=customer)
            OrderLineFactory.create_batch(2, order=order)
            PaymentFactory(customer=customer, order=order)
            customers.append(customer)
    return customers


def _count(client, path, headers=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **(headers or {}))
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "name", ["dashboard", "customers:list", "sales:orders", "sales:payments", "sales:team-card"]
)
def test_list_pages_do_not_grow_with_rows(
    client_as, url, manager, rep, peer, name, django_assert_max_num_queries
):
    client = client_as(manager)
    headers = HTMX.get(name, {})
    _rows(manager, rep, peer, 1)
    client.get(url(name), **headers)  # warm the session and the content-type caches
    few = _count(client, url(name), headers)
    _rows(manager, rep, peer, 15)
    many = _count(client, url(name), headers)
    assert few == many
    with django_assert_max_num_queries(MAX[name]):
        client.get(url(name), **headers)


def test_customer_detail_does_not_grow_with_its_history(client_as, url, rep, django_assert_max_num_queries):
    client = client_as(rep)
    customer = CustomerFactory(tenant=rep.tenant, owner=rep)
    order = OrderFactory(customer=customer)
    PaymentFactory(customer=customer, order=order)
    InteractionFactory(customer=customer)
    ContactFactory(customer=customer)
    path = url("customers:detail", customer_id=customer.pk)
    client.get(path)
    few = _count(client, path)
    for _ in range(12):
        ContactFactory(customer=customer)
        InteractionFactory(customer=customer)
        TaskFactory(tenant=rep.tenant, owner=rep, customer=customer)
        order = OrderFactory(customer=customer)
        PaymentFactory(customer=customer, order=order)
    assert _count(client, path) == few
    with django_assert_max_num_queries(MAX["customers:detail"]):
        client.get(path)


def test_order_detail_does_not_grow_with_its_lines(client_as, url, rep, django_assert_max_num_queries):
    client = client_as(rep)
    order = OrderFactory(customer=CustomerFactory(tenant=rep.tenant, owner=rep))
    OrderLineFactory(order=order)
    path = url("sales:order-detail", order_id=order.pk)
    client.get(path)
    few = _count(client, path)
    OrderLineFactory.create_batch(10, order=order)
    PaymentFactory.create_batch(3, customer=order.customer, order=order)
    assert _count(client, path) == few
    with django_assert_max_num_queries(MAX["sales:order-detail"]):
        client.get(path)
