"""Reads of targets: what a viewer may see and set, progress against actuals, breakdown trees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.org.models import ReportingClosure, Team, TeamClosure
from apps.org.selectors import visible_member_ids
from apps.tenancy.dates import period_end, period_shift
from apps.tenancy.models import Membership, Role, Tenant
from apps.tenancy.money import CENT

from ..engine import compute
from ..models import SeasonalProfile, Target
from .metrics import metric_is_additive

OWNER_DIMENSION = {"tenant": "tenant", "team": "team", "rep": "rep"}

DIMENSION_FILTER = {
    "category": "category_ids",
    "product": "product_ids",
    "region": "region_ids",
    "customer": "customer_ids",
}

EDITABLE = (Target.Status.DRAFT, Target.Status.PROPOSED)


# Progress statuses of target_progress, in the order pages list them.
STATUSES = [
    ("on_track", _("On track")),
    ("at_risk", _("At risk")),
    ("off_track", _("Off track")),
    ("not_started", _("Not started")),
]


def target_filters(target: Target) -> dict:
    """The engine filters that restrict facts to the target's dimension (a region with its subtree)."""
    if not target.dimension:
        return {}
    return {DIMENSION_FILTER[target.dimension]: [target.dimension_id]}


def profile_share(weights: list[float], start: dt.date, end: dt.date, today: dt.date) -> float:
    """The share of a period's seasonal weight that lies on or before `today` (days weigh their
    month's weight spread evenly over the month)."""
    total = done = 0.0
    month = start.replace(day=1)
    while month <= end:
        next_month = period_shift(month, "month", 1)
        days_in_month = (next_month - month).days
        lo, hi = max(month, start), min(next_month - dt.timedelta(days=1), end)
        per_day = weights[month.month - 1] / days_in_month
        total += per_day * ((hi - lo).days + 1)
        if today >= lo:
            done += per_day * ((min(hi, today) - lo).days + 1)
        month = next_month
    return done / total if total else 0.0


@dataclass(frozen=True)
class TargetRights:
    """Whose targets a member may set and approve, read once, so a page can ask it of every target it
    shows without a query per target (none for an admin, rep or viewer; two for a manager).

    A rep sets their own targets; a manager their line's and their team subtree's; an admin any. The
    manager above the owner approves: a manager for the reps below them (not themself) and the teams
    below their own; an admin for anyone."""

    role: str
    members: frozenset[int] = frozenset()  # rep targets they may set
    supervised: frozenset[int] = frozenset()  # rep targets they may approve
    teams: frozenset[int] = frozenset()  # team targets they may set (own team and below)
    teams_below: frozenset[int] = frozenset()  # team targets they may approve

    def may_set(self, target: Target) -> bool:
        if self.role == Role.ADMIN:
            return True
        if target.owner_kind == Target.OwnerKind.REP:
            return target.rep_id in self.members
        return target.owner_kind == Target.OwnerKind.TEAM and target.team_id in self.teams

    def may_approve(self, target: Target) -> bool:
        if self.role == Role.ADMIN:
            return True
        if target.owner_kind == Target.OwnerKind.REP:
            return target.rep_id in self.supervised
        return target.owner_kind == Target.OwnerKind.TEAM and target.team_id in self.teams_below


def target_rights(*, viewer: Membership) -> TargetRights:
    if viewer.role == Role.MANAGER:
        line = ReportingClosure.objects.filter(tenant_id=viewer.tenant_id, ancestor_id=viewer.pk)
        members = list(line.values_list("descendant_id", "depth"))
        teams = (
            list(
                TeamClosure.objects.filter(
                    tenant_id=viewer.tenant_id, ancestor_id=viewer.team_id
                ).values_list("descendant_id", "depth")
            )
            if viewer.team_id
            else []
        )
        return TargetRights(
            role=viewer.role,
            members=frozenset(m for m, _d in members) | {viewer.pk},
            supervised=frozenset(m for m, d in members if d > 0),
            teams=frozenset(t for t, _d in teams),
            teams_below=frozenset(t for t, d in teams if d > 0),
        )
    if viewer.role == Role.REP:
        return TargetRights(role=viewer.role, members=frozenset({viewer.pk}))
    return TargetRights(role=viewer.role)


def target_list(*, tenant: Tenant, viewer: Membership) -> QuerySet[Target]:
    """A rep sees their own targets; a manager their line's, their team subtree's and what they wrote;
    an admin or viewer the whole tenant."""
    qs = Target.objects.filter(tenant=tenant).select_related("rep__user", "team")
    ids = visible_member_ids(viewer)
    if ids is None:
        return qs.order_by("id")
    if viewer.role == Role.MANAGER:
        teams = TeamClosure.objects.filter(tenant_id=tenant.pk, ancestor_id=viewer.team_id).values(
            "descendant_id"
        )
        return qs.filter(Q(rep__in=ids) | Q(team__in=teams) | Q(created_by=viewer)).order_by("id")
    return qs.filter(rep=viewer).order_by("id")


