"""Managing people: role, team, reporting line, employee number, deactivation, and who may do it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope, scopes_disabled

from apps.org import services
from apps.org.models import ReportingClosure
from apps.tenancy.context import user_membership
from apps.tenancy.models import ApiToken, AuditLog, Membership, Role
from tests.factories import MembershipFactory, TeamFactory, token_for

from .conftest import reload, update

pytestmark = pytest.mark.django_db


def change(member, by, **data):
    with scope(tenant=member.tenant_id):
        return services.membership_update(member=member, by=by, **data)


def test_an_admin_changes_role_team_manager_and_number_audited_with_the_diff(
    tenant, admin, rep, outsider_rep
):
    west = TeamFactory(tenant=tenant, name="West")
    boss2 = MembershipFactory(tenant=tenant, role=Role.MANAGER, reports_to=admin, user__username="mgr2")
    change(rep, admin, team=west, reports_to=boss2, employee_no="E-42", role=Role.MANAGER)
    reload(rep)
    assert (rep.team_id, rep.reports_to_id, rep.employee_no, rep.role) == (
        west.pk,
        boss2.pk,
        "E-42",
        "manager",
    )
    with scopes_disabled():
        entry = AuditLog.objects.get(action="org.membership.updated", object_id=rep.pk)
        assert ReportingClosure.objects.filter(ancestor=boss2, descendant=rep, depth=1).exists()
    assert entry.actor_id == admin.pk
    assert entry.changes["team"] == ["East", "West"] and entry.changes["employee_no"] == ["", "E-42"]


def test_a_loop_in_the_reporting_line_is_refused_with_a_reason(tenant, admin, manager, rep):
    update(rep, role=Role.MANAGER)
    with pytest.raises(ValidationError) as err:
        change(manager, admin, reports_to=reload(rep))
    assert "loop" in err.value.message_dict["reports_to"][0]
    assert rep.name in err.value.message_dict["reports_to"][0]


def test_a_rep_cannot_be_someones_manager(tenant, admin, rep, peer):
    with pytest.raises(ValidationError) as err:
        change(peer, admin, reports_to=rep)
    assert "reports_to" in err.value.message_dict


def test_nobody_changes_their_own_role(tenant, admin):
    MembershipFactory(tenant=tenant, role=Role.ADMIN, user__username="boss2")
    with pytest.raises(ValidationError) as err:
        change(admin, admin, role=Role.REP)
    assert "own role" in err.value.message_dict["role"][0]


def test_the_last_admin_keeps_the_role(tenant, admin):
    other = MembershipFactory(tenant=tenant, role=Role.MANAGER, user__username="m2")
    update(other, role=Role.ADMIN)
    change(reload(other), admin, role=Role.MANAGER)  # two admins: one may step down
    with pytest.raises(ValidationError):
        change(admin, None, role=Role.MANAGER)


def test_a_manager_with_reports_is_not_made_a_rep(tenant, admin, manager, rep):
    with pytest.raises(ValidationError) as err:
        change(manager, admin, role=Role.REP)
    assert "report to" in err.value.message_dict["role"][0]


def test_employee_numbers_are_unique_in_the_organisation(tenant, admin, rep, peer, rival):
    change(rep, admin, employee_no="E-1")
    update(rival, employee_no="E-2")
    change(peer, admin, employee_no="E-2")  # another organisation's number is no clash
    with pytest.raises(ValidationError) as err:
        change(peer, admin, employee_no="e-1")
    assert "employee_no" in err.value.message_dict


def test_a_rep_or_viewer_manages_nobody(tenant, rep, peer, viewer):
    for who in (rep, viewer):
        with pytest.raises(PermissionDenied):
            change(peer, who, employee_no="X")


def test_a_manager_manages_their_line_only_where_the_organisation_allows(tenant, manager, rep, outsider_rep):
    with pytest.raises(PermissionDenied):
        change(rep, manager, employee_no="E-5")
    tenant.managers_manage_people = True
    tenant.save()
    change(rep, manager, employee_no="E-5")
    with pytest.raises(PermissionDenied):
        change(outsider_rep, manager, employee_no="E-6")


def test_a_manager_may_not_make_an_admin_nor_move_someone_out_of_their_line(
    tenant, manager, rep, admin, managers_may_manage
):
    with pytest.raises(ValidationError) as err:
        change(rep, manager, role=Role.ADMIN)
    assert "role" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        change(rep, manager, reports_to=admin)
    assert "reports_to" in err.value.message_dict


def test_a_manager_cannot_manage_themself(tenant, manager, managers_may_manage):
    with pytest.raises(PermissionDenied):
        change(manager, manager, employee_no="E-9")


# ---- deactivation ----------------------------------------------------------------------------


def deactivate(member, by):
    with scope(tenant=member.tenant_id):
        return services.membership_deactivate(member=member, by=by)


def test_a_deactivated_person_cannot_open_the_organisation_nor_use_their_token(
    tenant, admin, rep, api_as, client
):
    client.force_login(rep.user)
    assert client.get(f"/t/{tenant.slug}/").status_code == 200
    api = api_as(rep)
    assert api.get("/api/v1/members/me/").status_code == 200
    deactivate(rep, admin)
    assert client.get(f"/t/{tenant.slug}/").status_code == 404
    assert api.get("/api/v1/members/me/").status_code == 401
    assert user_membership(rep.user, slug=tenant.slug) is None
    with scopes_disabled():
        assert not ApiToken.objects.filter(membership=rep).exists()


def test_a_deactivated_person_keeps_their_other_organisations(tenant, admin, rep, other_tenant, client):
    MembershipFactory(tenant=other_tenant, user=rep.user, role=Role.REP)
    deactivate(rep, admin)
    client.force_login(rep.user)
    assert client.get(f"/t/{other_tenant.slug}/").status_code == 200


def test_the_people_who_reported_to_them_move_up_one_level(tenant, admin, manager, rep, peer):
    deactivate(manager, admin)
    assert reload(rep).reports_to_id == admin.pk and reload(peer).reports_to_id == admin.pk
    with scopes_disabled():
        assert ReportingClosure.objects.filter(ancestor=admin, descendant=rep, depth=1).exists()
        entry = AuditLog.objects.get(action="org.membership.deactivated", object_id=manager.pk)
    assert entry.changes["is_active"] == ["True", "False"]


def test_deactivation_refusals_say_why(tenant, admin, rep):
    with pytest.raises(ValidationError, match="yourself"):
        deactivate(admin, admin)
    deactivate(rep, admin)
    with pytest.raises(ValidationError, match="already"):
        deactivate(reload(rep), admin)


def test_the_last_admin_cannot_be_deactivated(tenant, admin):
    other = MembershipFactory(tenant=tenant, role=Role.ADMIN, user__username="boss2")
    deactivate(admin, other)
    # Only `other` is an active admin now; whoever asks (here the admin just deactivated), the
    # organisation keeps one.
    with pytest.raises(ValidationError, match="at least one active administrator"):
        deactivate(other, reload(admin))


def test_reactivation_restores_access_but_not_old_tokens(tenant, admin, rep, client):
    token_for(rep)
    deactivate(rep, admin)
    with scope(tenant=tenant.pk):
        services.membership_reactivate(member=reload(rep), by=admin)
        with pytest.raises(ValidationError, match="active already"):
            services.membership_reactivate(member=reload(rep), by=admin)
    client.force_login(rep.user)
    assert client.get(f"/t/{tenant.slug}/").status_code == 200
    with scopes_disabled():
        assert not ApiToken.objects.filter(membership=rep).exists()
        assert Membership.objects.get(pk=rep.pk).is_active
