import pytest
from django.urls import reverse
from django_scopes import scope

from apps.customers.models import Contact
from tests.factories import ContactFactory, CustomerFactory, InteractionFactory

pytestmark = pytest.mark.django_db

CONTACTS = reverse("api:contact-list")
INTERACTIONS = reverse("api:interaction-list")


def ids(response):
    assert response.status_code == 200, response.data
    return {row["id"] for row in response.data["results"]}


def test_rep_lists_contacts_of_own_customers_only(api_as, rep, own_customer, peer_customer):
    mine = ContactFactory(customer=own_customer)
    ContactFactory(customer=peer_customer)
    assert ids(api_as(rep).get(CONTACTS)) == {mine.pk}


def test_rep_adds_a_contact_to_own_customer(api_as, rep, own_customer):
    response = api_as(rep).post(CONTACTS, {"customer": own_customer.pk, "name": "Li Lei"}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["customer_code"] == "OWN1"


def test_rep_cannot_add_a_contact_to_a_peers_customer(api_as, rep, peer_customer):
    response = api_as(rep).post(CONTACTS, {"customer": peer_customer.pk, "name": "X"}, format="json")
    assert response.status_code == 400 and "customer" in response.data


def test_another_tenants_customer_on_a_contact_is_400(api_as, admin, rival_customer):
    response = api_as(admin).post(CONTACTS, {"customer": rival_customer.pk, "name": "X"}, format="json")
    assert response.status_code == 400 and "customer" in response.data


def test_a_new_primary_contact_replaces_the_old_one(api_as, rep, tenant, own_customer):
    old = ContactFactory(customer=own_customer, is_primary=True)
    response = api_as(rep).post(
        CONTACTS, {"customer": own_customer.pk, "name": "New", "is_primary": True}, format="json"
    )
    assert response.status_code == 201
    with scope(tenant=tenant.pk):
        assert not Contact.objects.get(pk=old.pk).is_primary


def test_contact_email_is_validated(api_as, rep, own_customer):
    response = api_as(rep).post(
        CONTACTS, {"customer": own_customer.pk, "name": "X", "email": "nope"}, format="json"
    )
    assert response.status_code == 400 and "email" in response.data


def test_contacts_filter_by_customer(api_as, admin, own_customer, peer_customer):
    mine = ContactFactory(customer=own_customer)
    ContactFactory(customer=peer_customer)
    assert ids(api_as(admin).get(CONTACTS, {"customer": own_customer.pk})) == {mine.pk}


def test_rep_reading_a_peers_contact_gets_404(api_as, rep, peer_customer):
    contact = ContactFactory(customer=peer_customer)
    assert api_as(rep).get(reverse("api:contact-detail", args=[contact.pk])).status_code == 404


def test_rep_deletes_own_contact(api_as, rep, own_customer):
    contact = ContactFactory(customer=own_customer)
    assert api_as(rep).delete(reverse("api:contact-detail", args=[contact.pk])).status_code == 204


def test_interaction_defaults_to_the_caller_as_rep(api_as, rep, own_customer):
    response = api_as(rep).post(
        INTERACTIONS,
        {"customer": own_customer.pk, "occurred_at": "2026-11-02T10:00:00Z", "subject": "Visit"},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["rep"] == rep.pk and response.data["rep_name"] == "rep1"


def test_interaction_contact_must_belong_to_the_customer(api_as, rep, tenant, own_customer):
    other = CustomerFactory(tenant=tenant, owner=rep)
    contact = ContactFactory(customer=other)
    response = api_as(rep).post(
        INTERACTIONS,
        {
            "customer": own_customer.pk,
            "contact": contact.pk,
            "occurred_at": "2026-11-02T10:00:00Z",
            "subject": "Visit",
        },
        format="json",
    )
    assert response.status_code == 400 and "contact" in response.data


def test_interaction_with_bad_kind_and_no_date_names_both(api_as, rep, own_customer):
    response = api_as(rep).post(
        INTERACTIONS, {"customer": own_customer.pk, "kind": "dance", "subject": "x"}, format="json"
    )
    assert response.status_code == 400 and {"kind", "occurred_at"} <= set(response.data)


def test_interactions_filter_by_customer_and_kind(api_as, admin, own_customer, peer_customer):
    call = InteractionFactory(customer=own_customer, kind="call")
    InteractionFactory(customer=own_customer, kind="visit")
    InteractionFactory(customer=peer_customer, kind="call")
    assert ids(api_as(admin).get(INTERACTIONS, {"customer": own_customer.pk, "kind": "call"})) == {call.pk}


def test_manager_sees_interactions_of_their_line(api_as, manager, own_customer, tenant, outsider_rep):
    mine = InteractionFactory(customer=own_customer)
    InteractionFactory(customer=CustomerFactory(tenant=tenant, owner=outsider_rep))
    assert ids(api_as(manager).get(INTERACTIONS)) == {mine.pk}


def test_viewer_cannot_log_interactions(api_as, viewer, own_customer):
    response = api_as(viewer).post(
        INTERACTIONS,
        {"customer": own_customer.pk, "occurred_at": "2026-11-02T10:00:00Z", "subject": "x"},
        format="json",
    )
    assert response.status_code == 403


def test_contact_and_interaction_lists_have_constant_query_counts(
    api_as, admin, tenant, rep, list_queries, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            customer = CustomerFactory(tenant=tenant, owner=rep)
            contact = ContactFactory(customer=customer)
            InteractionFactory(customer=customer, contact=contact)

    add(3)
    client = api_as(admin)
    few = (list_queries(client, CONTACTS), list_queries(client, INTERACTIONS))
    add(27)
    assert (list_queries(client, CONTACTS), list_queries(client, INTERACTIONS)) == few
    with django_assert_max_num_queries(2):
        client.get(INTERACTIONS)
