"""Reads for the breakdown page: into what a target may be broken down, and the children of each."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from apps.org.models import Team, TeamClosure
from apps.tenancy.dates import period_end, period_shift
from apps.tenancy.models import Membership, Role

from ..models import Target

BREAKDOWNS = {
    "quarters": _("Quarters"),
    "months": _("Months"),
    "reps": _("Account managers of the team"),
    "teams": _("Teams"),
}


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
    return []


def period_label(grain: str, start: dt.date) -> str:
    """2026, 2026 Q2, 2026-05 or the week's first day."""
    if grain == "year":
        return f"{start.year}"
    if grain == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    if grain == "month":
        return f"{start:%Y-%m}"
    return f"{start:%Y-%m-%d}"
