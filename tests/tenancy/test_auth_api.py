import pytest
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_token_is_issued_for_a_member_of_the_named_tenant(rep):
    response = APIClient().post(
        reverse("api:token-obtain"), {"username": "rep1", "password": "pass-123-word", "tenant": "acme"}
    )
    assert response.status_code == 201
    assert response.data["role"] == "rep"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    me = client.get(reverse("api:member-me"))
    assert me.status_code == 200 and me.data["id"] == rep.pk


def test_unknown_tenant_slug_is_404(rep):
    response = APIClient().post(
        reverse("api:token-obtain"), {"username": "rep1", "password": "pass-123-word", "tenant": "nope"}
    )
    assert response.status_code == 404


def test_member_of_another_tenant_gets_no_token(rep, other_tenant):
    response = APIClient().post(
        reverse("api:token-obtain"),
        {"username": "rep1", "password": "pass-123-word", "tenant": other_tenant.slug},
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.data


def test_wrong_password_is_400_with_a_reason(rep):
    response = APIClient().post(
        reverse("api:token-obtain"), {"username": "rep1", "password": "x", "tenant": "acme"}
    )
    assert response.status_code == 400


def test_missing_fields_are_named(db):
    response = APIClient().post(reverse("api:token-obtain"), {})
    assert response.status_code == 400
    assert set(response.data) == {"username", "password", "tenant"}


def test_bad_token_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert client.get(reverse("api:member-list")).status_code == 401


def test_rep_sees_only_themself_manager_their_line(api_as, rep, peer, manager, outsider_rep):
    ids = {m["id"] for m in api_as(rep).get(reverse("api:member-list")).data["results"]}
    assert ids == {rep.pk}
    ids = {m["id"] for m in api_as(manager).get(reverse("api:member-list")).data["results"]}
    assert ids == {manager.pk, rep.pk, peer.pk}


def test_teams_are_scoped_to_the_token_tenant(api_as, rep, team, rival):
    from tests.factories import TeamFactory

    TeamFactory(tenant=rival.tenant, name="Theirs")
    names = [t["name"] for t in api_as(rep).get(reverse("api:team-list")).data["results"]]
    assert names == ["East"]


def test_an_api_request_leaves_no_tenant_behind(api_as, rep):
    from django_scopes import get_scope

    from apps.tenancy.context import current_tenant

    assert api_as(rep).get(reverse("api:member-list")).status_code == 200
    assert current_tenant() is None
    assert "tenant" not in get_scope()
