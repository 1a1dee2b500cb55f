"""Who may see whom: the one helper every list uses to restrict rows to the viewer."""

from django.db.models import QuerySet

from apps.tenancy.models import Membership, Role

from ..models import ReportingClosure, TeamClosure


def sees_everyone(viewer: Membership) -> bool:
    return viewer.role in (Role.ADMIN, Role.VIEWER)


def visible_member_ids(viewer: Membership) -> QuerySet | list[int] | None:
    """The membership ids whose records the viewer may see; None means the whole tenant.

    rep: own; manager: own reporting subtree (themself included); admin and viewer: all.
    """
    if sees_everyone(viewer):
        return None
    if viewer.role == Role.MANAGER:
        return ReportingClosure.objects.filter(tenant_id=viewer.tenant_id, ancestor_id=viewer.pk).values(
            "descendant_id"
        )
    return [viewer.pk]


def restrict_to_viewer(qs: QuerySet, viewer: Membership, member_field: str) -> QuerySet:
    """Keep the rows whose `member_field` (a Membership FK) is someone the viewer may see."""
    ids = visible_member_ids(viewer)
    if ids is None:
        return qs
    return qs.filter(**{f"{member_field}__in": ids})


def can_see_member(viewer: Membership, member_id: int | None) -> bool:
    if member_id is None:
        return sees_everyone(viewer)
    ids = visible_member_ids(viewer)
    if ids is None:
        return True
    if isinstance(ids, list):
        return member_id in ids
    return ids.filter(descendant_id=member_id).exists()


def supervises(viewer: Membership, member_id: int) -> bool:
    """May approve or sign off the member's work: an admin, or a manager above them (not themself)."""
    if viewer.role == Role.ADMIN:
        return True
    if viewer.role != Role.MANAGER:
        return False
    return ReportingClosure.objects.filter(
        tenant_id=viewer.tenant_id, ancestor_id=viewer.pk, descendant_id=member_id, depth__gt=0
    ).exists()


def team_subtree_ids(*, tenant_id: int, team_id: int) -> QuerySet:
    return TeamClosure.objects.filter(tenant_id=tenant_id, ancestor_id=team_id).values("descendant_id")


def member_list(*, tenant, viewer: Membership, include_inactive: bool = False) -> QuerySet[Membership]:
    """The members the viewer may see; deactivated ones only when asked (the people API)."""
    qs = Membership.objects.filter(tenant=tenant).select_related("user", "team", "reports_to__user")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    ids = visible_member_ids(viewer)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.order_by("id")
