"""Invitations as a viewer may see them, and what an invitation link leads to."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.tenancy.models import Membership, Tenant

from ..models import Invitation
from ..tokens import LinkToken
from .people import PeopleRights


def invitation_list(*, rights: PeopleRights, status: str = "") -> QuerySet[Invitation]:
    """An admin sees every invitation of the organisation; a manager who may manage people those
    they sent and those into their own line; anyone else none. `status` filters by the status a
    reader sees (a pending invitation past its expiry is expired)."""
    viewer = rights.viewer
    qs = Invitation.objects.filter(tenant_id=viewer.tenant_id).select_related(
        "team", "reports_to__user", "invited_by__user", "accepted_by__user"
    )
    if not rights.any:
        return qs.none()
    if not rights.everyone:
        qs = qs.filter(
            Q(invited_by_id=viewer.pk) | Q(reports_to_id=viewer.pk) | Q(reports_to_id__in=rights.line_ids)
        )
    now = timezone.now()
    if status == Invitation.Status.PENDING:
        qs = qs.filter(status=Invitation.Status.PENDING, expires_at__gt=now)
    elif status == Invitation.Status.EXPIRED:
        qs = qs.filter(
            Q(status=Invitation.Status.EXPIRED) | Q(status=Invitation.Status.PENDING, expires_at__lte=now)
        )
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def pending_invitation_count(*, rights: PeopleRights) -> int:
    return invitation_list(rights=rights, status=Invitation.Status.PENDING).count()


class LinkProblem(enum.Enum):
    INVALID = "invalid"  # forged, altered, or naming nothing we know
    REPLACED = "replaced"  # a newer link was sent for this invitation
    REVOKED = "revoked"
    USED = "used"
    EXPIRED = "expired"


@dataclass
class LinkState:
    invitation: Invitation | None
    problem: LinkProblem | None

    @property
    def usable(self) -> bool:
        return self.problem is None


def invitation_for_link(*, tenant: Tenant, token: LinkToken) -> LinkState:
    """The invitation a link names, looked up in the organisation the link was signed for only (the
    caller has entered that tenant), and why it can no longer be used, if so."""
    invitation = (
        Invitation.objects.filter(tenant=tenant, pk=token.invitation_id)
        .select_related("tenant", "team", "reports_to__user", "invited_by__user")
        .first()
    )
    if invitation is None:
        return LinkState(None, LinkProblem.INVALID)
    if invitation.token_hash != token.digest:
        # The old link of a resent invitation, or a used one: say which without revealing more.
        if invitation.status == Invitation.Status.PENDING:
            return LinkState(invitation, LinkProblem.REPLACED)
        return LinkState(invitation, LinkProblem.INVALID)
    if invitation.status == Invitation.Status.REVOKED:
        return LinkState(invitation, LinkProblem.REVOKED)
    if invitation.status == Invitation.Status.ACCEPTED:
        return LinkState(invitation, LinkProblem.USED)
    if invitation.is_expired:
        return LinkState(invitation, LinkProblem.EXPIRED)
    return LinkState(invitation, None)


def account_exists(email: str) -> bool:
    """Someone signs in with this address already (as their username or their e-mail)."""
    users = get_user_model().objects
    return users.filter(username__iexact=email).exists() or users.filter(email__iexact=email).exists()


def membership_refusal(*, tenant: Tenant, user: User) -> str | None:
    """Why this user cannot join the organisation by invitation, if they cannot: they belong to it."""
    existing = Membership.objects.filter(tenant=tenant, user=user).first()
    if existing is None:
        return None
    if existing.is_active:
        return _("You are a member of %(org)s already.") % {"org": tenant.name}
    return _("Your membership of %(org)s was deactivated; ask its administrator to reactivate it.") % {
        "org": tenant.name
    }
