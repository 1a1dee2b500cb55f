"""Every page: login required, allowed roles see it, another tenant's slug and ids are 404,
a rep never sees a peer's records."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.customers.models import Customer
from apps.org.services import closure_rebuild_all
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    InteractionFactory,
    OrderFactory,
    OrderLineFactory,
    PaymentFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

LIST_PAGES = ["dashboard", "customers:list", "customers:create", "sales:orders", "sales:payments"]


@pytest.fixture
def rep_customer(rep):
    return CustomerFactory(tenant=rep.tenant, owner=rep, name="Rep Bakery")


@pytest.fixture
def peer_customer(peer):
    return CustomerFactory(tenant=peer.tenant, owner=peer, name="Peer Garage")


@pytest.fixture
def rep_order(rep_customer):
    order = OrderFactory(customer=rep_customer)
    OrderLineFactory(order=order)
    return order


def _detail_pages(customer, order):
    return [
        ("customers:detail", {"customer_id": customer.pk}),
        ("customers:edit", {"customer_id": customer.pk}),
        ("sales:order-detail", {"order_id": order.pk}),
    ]


@pytest.mark.parametrize("name", LIST_PAGES + ["team"])
def test_pages_require_login(client, url, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.parametrize("role", ["rep", "manager", "admin"])
def test_every_role_opens_the_tenant_pages(request, client_as, url, name, role):
    member = request.getfixturevalue(role)
    assert client_as(member).get(url(name)).status_code == 200


def test_team_card_is_for_managers_and_admins(client_as, url, rep, manager, admin, viewer):
    """The team page is a card of the home now, fetched with htmx; its old address leads there."""
    card = url("sales:team-card")
    for member in (manager, admin):
        assert client_as(member).get(card, HTTP_HX_REQUEST="true").status_code == 200
    for member in (rep, viewer):
        assert client_as(member).get(card, HTTP_HX_REQUEST="true").status_code == 404
    response = client_as(manager).get(url("team"))
    assert response.status_code == 302 and response["Location"] == url("dashboard") + "#team-figures"
    assert client_as(manager).get(card)["Location"] == url("dashboard") + "#team-figures"


def test_viewer_cannot_open_the_create_form(client_as, url, viewer):
    assert client_as(viewer).get(url("customers:list")).status_code == 200
    assert client_as(viewer).get(url("customers:create")).status_code == 404


@pytest.mark.parametrize("name", LIST_PAGES + ["team"])
def test_another_tenants_slug_is_404(client_as, url, rival, tenant, admin, name):
    assert client_as(rival).get(url(name, tenant_obj=tenant)).status_code == 404


def test_detail_pages_open_for_the_owner(client_as, url, rep, rep_order):
    for name, kwargs in _detail_pages(rep_order.customer, rep_order):
        assert client_as(rep).get(url(name, **kwargs)).status_code == 200, name


def test_another_tenants_ids_are_404_inside_my_tenant(client_as, url, rival, rep_order):
    client = client_as(rival)
    for name, kwargs in _detail_pages(rep_order.customer, rep_order):
        assert client.get(url(name, tenant_obj=rival.tenant, **kwargs)).status_code == 404, name


def test_rep_cannot_see_a_peers_customer_or_order(client_as, url, rep, peer_customer):
    order = OrderFactory(customer=peer_customer)
    client = client_as(rep)
    for name, kwargs in _detail_pages(peer_customer, order):
        assert client.get(url(name, **kwargs)).status_code == 404, name


def test_manager_sees_the_customers_of_their_reps(client_as, url, manager, rep_customer, peer_customer):
    response = client_as(manager).get(url("customers:list"))
    assert rep_customer.name in response.text and peer_customer.name in response.text


def test_rep_list_shows_only_own_customers(client_as, url, rep, rep_customer, peer_customer):
    response = client_as(rep).get(url("customers:list"))
    assert rep_customer.name in response.text
    assert peer_customer.name not in response.text


def test_customer_search_and_filters(client_as, url, admin, rep, tenant):
    north = RegionFactory(tenant=tenant, name="North")
    with scopes_disabled():
        closure_rebuild_all(tenant_id=tenant.pk)  # the region filter includes sub-regions via the closure
    CustomerFactory(tenant=tenant, owner=rep, name="Alpha Foods", region=north, is_key_account=True)
    CustomerFactory(tenant=tenant, owner=rep, name="Beta Tools", status=Customer.Status.LOST)
    client = client_as(admin)
    found = client.get(url("customers:list"), {"q": "alpha"}).text
    assert "Alpha Foods" in found and "Beta Tools" not in found
    assert "Beta Tools" in client.get(url("customers:list"), {"status": "lost"}).text
    assert "Alpha Foods" not in client.get(url("customers:list"), {"status": "lost"}).text
    keyed = client.get(url("customers:list"), {"is_key_account": "true", "region": north.pk}).text
    assert "Alpha Foods" in keyed and "Beta Tools" not in keyed


def test_customer_list_paginates_and_keeps_the_filters(client_as, url, admin, rep, tenant):
    for i in range(30):
        CustomerFactory(tenant=tenant, owner=rep, name=f"Shop {i:02d}", segment="dealer")
    response = client_as(admin).get(url("customers:list"), {"segment": "dealer"})
    assert response.context["page_obj"].paginator.num_pages == 2
    assert "segment=dealer&amp;page=2" in response.text
    second = client_as(admin).get(url("customers:list"), {"segment": "dealer", "page": 2})
    assert len(second.context["customers"]) == 5


def test_empty_customer_list_says_so(client_as, url, rep):
    assert "No customers yet." in client_as(rep).get(url("customers:list")).text


def test_htmx_filter_change_returns_only_the_table(client_as, url, rep, rep_customer):
    response = client_as(rep).get(
        url("customers:list"),
        {"q": "bakery"},
        headers={"HX-Request": "true", "HX-Target": "customer-results"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text and rep_customer.name in response.text


def test_customer_detail_shows_contacts_timeline_orders_and_payments(client_as, url, rep, rep_order):
    customer = rep_order.customer
    ContactFactory(customer=customer, name="Ms Wang", is_primary=True)
    InteractionFactory(customer=customer, subject="Talked about spring stock")
    PaymentFactory(customer=customer, order=rep_order)
    text = client_as(rep).get(url("customers:detail", customer_id=customer.pk)).text
    assert "Ms Wang" in text and "Talked about spring stock" in text
    assert rep_order.number in text and "¥150.00" in text


def test_timeline_shows_times_in_the_tenant_time_zone(client_as, url, rep, rep_customer):
    # 10:00 UTC is 18:00 in Asia/Shanghai, the tenant's zone.
    InteractionFactory(customer=rep_customer)
    text = client_as(rep).get(url("customers:detail", customer_id=rep_customer.pk)).text
    assert "2026-11-02 18:00" in text


def test_order_list_filters_by_customer_and_status(client_as, url, admin, rep_order, peer_customer):
    other = OrderFactory(customer=peer_customer, status="cancelled")
    client = client_as(admin)
    by_customer = client.get(url("sales:orders"), {"customer": rep_order.customer_id}).text
    assert rep_order.number in by_customer and other.number not in by_customer
    cancelled = client.get(url("sales:orders"), {"status": "cancelled"}).text
    assert other.number in cancelled and rep_order.number not in cancelled


def test_order_list_refuses_a_reversed_date_range(client_as, url, admin, rep_order):
    response = client_as(admin).get(url("sales:orders"), {"date_from": "2026-12-01", "date_to": "2026-01-01"})
    assert response.status_code == 200
    assert "The start date must not be after the end date." in response.text


def test_order_detail_lists_its_lines(client_as, url, rep, rep_order):
    text = client_as(rep).get(url("sales:order-detail", order_id=rep_order.pk)).text
    assert "¥200.00" in text and "¥80.00" in text  # line amount and its gross margin


def test_payment_list_shows_visible_payments_only(client_as, url, rep, rep_customer, peer_customer):
    mine = PaymentFactory(customer=rep_customer, reference="MINE-1")
    theirs = PaymentFactory(customer=peer_customer, reference="THEIRS-1")
    text = client_as(rep).get(url("sales:payments")).text
    assert mine.reference in text and theirs.reference not in text


def test_dashboard_counts_this_month(client_as, url, rep, rep_customer):
    from django.utils import timezone

    today = timezone.localdate(timezone=rep.tenant.tzinfo)  # the page's month is the tenant's
    order = OrderFactory(customer=rep_customer, order_date=today)
    order.amount = 500
    with scopes_disabled():
        order.save()
    PaymentFactory(customer=rep_customer, received_on=today, amount=120)
    response = client_as(rep).get(url("dashboard"))
    month = next(shown.data for shown in response.context["cards"] if shown.card.code == "sales.month")
    assert month["month_orders"]["count"] == 1
    assert month["collections"]["amount"] == 120
    assert "¥500.00" in response.text


def test_team_card_lists_the_managers_reps(client_as, url, manager, rep, peer, outsider_rep):
    text = client_as(manager).get(url("sales:team-card"), HTTP_HX_REQUEST="true").text
    assert "<html" not in text
    assert rep.name in text and peer.name in text and outsider_rep.name not in text


def test_team_card_reads_as_pages_of_members(client_as, url, monkeypatch, admin, rep, peer):
    monkeypatch.setattr("apps.sales.views.TEAM_PAGE_SIZE", 2)
    client = client_as(admin)
    first = client.get(url("sales:team-card"), HTTP_HX_REQUEST="true").text
    second = client.get(url("sales:team-card") + "?team_page=2", HTTP_HX_REQUEST="true").text
    assert "1 / 2" in first and "2 / 2" in second
    assert f'hx-get="{url("sales:team-card")}?team_page=2"' in first
    assert f'hx-push-url="{url("dashboard")}?team_page=2"' in first


def test_timeline_pages_and_refreshes_alone_with_htmx(client_as, url, rep, rep_customer):
    InteractionFactory.create_batch(25, customer=rep_customer)
    path = url("customers:detail", customer_id=rep_customer.pk)
    first = client_as(rep).get(path)
    assert first.context["timeline"].paginator.num_pages == 2
    second = client_as(rep).get(path, {"page": 2}, headers={"HX-Request": "true", "HX-Target": "timeline"})
    assert "<html" not in second.text and len(second.context["timeline"].object_list) == 5


def test_order_and_payment_lists_refresh_alone_with_htmx(client_as, url, rep, rep_order):
    for name, target in (("sales:orders", "order-results"), ("sales:payments", "payment-results")):
        response = client_as(rep).get(url(name), headers={"HX-Request": "true", "HX-Target": target})
        assert response.status_code == 200 and "<html" not in response.text, name


def test_order_list_paginates_25_a_page(client_as, url, rep, rep_customer):
    for _ in range(26):
        OrderFactory(customer=rep_customer)
    response = client_as(rep).get(url("sales:orders"), {"status": "confirmed"})
    assert len(response.context["orders"]) == 25
    assert "status=confirmed&amp;page=2" in response.text
