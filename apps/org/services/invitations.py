"""Invitations: inviting a person by mail, resending, revoking, and accepting the link.

The mail goes through the outbox like every other mail (written in this transaction, sent after it
commits), in the organisation's default language. Limits: one open invitation per address and
organisation (a second one is a resend), at most MAX_SENDS mails per invitation, and at most the
`invitation_send` rate of mails per organisation (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]).
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.tenancy.audit import audit_log
from apps.tenancy.models import Membership, OutboxMail, Role, Tenant
from apps.tenancy.notifications import enqueue_mails_on_commit
from apps.tenancy.throttling import hit

from ..models import Invitation, Team
from ..selectors.invitations import account_exists, invitation_list, membership_refusal
from ..selectors.people import PeopleRights, people_rights
from ..tokens import link_token, new_nonce
from .people import check_placement
from .trees import closure_rebuild

MAX_SENDS = 5
SEND_RATE_SCOPE = "invitation_send"


def invitation_valid_days() -> int:
    return int(getattr(settings, "INVITATION_VALID_DAYS", 7))


def _rights(tenant: Tenant, by: Membership | None) -> PeopleRights:
    """An operator command (by=None) may do what an administrator may."""
    if by is None:
        viewer = Membership(tenant=tenant, role=Role.ADMIN)
        return PeopleRights(viewer=viewer, everyone=True, roles=tuple(Role.values))
    if by.tenant_id != tenant.pk:
        raise PermissionDenied(_("You may not manage people in this organisation."))
    rights = people_rights(by)
    if not rights.any:
        raise PermissionDenied(_("You may not invite people to this organisation."))
    return rights


def _throttle(tenant: Tenant) -> None:
    wait = hit(SEND_RATE_SCOPE, f"tenant:{tenant.pk}")
    if wait is not None:
        raise ValidationError(
            _(
                "Too many invitations were sent from this organisation just now; try again in %(minutes)d minutes."
            )
            % {"minutes": max(1, math.ceil(wait / 60))}
        )


def _expire_stale(tenant: Tenant, email: str | None = None) -> int:
    """Mark pending invitations past their expiry as expired (all of the tenant's, or one address's)."""
    qs = Invitation.objects.filter(
        tenant=tenant, status=Invitation.Status.PENDING, expires_at__lte=timezone.now()
    )
    if email is not None:
        qs = qs.filter(email__iexact=email)
    return qs.update(status=Invitation.Status.EXPIRED, updated_at=timezone.now())


def invitations_expire(*, tenant: Tenant) -> int:
    """The daily job: pending invitations past their expiry become expired (readers already show
    them so; this keeps the stored status and the one-pending-per-address rule honest)."""
    return _expire_stale(tenant)


def _send(invitation: Invitation, nonce: str) -> str:
    """Queue the invitation mail in the organisation's language; returns the accept URL."""
    tenant = invitation.tenant
    path = reverse(
        "invitation-accept",
        kwargs={"token": link_token(tenant_id=tenant.pk, invitation_id=invitation.pk, nonce=nonce)},
    )
    url = settings.SITE_URL.rstrip("/") + path
    inviter = invitation.invited_by.name if invitation.invited_by else tenant.name
    with translation.override(tenant.default_language), timezone.override(tenant.tzinfo):
        subject = _("Invitation to join %(org)s") % {"org": tenant.name}
        body = _(
            "%(inviter)s invites you to join %(org)s as %(role)s.\n\n"
            "Open this link to accept; it works once, until %(expires)s:\n\n%(url)s\n\n"
            "If you did not expect this invitation, ignore this mail."
        ) % {
            "inviter": inviter,
            "org": tenant.name,
            "role": Role(invitation.role).label,
            "expires": date_format(timezone.localtime(invitation.expires_at), "DATETIME_FORMAT"),
            "url": url,
        }
    mail = OutboxMail.objects.create(
        tenant=tenant,
        to_address=invitation.email,
        subject=subject[:200],
        body=body,
        dedupe_key=f"org.invitation:{invitation.pk}:{invitation.sent_count}",
    )
    enqueue_mails_on_commit([(tenant.pk, mail.pk)])
    return url


