import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.customers.models import Customer
from apps.tenancy.models import AuditLog
from tests.factories import CustomerFactory, OrderFactory, RegionFactory

pytestmark = pytest.mark.django_db

LIST = reverse("api:customer-list")


def detail(pk):
    return reverse("api:customer-detail", args=[pk])


def ids(response):
    assert response.status_code == 200, response.data
    return {row["id"] for row in response.data["results"]}


def test_rep_lists_only_own_customers(api_as, rep, own_customer, peer_customer):
    assert ids(api_as(rep).get(LIST)) == {own_customer.pk}


def test_manager_lists_customers_of_their_line(api_as, manager, own_customer, peer_customer, outsider_rep):
    CustomerFactory(tenant=own_customer.tenant, owner=outsider_rep)
    assert ids(api_as(manager).get(LIST)) == {own_customer.pk, peer_customer.pk}


def test_admin_and_viewer_list_every_customer(api_as, admin, viewer, own_customer, peer_customer):
    assert ids(api_as(admin).get(LIST)) == {own_customer.pk, peer_customer.pk}
    assert ids(api_as(viewer).get(LIST)) == {own_customer.pk, peer_customer.pk}


def test_rep_reading_a_peers_customer_gets_404(api_as, rep, peer_customer):
    assert api_as(rep).get(detail(peer_customer.pk)).status_code == 404


def test_another_tenants_customer_in_the_url_is_404(api_as, admin, rival_customer):
    assert api_as(admin).get(detail(rival_customer.pk)).status_code == 404
    assert api_as(admin).patch(detail(rival_customer.pk), {"name": "x"}, format="json").status_code == 404
    assert api_as(admin).delete(detail(rival_customer.pk)).status_code == 404


def test_output_names_the_owner_and_region(api_as, admin, tenant, rep):
    region = RegionFactory(tenant=tenant, name="North")
    customer = CustomerFactory(tenant=tenant, owner=rep, region=region)
    data = api_as(admin).get(detail(customer.pk)).data
    assert data["owner_name"] == "rep1" and data["region_name"] == "North"
    assert "updated_at" in data


def test_rep_creates_a_customer_they_own_and_it_is_audited(api_as, rep, tenant):
    response = api_as(rep).post(LIST, {"code": "N1", "name": "New"}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["owner"] == rep.pk
    with scope(tenant=tenant.pk):
        assert AuditLog.objects.filter(
            action="customers.customer.created", object_id=response.data["id"], actor=rep
        ).exists()


def test_rep_cannot_create_a_customer_for_a_peer(api_as, rep, peer):
    response = api_as(rep).post(LIST, {"code": "N1", "name": "New", "owner": peer.pk}, format="json")
    assert response.status_code == 400 and "owner" in response.data


def test_manager_assigns_a_customer_within_their_line(api_as, manager, rep):
    response = api_as(manager).post(LIST, {"code": "N1", "name": "New", "owner": rep.pk}, format="json")
    assert response.status_code == 201 and response.data["owner"] == rep.pk


def test_manager_cannot_assign_outside_their_line(api_as, manager, outsider_rep):
    response = api_as(manager).post(
        LIST, {"code": "N1", "name": "New", "owner": outsider_rep.pk}, format="json"
    )
    assert response.status_code == 400 and "owner" in response.data


def test_viewer_cannot_create_customers(api_as, viewer):
    assert api_as(viewer).post(LIST, {"code": "N1", "name": "New"}, format="json").status_code == 403


def test_another_tenants_region_or_member_is_a_field_error(api_as, admin, rival):
    region = RegionFactory(tenant=rival.tenant)
    response = api_as(admin).post(
        LIST, {"code": "N1", "name": "New", "region": region.pk, "owner": rival.pk}, format="json"
    )
    assert response.status_code == 400
    assert set(response.data) == {"region", "owner"}


def test_invalid_input_names_each_bad_field(api_as, rep):
    response = api_as(rep).post(
        LIST, {"code": "", "segment": "nope", "latitude": "500", "owner": "x"}, format="json"
    )
    assert response.status_code == 400
    assert {"code", "name", "segment", "latitude", "owner"} <= set(response.data)


def test_duplicate_code_in_the_tenant_is_a_field_error(api_as, rep, own_customer):
    response = api_as(rep).post(LIST, {"code": own_customer.code, "name": "Dup"}, format="json")
    assert response.status_code == 400 and "code" in response.data


def test_same_code_in_another_tenant_is_fine(api_as, rep, rival_customer):
    response = api_as(rep).post(LIST, {"code": rival_customer.code, "name": "Mine"}, format="json")
    assert response.status_code == 201


def test_rep_updates_own_customer_and_the_diff_is_audited(api_as, rep, tenant, own_customer):
    response = api_as(rep).patch(detail(own_customer.pk), {"name": "Renamed"}, format="json")
    assert response.status_code == 200 and response.data["name"] == "Renamed"
    with scope(tenant=tenant.pk):
        log = AuditLog.objects.get(action="customers.customer.updated", object_id=own_customer.pk)
    assert log.changes == {"name": ["Own Shop", "Renamed"]}


def test_rep_cannot_update_a_peers_customer(api_as, rep, peer_customer):
    assert api_as(rep).patch(detail(peer_customer.pk), {"name": "x"}, format="json").status_code == 404


def test_rep_cannot_hand_own_customer_to_a_peer(api_as, rep, peer, own_customer):
    response = api_as(rep).patch(detail(own_customer.pk), {"owner": peer.pk}, format="json")
    assert response.status_code == 400 and "owner" in response.data


def test_viewer_cannot_update_customers(api_as, viewer, own_customer):
    assert api_as(viewer).patch(detail(own_customer.pk), {"name": "x"}, format="json").status_code == 403


def test_deleting_a_customer_with_orders_is_409(api_as, rep, own_customer):
    OrderFactory(customer=own_customer)
    assert api_as(rep).delete(detail(own_customer.pk)).status_code == 409
    with scopes_disabled():
        assert Customer.objects.filter(pk=own_customer.pk).exists()


@pytest.mark.django_db(transaction=True)  # sync delivers only committed transactions
def test_deleting_a_customer_leaves_a_tombstone_for_sync(api_as, rep, own_customer, committed_horizon):
    client = api_as(rep)
    assert client.delete(detail(own_customer.pk)).status_code == 204
    response = client.get(reverse("api:deletion-list"), {"updated_since": 0, "model": "customers.customer"})
    assert [row["object_id"] for row in response.data["results"]] == [own_customer.pk]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "alpha"}, {"A1"}),
        ({"q": "555"}, {"B2"}),
        ({"q": "b2"}, {"B2"}),
        ({"segment": "dealer"}, {"B2"}),
        ({"status": "dormant"}, {"A1"}),
        ({"is_key_account": "true"}, {"A1"}),
    ],
)
def test_customer_filters(api_as, admin, tenant, rep, params, expected):
    CustomerFactory(tenant=tenant, owner=rep, code="A1", name="Alpha", status="dormant", is_key_account=True)
    CustomerFactory(tenant=tenant, owner=rep, code="B2", name="Beta", segment="dealer", phone="555-1")
    rows = api_as(admin).get(LIST, params).data["results"]
    assert {row["code"] for row in rows} == expected


