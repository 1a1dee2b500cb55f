"""Creating and editing customers through the pages: services do the write, errors re-render."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.customers.models import Customer
from tests.factories import CustomerFactory, RegionFactory

pytestmark = pytest.mark.django_db


def _form_data(**overrides):
    data = {"code": "C-NEW-1", "name": "New Trading Co", "segment": "retail", "status": "active", "owner": ""}
    data.update(overrides)
    return data


def test_rep_creates_a_customer_they_own(client_as, url, rep):
    response = client_as(rep).post(url("customers:create"), _form_data(owner=rep.pk))
    assert response.status_code == 302
    with scope(tenant=rep.tenant_id):
        customer = Customer.objects.get(code="C-NEW-1")
    assert customer.owner_id == rep.pk
    assert response["Location"] == url("customers:detail", customer_id=customer.pk)


def test_missing_name_rerenders_with_errors(client_as, url, rep):
    response = client_as(rep).post(url("customers:create"), _form_data(owner=rep.pk, name=""))
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert "Please correct the errors below." in response.text


def test_duplicate_code_is_a_field_error(client_as, url, rep):
    CustomerFactory(tenant=rep.tenant, owner=rep, code="DUP-1")
    response = client_as(rep).post(url("customers:create"), _form_data(owner=rep.pk, code="DUP-1"))
    assert response.status_code == 200
    assert "code" in response.context["form"].errors


def test_rep_cannot_give_a_customer_to_a_peer(client_as, url, rep, peer):
    response = client_as(rep).post(url("customers:create"), _form_data(owner=peer.pk))
    assert response.status_code == 200 and "owner" in response.context["form"].errors


def test_manager_may_assign_to_their_rep(client_as, url, manager, rep):
    response = client_as(manager).post(url("customers:create"), _form_data(owner=rep.pk))
    assert response.status_code == 302


def test_a_region_of_another_tenant_is_refused(client_as, url, rep, other_tenant):
    foreign = RegionFactory(tenant=other_tenant)
    response = client_as(rep).post(url("customers:create"), _form_data(owner=rep.pk, region=foreign.pk))
    assert response.status_code == 200 and "region" in response.context["form"].errors


def test_owner_choices_are_limited_to_visible_members(client_as, url, rep, peer):
    form = client_as(rep).get(url("customers:create")).context["form"]
    with scopes_disabled():
        assert list(form.fields["owner"].queryset.values_list("pk", flat=True)) == [rep.pk]


def test_edit_saves_the_changes(client_as, url, rep):
    customer = CustomerFactory(tenant=rep.tenant, owner=rep, code="E-1", name="Old Name")
    response = client_as(rep).post(
        url("customers:edit", customer_id=customer.pk), _form_data(owner=rep.pk, code="E-1", name="New Name")
    )
    assert response.status_code == 302
    with scopes_disabled():
        customer.refresh_from_db()
    assert customer.name == "New Name"


def test_edit_form_shows_the_current_values(client_as, url, rep):
    customer = CustomerFactory(tenant=rep.tenant, owner=rep, name="Shown Name")
    assert "Shown Name" in client_as(rep).get(url("customers:edit", customer_id=customer.pk)).text


def test_rep_cannot_post_an_edit_to_a_peers_customer(client_as, url, rep, peer):
    customer = CustomerFactory(tenant=rep.tenant, owner=peer, name="Keep")
    response = client_as(rep).post(url("customers:edit", customer_id=customer.pk), _form_data(owner=rep.pk))
    assert response.status_code == 404
    with scopes_disabled():
        customer.refresh_from_db()
    assert customer.name == "Keep"


def test_viewer_cannot_post_a_new_customer(client_as, url, viewer):
    response = client_as(viewer).post(url("customers:create"), _form_data(owner=viewer.pk))
    assert response.status_code == 404


def test_create_form_has_a_csrf_token_and_the_htmx_header(client_as, url, rep):
    text = client_as(rep).get(url("customers:create")).text
    assert "csrfmiddlewaretoken" in text and "X-CSRFToken" in text


def test_pages_load_htmx_from_static(client_as, url, rep):
    assert "vendor/htmx.min.js" in client_as(rep).get(url("customers:list")).text


def test_login_link_target_is_correct():
    assert reverse("login") == "/accounts/login/"