PROGRESS_COLUMNS = [
    "target",
    "actual",
    "attainment",
    "expected",
    "forecast",
    "gap",
    "elapsed",
    "status",
]


def target_progress(*, tenant: Tenant, targets: list[Target], today: dt.date) -> pd.DataFrame:
    """Progress of many targets from one compute() per (grain, owner kind, dimension row), that is one
    grouped query per fact source:
    the number of queries does not grow with the number of targets, reps or teams.

    actual to date; attainment = actual / value; expected = value × elapsed share (additive metrics;
    a rate is expected at its value all along); forecast = run-rate to period end; gap = value − actual;
    status on_track (actual ≥ expected), at_risk (forecast ≥ 90 % of value), off_track, or not_started.

    The figures are worked out on NumPy arrays and put in one frame at the end: a page's tens of
    targets cost a fraction of a millisecond, and the 48,000 of a year no more than the engine's reads.
    """
    if not targets:
        return pd.DataFrame(columns=PROGRESS_COLUMNS).set_index("target")
    if any(t.tenant_id != tenant.pk for t in targets):
        raise ValueError("target_progress: every target must belong to the tenant it is given")
    starts = [t.period_start for t in targets]
    ends = [period_end(t.period_start, t.grain) for t in targets]
    actual = np.zeros(len(targets))
    # All metrics of a (grain, owner kind, dimension row) go to one compute(), which reads each fact
    # source once for all of them; each target then reads its figure from that frame.
    groups: dict[tuple, list[int]] = {}
    for i, t in enumerate(targets):
        groups.setdefault((t.grain, t.owner_kind, t.dimension, t.dimension_id or 0), []).append(i)
    for (grain, owner_kind, _dimension, _dimension_id), members in groups.items():
        start = min(starts[i] for i in members)
        end = min(max(ends[i] for i in members), today)
        if end < start:
            continue
        # Only the facts of the owners asked about: a manager's line, not the whole tenant.
        reps = _owner_reps(tenant, owner_kind, sorted({targets[i].owner_id for i in members}))
        if reps is not None and not reps:
            continue
        frame = compute(
            rep_ids=reps,
            tenant=tenant,
            metrics=list(dict.fromkeys(targets[i].metric for i in members)),
            grain=grain,
            start=start,
            end=end,
            by=OWNER_DIMENSION[owner_kind],
            filters=target_filters(targets[members[0]]),
        )
        if frame.empty:
            continue
        # Targets looked up in the frame by (key, period, metric): a dict read per target costs less
        # than reshaping the frame and merging.
        found = frame.to_dict("index")
        for i in members:
            t = targets[i]
            actual[i] = found.get((t.owner_id, t.period_start), {}).get(t.metric, 0.0)
    actual[np.isnan(actual)] = 0.0

    value = np.array([float(t.value) for t in targets])
    additive_of = {code: metric_is_additive(tenant=tenant, code=code) for code in {t.metric for t in targets}}
    additive = np.array([additive_of[t.metric] for t in targets])
    total_days = np.array([(e - s).days + 1 for s, e in zip(starts, ends, strict=True)], dtype=float)
    elapsed_days = np.array([max((today - s).days + 1, 0) for s in starts], dtype=float)
    elapsed = np.minimum(elapsed_days / total_days, 1.0)
    # Expected-by-now: linear, or the share of the target's seasonal profile already past.
    share = elapsed.copy()
    profile_ids = {t.seasonal_profile_id for t in targets if t.seasonal_profile_id}
    if profile_ids:
        profiles = dict(
            SeasonalProfile.objects.filter(tenant=tenant, pk__in=profile_ids).values_list("pk", "weights")
        )
        for i, t in enumerate(targets):
            if t.seasonal_profile_id:
                share[i] = profile_share(profiles[t.seasonal_profile_id], starts[i], ends[i], today)
    expected = np.where(additive, value * share, value)
    with np.errstate(divide="ignore", invalid="ignore"):
        run_rate = np.where(elapsed == 0.0, np.nan, actual / elapsed)
        attainment = np.where(value == 0.0, np.nan, actual / value)
    forecast = np.where(additive, run_rate, actual)
    status = np.where(
        actual >= expected,
        "on_track",
        np.where(forecast >= 0.9 * value, "at_risk", "off_track"),
    )
    status = np.where(elapsed <= 0, "not_started", status)
    return pd.DataFrame(
        {
            "actual": actual,
            "attainment": attainment,
            "expected": expected,
            "forecast": forecast,
            "gap": value - actual,
            "elapsed": elapsed,
            "status": status.astype(object),
        },
        index=pd.Index([t.pk for t in targets], name="target"),
    )


@dataclass
class TreeNode:
    """A target in a breakdown tree, with how deep it sits and, for additive metrics with children,
    what its children sum to and by how much they miss it (None when they match)."""

    target: Target
    depth: int
    children: list[TreeNode] = field(default_factory=list)
    children_sum: Decimal | None = None
    mismatch: Decimal | None = None


# Past this many reps a filter on them costs more per fact than it saves (48,000 targets of all 500
# bench reps: 20 % slower with it); below it, a manager's line reads its own facts only.
NARROWING_REPS = 200


