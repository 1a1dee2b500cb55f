"""The product picker's options (sales:product-picker, an htmx partial): active products matching
every word typed in their name, SKU or category; the member's usual products first (ordered most
often in the last half year, then most recently); without a word, only those. Two queries after the
member's own, whatever the catalogue's size.

The clock is pinned to Wednesday 18 November 2026, 10:00 in the tenant's time zone."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.sales.models import Order
from tests.factories import CategoryFactory, CustomerFactory, OrderFactory, OrderLineFactory, ProductFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def client_as():
    def make(membership):
        client = Client()
        client.force_login(membership.user)
        return client

    return make


@pytest.fixture
def picker(tenant):
    return reverse("sales:product-picker", kwargs={"tenant_slug": tenant.slug})


@pytest.fixture
def catalogue(tenant):
    tea = CategoryFactory(tenant=tenant, code="TEA", name="Tea")
    cups = CategoryFactory(tenant=tenant, code="CUP", name="Tableware")
    return {
        "green": ProductFactory(tenant=tenant, category=tea, sku="T-100", name="Green tea 500g"),
        "oolong": ProductFactory(tenant=tenant, category=tea, sku="T-200", name="Oolong 250g"),
        "jasmine": ProductFactory(tenant=tenant, category=tea, sku="T-300", name="Jasmine green tea"),
        "cup": ProductFactory(tenant=tenant, category=cups, sku="C-100", name="Tea cup"),
        "pot": ProductFactory(tenant=tenant, category=cups, sku="C-200", name="Clay pot"),
        "old": ProductFactory(
            tenant=tenant, category=tea, sku="T-999", name="Old green tea", is_active=False
        ),
    }


def ordered(member, product, day=TODAY - dt.timedelta(days=3), status=Order.Status.CONFIRMED):
    order = OrderFactory(
        customer=CustomerFactory(tenant=member.tenant, owner=member),
        rep=member,
        order_date=day,
        status=status,
    )
    OrderLineFactory(order=order, product=product)
    return order


def picked(response) -> list[str]:
    return re.findall(r'data-label="([^"]+)"', response.text)


def test_every_word_matches_the_name_sku_or_category(client_as, picker, rep, catalogue):
    client = client_as(rep)
    assert picked(client.get(picker, {"q": "green"})) == ["T-100 Green tea 500g", "T-300 Jasmine green tea"]
    assert picked(client.get(picker, {"q": "t-2"})) == ["T-200 Oolong 250g"]
    assert picked(client.get(picker, {"q": "tableware"})) == ["C-100 Tea cup", "C-200 Clay pot"]
    assert picked(client.get(picker, {"q": "tea cup"})) == ["C-100 Tea cup"]  # both words, any field
    nothing = client.get(picker, {"q": "coffee"})
    assert picked(nothing) == [] and "No product matches “coffee”." in nothing.text


def test_the_reps_usual_products_come_first_most_often_then_most_recent(
    client_as, picker, rep, peer, catalogue
):
    for _ in range(3):
        ordered(rep, catalogue["pot"])
    ordered(rep, catalogue["jasmine"], day=TODAY - dt.timedelta(days=1))
    ordered(rep, catalogue["oolong"], day=TODAY - dt.timedelta(days=20))
    ordered(rep, catalogue["green"], day=TODAY - dt.timedelta(days=200))  # too long ago
    ordered(rep, catalogue["cup"], status=Order.Status.CANCELLED)  # never delivered
    for _ in range(5):
        ordered(peer, catalogue["cup"])  # someone else's habit
    client = client_as(rep)
    usual = client.get(picker)
    assert picked(usual) == ["C-200 Clay pot", "T-300 Jasmine green tea", "T-200 Oolong 250g"]
    assert "Your usual products" in usual.text and "ordered 3 times lately" in usual.text
    assert picked(client.get(picker, {"q": "tea"})) == [
        "T-300 Jasmine green tea",  # the usual ones first
        "T-200 Oolong 250g",
        "C-100 Tea cup",  # then by SKU
        "T-100 Green tea 500g",
    ]


def test_without_a_history_and_a_word_the_picker_asks_for_one(client_as, picker, rep, catalogue):
    response = client_as(rep).get(picker)
    assert picked(response) == [] and "Type a product's name, code or category." in response.text


def test_inactive_and_another_tenants_products_are_never_offered(client_as, picker, rep, rival, catalogue):
    ProductFactory(tenant=rival.tenant, sku="T-101", name="Rival green tea")
    labels = picked(client_as(rep).get(picker, {"q": "green"}))
    assert "T-999 Old green tea" not in labels and "T-101 Rival green tea" not in labels


def test_the_picker_reads_two_queries_whatever_the_catalogue_and_the_history(
    client_as, picker, tenant, rep, catalogue, django_assert_max_num_queries
):
    client = client_as(rep)
    client.get(picker, {"q": "tea"})
    with CaptureQueriesContext(connection) as few:
        client.get(picker, {"q": "tea"})
    category = CategoryFactory(tenant=tenant)
    for n in range(40):
        product = ProductFactory(
            tenant=tenant, category=category, name=f"Tea blend {n}", list_price=Decimal("9")
        )
        ordered(rep, product)
    with django_assert_max_num_queries(len(few)) as many:
        response = client.get(picker, {"q": "tea"})
    assert len(picked(response)) == 20  # the first twenty
    assert len(many.captured_queries) == len(few)
    # session, user, membership; the rep's history, the products; the page context's memberships
    assert len(few) <= 6


def test_members_who_write_may_use_the_picker_and_others_not(
    client_as, picker, rep, manager, admin, viewer, rival
):
    for member in (rep, manager, admin):
        assert client_as(member).get(picker, {"q": "x"}).status_code == 200
    assert client_as(viewer).get(picker, {"q": "x"}).status_code == 404
    assert client_as(rival).get(picker, {"q": "x"}).status_code == 404
    assert Client().get(picker).status_code == 302  # to the sign-in
