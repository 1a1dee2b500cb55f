"""Contacts and the interaction timeline in the browser: add, edit and remove from the customer's
page; a rep only on their own customers, a viewer never; refusals say why and save nothing."""

import pytest
from django_scopes import scopes_disabled

from apps.customers.models import Contact, Interaction
from apps.tenancy.models import AuditLog
from tests.factories import ContactFactory, CustomerFactory, InteractionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_customer(tenant, rep):
    return CustomerFactory(tenant=tenant, owner=rep, code="OWN1", name="Own Shop")


@pytest.fixture
def peer_customer(tenant, peer):
    return CustomerFactory(tenant=tenant, owner=peer, code="PEER1", name="Peer Shop")


def test_a_rep_adds_a_primary_contact_to_their_customer(client_as, url, rep, own_customer):
    old = ContactFactory(customer=own_customer, name="Old Boss", is_primary=True)
    client = client_as(rep)
    page = client.get(url("customers:detail", customer_id=own_customer.pk)).text
    assert url("customers:contact-create", customer_id=own_customer.pk) in page
    response = client.post(
        url("customers:contact-create", customer_id=own_customer.pk),
        {"name": "Wang Li", "title": "采购经理", "phone": "138 0000 0000", "email": "", "is_primary": "on"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#contacts")
    with scopes_disabled():
        new = Contact.objects.get(name="Wang Li")
        old.refresh_from_db()
    assert new.is_primary and not old.is_primary  # one primary contact per customer


def test_a_contact_is_edited_audited_and_removed(client_as, url, rep, own_customer):
    contact = ContactFactory(customer=own_customer, name="Zhao", title="Buyer")
    client = client_as(rep)
    edit = url("customers:contact-edit", contact_id=contact.pk)
    assert client.post(edit, {"name": "Zhao", "title": "Head buyer"}).status_code == 302
    with scopes_disabled():
        entry = AuditLog.objects.get(action="customers.contact.updated")
    assert entry.changes == {"title": ["Buyer", "Head buyer"]}
    assert client.post(edit, {"delete": "1"}).status_code == 302
    with scopes_disabled():
        assert not Contact.objects.filter(pk=contact.pk).exists()


def test_a_bad_contact_re_renders_and_saves_nothing(client_as, url, rep, own_customer):
    response = client_as(rep).post(
        url("customers:contact-create", customer_id=own_customer.pk), {"name": "", "email": "not-mail"}
    )
    assert response.status_code == 400
    assert "This field is required." in response.text and "Enter a valid email address." in response.text
    with scopes_disabled():
        assert not Contact.objects.exists()


def test_a_rep_logs_an_interaction_on_the_timeline(client_as, url, rep, own_customer):
    contact = ContactFactory(customer=own_customer, name="Sun")
    client = client_as(rep)
    response = client.post(
        url("customers:interaction-create", customer_id=own_customer.pk),
        {
            "kind": "call",
            "occurred_at": "2026-11-20T15:30",
            "subject": "Asked about the spring price list",
            "contact": contact.pk,
            "rep": rep.pk,
            "notes": "Will order after the trade fair.",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#timeline")
    with scopes_disabled():
        item = Interaction.objects.get()
    assert (item.kind, item.contact_id, item.rep_id) == ("call", contact.pk, rep.pk)
    page = client.get(url("customers:detail", customer_id=own_customer.pk)).text
    assert "Asked about the spring price list" in page
    assert url("customers:interaction-edit", interaction_id=item.pk) in page


def test_another_customers_contact_is_refused_on_the_timeline(client_as, url, rep, own_customer):
    stranger = ContactFactory(customer__tenant=own_customer.tenant, customer__owner=rep)
    response = client_as(rep).post(
        url("customers:interaction-create", customer_id=own_customer.pk),
        {
            "kind": "call",
            "occurred_at": "2026-11-20T15:30",
            "subject": "x",
            "contact": stranger.pk,
            "rep": rep.pk,
        },
    )
    assert response.status_code == 400 and "Select a valid choice" in response.text
    with scopes_disabled():
        assert not Interaction.objects.exists()


def test_an_interaction_is_edited_and_removed(client_as, url, rep, own_customer):
    item = InteractionFactory(customer=own_customer, rep=rep, subject="Visit")
    client = client_as(rep)
    edit = url("customers:interaction-edit", interaction_id=item.pk)
    form = {"kind": "meeting", "occurred_at": "2026-11-02T10:00", "subject": "Annual review", "rep": rep.pk}
    assert client.post(edit, form).status_code == 302
    with scopes_disabled():
        item.refresh_from_db()
    assert (item.kind, item.subject) == ("meeting", "Annual review")
    assert client.post(edit, {"delete": "1"}).status_code == 302
    with scopes_disabled():
        assert not Interaction.objects.exists()


def test_a_peers_customer_and_its_records_are_404_for_a_rep(client_as, url, rep, peer_customer):
    contact = ContactFactory(customer=peer_customer)
    item = InteractionFactory(customer=peer_customer)
    client = client_as(rep)
    for target in (
        url("customers:contact-create", customer_id=peer_customer.pk),
        url("customers:contact-edit", contact_id=contact.pk),
        url("customers:interaction-create", customer_id=peer_customer.pk),
        url("customers:interaction-edit", interaction_id=item.pk),
    ):
        assert client.get(target).status_code == 404
        assert client.post(target, {"delete": "1"}).status_code == 404
    with scopes_disabled():
        assert (
            Contact.objects.filter(pk=contact.pk).exists() and Interaction.objects.filter(pk=item.pk).exists()
        )


def test_a_viewer_reads_but_does_not_write(client_as, url, viewer, own_customer):
    contact = ContactFactory(customer=own_customer)
    client = client_as(viewer)
    page = client.get(url("customers:detail", customer_id=own_customer.pk))
    assert (
        page.status_code == 200 and "Add a contact" not in page.text and "Log an interaction" not in page.text
    )
    assert client.get(url("customers:contact-edit", contact_id=contact.pk)).status_code == 404
    assert client.get(url("customers:interaction-create", customer_id=own_customer.pk)).status_code == 404
