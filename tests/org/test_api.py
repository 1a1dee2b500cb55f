"""The org API: invitations, people (role, team, reporting line, employee number, deactivation) and
the hand-over, with field errors, role checks and the schema."""

import pytest
from django_scopes import scopes_disabled

from apps.customers.models import Customer
from apps.org.models import Invitation
from apps.tenancy.models import Role
from tests.factories import CustomerFactory, TeamFactory

from .conftest import reload, update
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


# ---- people ------------------------------------------------------------------------------------------

MEMBERS = "/api/v1/members/"


def test_an_admin_changes_a_persons_placement(api_as, tenant, admin, rep):
    west = TeamFactory(tenant=tenant, name="West")
    response = api_as(admin).patch(
        f"{MEMBERS}{rep.pk}/", {"team": west.pk, "employee_no": "E-8"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["team"], response.json()["employee_no"]) == (west.pk, "E-8")
    assert reload(rep).team_id == west.pk


def test_a_loop_is_a_400_with_the_reason(api_as, admin, manager, rep):
    update(rep, role=Role.MANAGER)
    response = api_as(admin).patch(f"{MEMBERS}{manager.pk}/", {"reports_to": rep.pk}, format="json")
    assert response.status_code == 400 and "loop" in response.json()["reports_to"][0]


def test_bad_member_input_is_a_400_with_field_errors(api_as, admin, rep, other_tenant, rival):
    foreign_team = TeamFactory(tenant=other_tenant)
    response = api_as(admin).patch(
        f"{MEMBERS}{rep.pk}/",
        {"role": "chief", "team": foreign_team.pk, "reports_to": rival.pk},
        format="json",
    )
    assert response.status_code == 400 and set(response.json()) == {"role", "team", "reports_to"}


def test_roles_are_checked_on_people_writes(api_as, tenant, manager, rep, peer, viewer, outsider_rep):
    assert api_as(viewer).patch(f"{MEMBERS}{rep.pk}/", {"employee_no": "X"}, format="json").status_code == 403
    assert api_as(rep).patch(f"{MEMBERS}{rep.pk}/", {"employee_no": "X"}, format="json").status_code == 403
    assert api_as(rep).patch(f"{MEMBERS}{peer.pk}/", {"employee_no": "X"}, format="json").status_code == 404
    # A manager sees their line but manages it only where the organisation allows.
    assert (
        api_as(manager).patch(f"{MEMBERS}{rep.pk}/", {"employee_no": "X"}, format="json").status_code == 403
    )
    tenant.managers_manage_people = True
    tenant.save()
    assert (
        api_as(manager).patch(f"{MEMBERS}{rep.pk}/", {"employee_no": "X"}, format="json").status_code == 200
    )
    assert api_as(manager).post(f"{MEMBERS}{outsider_rep.pk}/deactivate/").status_code == 404


def test_deactivate_and_reactivate_through_the_api(api_as, admin, rep):
    api = api_as(admin)
    rep_api = api_as(rep)
    response = api.post(f"{MEMBERS}{rep.pk}/deactivate/")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert rep_api.get(f"{MEMBERS}me/").status_code == 401
    assert rep.pk not in [r["id"] for r in api.get(MEMBERS).json()["results"]]
    assert [r["id"] for r in api.get(MEMBERS, {"is_active": "false"}).json()["results"]] == [rep.pk]
    again = api.post(f"{MEMBERS}{rep.pk}/deactivate/")
    assert again.status_code == 400 and "already" in again.json()["non_field_errors"][0]
    assert api.post(f"{MEMBERS}{rep.pk}/reactivate/").json()["is_active"] is True


def test_nobody_deactivates_themself(api_as, admin):
    response = api_as(admin).post(f"{MEMBERS}{admin.pk}/deactivate/")
    assert response.status_code == 400 and "yourself" in response.json()["non_field_errors"][0]


# ---- hand-over ---------------------------------------------------------------------------------------


def test_the_hand_over_previews_then_moves(api_as, tenant, admin, rep, peer):
    CustomerFactory(tenant=tenant, owner=rep, code="HX1", name="Harbour")
    api = api_as(admin)
    preview = api.get(f"{MEMBERS}{rep.pk}/handover/", {"to": peer.pk})
    assert preview.status_code == 200
    parts = {p["code"]: p for p in preview.json()}
    assert parts["customers"]["count"] == 1 and parts["customers"]["rows"] == ["HX1 · Harbour"]
    moved = api.post(f"{MEMBERS}{rep.pk}/handover/", {"to": peer.pk, "parts": ["customers"]}, format="json")
    assert moved.status_code == 200 and len(moved.json()["moved"]["customers"]) == 1
    with scopes_disabled():
        assert Customer.objects.get(code="HX1").owner_id == peer.pk


def test_hand_over_refusals_are_400_with_a_reason(api_as, admin, rep, peer, rival):
    api = api_as(admin)
    assert "to" in api.get(f"{MEMBERS}{rep.pk}/handover/").json()
    same = api.post(f"{MEMBERS}{rep.pk}/handover/", {"to": rep.pk}, format="json")
    assert same.status_code == 400 and "someone else" in same.json()["to"][0]
    foreign = api.post(f"{MEMBERS}{rep.pk}/handover/", {"to": rival.pk}, format="json")
    assert foreign.status_code == 400 and "to" in foreign.json()
    unknown = api.post(f"{MEMBERS}{rep.pk}/handover/", {"to": peer.pk, "parts": ["orders"]}, format="json")
    assert unknown.status_code == 400 and "parts" in unknown.json()
    update(peer, is_active=False)
    gone = api.post(f"{MEMBERS}{rep.pk}/handover/", {"to": peer.pk}, format="json")
    assert gone.status_code == 400 and "deactivated" in gone.json()["to"][0]


def test_a_rep_may_not_hand_over_even_their_own_work(api_as, rep, peer):
    assert api_as(rep).post(f"{MEMBERS}{rep.pk}/handover/", {"to": peer.pk}, format="json").status_code == 403


def test_the_schema_documents_the_people_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content.decode()
    for path in (
        "/api/v1/members/{id}/deactivate/",
        "/api/v1/members/{id}/reactivate/",
        "/api/v1/members/{id}/handover/",
    ):
        assert path in schema
    assert '"patch"' in schema
