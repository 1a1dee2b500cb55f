"""The people pages and the public invitation page, through the test client."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from apps.customers.models import Customer
from apps.org import services
from apps.org.models import Invitation
from apps.tenancy.models import Membership, Role
from tests.factories import CustomerFactory, MembershipFactory, TeamFactory

from .conftest import link_path, reload, update
from .factories import InvitationFactory

pytestmark = pytest.mark.django_db


def people_url(tenant, suffix=""):
    return f"/t/{tenant.slug}/people/{suffix}"


def invite(tenant, by, email="new.rep@example.com", **kwargs):
    with scope(tenant=tenant.pk):
        return services.invitation_create(
            tenant=tenant, by=by, email=email, role=kwargs.pop("role", Role.REP), **kwargs
        )


# ---- who may open the pages ------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "invite/", "invitations/"])
def test_reps_viewers_and_unpermitted_managers_get_404(client_as, tenant, rep, viewer, manager, suffix):
    for who in (rep, viewer, manager):
        assert client_as(who).get(people_url(tenant, suffix)).status_code == 404


def test_a_manager_opens_the_pages_where_the_organisation_allows(
    client_as, tenant, manager, managers_may_manage
):
    assert client_as(manager).get(people_url(tenant)).status_code == 200


def test_a_manager_sees_only_their_line(
    client_as, tenant, manager, rep, peer, outsider_rep, managers_may_manage
):
    page = client_as(manager).get(people_url(tenant)).content.decode()
    assert rep.name in page and peer.name in page and outsider_rep.name not in page
    assert client_as(manager).get(people_url(tenant, f"{outsider_rep.pk}/")).status_code == 404
    assert client_as(manager).get(people_url(tenant, f"{manager.pk}/")).status_code == 404


def test_another_organisations_person_is_404(client_as, tenant, admin, rival):
    assert client_as(admin).get(people_url(tenant, f"{rival.pk}/")).status_code == 404
    assert client_as(admin).get(people_url(tenant, f"{rival.pk}/handover/")).status_code == 404


# ---- the list ------------------------------------------------------------------------------------


def test_the_list_filters_searches_and_shows_deactivated_people_on_request(
    client_as, tenant, admin, rep, peer
):
    update(peer, is_active=False, employee_no="E-77")
    client = client_as(admin)
    page = client.get(people_url(tenant)).content.decode()
    assert rep.name in page and "rep2" not in page
    page = client.get(people_url(tenant), {"status": "deactivated"}).content.decode()
    assert "rep2" in page and "rep1" not in page
    page = client.get(people_url(tenant), {"status": "all", "q": "E-77"}).content.decode()
    assert "rep2" in page and "rep1" not in page
    page = client.get(people_url(tenant), {"q": "nobody-by-this-name"}).content.decode()
    assert "Nobody matches these filters." in page


def test_the_list_is_paginated_and_its_queries_do_not_grow(
    client_as, tenant, admin, team, django_assert_max_num_queries
):
    client = client_as(admin)
    client.get(people_url(tenant))
    with CaptureQueriesContext(connection) as few:
        client.get(people_url(tenant))
    for i in range(30):
        MembershipFactory(tenant=tenant, team=team, reports_to=admin, user__username=f"extra{i}")
    with django_assert_max_num_queries(len(few)):
        response = client.get(people_url(tenant))
    assert "1–25 of 31" in response.content.decode()


def test_the_invitations_page_queries_do_not_grow(
    client_as, tenant, admin, manager, team, django_assert_max_num_queries
):
    client = client_as(admin)
    InvitationFactory(tenant=tenant, team=team, reports_to=manager, invited_by=admin)
    client.get(people_url(tenant, "invitations/"))
    with CaptureQueriesContext(connection) as few:
        client.get(people_url(tenant, "invitations/"))
    for _n in range(20):
        InvitationFactory(tenant=tenant, team=team, reports_to=manager, invited_by=admin)
    with django_assert_max_num_queries(len(few)):
        assert client.get(people_url(tenant, "invitations/")).status_code == 200


# ---- inviting ------------------------------------------------------------------------------------


def test_inviting_from_the_page_queues_the_mail(client_as, tenant, admin, manager, team, outbox):
    response = client_as(admin).post(
        people_url(tenant, "invite/"),
        {
            "email": "li.na@example.com",
            "role": "rep",
            "team": team.pk,
            "reports_to": manager.pk,
            "employee_no": "E-3",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("/people/invitations/")
    assert [m.to_address for m in outbox()] == ["li.na@example.com"]


def test_a_refused_invitation_re_renders_the_form_with_the_reason(client_as, tenant, admin, rep):
    response = client_as(admin).post(people_url(tenant, "invite/"), {"email": rep.user.email, "role": "rep"})
    assert response.status_code == 200
    assert "member of this organisation already" in response.content.decode()


def test_a_manager_is_offered_only_their_roles_teams_and_line(
    client_as, tenant, manager, team, admin, managers_may_manage
):
    TeamFactory(tenant=tenant, name="Faraway")
    page = client_as(manager).get(people_url(tenant, "invite/")).content.decode()
    assert 'value="admin"' not in page and 'value="viewer"' not in page
    assert "East" in page and "Faraway" not in page
    response = client_as(manager).post(
        people_url(tenant, "invite/"), {"email": "x@example.com", "role": "admin"}
    )
    assert response.status_code == 200 and "role" in response.context["form"].errors
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_the_invitations_page_resends_and_revokes(client_as, tenant, admin, outbox):
    invitation = invite(tenant, admin)
    client = client_as(admin)
    assert "new.rep@example.com" in client.get(people_url(tenant, "invitations/")).content.decode()
    client.post(people_url(tenant, f"invitations/{invitation.pk}/resend/"))
    assert len(outbox()) == 2
    client.post(people_url(tenant, f"invitations/{invitation.pk}/revoke/"))
    assert reload(invitation).status == Invitation.Status.REVOKED
    assert list(client.get(people_url(tenant, "invitations/")).context["invitations"]) == []
    assert list(client.get(people_url(tenant, "invitations/?status=revoked")).context["invitations"]) == [
        invitation
    ]
    assert client.get(people_url(tenant, f"invitations/{invitation.pk}/revoke/")).status_code == 405


# ---- one person ------------------------------------------------------------------------------


def test_the_person_page_changes_the_reporting_line_and_offers_no_loop(
    client_as, tenant, admin, manager, rep
):
    update(rep, role=Role.MANAGER)
    client = client_as(admin)
    offered = client.get(people_url(tenant, f"{manager.pk}/")).context["form"].fields["reports_to"].queryset
    with scopes_disabled():
        assert set(offered.values_list("pk", flat=True)) == {admin.pk}  # not the manager, nor their report
    response = client.post(
        people_url(tenant, f"{manager.pk}/"),
        {"role": "manager", "team": "", "reports_to": rep.pk, "employee_no": ""},
    )
    assert response.status_code == 200 and "reports_to" in response.context["form"].errors
    response = client.post(
        people_url(tenant, f"{manager.pk}/"),
        {"role": "manager", "team": manager.team_id, "reports_to": admin.pk, "employee_no": "M-1"},
    )
    assert response.status_code == 302 and reload(manager).employee_no == "M-1"
    history = client.get(people_url(tenant, f"{manager.pk}/")).content.decode()
    assert "details changed" in history and "org.membership.updated" not in history  # the label, not the code


def test_deactivating_and_reactivating_from_the_page(client_as, tenant, admin, manager, rep):
    client = client_as(admin)
    page = client.get(people_url(tenant, f"{manager.pk}/deactivate/")).content.decode()
    assert rep.name in page  # who will report to whom
    client.post(people_url(tenant, f"{manager.pk}/deactivate/"))
    assert not reload(manager).is_active and reload(rep).reports_to_id == admin.pk
    client.post(people_url(tenant, f"{manager.pk}/reactivate/"))
    assert reload(manager).is_active


def test_deactivating_yourself_is_refused_with_a_message(client_as, tenant, admin):
    response = client_as(admin).post(people_url(tenant, f"{admin.pk}/deactivate/"), follow=True)
    assert "cannot deactivate yourself" in response.content.decode()
    assert reload(admin).is_active


# ---- hand-over page ----------------------------------------------------------------------------------


def test_the_hand_over_page_previews_then_moves(client_as, tenant, admin, rep, peer):
    CustomerFactory(tenant=tenant, owner=rep, code="HX1", name="Harbour Store")
    client = client_as(admin)
    page = client.get(
        people_url(tenant, f"{rep.pk}/handover/"),
        {"to": peer.pk, "parts": ["customers", "visits", "targets"]},
    )
    body = page.content.decode()
    assert "HX1 · Harbour Store" in body and 'id="handover-preview"' in body
    with scopes_disabled():
        assert Customer.objects.get(code="HX1").owner_id == rep.pk
    response = client.post(people_url(tenant, f"{rep.pk}/handover/"), {"to": peer.pk, "parts": ["customers"]})
    assert response.status_code == 302
    with scopes_disabled():
        assert Customer.objects.get(code="HX1").owner_id == peer.pk


def test_the_hand_over_page_offers_no_deactivated_person(client_as, tenant, admin, rep, peer):
    update(peer, is_active=False)
    response = client_as(admin).get(
        people_url(tenant, f"{rep.pk}/handover/"), {"to": peer.pk, "parts": ["customers"]}
    )
    assert 'id="handover-preview"' not in response.content.decode()
    assert "to" in response.context["form"].errors


# ---- the public invitation page ----------------------------------------------------------------------


def test_a_new_person_accepts_and_lands_signed_in_in_the_organisation(client, tenant, admin, team):
    invitation = invite(tenant, admin, team=team)
    path = link_path(invitation.accept_url)
    page = client.get(path)
    assert page.status_code == 200 and "Join Acme" in page.content.decode()
    response = client.post(
        path, {"name": "Li Na", "password": "a-long-pass-phrase-9", "password_again": "a-long-pass-phrase-9"}
    )
    assert response.status_code == 302 and response["Location"] == f"/t/{tenant.slug}/"
    assert client.get(f"/t/{tenant.slug}/").status_code == 200
    again = client.get(path)
    assert again.status_code == 410 and "used already" in again.content.decode()


def test_a_weak_or_mismatched_password_re_renders_the_form(client, tenant, admin):
    path = link_path(invite(tenant, admin).accept_url)
    response = client.post(path, {"name": "Li", "password": "password", "password_again": "password"})
    assert response.status_code == 200 and "too common" in response.content.decode()
    response = client.post(
        path, {"name": "Li", "password": "a-long-pass-phrase-9", "password_again": "other"}
    )
    assert "differ" in response.content.decode()
    assert not get_user_model().objects.filter(username="new.rep@example.com").exists()


def test_a_person_with_an_account_is_asked_to_sign_in_then_joins(client, tenant, admin, rival):
    invitation = invite(tenant, admin, email=rival.user.email)
    path = link_path(invitation.accept_url)
    page = client.get(path).content.decode()
    assert "Sign in to join" in page and "next=" in page
    client.force_login(rival.user)
    assert "You are signed in as rival" in client.get(path).content.decode()
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == f"/t/{tenant.slug}/"
    with scopes_disabled():
        assert Membership.objects.filter(user=rival.user).count() == 2


def test_an_existing_member_is_told_so_and_cannot_join_twice(client, tenant, admin, rep):
    path = link_path(invite(tenant, admin, email="someone@example.com").accept_url)
    client.force_login(rep.user)
    page = client.get(path).content.decode()
    assert "member of Acme already" in page
    client.post(path)
    with scopes_disabled():
        assert Membership.objects.filter(user=rep.user).count() == 1


@pytest.mark.parametrize(
    ("spoil", "status", "text"),
    [
        ("forged", 404, "not valid"),
        ("expired", 410, "expired"),
        ("revoked", 410, "withdrawn"),
        ("replaced", 410, "replaced"),
    ],
)
def test_a_bad_link_gets_a_clear_page(client, tenant, admin, spoil, status, text):
    invitation = invite(tenant, admin)
    path = link_path(invitation.accept_url)
    if spoil == "forged":
        path = path[:-6] + "xxxxx/"
    elif spoil == "expired":
        update(invitation, expires_at=timezone.now() - dt.timedelta(minutes=1))
    elif spoil == "revoked":
        with scope(tenant=tenant.pk):
            services.invitation_revoke(invitation=invitation, by=admin)
    elif spoil == "replaced":
        with scope(tenant=tenant.pk):
            services.invitation_resend(invitation=invitation, by=admin)
    response = client.get(path)
    assert response.status_code == status and text in response.content.decode()
    assert (
        client.post(
            path, {"name": "X", "password": "a-long-pass-phrase-9", "password_again": "a-long-pass-phrase-9"}
        ).status_code
        == status
    )


def test_a_bad_link_page_speaks_chinese(client, tenant, admin):
    tenant.default_language = "zh-hans"
    tenant.save()
    invitation = invite(tenant, admin)
    update(invitation, expires_at=timezone.now() - dt.timedelta(minutes=1))
    page = client.get(link_path(invitation.accept_url)).content.decode()
    assert "邀请已过期" in page


def test_garbage_in_the_link_is_a_page_not_an_error(client):
    for junk in ["x", "a" * 400, "eyJ0IjoxfQ:abc:def", "%00"]:
        response = client.get(f"/invitations/{junk}/")
        assert response.status_code == 404


def test_a_link_never_admits_to_another_organisation(client, tenant, other_tenant, admin, rival):
    """The link names its organisation under the signature: whoever opens it joins that one only."""
    path = link_path(invite(tenant, admin, email="traveller@example.com").accept_url)
    client.post(
        path, {"name": "T", "password": "a-long-pass-phrase-9", "password_again": "a-long-pass-phrase-9"}
    )
    user = get_user_model().objects.get(username="traveller@example.com")
    with scopes_disabled():
        assert list(Membership.objects.filter(user=user).values_list("tenant__slug", flat=True)) == ["acme"]
    assert client.get(f"/t/{other_tenant.slug}/").status_code == 404
