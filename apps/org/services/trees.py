"""Writes to the organisation: tree moves keep their closure tables exact, in the same transaction."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from apps.tenancy.audit import audit_log
from apps.tenancy.models import Membership, Tenant

from ..models import Region, Team

# (closure table, node table, parent column) per tree. The rebuild is one recursive statement per
# tenant: trees here have hundreds of nodes, so recomputing beats patching and cannot drift.
_TREES = {
    "team": ("org_teamclosure", "org_team", "parent_id"),
    "region": ("org_regionclosure", "org_region", "parent_id"),
    "reporting": ("org_reportingclosure", "tenancy_membership", "reports_to_id"),
}


def closure_rebuild(*, tenant_id: int, tree: str) -> None:
    closure, nodes, parent = _TREES[tree]
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {closure} WHERE tenant_id = %s", [tenant_id])
        cur.execute(
            f"""
            WITH RECURSIVE walk(ancestor_id, descendant_id, depth) AS (
                SELECT id, id, 0 FROM {nodes} WHERE tenant_id = %s
              UNION ALL
                SELECT w.ancestor_id, n.id, w.depth + 1
                FROM walk w JOIN {nodes} n ON n.{parent} = w.descendant_id AND n.tenant_id = %s
                WHERE w.depth < 50
            )
            INSERT INTO {closure} (tenant_id, ancestor_id, descendant_id, depth, created_at, updated_at)
            SELECT %s, ancestor_id, descendant_id, depth, now(), now() FROM walk
            """,
            [tenant_id, tenant_id, tenant_id],
        )


def closure_rebuild_all(*, tenant_id: int) -> None:
    for tree in _TREES:
        closure_rebuild(tenant_id=tenant_id, tree=tree)


def refuse_cycle(model, node_id: int | None, new_parent_id: int | None, parent_field: str) -> None:
    """A node may not move under itself or one of its descendants."""
    seen = set()
    current = new_parent_id
    while current is not None:
        if current == node_id or current in seen:
            raise ValidationError({parent_field: _("This would make a loop in the hierarchy.")})
        seen.add(current)
        current = model.objects.filter(pk=current).values_list(parent_field + "_id", flat=True).first()


@transaction.atomic
def team_save(*, tenant: Tenant, by: Membership | None, team: Team | None = None, **fields) -> Team:
    team = team or Team(tenant=tenant)
    parent = fields.get("parent", team.parent)
    refuse_cycle(Team, team.pk, parent.pk if parent else None, "parent")
    created = team.pk is None
    for name, value in fields.items():
        setattr(team, name, value)
    team.full_clean(exclude=["tenant"])
    team.save()
    closure_rebuild(tenant_id=tenant.pk, tree="team")
    audit_log(team, "org.team.created" if created else "org.team.updated", actor=by)
    return team


@transaction.atomic
def region_save(*, tenant: Tenant, by: Membership | None, region: Region | None = None, **fields) -> Region:
    region = region or Region(tenant=tenant)
    parent = fields.get("parent", region.parent)
    refuse_cycle(Region, region.pk, parent.pk if parent else None, "parent")
    created = region.pk is None
    for name, value in fields.items():
        setattr(region, name, value)
    region.full_clean(exclude=["tenant"])
    region.save()
    closure_rebuild(tenant_id=tenant.pk, tree="region")
    audit_log(region, "org.region.created" if created else "org.region.updated", actor=by)
    return region


@transaction.atomic
def membership_set_manager(
    *, member: Membership, reports_to: Membership | None, by: Membership | None
) -> Membership:
    if reports_to is not None and reports_to.tenant_id != member.tenant_id:
        raise ValidationError({"reports_to": _("The manager must belong to the same organisation.")})
    seen, current = set(), reports_to
    while current is not None:
        if current.pk == member.pk or current.pk in seen:
            raise ValidationError({"reports_to": _("This would make a loop in the reporting line.")})
        seen.add(current.pk)
        current = current.reports_to
    old = member.reports_to_id
    member.reports_to = reports_to
    member.save(update_fields=["reports_to", "updated_at"])
    closure_rebuild(tenant_id=member.tenant_id, tree="reporting")
    audit_log(
        member, "org.membership.reports_to", actor=by, changes={"reports_to": [old, member.reports_to_id]}
    )
    return member