@transaction.atomic
def invitation_create(
    *,
    tenant: Tenant,
    by: Membership | None,
    email: str,
    role: str,
    team: Team | None = None,
    reports_to: Membership | None = None,
    employee_no: str = "",
) -> Invitation:
    """Invite a person by mail to join with a role, team, manager and employee number.

    `by=None` is an operator command (it may invite an administrator). A manager who may manage
    people invites into their own line only; their invitee reports to them unless they name someone
    of their line. The returned invitation carries `accept_url`, in memory only (the database keeps
    a hash): for a command to print, or an admin to pass on by hand once. Runs inside the tenant
    (a command enters it with apps.tenancy.context.tenant_context)."""
    rights = _rights(tenant, by)
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")})
    if reports_to is None and by is not None and not rights.everyone:
        reports_to = by
    employee_no = (employee_no or "").strip()
    check_placement(
        rights, tenant_id=tenant.pk, role=role, team=team, reports_to=reports_to, employee_no=employee_no
    )
    existing = (
        Membership.objects.filter(tenant=tenant, user__email__iexact=email).select_related("user").first()
    )
    if existing is not None:
        if existing.is_active:
            raise ValidationError(
                {"email": _("%(email)s is a member of this organisation already.") % {"email": email}}
            )
        raise ValidationError(
            {
                "email": _("%(name)s was deactivated; reactivate them instead of inviting again.")
                % {"name": existing.name}
            }
        )
    _expire_stale(tenant, email)
    if Invitation.objects.filter(
        tenant=tenant, email__iexact=email, status=Invitation.Status.PENDING
    ).exists():
        raise ValidationError(
            {"email": _("%(email)s has an open invitation already; resend it instead.") % {"email": email}}
        )
    if by is not None:
        _throttle(tenant)
    nonce, digest = new_nonce()
    now = timezone.now()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                tenant=tenant,
                email=email,
                role=role,
                team=team,
                reports_to=reports_to,
                employee_no=employee_no,
                token_hash=digest,
                invited_by=by,
                expires_at=now + dt.timedelta(days=invitation_valid_days()),
                last_sent_at=now,
            )
    except IntegrityError:  # a concurrent invitation of the same address won the race
        raise ValidationError(
            {"email": _("%(email)s has an open invitation already; resend it instead.") % {"email": email}}
        )
    invitation.accept_url = _send(invitation, nonce)
    audit_log(
        invitation,
        "org.invitation.created",
        actor=by,
        changes={
            "email": [None, email],
            "role": [None, role],
            "team": [None, str(team) if team else None],
            "reports_to": [None, str(reports_to) if reports_to else None],
            "employee_no": [None, employee_no],
        },
    )
    return invitation


def _lock_invitation(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("tenant", "invited_by__user")
        .get(tenant_id=invitation.tenant_id, pk=invitation.pk)
    )