def test_owner_filter(api_as, admin, own_customer, peer_customer, peer):
    assert ids(api_as(admin).get(LIST, {"owner": peer.pk})) == {peer_customer.pk}


def test_region_filter_includes_sub_regions(api_as, admin, tenant, rep):
    from apps.org.services import closure_rebuild

    north = RegionFactory(tenant=tenant, code="N")
    city = RegionFactory(tenant=tenant, code="N1", parent=north)
    south = RegionFactory(tenant=tenant, code="S")
    with scopes_disabled():
        closure_rebuild(tenant_id=tenant.pk, tree="region")
    inside = CustomerFactory(tenant=tenant, owner=rep, region=city)
    CustomerFactory(tenant=tenant, owner=rep, region=south)
    assert ids(api_as(admin).get(LIST, {"region": north.pk})) == {inside.pk}


def test_bad_filter_value_is_400(api_as, admin):
    assert api_as(admin).get(LIST, {"owner": "abc"}).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_sync_returns_rows_and_a_token_then_later_changes(api_as, rep, own_customer, committed_horizon):
    client = api_as(rep)
    first = client.get(LIST, {"updated_since": 0})
    assert ids(first) == {own_customer.pk} and first.data["sync_token"]
    assert client.patch(detail(own_customer.pk), {"name": "Changed"}, format="json").status_code == 200
    second = client.get(LIST, {"updated_since": first.data["sync_token"]})
    assert [row["name"] for row in second.data["results"]] == ["Changed"]


def test_customer_list_query_count_does_not_grow_with_rows(
    api_as, admin, tenant, rep, list_queries, django_assert_max_num_queries
):
    region = RegionFactory(tenant=tenant)
    CustomerFactory.create_batch(3, tenant=tenant, owner=rep, region=region)
    client = api_as(admin)
    few = list_queries(client, LIST)
    CustomerFactory.create_batch(27, tenant=tenant, owner=rep, region=region)
    assert list_queries(client, LIST) == few
    with django_assert_max_num_queries(2):
        client.get(LIST)


def test_manager_customer_list_query_count_is_constant(api_as, manager, tenant, rep, list_queries):
    CustomerFactory.create_batch(3, tenant=tenant, owner=rep)
    client = api_as(manager)
    few = list_queries(client, LIST)
    CustomerFactory.create_batch(27, tenant=tenant, owner=rep)
    assert list_queries(client, LIST) == few <= 2
