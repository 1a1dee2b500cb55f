import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope

from apps.customers import services
from apps.customers.models import Customer
from tests.factories import ContactFactory, CustomerFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_customer_create_defaults_the_owner_to_the_caller(tenant, rep):
    with scope(tenant=tenant.pk):
        customer = services.customer_create(tenant=tenant, by=rep, code="S1", name="Shop")
    assert customer.owner_id == rep.pk


def test_rep_may_not_assign_a_customer_to_a_peer(tenant, rep, peer):
    with scope(tenant=tenant.pk), pytest.raises(PermissionDenied):
        services.customer_create(tenant=tenant, by=rep, code="S1", name="Shop", owner=peer)


def test_a_member_of_another_tenant_is_not_assignable(tenant, admin, rival):
    with scope(tenant=tenant.pk), pytest.raises(ValidationError):
        services.customer_create(tenant=tenant, by=admin, code="S1", name="Shop", owner=rival)


def test_a_region_of_another_tenant_is_refused(tenant, admin, other_tenant):
    region = RegionFactory(tenant=other_tenant)
    with scope(tenant=tenant.pk), pytest.raises(ValidationError) as exc:
        services.customer_create(tenant=tenant, by=admin, code="S1", name="Shop", region=region)
    assert "region" in exc.value.message_dict


def test_viewer_may_not_write(tenant, viewer):
    with scope(tenant=tenant.pk), pytest.raises(PermissionDenied):
        services.customer_create(tenant=tenant, by=viewer, code="S1", name="Shop")


def test_update_saves_only_changed_fields_and_returns_a_diff(tenant, rep, own_customer):
    with scope(tenant=tenant.pk):
        services.customer_update(customer=own_customer, by=rep, name="Own Shop", phone="021-6888 8888")
        customer = Customer.objects.get(pk=own_customer.pk)
    assert customer.phone == "021-6888 8888"


def test_rep_may_not_update_a_peers_customer(tenant, rep, peer_customer):
    with scope(tenant=tenant.pk), pytest.raises(PermissionDenied):
        services.customer_update(customer=peer_customer, by=rep, name="x")


def test_interaction_contact_of_another_customer_is_refused(tenant, rep, own_customer):
    contact = ContactFactory(customer=CustomerFactory(tenant=tenant, owner=rep))
    with scope(tenant=tenant.pk), pytest.raises(ValidationError):
        services.interaction_create(
            tenant=tenant,
            by=rep,
            customer=own_customer,
            contact=contact,
            occurred_at="2026-11-02T10:00:00Z",
            subject="x",
        )
