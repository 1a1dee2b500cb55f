"""Reads for the breakdown page: into what a target may be broken down, and the children of each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.customers.models import Customer
from apps.org.models import Region, Team, TeamClosure
from apps.sales.models import Product, ProductCategory
from apps.tenancy.dates import period_end, period_shift
from apps.tenancy.models import Membership, Role

from ..models import Target
from .metrics import metric_catalogue

BREAKDOWNS = {
    "quarters": _("Quarters"),
    "months": _("Months"),
    "reps": _("Account managers of the team"),
    "teams": _("Teams"),
    "categories": _("Product categories"),
    "products": _("Products"),
    "regions": _("Regions"),
    "customers": _("Key accounts"),
}
# A split into dimension rows (the target's value by category, product, region or key account):
# split name -> the target dimension its children carry.
DIMENSION_SPLITS = {
    "categories": "category",
    "products": "product",
    "regions": "region",
    "customers": "customer",
}
# A breakdown page lists one editable value per child; past this many a split is refused.
MAX_CHILDREN = 200


def breakdown_splits(*, parent: Target) -> list[str]:
    """How a target may be broken down on the page: into the sub-periods of its period, a team's
    account managers (its subtree's), the sub-teams of a team, or an organisation's top teams."""
    splits = []
    if parent.grain == "year":
        splits.append("quarters")
    if parent.grain in ("year", "quarter"):
        splits.append("months")
    if parent.owner_kind == Target.OwnerKind.TEAM:
        splits.append("reps")
    if parent.owner_kind in (Target.OwnerKind.TEAM, Target.OwnerKind.TENANT):
        splits.append("teams")
    if not parent.dimension:  # a target already on one product (region…) is not split by another
        metric = next((m for m in metric_catalogue(tenant=parent.tenant) if m["code"] == parent.metric), None)
        supported = metric["dimensions"] if metric else []
        splits += [split for split, dimension in DIMENSION_SPLITS.items() if dimension in supported]
    return splits


def breakdown_children(*, parent: Target, split: str) -> list[tuple[str, dict]]:
    """(label, child fields for target_decompose) per child of the split, in a stable order; one query
    for reps or teams, none for sub-periods."""
    if split in ("quarters", "months"):
        grain = split[:-1]
        out, start, end = [], parent.period_start, period_end(parent.period_start, parent.grain)
        while start <= end:
            out.append((period_label(grain, start), {"grain": grain, "period_start": start}))
            start = period_shift(start, grain, 1)
        return out
    if split == "reps" and parent.team_id:
        reps = (
            Membership.objects.filter(
                tenant_id=parent.tenant_id,
                role=Role.REP,
                is_active=True,
                team__in=TeamClosure.objects.filter(
                    tenant_id=parent.tenant_id, ancestor_id=parent.team_id
                ).values("descendant_id"),
            )
            .select_related("user")
            .order_by("display_name", "id")
        )
        return [(m.name, {"rep": m}) for m in reps]
    if split == "teams":
        teams = Team.objects.filter(tenant_id=parent.tenant_id)
        teams = (
            teams.filter(parent_id=parent.team_id) if parent.team_id else teams.filter(parent__isnull=True)
        )
        return [(t.name, {"team": t}) for t in teams.order_by("name", "id")]
    if split in DIMENSION_SPLITS and not parent.dimension:
        return _dimension_children(parent=parent, dimension=DIMENSION_SPLITS[split])
    return []


def _dimension_children(*, parent: Target, dimension: str) -> list[tuple[str, dict]]:
    """The rows of one dimension a target's value can be split over, one query, at most MAX_CHILDREN + 1
    (so the page can tell "too many"): the tenant's categories, its active products, its top regions,
    or the key accounts of the target's owner (a rep's own, a team's members', or all)."""
    tenant_id = parent.tenant_id
    rows: QuerySet[Any]
    if dimension == "category":
        rows = ProductCategory.objects.filter(tenant_id=tenant_id).order_by("name", "id")
    elif dimension == "product":
        rows = Product.objects.filter(tenant_id=tenant_id, is_active=True).order_by("name", "id")
    elif dimension == "region":
        rows = Region.objects.filter(tenant_id=tenant_id, parent__isnull=True).order_by("name", "id")
    else:
        rows = Customer.objects.filter(tenant_id=tenant_id, is_key_account=True).order_by("name", "id")
        if parent.owner_kind == Target.OwnerKind.REP:
            rows = rows.filter(owner_id=parent.rep_id)
        elif parent.owner_kind == Target.OwnerKind.TEAM:
            subtree = TeamClosure.objects.filter(tenant_id=tenant_id, ancestor_id=parent.team_id)
            rows = rows.filter(owner__team__in=subtree.values("descendant_id"))
    return [(row.name, {dimension: row}) for row in rows[: MAX_CHILDREN + 1]]


def period_label(grain: str, start: dt.date) -> str:
    """2026, 2026 Q2, 2026-05 or the week's first day."""
    if grain == "year":
        return f"{start.year}"
    if grain == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    if grain == "month":
        return f"{start:%Y-%m}"
    return f"{start:%Y-%m-%d}"