def _ensure_may_handle(invitation: Invitation, by: Membership | None) -> None:
    rights = _rights(invitation.tenant, by)
    if not invitation_list(rights=rights).filter(pk=invitation.pk).exists():
        raise PermissionDenied(_("You may only handle the invitations of your own line."))


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: Membership | None) -> Invitation:
    """Send a new link (the old one stops working) valid for another full period. `by=None` is an
    operator command (`manage.py invite_admin`)."""
    invitation = _lock_invitation(invitation)
    _ensure_may_handle(invitation, by)
    if invitation.status in (Invitation.Status.ACCEPTED, Invitation.Status.REVOKED):
        raise ValidationError(
            _("This invitation was %(status)s; it cannot be sent again.")
            % {"status": invitation.get_status_display().lower()}
        )
    if invitation.sent_count >= MAX_SENDS:
        raise ValidationError(
            _("This invitation was sent %(count)d times already; revoke it and invite again if needed.")
            % {"count": invitation.sent_count}
        )
    if (
        invitation.status == Invitation.Status.EXPIRED
        and Invitation.objects.filter(
            tenant_id=invitation.tenant_id, email__iexact=invitation.email, status=Invitation.Status.PENDING
        )
        .exclude(pk=invitation.pk)
        .exists()
    ):
        raise ValidationError(_("%(email)s has a newer open invitation.") % {"email": invitation.email})
    if by is not None:
        _throttle(invitation.tenant)
    nonce, digest = new_nonce()
    now = timezone.now()
    old_expiry = invitation.expires_at
    invitation.token_hash = digest
    invitation.status = Invitation.Status.PENDING
    invitation.expires_at = now + dt.timedelta(days=invitation_valid_days())
    invitation.sent_count += 1
    invitation.last_sent_at = now
    invitation.save(
        update_fields=["token_hash", "status", "expires_at", "sent_count", "last_sent_at", "updated_at"]
    )
    invitation.accept_url = _send(invitation, nonce)
    audit_log(
        invitation,
        "org.invitation.resent",
        actor=by,
        changes={
            "sent_count": [invitation.sent_count - 1, invitation.sent_count],
            "expires_at": [old_expiry.isoformat(), invitation.expires_at.isoformat()],
        },
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: Membership) -> Invitation:
    invitation = _lock_invitation(invitation)
    _ensure_may_handle(invitation, by)
    if invitation.status in (Invitation.Status.ACCEPTED, Invitation.Status.REVOKED):
        raise ValidationError(
            _("This invitation was %(status)s already.") % {"status": invitation.get_status_display().lower()}
        )
    old = invitation.status
    invitation.status = Invitation.Status.REVOKED
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = by
    invitation.save(update_fields=["status", "revoked_at", "revoked_by", "updated_at"])
    audit_log(invitation, "org.invitation.revoked", actor=by, changes={"status": [old, invitation.status]})
    return invitation


# ---- accepting a link (the public page; the caller has entered the invitation's tenant) ----------


def _usable(invitation: Invitation) -> Invitation:
    """The invitation, locked, if it can still be accepted; else the reason it cannot."""
    invitation = _lock_invitation(invitation)
    if invitation.status == Invitation.Status.REVOKED:
        raise ValidationError(_("This invitation was withdrawn."))
    if invitation.status == Invitation.Status.ACCEPTED:
        raise ValidationError(_("This invitation was used already."))
    if invitation.is_expired:
        raise ValidationError(_("This invitation has expired."))
    return invitation


def _join(invitation: Invitation, user: User) -> Membership:
    tenant = invitation.tenant
    refusal = membership_refusal(tenant=tenant, user=user)
    if refusal:
        raise ValidationError(refusal)
    reports_to = invitation.reports_to
    if reports_to is not None and not reports_to.is_active:
        reports_to = reports_to.reports_to if reports_to.reports_to_id else None
    try:
        with transaction.atomic():
            member = Membership.objects.create(
                tenant=tenant,
                user=user,
                role=invitation.role,
                team=invitation.team,
                reports_to=reports_to,
                employee_no=invitation.employee_no,
            )
    except IntegrityError:  # joined in another tab a moment ago
        raise ValidationError(_("You are a member of %(org)s already.") % {"org": tenant.name})
    closure_rebuild(tenant_id=tenant.pk, tree="reporting")
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = member
    invitation.save(update_fields=["status", "accepted_at", "accepted_by", "updated_at"])
    audit_log(
        invitation, "org.invitation.accepted", actor=member, changes={"status": ["pending", "accepted"]}
    )
    audit_log(
        member,
        "org.membership.created",
        actor=member,
        changes={"invitation": [None, invitation.pk], "role": [None, member.role]},
    )
    return member


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """A person with an account joins the organisation the invitation is for (and no other)."""
    invitation = _usable(invitation)
    return _join(invitation, user)


@transaction.atomic
def invitation_accept_new_person(*, invitation: Invitation, name: str, password: str) -> Membership:
    """A new person sets their name and password; their sign-in name is the invited address."""
    invitation = _usable(invitation)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter your name.")})
    user_model = get_user_model()
    email = invitation.email.lower()
    if account_exists(email):
        raise ValidationError(_("An account with this e-mail address exists already: sign in to accept."))
    user = user_model(username=email, email=email, first_name=name[:150])
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages})
    user.set_password(password)
    user.save()
    return _join(invitation, user)
