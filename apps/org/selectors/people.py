"""Who may manage whom, and the people list of the people pages.

An administrator manages everyone in the organisation. A sales manager manages the people of their
own line, and only where the organisation allows it (`Tenant.managers_manage_people`): the people
below them in the reporting line (not themself), whom they may place in their own team or a team
below it (or below a team they lead), report to themself or someone of their line, and give the
role of account manager or sales manager — never administrator, nor viewer (a viewer reads the
whole organisation, which would reach beyond the manager's own line).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from apps.tenancy.models import AuditLog, Membership, Role, Tenant

from ..models import ReportingClosure, Team, TeamClosure

MANAGER_ROLES = (Role.MANAGER, Role.REP)


def managers_may_manage(tenant: Tenant) -> bool:
    return tenant.managers_manage_people


def may_manage_people(viewer: Membership) -> bool:
    """May open the people pages and invite: an admin, or a manager where the organisation allows."""
    if viewer.role == Role.ADMIN:
        return True
    return viewer.role == Role.MANAGER and managers_may_manage(viewer.tenant)


@dataclass
class PeopleRights:
    """What one viewer may do to people; built once per request (three small queries for a manager)."""

    viewer: Membership
    everyone: bool = False
    line_ids: set[int] = field(default_factory=set)  # people below the viewer (depth > 0)
    team_ids: set[int] = field(default_factory=set)  # teams the viewer may place people in
    roles: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return self.everyone or bool(self.roles)

    def may_manage(self, member: Membership) -> bool:
        if member.tenant_id != self.viewer.tenant_id:
            return False
        if self.everyone:
            return True
        return member.pk in self.line_ids and member.role in MANAGER_ROLES

    def may_place_in(self, team: Team | None) -> bool:
        return team is None or self.everyone or team.pk in self.team_ids

    def may_report_to(self, member: Membership | None) -> bool:
        """May name `member` as someone's manager: anyone for an admin; for a manager, themself or
        a person of their line (so the person stays in the line)."""
        if member is None:
            return self.everyone
        return self.everyone or member.pk == self.viewer.pk or member.pk in self.line_ids

    def may_give_role(self, role: str) -> bool:
        return role in self.roles


def people_rights(viewer: Membership) -> PeopleRights:
    if viewer.role == Role.ADMIN:
        return PeopleRights(viewer=viewer, everyone=True, roles=tuple(Role.values))
    if not may_manage_people(viewer):
        return PeopleRights(viewer=viewer)
    line = set(
        ReportingClosure.objects.filter(
            tenant_id=viewer.tenant_id, ancestor_id=viewer.pk, depth__gt=0
        ).values_list("descendant_id", flat=True)
    )
    roots = Team.objects.filter(tenant_id=viewer.tenant_id).filter(
        Q(lead_id=viewer.pk) | Q(pk=viewer.team_id or 0)
    )
    teams = set(
        TeamClosure.objects.filter(tenant_id=viewer.tenant_id, ancestor__in=roots).values_list(
            "descendant_id", flat=True
        )
    )
    return PeopleRights(viewer=viewer, line_ids=line, team_ids=teams, roles=MANAGER_ROLES)


def manageable_people(rights: PeopleRights) -> QuerySet[Membership]:
    """The memberships (active or not) the viewer may manage, for lists and lookups by id."""
    qs = Membership.objects.filter(tenant_id=rights.viewer.tenant_id)
    if rights.everyone:
        return qs
    if not rights.roles:
        return qs.none()
    return qs.filter(pk__in=rights.line_ids, role__in=MANAGER_ROLES)


STATUS_FILTERS = {"active": Q(is_active=True), "deactivated": Q(is_active=False), "all": Q()}


def people_list(
    *,
    rights: PeopleRights,
    q: str = "",
    role: str = "",
    team: Team | None = None,
    status: str = "active",
) -> QuerySet[Membership]:
    """The people page: who the viewer manages, filtered and searched, with what a row shows."""
    qs = manageable_people(rights).select_related("user", "team", "reports_to__user")
    qs = qs.filter(STATUS_FILTERS.get(status, STATUS_FILTERS["active"]))
    if role:
        qs = qs.filter(role=role)
    if team is not None:
        qs = qs.filter(team_id__in=TeamClosure.objects.filter(ancestor=team).values("descendant_id"))
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(display_name__icontains=q)
            | Q(user__username__icontains=q)
            | Q(user__first_name__icontains=q)
            | Q(user__last_name__icontains=q)
            | Q(user__email__icontains=q)
            | Q(employee_no__icontains=q)
        )
    return qs.order_by("-is_active", "display_name", "user__first_name", "user__username", "id")


def team_choices(rights: PeopleRights) -> QuerySet[Team]:
    qs = Team.objects.filter(tenant_id=rights.viewer.tenant_id)
    if not rights.everyone:
        qs = qs.filter(pk__in=rights.team_ids)
    return qs.order_by("name")


def manager_choices(rights: PeopleRights, *, exclude: Membership | None = None) -> QuerySet[Membership]:
    """Whom a person may report to, as the viewer may set it: active people, never a rep or viewer
    (they manage nobody), never the person themself or someone below them (a loop)."""
    qs = Membership.objects.filter(
        tenant_id=rights.viewer.tenant_id, is_active=True, role__in=(Role.ADMIN, Role.MANAGER)
    ).select_related("user")
    if not rights.everyone:
        qs = qs.filter(Q(pk=rights.viewer.pk) | Q(pk__in=rights.line_ids))
    if exclude is not None and exclude.pk:
        qs = qs.exclude(
            pk__in=ReportingClosure.objects.filter(
                tenant_id=exclude.tenant_id, ancestor_id=exclude.pk
            ).values("descendant_id")
        )
    return qs.order_by("display_name", "user__first_name", "user__username")


def handover_recipients(rights: PeopleRights, *, source: Membership) -> QuerySet[Membership]:
    """Who may receive a person's customers and plans: active account managers and sales managers
    the viewer manages (a manager: of their line, or themself), never the person themself."""
    qs = Membership.objects.filter(
        tenant_id=rights.viewer.tenant_id, is_active=True, role__in=(Role.ADMIN, Role.MANAGER, Role.REP)
    ).select_related("user")
    if not rights.everyone:
        qs = qs.filter(Q(pk=rights.viewer.pk) | Q(pk__in=rights.line_ids))
    return qs.exclude(pk=source.pk).order_by("display_name", "user__first_name", "user__username")


def direct_reports(member: Membership) -> QuerySet[Membership]:
    return Membership.objects.filter(
        tenant_id=member.tenant_id, reports_to_id=member.pk, is_active=True
    ).select_related("user")


def active_admin_count(tenant_id: int) -> int:
    return Membership.objects.filter(tenant_id=tenant_id, role=Role.ADMIN, is_active=True).count()


def employee_no_taken(*, tenant_id: int, employee_no: str, exclude_pk: int | None = None) -> bool:
    if not employee_no:
        return False
    qs = Membership.objects.filter(tenant_id=tenant_id, employee_no__iexact=employee_no)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def member_history(member: Membership, *, limit: int = 30) -> QuerySet[AuditLog]:
    """What was changed about a person and by whom, newest first (the person page's history)."""
    return (
        AuditLog.objects.filter(
            tenant_id=member.tenant_id, object_type=Membership._meta.label_lower, object_id=member.pk
        )
        .select_related("actor__user")
        .order_by("-id")[:limit]
    )