def _owner_reps(tenant: Tenant, owner_kind: str, keys: list[int]) -> list[int] | None:
    """The reps whose facts can count toward these owners, when they are few: the reps themselves, or
    the members of the teams' subtrees (one query); None to read every rep's facts."""
    if owner_kind == Target.OwnerKind.REP:
        reps = keys
    elif owner_kind == Target.OwnerKind.TEAM:
        subtree = TeamClosure.objects.filter(tenant_id=tenant.pk, ancestor_id__in=keys).values(
            "descendant_id"
        )
        # One past the bound tells "too many" without reading an organisation's every member.
        reps = sorted(
            Membership.objects.filter(tenant_id=tenant.pk, team__in=subtree).values_list("pk", flat=True)[
                : NARROWING_REPS + 1
            ]
        )
    else:
        return None
    return reps if len(reps) <= NARROWING_REPS else None


def target_tree_nodes(*, root: Target, viewer: Membership) -> list[TreeNode]:
    """The target and every descendant the viewer may see, depth first. One query: descendants share
    the root's metric and lie in its period. Sums and mismatches as the approval rule counts them
    (a cent or more apart), over the children the viewer sees."""
    rows = (
        target_list(tenant=root.tenant, viewer=viewer)
        .filter(
            metric=root.metric,
            period_start__gte=root.period_start,
            period_start__lte=period_end(root.period_start, root.grain),
        )
        .exclude(pk=root.pk)
        .order_by("period_start", "owner_kind", "team__name", "rep__display_name", "id")
    )
    children: dict[int | None, list[Target]] = {}
    for t in rows:
        t.tenant = root.tenant  # the services acting on a node read it: no query per row
        children.setdefault(t.parent_id, []).append(t)
    additive = metric_is_additive(tenant=root.tenant, code=root.metric)
    flat: list[TreeNode] = []

    def visit(t: Target, depth: int) -> TreeNode:
        node = TreeNode(target=t, depth=depth)
        flat.append(node)
        node.children = [visit(k, depth + 1) for k in children.get(t.pk, [])] if depth < 20 else []
        if node.children and additive:
            node.children_sum = sum((k.target.value for k in node.children), Decimal("0"))
            gap = t.value - node.children_sum
            node.mismatch = gap if abs(gap) >= CENT else None
        return node

    visit(root, 0)
    return flat


def target_roots(*, tenant: Tenant, viewer: Membership, year: int) -> QuerySet[Target]:
    """The tops of the breakdown trees the viewer sees in a year: targets serving no target the viewer
    can see."""
    visible = target_list(tenant=tenant, viewer=viewer)
    return (
        visible.filter(period_start__year=year)
        .filter(Q(parent__isnull=True) | ~Q(parent__in=visible.values("pk")))
        .order_by("metric", "grain", "period_start", "owner_kind", "team__name", "rep__display_name", "id")
    )


def seasonal_profile_list(*, tenant: Tenant) -> QuerySet[SeasonalProfile]:
    return SeasonalProfile.objects.filter(tenant=tenant).order_by("name")


# What the dashboard reads of a target (its progress and row) and of its owner, a rep or a team (the
# name): a target row is wide, and a page of them built whole costs more than the query reading them.
DASHBOARD_FIELDS = (
    *("id", "tenant_id", "metric", "grain", "owner_kind", "dimension", "period_start", "value"),
    *("seasonal_profile_id", "rep_id", "team_id"),
)
DASHBOARD_OWNER = {
    "rep": (
        "rep__user",
        ("rep__display_name", "rep__user__username", "rep__user__first_name", "rep__user__last_name"),
    ),
    "team": ("team", ("team__name",)),
}


def dashboard_targets(
    *, tenant: Tenant, viewer: Membership, grain: str, start: dt.date, owner_kind: str
) -> QuerySet[Target]:
    """The team dashboard's revenue targets of one owner kind ("rep": the viewer's line, never beyond;
    "team": every team target the viewer sees) in one period, with what the page shows of them and
    their owner, nothing more, in the page's order."""
    related, fields = DASHBOARD_OWNER[owner_kind]
    qs = (
        target_list(tenant=tenant, viewer=viewer)
        .filter(metric="revenue", grain=grain, period_start=start, owner_kind=owner_kind, dimension="")
        .select_related(None)
        .select_related(related)
        .only(*DASHBOARD_FIELDS, *fields)
    )
    if owner_kind == Target.OwnerKind.TEAM:
        return qs.order_by("team__name", "id")
    ids = visible_member_ids(viewer)  # None: the whole tenant
    if ids is not None:
        qs = qs.filter(rep__in=ids)
    return qs.order_by("rep__display_name", "id")


def settable_teams(*, viewer: Membership) -> QuerySet[Team]:
    """Teams the viewer may set targets for: an admin every team, a manager their team's subtree."""
    qs = Team.objects.filter(tenant_id=viewer.tenant_id).order_by("name", "id")
    if viewer.role == Role.ADMIN:
        return qs
    return qs.filter(pk__in=target_rights(viewer=viewer).teams)
