"""Order numbers the app gives have one shape wherever an order is made (the API one by one or in
bulk, the daily report, a visit) and wherever it is shown (lists, detail, daily report, API):
"SO", the order's day, its place that day — SO20260304001, SO20260304002…"""

import datetime as dt
import re
import threading
from decimal import Decimal

import pytest
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.sales import services
from apps.sales.models import Order
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

ORDERS = reverse("api:order-list")
ORDERS_BULK = reverse("api:order-bulk")
NUMBER = re.compile(r"^SO\d{8}\d{3,}$")


def line(product, quantity="1"):
    return {"product": product.pk, "quantity": quantity}


def test_an_order_made_without_a_number_gets_the_days_next_place(api_as, rep, own_customer, product):
    client = api_as(rep)
    made = [
        client.post(
            ORDERS,
            {"customer": own_customer.pk, "order_date": day, "lines": [line(product)]},
            format="json",
        ).data["number"]
        for day in ("2026-03-04", "2026-03-04", "2026-03-05")
    ]
    assert made == ["SO20260304001", "SO20260304002", "SO20260305001"]


def test_numbering_continues_after_the_highest_of_the_day_and_ignores_other_shapes(
    api_as, rep, own_customer, product
):
    OrderFactory(customer=own_customer, number="SO20260304007", order_date=dt.date(2026, 3, 4))
    OrderFactory(customer=own_customer, number="SO20260304-1A2B3C4D")  # the old random shape
    OrderFactory(customer=own_customer, number="ERP-20260304-99")  # a client's own number
    OrderFactory(customer=own_customer, number="SO20260303999")  # the day before
    response = api_as(rep).post(
        ORDERS,
        {"customer": own_customer.pk, "order_date": "2026-03-04", "lines": [line(product)]},
        format="json",
    )
    assert response.data["number"] == "SO20260304008"


def test_bulk_numbers_follow_on_per_day_around_the_clients_own(api_as, rep, own_customer, product):
    rows = [
        {"customer": own_customer.pk, "order_date": "2026-04-01", "lines": [line(product)]},
        {
            "customer": own_customer.pk,
            "order_date": "2026-04-01",
            "lines": [line(product)],
            "number": "SO20260401005",
        },
        {"customer": own_customer.pk, "order_date": "2026-04-02", "lines": [line(product)]},
        {
            "customer": own_customer.pk,
            "order_date": "2026-04-01",
            "lines": [line(product)],
            "number": "ERP-7",
        },
        {"customer": own_customer.pk, "order_date": "2026-04-01", "lines": [line(product)]},
    ]
    response = api_as(rep).post(ORDERS_BULK, {"rows": rows}, format="json")
    assert response.status_code == 201, response.data
    assert [r["number"] for r in response.data["results"]] == [
        "SO20260401006",
        "SO20260401005",
        "SO20260402001",
        "ERP-7",
        "SO20260401007",
    ]


def test_numbers_of_one_tenant_do_not_count_in_another(api_as, rep, rival, own_customer, product):
    with scopes_disabled():
        from tests.factories import CustomerFactory

        OrderFactory(customer=CustomerFactory(tenant=rival.tenant), number="SO20260304001")
    response = api_as(rep).post(
        ORDERS,
        {"customer": own_customer.pk, "order_date": "2026-03-04", "lines": [line(product)]},
        format="json",
    )
    assert response.data["number"] == "SO20260304001"


def test_the_thousandth_order_of_a_day_keeps_counting(tenant, rep, own_customer, product):
    OrderFactory(customer=own_customer, number="SO20260304999")
    with scope(tenant=tenant):
        order = services.order_create(
            tenant=tenant,
            by=rep,
            customer=own_customer,
            order_date=dt.date(2026, 3, 4),
            lines=[{"product": product, "quantity": Decimal("1")}],
        )
    assert order.number == "SO202603041000"
    with scope(tenant=tenant):
        again = services.order_numbers_next(tenant_id=tenant.pk, days=[dt.date(2026, 3, 4)])
    assert again == ["SO202603041001"]


@pytest.mark.django_db(transaction=True)
def test_two_orders_made_at_once_get_different_numbers(tenant, rep, own_customer, product):
    """The second transaction waits on the tenant's numbering lock until the first commits, then
    reads its number: no unique-key error, no gap."""
    first_holds = threading.Event()
    release = threading.Event()
    numbers: list[str] = []
    errors: list[BaseException] = []

    def make(hold: bool) -> None:
        try:
            with scope(tenant=tenant), transaction.atomic():
                order = services.order_create(
                    tenant=tenant,
                    by=rep,
                    customer=own_customer,
                    order_date=dt.date(2026, 3, 4),
                    lines=[{"product": product, "quantity": Decimal("1")}],
                )
                numbers.append(order.number)
                if hold:
                    first_holds.set()
                    release.wait(10)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()

    one = threading.Thread(target=make, args=(True,))
    one.start()
    assert first_holds.wait(10)
    two = threading.Thread(target=make, args=(False,))
    two.start()
    two.join(0.5)
    assert two.is_alive(), "the second numbering should wait for the first transaction"
    release.set()
    one.join(10)
    two.join(10)
    assert not errors, errors
    assert sorted(numbers) == ["SO20260304001", "SO20260304002"]
    with scopes_disabled():
        assert Order.objects.filter(tenant=tenant).count() == 2


def test_order_numbers_show_in_one_shape_in_the_list_detail_and_api(api_as, rep, own_customer, product):
    response = api_as(rep).post(
        ORDERS,
        {"customer": own_customer.pk, "order_date": "2026-03-04", "lines": [line(product)]},
        format="json",
    )
    number = response.data["number"]
    assert NUMBER.match(number)
    client = Client()
    client.force_login(rep.user)
    orders = reverse("sales:orders", kwargs={"tenant_slug": rep.tenant.slug})
    detail = reverse(
        "sales:order-detail", kwargs={"tenant_slug": rep.tenant.slug, "order_id": response.data["id"]}
    )
    assert number in client.get(orders).text
    assert number in client.get(detail).text
    assert api_as(rep).get(reverse("api:order-detail", args=[response.data["id"]])).data["number"] == number
