"""Writes to the organisation: tree moves keep their closure tables exact, in the same transaction."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from apps.tenancy.audit import audit_log
from apps.tenancy.models import Membership, Tenant

from ..models import Region, RegionClosure, ReportingClosure, Team, TeamClosure

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


_CLOSURES: dict[str, Any] = {"team": TeamClosure, "region": RegionClosure, "reporting": ReportingClosure}


def would_loop(*, tree: str, tenant_id: int, node_id: int | None, new_parent_id: int | None) -> bool:
    """Putting `node_id` under `new_parent_id` would close a loop: the new parent is the node itself
    or below it. One probe of the closure table (which holds each node's depth-0 row to itself)."""
    if node_id is None or new_parent_id is None:
        return False
    return (
        _CLOSURES[tree]
        .objects.filter(tenant_id=tenant_id, ancestor_id=node_id, descendant_id=new_parent_id)
        .exists()
    )


def refuse_cycle(node: Team | Region | Membership, new_parent_id: int | None, parent_field: str) -> None:
    """A team, region or person (the admin's forms) may not move under itself or one of its descendants."""
    tree = "team" if isinstance(node, Team) else "region" if isinstance(node, Region) else "reporting"
    if would_loop(tree=tree, tenant_id=node.tenant_id, node_id=node.pk, new_parent_id=new_parent_id):
        raise ValidationError({parent_field: _("This would make a loop in the hierarchy.")})


def _node_save(model, tree: str, *, tenant: Tenant, by: Membership | None, node, fields: dict):
    """Create or change a node of the team or region tree, refusing loops; the closure follows."""
    node = node or model(tenant=tenant)
    parent = fields.get("parent", node.parent)
    refuse_cycle(node, parent.pk if parent else None, "parent")
    created = node.pk is None
    for name, value in fields.items():
        setattr(node, name, value)
    node.full_clean(exclude=["tenant"])
    node.save()
    closure_rebuild(tenant_id=tenant.pk, tree=tree)
    audit_log(node, f"org.{tree}.created" if created else f"org.{tree}.updated", actor=by)
    return node


@transaction.atomic
def team_save(*, tenant: Tenant, by: Membership | None, team: Team | None = None, **fields) -> Team:
    return _node_save(Team, "team", tenant=tenant, by=by, node=team, fields=fields)


@transaction.atomic
def region_save(*, tenant: Tenant, by: Membership | None, region: Region | None = None, **fields) -> Region:
    return _node_save(Region, "region", tenant=tenant, by=by, node=region, fields=fields)


@transaction.atomic
def membership_set_manager(
    *, member: Membership, reports_to: Membership | None, by: Membership | None
) -> Membership:
    if reports_to is not None and reports_to.tenant_id != member.tenant_id:
        raise ValidationError({"reports_to": _("The manager must belong to the same organisation.")})
    if would_loop(
        tree="reporting",
        tenant_id=member.tenant_id,
        node_id=member.pk,
        new_parent_id=reports_to.pk if reports_to else None,
    ):
        raise ValidationError({"reports_to": _("This would make a loop in the reporting line.")})
    old = member.reports_to_id
    member.reports_to = reports_to
    member.save(update_fields=["reports_to", "updated_at"])
    closure_rebuild(tenant_id=member.tenant_id, tree="reporting")
    audit_log(
        member, "org.membership.reports_to", actor=by, changes={"reports_to": [old, member.reports_to_id]}
    )
    return member
