"""The org API: invitations, people (role, team, reporting line, employee number, deactivation) and
the hand-over, with field errors, role checks and the schema."""

import pytest
from django_scopes import scopes_disabled

from apps.org.models import Invitation
from tests.factories import TeamFactory

from .factories import InvitationFactory

pytestmark = pytest.mark.django_db

INVITATIONS = "/api/v1/invitations/"


# ---- invitations -----------------------------------------------------------------------------------


def test_an_admin_invites_and_lists_the_invitation(api_as, admin, manager, team, outbox):
    api = api_as(admin)
    response = api.post(
        INVITATIONS,
        {
            "email": "li.na@example.com",
            "role": "rep",
            "team": team.pk,
            "reports_to": manager.pk,
            "employee_no": "E-1",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["email"], body["status"], body["team"], body["reports_to"]) == (
        "li.na@example.com",
        "pending",
        team.pk,
        manager.pk,
    )
    assert "token_hash" not in body
    assert [row["id"] for row in api.get(INVITATIONS).json()["results"]] == [body["id"]]
    assert len(outbox()) == 1


def test_bad_input_is_a_400_with_field_errors(api_as, admin, rival, other_tenant):
    foreign_team = TeamFactory(tenant=other_tenant)
    response = api_as(admin).post(
        INVITATIONS,
        {"email": "nope", "role": "boss", "team": foreign_team.pk, "reports_to": rival.pk},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"email", "role", "team", "reports_to"}


def test_a_refusal_of_the_service_is_a_400_with_the_reason(api_as, admin, rep):
    response = api_as(admin).post(INVITATIONS, {"email": rep.user.email, "role": "rep"}, format="json")
    assert response.status_code == 400
    assert "member of this organisation already" in response.json()["email"][0]


def test_reps_and_viewers_may_not_invite_and_see_no_invitations(api_as, tenant, admin, rep, viewer):
    InvitationFactory(tenant=tenant)
    for who, status in ((rep, 403), (viewer, 403)):
        api = api_as(who)
        assert (
            api.post(INVITATIONS, {"email": "x@example.com", "role": "rep"}, format="json").status_code
            == status
        )
        assert api.get(INVITATIONS).json()["results"] == []


def test_a_manager_invites_into_their_line_where_allowed(api_as, tenant, manager, admin, managers_may_manage):
    api = api_as(manager)
    created = api.post(INVITATIONS, {"email": "x@example.com", "role": "rep"}, format="json")
    assert created.status_code == 201 and created.json()["reports_to"] == manager.pk
    refused = api.post(INVITATIONS, {"email": "y@example.com", "role": "admin"}, format="json")
    assert refused.status_code == 400 and "role" in refused.json()


def test_resend_and_revoke(api_as, tenant, admin, outbox):
    api = api_as(admin)
    pk = api.post(INVITATIONS, {"email": "x@example.com", "role": "rep"}, format="json").json()["id"]
    resent = api.post(f"{INVITATIONS}{pk}/resend/")
    assert resent.status_code == 200 and resent.json()["sent_count"] == 2 and len(outbox()) == 2
    assert api.post(f"{INVITATIONS}{pk}/revoke/").json()["status"] == "revoked"
    again = api.post(f"{INVITATIONS}{pk}/revoke/")
    assert again.status_code == 400 and "revoked already" in again.json()["non_field_errors"][0]
    assert [r["id"] for r in api.get(INVITATIONS, {"status": "revoked"}).json()["results"]] == [pk]
    assert api.get(INVITATIONS, {"status": "pending"}).json()["results"] == []


def test_an_idempotent_invitation_is_sent_once(api_as, admin, outbox):
    api = api_as(admin)
    data = {"email": "x@example.com", "role": "rep"}
    first = api.post(INVITATIONS, data, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    second = api.post(INVITATIONS, data, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.json() == second.json() and second["Idempotent-Replayed"] == "true"
    assert len(outbox()) == 1


def test_another_organisations_invitation_is_404(api_as, other_tenant, admin):
    theirs = InvitationFactory(tenant=other_tenant)
    api = api_as(admin)
    assert api.get(f"{INVITATIONS}{theirs.pk}/").status_code == 404
    assert api.post(f"{INVITATIONS}{theirs.pk}/revoke/").status_code == 404
    with scopes_disabled():
        assert Invitation.objects.get(pk=theirs.pk).status == Invitation.Status.PENDING


def test_the_schema_documents_the_invitation_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content.decode()
    for path in (
        "/api/v1/invitations/",
        "/api/v1/invitations/{id}/resend/",
        "/api/v1/invitations/{id}/revoke/",
    ):
        assert path in schema
