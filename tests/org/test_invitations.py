"""Invitations: who may invite whom, the mail through the outbox, the limits, and accepting a link."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from apps.org import services
from apps.org.models import Invitation, ReportingClosure
from apps.org.selectors import LinkProblem, invitation_for_link, invitation_list, people_rights
from apps.org.tokens import read_link_token
from apps.tenancy.models import AuditLog, Membership, Role
from tests.factories import MembershipFactory, TeamFactory, UserFactory

from .conftest import link_path, reload, update
from .factories import InvitationFactory

pytestmark = pytest.mark.django_db


def invite(tenant, by, email="new.rep@example.com", role=Role.REP, **kwargs):
    with scope(tenant=tenant.pk):
        return services.invitation_create(tenant=tenant, by=by, email=email, role=role, **kwargs)


def token_of(invitation) -> str:
    return link_path(invitation.accept_url).rstrip("/").rsplit("/", 1)[1]


def state_of(tenant, invitation):
    token = read_link_token(token_of(invitation))
    with scope(tenant=tenant.pk):
        return invitation_for_link(tenant=tenant, token=token)


# ---- inviting ------------------------------------------------------------------------------


def test_an_admin_invites_and_the_mail_is_queued_in_the_organisations_language(
    tenant, admin, team, manager, outbox
):
    tenant.default_language = "zh-hans"
    tenant.save(update_fields=["default_language"])
    invitation = invite(tenant, admin, role=Role.REP, team=team, reports_to=manager, employee_no="E-7")
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.invited_by == admin and invitation.team == team and invitation.reports_to == manager
    mails = outbox()
    assert [m.to_address for m in mails] == ["new.rep@example.com"]
    assert "邀请" in mails[0].subject and tenant.name in mails[0].subject
    assert link_path(invitation.accept_url) in mails[0].body
    # Only a hash of the link's random part is stored.
    assert token_of(invitation) not in invitation.token_hash
    with scopes_disabled():
        assert AuditLog.objects.filter(action="org.invitation.created", object_id=invitation.pk).exists()


def test_the_link_expires_after_seven_days_by_default(tenant, admin):
    invitation = invite(tenant, admin)
    assert dt.timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= dt.timedelta(days=7)


def test_a_bad_address_is_a_field_error(tenant, admin):
    with pytest.raises(ValidationError) as err:
        invite(tenant, admin, email="not-an-address")
    assert "email" in err.value.message_dict


def test_a_second_invitation_to_the_same_address_is_refused(tenant, admin):
    invite(tenant, admin, email="Li.Wei@example.com")
    with pytest.raises(ValidationError) as err:
        invite(tenant, admin, email="li.wei@EXAMPLE.com")
    assert "resend" in err.value.message_dict["email"][0]


def test_an_expired_invitation_does_not_block_a_new_one(tenant, admin):
    old = InvitationFactory(
        tenant=tenant, email="back@example.com", expires_at=timezone.now() - dt.timedelta(hours=1)
    )
    invite(tenant, admin, email="back@example.com")
    reload(old)
    assert old.status == Invitation.Status.EXPIRED


def test_inviting_a_member_or_a_deactivated_one_is_refused_with_the_way_out(tenant, admin, rep):
    with pytest.raises(ValidationError) as err:
        invite(tenant, admin, email=rep.user.email)
    assert "member of this organisation already" in err.value.message_dict["email"][0]
    update(rep, is_active=False)
    with pytest.raises(ValidationError) as err:
        invite(tenant, admin, email=rep.user.email)
    assert "reactivate" in err.value.message_dict["email"][0]


def test_a_member_of_another_organisation_may_be_invited(tenant, admin, rival):
    invitation = invite(tenant, admin, email=rival.user.email)
    assert invitation.status == Invitation.Status.PENDING


def test_a_duplicate_employee_number_is_refused(tenant, admin, rep):
    update(rep, employee_no="E-1")
    with pytest.raises(ValidationError) as err:
        invite(tenant, admin, employee_no="e-1")
    assert "employee_no" in err.value.message_dict


def test_a_team_or_manager_of_another_organisation_is_refused(tenant, admin, other_tenant, rival):
    foreign_team = TeamFactory(tenant=other_tenant)
    with pytest.raises(ValidationError) as err:
        invite(tenant, admin, team=foreign_team, reports_to=rival)
    assert set(err.value.message_dict) == {"team", "reports_to"}


def test_a_rep_or_viewer_may_not_invite(tenant, rep, viewer):
    for who in (rep, viewer):
        with pytest.raises(PermissionDenied):
            invite(tenant, who)


def test_a_manager_may_not_invite_unless_the_organisation_allows_it(tenant, manager):
    with pytest.raises(PermissionDenied):
        invite(tenant, manager)


def test_a_managers_invitee_joins_their_line(tenant, manager, team, managers_may_manage):
    invitation = invite(tenant, manager, team=team)
    assert invitation.reports_to == manager


def test_a_manager_may_not_create_admins_or_viewers(tenant, manager, managers_may_manage):
    for role in (Role.ADMIN, Role.VIEWER):
        with pytest.raises(ValidationError) as err:
            invite(tenant, manager, role=role)
        assert "role" in err.value.message_dict


def test_a_manager_invites_into_their_own_line_and_teams_only(
    tenant, manager, admin, outsider_rep, managers_may_manage
):
    other_team = TeamFactory(tenant=tenant, name="West")
    with pytest.raises(ValidationError) as err:
        invite(tenant, manager, team=other_team, reports_to=admin)
    assert set(err.value.message_dict) == {"team", "reports_to"}


def test_a_manager_places_people_in_a_team_below_their_own(tenant, manager, team, managers_may_manage):
    from apps.org.services import team_save

    with scope(tenant=tenant.pk):
        below = team_save(tenant=tenant, by=None, name="East · Shanghai", parent=team)
    assert invite(tenant, manager, team=below).team == below


def test_an_operator_command_may_invite_the_first_admin(tenant):
    invitation = invite(tenant, None, email="founder@example.com", role=Role.ADMIN)
    assert invitation.invited_by is None and invitation.role == Role.ADMIN


def test_an_organisation_cannot_flood_inboxes(tenant, admin, rates):
    rates(invitation_send="2/hour")
    invite(tenant, admin, email="a@example.com")
    invite(tenant, admin, email="b@example.com")
    with pytest.raises(ValidationError) as err:
        invite(tenant, admin, email="c@example.com")
    assert "Too many invitations" in err.value.messages[0]


# ---- resend, revoke, expire ------------------------------------------------------------------


def test_resending_kills_the_old_link_and_sends_a_new_one(tenant, admin, outbox):
    first = invite(tenant, admin)
    with scope(tenant=tenant.pk):
        second = services.invitation_resend(invitation=first, by=admin)
    assert state_of(tenant, first).problem is LinkProblem.REPLACED
    assert state_of(tenant, second).usable
    assert second.sent_count == 2 and len(outbox()) == 2


def test_an_invitation_is_sent_at_most_five_times(tenant, admin):
    invitation = invite(tenant, admin)
    with scope(tenant=tenant.pk):
        for _n in range(4):
            invitation = services.invitation_resend(invitation=invitation, by=admin)
        with pytest.raises(ValidationError):
            services.invitation_resend(invitation=invitation, by=admin)


def test_an_expired_invitation_can_be_resent(tenant, admin):
    invitation = invite(tenant, admin)
    update(invitation, status=Invitation.Status.EXPIRED)
    with scope(tenant=tenant.pk):
        again = services.invitation_resend(invitation=invitation, by=admin)
    assert again.status == Invitation.Status.PENDING and state_of(tenant, again).usable


def test_a_revoked_link_is_dead_and_cannot_be_resent(tenant, admin):
    invitation = invite(tenant, admin)
    with scope(tenant=tenant.pk):
        services.invitation_revoke(invitation=invitation, by=admin)
        with pytest.raises(ValidationError):
            services.invitation_resend(invitation=invitation, by=admin)
        with pytest.raises(ValidationError):
            services.invitation_revoke(invitation=invitation, by=admin)
    assert state_of(tenant, invitation).problem is LinkProblem.REVOKED


def test_a_manager_handles_only_the_invitations_of_their_line(tenant, manager, admin, managers_may_manage):
    own = invite(tenant, manager, email="mine@example.com")
    foreign = invite(tenant, admin, email="theirs@example.com")
    with scope(tenant=tenant.pk):
        assert list(invitation_list(rights=people_rights(manager))) == [own]
        with pytest.raises(PermissionDenied):
            services.invitation_revoke(invitation=foreign, by=manager)
        services.invitation_revoke(invitation=own, by=manager)


def test_the_daily_job_marks_stale_invitations_expired(tenant, admin):
    stale = InvitationFactory(tenant=tenant, expires_at=timezone.now() - dt.timedelta(minutes=1))
    fresh = InvitationFactory(tenant=tenant)
    with scope(tenant=tenant.pk):
        assert services.invitations_expire(tenant=tenant) == 1
    reload(stale)
    reload(fresh)
    assert (stale.status, fresh.status) == (Invitation.Status.EXPIRED, Invitation.Status.PENDING)


def test_the_pending_list_shows_an_overdue_invitation_as_expired(tenant, admin):
    overdue = InvitationFactory(tenant=tenant, expires_at=timezone.now() - dt.timedelta(minutes=1))
    with scope(tenant=tenant.pk):
        rights = people_rights(admin)
        assert not invitation_list(rights=rights, status="pending").exists()
        assert list(invitation_list(rights=rights, status="expired")) == [overdue]
    assert overdue.current_status == "expired"


# ---- the link --------------------------------------------------------------------------------


def test_a_forged_or_altered_link_reads_as_nothing(tenant, admin):
    invitation = invite(tenant, admin)
    token = token_of(invitation)
    assert read_link_token(token) is not None
    assert read_link_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) is None
    assert read_link_token("not-a-token") is None


def test_a_link_expires(tenant, admin):
    invitation = invite(tenant, admin)
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, minutes=1)):
        assert state_of(tenant, invitation).problem is LinkProblem.EXPIRED


def test_a_link_is_looked_up_only_in_the_organisation_it_was_signed_for(tenant, other_tenant, admin, rival):
    ours = invite(tenant, admin)
    theirs = invite(other_tenant, rival, email="someone@example.com")
    token = read_link_token(token_of(ours))
    # Entering the other organisation with our link finds nothing, even for an id that exists there.
    with scope(tenant=other_tenant.pk):
        assert invitation_for_link(tenant=other_tenant, token=token).problem is LinkProblem.INVALID
    assert theirs.pk != ours.pk


# ---- accepting -----------------------------------------------------------------------------------


def test_a_new_person_joins_with_the_invited_role_team_and_manager(tenant, admin, manager, team):
    invitation = invite(tenant, admin, team=team, reports_to=manager, employee_no="E-9")
    with scope(tenant=tenant.pk):
        member = services.invitation_accept_new_person(
            invitation=invitation, name="王小明", password="a-long-pass-phrase-9"
        )
        assert ReportingClosure.objects.filter(ancestor=manager, descendant=member, depth=1).exists()
    assert (member.role, member.team, member.reports_to, member.employee_no) == (
        Role.REP,
        team,
        manager,
        "E-9",
    )
    assert member.user.username == "new.rep@example.com" and member.user.check_password(
        "a-long-pass-phrase-9"
    )
    assert member.name == "王小明"
    reload(invitation)
    assert invitation.status == Invitation.Status.ACCEPTED and invitation.accepted_by_id == member.pk


def test_a_weak_password_is_refused_by_djangos_validators(tenant, admin):
    invitation = invite(tenant, admin)
    with scope(tenant=tenant.pk), pytest.raises(ValidationError) as err:
        services.invitation_accept_new_person(invitation=invitation, name="Li", password="12345678")
    assert "password" in err.value.message_dict
    assert not get_user_model().objects.filter(username="new.rep@example.com").exists()


def test_a_link_works_once(tenant, admin):
    invitation = invite(tenant, admin)
    with scope(tenant=tenant.pk):
        services.invitation_accept_new_person(
            invitation=invitation, name="Li", password="a-long-pass-phrase-9"
        )
        with pytest.raises(ValidationError):
            services.invitation_accept(invitation=invitation, user=UserFactory())
    assert state_of(tenant, invitation).problem is LinkProblem.USED


def test_a_person_with_an_account_joins_a_second_organisation(tenant, admin, rival):
    invitation = invite(tenant, admin, email=rival.user.email)
    with scope(tenant=tenant.pk):
        member = services.invitation_accept(invitation=invitation, user=rival.user)
    with scopes_disabled():
        assert set(Membership.objects.filter(user=rival.user).values_list("tenant__slug", flat=True)) == {
            "acme",
            "rival-co",
        }
    assert member.tenant == tenant


def test_an_existing_member_is_refused_with_the_reason(tenant, admin, rep):
    invitation = invite(tenant, admin, email="other@example.com")
    with scope(tenant=tenant.pk), pytest.raises(ValidationError) as err:
        services.invitation_accept(invitation=invitation, user=rep.user)
    assert "member of Acme already" in err.value.messages[0]
    reload(invitation)
    assert invitation.status == Invitation.Status.PENDING


def test_a_deactivated_member_is_told_to_ask_for_reactivation(tenant, admin, rep):
    update(rep, is_active=False)
    invitation = invite(tenant, admin, email="other@example.com")
    with scope(tenant=tenant.pk), pytest.raises(ValidationError) as err:
        services.invitation_accept(invitation=invitation, user=rep.user)
    assert "reactivate" in err.value.messages[0]


def test_an_invitation_admits_only_to_its_own_organisation(tenant, other_tenant, admin, rival):
    invitation = invite(tenant, admin, email="both@example.com")
    user = UserFactory(username="both", email="both@example.com")
    with scope(tenant=tenant.pk):
        member = services.invitation_accept(invitation=invitation, user=user)
    with scopes_disabled():
        assert list(Membership.objects.filter(user=user).values_list("tenant_id", flat=True)) == [tenant.pk]
    assert member.tenant_id == tenant.pk != other_tenant.pk


def test_a_manager_who_left_meanwhile_is_replaced_by_their_own_manager(tenant, admin, manager):
    invitation = invite(tenant, admin, reports_to=manager)
    update(manager, is_active=False)
    with scope(tenant=tenant.pk):
        member = services.invitation_accept_new_person(
            invitation=invitation, name="Li", password="a-long-pass-phrase-9"
        )
    assert member.reports_to == admin


def test_an_existing_account_cannot_be_created_twice(tenant, admin):
    MembershipFactory(user__username="taken", user__email="new.rep@example.com")
    invitation = invite(tenant, admin)
    with scope(tenant=tenant.pk), pytest.raises(ValidationError) as err:
        services.invitation_accept_new_person(
            invitation=invitation, name="Li", password="a-long-pass-phrase-9"
        )
    assert "sign in" in err.value.messages[0]
