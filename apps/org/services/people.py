"""Writes to the organisation's people: role, team, reporting line, employee number; deactivation.

Every change is checked against what the caller may do (apps.org.selectors.people), refused with a
reason on the field it concerns, and audited with its diff in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.tenancy.audit import audit_log, diff
from apps.tenancy.models import ApiToken, Membership, Role

from ..models import Team
from ..selectors.people import (
    PeopleRights,
    active_admin_count,
    direct_reports,
    employee_no_taken,
    people_rights,
)
from .trees import closure_rebuild, would_loop

MEMBER_FIELDS = ("role", "team", "reports_to", "employee_no")


def ensure_may_manage(rights: PeopleRights, member: Membership) -> None:
    if not rights.any:
        raise PermissionDenied(_("You may not manage people in this organisation."))
    if not rights.may_manage(member):
        raise PermissionDenied(_("You may only manage the people of your own line."))


def check_placement(
    rights: PeopleRights,
    *,
    tenant_id: int,
    role: str | None = None,
    team: Team | None = None,
    reports_to: Membership | None = None,
    employee_no: str | None = None,
    member: Membership | None = None,
    check_reports_to: bool = True,
) -> None:
    """Role, team, manager and employee number as the caller may set them (for an invitation or a
    change), each refusal on its own field."""
    errors: dict[str, str] = {}
    if role is not None:
        if role not in Role.values:
            errors["role"] = _("Unknown role.")
        elif not rights.may_give_role(role):
            errors["role"] = _("You may not give this role.")
    if team is not None:
        if team.tenant_id != tenant_id:
            errors["team"] = _("Unknown team.")
        elif not rights.may_place_in(team):
            errors["team"] = _("You may only place people in your own team or a team below it.")
    if check_reports_to:
        if reports_to is not None and (reports_to.tenant_id != tenant_id or not reports_to.is_active):
            errors["reports_to"] = _("Unknown member.")
        elif reports_to is not None and reports_to.role not in (Role.ADMIN, Role.MANAGER):
            errors["reports_to"] = _("People report to a sales manager or an administrator.")
        elif not rights.may_report_to(reports_to):
            errors["reports_to"] = _("People you manage report to you or someone of your line.")
        elif (
            member is not None
            and reports_to is not None
            and would_loop(
                tree="reporting", tenant_id=tenant_id, node_id=member.pk, new_parent_id=reports_to.pk
            )
        ):
            errors["reports_to"] = _(
                "%(manager)s reports to %(member)s already: this would make a loop in the reporting line."
            ) % {"manager": reports_to.name, "member": member.name}
    if employee_no and employee_no_taken(
        tenant_id=tenant_id, employee_no=employee_no, exclude_pk=member.pk if member else None
    ):
        errors["employee_no"] = _("Another person of this organisation has this employee number.")
    if errors:
        raise ValidationError(errors)


def _check_role_change(*, member: Membership, by: Membership | None, role: str) -> None:
    if role == member.role:
        return
    if by is not None and by.pk == member.pk:
        raise ValidationError({"role": _("You cannot change your own role.")})
    if member.role == Role.ADMIN and member.is_active and active_admin_count(member.tenant_id) <= 1:
        raise ValidationError({"role": _("The organisation needs at least one active administrator.")})
    if role in (Role.REP, Role.VIEWER):
        reports = direct_reports(member).count()
        if reports:
            raise ValidationError(
                {
                    "role": _(
                        "%(count)d people report to %(name)s; give them another manager before changing the role."
                    )
                    % {"count": reports, "name": member.name}
                }
            )


def _lock(member: Membership) -> Membership:
    """The member's row, locked for the change (two admins editing one person serialise here)."""
    return Membership.objects.select_for_update().select_related("user", "tenant").get(pk=member.pk)


@transaction.atomic
def membership_update(*, member: Membership, by: Membership | None, **data: Any) -> Membership:
    """Change a person's role, team, manager or employee number (only the fields given)."""
    data = {k: v for k, v in data.items() if k in MEMBER_FIELDS}
    if "employee_no" in data:
        data["employee_no"] = (data["employee_no"] or "").strip()
    member = _lock(member)
    rights = (
        people_rights(by)
        if by is not None
        else PeopleRights(viewer=member, everyone=True, roles=tuple(Role.values))
    )
    ensure_may_manage(rights, member)
    changes = diff(member, data)
    if not changes:
        return member
    if "role" in changes:
        _check_role_change(member=member, by=by, role=data["role"])
    check_placement(
        rights,
        tenant_id=member.tenant_id,
        role=data["role"] if "role" in changes else None,
        team=data.get("team") if "team" in changes else None,
        reports_to=data.get("reports_to"),
        employee_no=data.get("employee_no") if "employee_no" in changes else None,
        member=member,
        check_reports_to="reports_to" in changes,
    )
    fields = [f for f in data if f in changes]
    for name in fields:
        setattr(member, name, data[name])
    member.save(update_fields=[*fields, "updated_at"])
    if "reports_to" in changes:
        closure_rebuild(tenant_id=member.tenant_id, tree="reporting")
    audit_log(member, "org.membership.updated", actor=by, changes=changes)
    return member


@transaction.atomic
def membership_deactivate(*, member: Membership, by: Membership) -> Membership:
    """The person leaves the organisation: they can no longer sign in to it, their API tokens are
    revoked, and the people who reported to them now report to their manager. Their history
    (orders, visits, reports, appraisals) stays as it was, credited to them."""
    member = _lock(member)
    rights = people_rights(by)
    ensure_may_manage(rights, member)
    if member.pk == by.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if not member.is_active:
        raise ValidationError(_("%(name)s is deactivated already.") % {"name": member.name})
    if member.role == Role.ADMIN and active_admin_count(member.tenant_id) <= 1:
        raise ValidationError(_("The organisation needs at least one active administrator."))
    reports = list(direct_reports(member).values_list("pk", flat=True))
    if reports:
        Membership.objects.filter(pk__in=reports).update(reports_to_id=member.reports_to_id)
        closure_rebuild(tenant_id=member.tenant_id, tree="reporting")
    tokens, _kinds = ApiToken.objects.filter(membership=member).delete()
    member.is_active = False
    member.save(update_fields=["is_active", "updated_at"])
    audit_log(
        member,
        "org.membership.deactivated",
        actor=by,
        changes={
            "is_active": ["True", "False"],
            "api_tokens_revoked": tokens,
            "reports_moved_to": [member.reports_to_id, reports] if reports else None,
        },
    )
    return member


@transaction.atomic
def membership_reactivate(*, member: Membership, by: Membership) -> Membership:
    """A deactivated person returns with the role, team and manager they had (API tokens are not
    restored: they issue new ones)."""
    member = _lock(member)
    rights = people_rights(by)
    ensure_may_manage(rights, member)
    if member.is_active:
        raise ValidationError(_("%(name)s is active already.") % {"name": member.name})
    member.is_active = True
    member.save(update_fields=["is_active", "updated_at"])
    audit_log(member, "org.membership.reactivated", actor=by, changes={"is_active": ["False", "True"]})
    return member
