"""Reads of the pipeline, always by tenant and restricted to the viewer (a rep their own, a manager
their reporting line, an admin and a viewer everything): lists, the board, the forecast, the
per-stage conversion, the home cards, the customer page's panel and the nav count."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.urls import reverse

from apps.customers.selectors import apply_filters
from apps.org.models import Team, TeamClosure
from apps.org.selectors import restrict_to_viewer, visible_member_ids
from apps.targets.engine import compute
from apps.targets.models import Target
from apps.targets.selectors import target_list, target_progress
from apps.tenancy.dates import month_bounds, period_shift, tenant_today
from apps.tenancy.home import first_items
from apps.tenancy.models import Membership, Role, Tenant
from apps.tenancy.money import money

from .filters import OpportunityFilter
from .models import Opportunity, OpportunityTask, Stage, StageChange

BOARD_CARDS = 20  # cards shown per column (next step due first); its header counts and sums all of them
STALLED_DAYS = 30  # an open opportunity this long in one stage is stalled
NEXT_STEPS_AHEAD = 7  # the rep's card lists next steps due within a week
FORECAST_MONTHS = 6

# Open opportunities before closed ones (the status names sort "won" before "open").
OPEN_FIRST = Case(When(status=Opportunity.Status.OPEN, then=Value(0)), default=Value(1))

WEIGHTED = ExpressionWrapper(
    F("amount") * F("probability") / Decimal("100"),
    output_field=DecimalField(max_digits=16, decimal_places=2),
)


def stage_list(*, tenant: Tenant) -> QuerySet[Stage]:
    return Stage.objects.filter(tenant=tenant).order_by("order", "id")


def visible_opportunities(qs: QuerySet[Opportunity], viewer: Membership) -> QuerySet[Opportunity]:
    return restrict_to_viewer(qs.filter(tenant_id=viewer.tenant_id), viewer, "owner")


def opportunity_list(
    *, tenant: Tenant, viewer: Membership, filters: dict | None = None
) -> QuerySet[Opportunity]:
    qs = Opportunity.objects.filter(tenant=tenant).select_related("owner__user", "customer", "stage")
    return apply_filters(OpportunityFilter, restrict_to_viewer(qs, viewer, "owner"), filters)


def opportunity_history(*, opportunity: Opportunity) -> QuerySet[StageChange]:
    return (
        StageChange.objects.filter(tenant_id=opportunity.tenant_id, opportunity=opportunity)
        .select_related("from_stage", "to_stage", "by__user")
        .order_by("at", "id")
    )


def history_prefetch() -> Prefetch:
    """Stage history for a list of opportunities: one query for the whole page."""
    return Prefetch(
        "history",
        queryset=StageChange.objects.select_related("from_stage", "to_stage", "by__user").order_by(
            "at", "id"
        ),
    )


# ---- the board ------------------------------------------------------------------------------


@dataclass
class Column:
    stage: Stage
    count: int = 0
    amount: Decimal = Decimal("0")
    weighted: Decimal = Decimal("0")
    cards: list[Opportunity] = field(default_factory=list)
    options: str = ""  # the page's stage picker for the cards of this column


def board_scope(*, viewer: Membership, owner: int | None = None, team: int | None = None) -> dict[str, Any]:
    """The filters of a board: one rep's (`owner`), one team's with its sub-teams, or, by default,
    the viewer's own (a rep) or everything the viewer sees."""
    if owner:
        return {"owner": owner}
    if team:
        return {"team": team}
    if viewer.role == Role.REP:
        return {"owner": viewer.pk}
    return {}


def board_scope_choices(*, viewer: Membership) -> dict[str, list[tuple[int, str]]]:
    """The board filter's choices as (id, label) pairs: the members the viewer sees and the teams, in
    two plain queries (the page writes the options itself: an organisation has hundreds of members)."""
    members = restrict_to_viewer(
        Membership.objects.filter(tenant_id=viewer.tenant_id, is_active=True), viewer, "pk"
    ).select_related("user")
    owners = sorted(((m.pk, m.name) for m in members), key=lambda pair: pair[1])
    teams = list(Team.objects.filter(tenant_id=viewer.tenant_id).order_by("name").values_list("pk", "name"))
    return {"owners": owners, "teams": teams}


def opportunity_board(
    *, tenant: Tenant, viewer: Membership, owner: int | None = None, team: int | None = None
) -> list[Column]:
    """The open stages as columns: each with the count, amount and weighted amount of all its open
    opportunities (one grouped query) and its first BOARD_CARDS cards, next step due first (one
    UNION ALL of a LIMIT per stage, each read on the board index). Three queries whatever the
    number of opportunities or stages."""
    stages = list(stage_list(tenant=tenant).filter(kind=Stage.Kind.OPEN))
    if not stages:
        return []
    base = restrict_to_viewer(
        Opportunity.objects.filter(tenant=tenant, status=Opportunity.Status.OPEN), viewer, "owner"
    )
    if owner:
        base = base.filter(owner_id=owner)
    if team:
        base = base.filter(
            owner__team_id__in=TeamClosure.objects.filter(tenant=tenant, ancestor_id=team).values(
                "descendant_id"
            )
        )
    columns = {stage.pk: Column(stage=stage) for stage in stages}
    # Grouped by probability too, so the weighting is a few multiplications here rather than a
    # numeric product per opportunity in PostgreSQL (a third of the statement's time at 20,000).
    for row in (
        base.order_by().values("stage_id", "probability").annotate(n=Count("*"), sum_amount=Sum("amount"))
    ):
        column = columns.get(row["stage_id"])
        if column is not None:
            column.count += row["n"]
            column.amount += row["sum_amount"]
            column.weighted += row["sum_amount"] * row["probability"] / 100
    for column in columns.values():
        column.weighted = money(column.weighted)
    wanted = [pk for pk, column in columns.items() if column.count]
    if wanted:
        card = base.select_related("customer", "owner__user").only(
            "id",
            "name",
            "stage_id",
            "amount",
            "probability",
            "expected_close",
            "next_step",
            "next_step_on",
            "prospect_name",
            "customer__id",
            "customer__name",
            "owner__id",
            "owner__display_name",
            "owner__user__username",
            "owner__user__first_name",
            "owner__user__last_name",
        )
        parts = [
            card.filter(stage_id=pk).order_by(F("next_step_on").asc(nulls_last=True), "id")[:BOARD_CARDS]
            for pk in wanted
        ]
        qs = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        for opp in qs:
            columns[opp.stage_id].cards.append(opp)
    return list(columns.values())


# ---- forecast and conversion ----------------------------------------------------------------


def _revenue_targets(*, tenant: Tenant, viewer: Membership, months: list[dt.date]) -> list[Target]:
    """The month revenue targets that cover what the viewer sees: the organisation's own target for an
    admin or a viewer when there is one, else the targets of the reps the viewer sees."""
    qs = target_list(tenant=tenant, viewer=viewer).filter(
        metric="revenue", grain="month", period_start__in=months, dimension=""
    )
    if viewer.role in (Role.ADMIN, Role.VIEWER):
        own = list(qs.filter(owner_kind=Target.OwnerKind.TENANT))
        if own:
            return own
    return list(restrict_to_viewer(qs.filter(owner_kind=Target.OwnerKind.REP), viewer, "rep"))


def pipeline_forecast(
    *, tenant: Tenant, viewer: Membership, today: dt.date, months: int = FORECAST_MONTHS
) -> list[dict]:
    """Per close month from this one on: the open and weighted pipeline the viewer sees, the revenue
    target, the revenue to date, the gap (target − actual) and the coverage (weighted ÷ gap). One
    grouped query for the pipeline, one target query and target_progress for the targets. An open
    opportunity whose close date has passed counts in this month (it is still expected)."""
    first = today.replace(day=1)
    starts = [period_shift(first, "month", i) for i in range(months)]
    end = month_bounds(starts[-1])[1]
    base = restrict_to_viewer(
        Opportunity.objects.filter(tenant=tenant, status=Opportunity.Status.OPEN, expected_close__lt=end),
        viewer,
        "owner",
    )
    pipeline: dict[dt.date, dict[str, Decimal]] = {}
    for row in (
        base.order_by()
        .values("expected_close")
        .annotate(sum_amount=Sum("amount"), sum_weighted=Sum(WEIGHTED))
    ):
        close = row["expected_close"]
        month = max(close.replace(day=1), first) if close else first
        acc = pipeline.setdefault(month, {"amount": Decimal("0"), "weighted": Decimal("0")})
        acc["amount"] += row["sum_amount"] or 0
        acc["weighted"] += row["sum_weighted"] or 0
    targets = _revenue_targets(tenant=tenant, viewer=viewer, months=starts)
    target_by_month: dict[dt.date, dict[str, float]] = {}
    if targets:
        progress = target_progress(tenant=tenant, targets=targets, today=today)
        actual = progress["actual"].to_dict()
        for target in targets:
            acc2 = target_by_month.setdefault(target.period_start, {"value": 0.0, "actual": 0.0})
            acc2["value"] += float(target.value)
            acc2["actual"] += float(actual.get(target.pk, 0.0))
    out = []
    for month in starts:
        p = pipeline.get(month, {"amount": Decimal("0"), "weighted": Decimal("0")})
        figures = target_by_month.get(month)
        gap = max(figures["value"] - figures["actual"], 0.0) if figures else None
        weighted = money(p["weighted"])
        out.append(
            {
                "month": month,
                "open": money(p["amount"]),
                "weighted": weighted,
                "target": money(figures["value"]) if figures else None,
                "actual": money(figures["actual"]) if figures else None,
                "gap": money(gap) if gap is not None else None,
                "coverage": (float(weighted) / gap) if gap else None,
            }
        )
    return out


def pipeline_kpis(*, tenant: Tenant, viewer: Membership, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The engine's pipeline metrics for the period, summed over the reps the viewer sees."""
    ids = visible_member_ids(viewer)
    rep_ids = None
    if isinstance(ids, list):
        rep_ids = ids
    elif ids is not None:
        rep_ids = list(ids.values_list("descendant_id", flat=True))
    codes = [
        "opportunities_created",
        "opportunities_won",
        "won_amount",
        "win_rate",
        "avg_days_to_close",
        "stage_conversion_rate",
    ]
    frame = compute(
        tenant=tenant, metrics=codes, grain="year", start=start, end=end, by="tenant", rep_ids=rep_ids
    )
    if frame.empty:
        return dict.fromkeys(codes)
    row = frame.iloc[0]
    return {code: (None if row[code] != row[code] else row[code]) for code in codes}


def stage_conversion(*, tenant: Tenant, viewer: Membership, start: dt.date, end: dt.date) -> list[dict]:
    """Per stage: how many opportunities entered it on the tenant's days [start, end] and how many of
    those later entered a later open stage or a won stage (one grouped query over the history)."""
    stages = list(stage_list(tenant=tenant))
    # The tenant's days, as the engine places the history (a date of `at` would be the UTC one), and
    # a range on `at` itself, which the (tenant, at) index serves.
    since = dt.datetime.combine(start, dt.time(), tzinfo=tenant.tzinfo)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tenant.tzinfo)
    entries = restrict_to_viewer(
        StageChange.objects.filter(tenant=tenant, at__gte=since, at__lt=until), viewer, "owner"
    )
    advanced = StageChange.objects.filter(
        tenant=tenant, opportunity_id=OuterRef("opportunity_id"), at__gte=OuterRef("at"), advanced=True
    ).exclude(pk=OuterRef("pk"))
    rows = (
        entries.order_by()
        .annotate(went_on=Exists(advanced))
        .values("to_stage_id")
        .annotate(entered=Count("id"), converted=Count("id", filter=Q(went_on=True)))
    )
    by_stage = {r["to_stage_id"]: r for r in rows}
    out = []
    for stage in stages:
        if stage.kind != Stage.Kind.OPEN:
            continue
        r = by_stage.get(stage.pk, {"entered": 0, "converted": 0})
        out.append(
            {
                "stage": stage,
                "entered": r["entered"],
                "converted": r["converted"],
                "rate": (r["converted"] / r["entered"]) if r["entered"] else None,
            }
        )
    return out


# ---- tasks ----------------------------------------------------------------------------------


def opportunity_tasks(*, opportunity: Opportunity) -> QuerySet[OpportunityTask]:
    """The opportunity's tasks, open first, by due day (one query)."""
    return (
        OpportunityTask.objects.filter(tenant_id=opportunity.tenant_id, opportunity=opportunity)
        .select_related("task__owner__user")
        .order_by("task__status", F("task__due_on").asc(nulls_last=True), "task_id")
    )


def opportunity_task_links(tenant: Tenant, task_ids: list[int]) -> dict[int, tuple[str, str]]:
    """For the task lists (apps.customers.task_sources): each task's opportunity and its page, one query."""
    rows = OpportunityTask.objects.filter(tenant_id=tenant.pk, task_id__in=task_ids).values_list(
        "task_id", "opportunity_id", "opportunity__name"
    )
    return {
        task_id: (
            name,
            reverse("pipeline:detail", kwargs={"tenant_slug": tenant.slug, "opportunity_id": opportunity_id}),
        )
        for task_id, opportunity_id, name in rows
    }


# ---- homes, the customer page, the nav ------------------------------------------------------


def next_steps_card(membership: Membership, today: dt.date) -> dict[str, Any]:
    """The rep's open opportunities whose next step is due within NEXT_STEPS_AHEAD days (overdue
    first): two queries."""
    qs = (
        Opportunity.objects.filter(
            tenant_id=membership.tenant_id,
            owner=membership,
            status=Opportunity.Status.OPEN,
            next_step_on__lte=today + dt.timedelta(days=NEXT_STEPS_AHEAD),
        )
        .select_related("customer")
        .order_by("next_step_on", "id")
    )
    total, items = first_items(qs)
    return {"total": total, "items": items}


def stalled_card(membership: Membership, today: dt.date) -> dict[str, Any]:
    """Open opportunities in the manager's line that have sat in one stage STALLED_DAYS days or more
    (longest first): two queries."""
    since = dt.datetime.combine(
        today - dt.timedelta(days=STALLED_DAYS), dt.time(), tzinfo=membership.tenant.tzinfo
    )
    qs = (
        restrict_to_viewer(
            Opportunity.objects.filter(
                tenant_id=membership.tenant_id, status=Opportunity.Status.OPEN, stage_entered_at__lt=since
            ),
            membership,
            "owner",
        )
        .select_related("customer", "stage", "owner__user")
        .order_by("stage_entered_at", "id")
    )
    total, items = first_items(qs)
    return {"total": total, "items": items, "days": STALLED_DAYS}


def customer_opportunities_panel(customer, membership: Membership, today: dt.date) -> dict[str, Any] | None:
    """The customer's opportunities the member may see, open ones first (one query, at most 10); no
    panel for a customer without any (the board's "New opportunity" takes the customer then)."""
    rows = list(
        restrict_to_viewer(
            Opportunity.objects.filter(tenant_id=customer.tenant_id, customer_id=customer.pk),
            membership,
            "owner",
        )
        .select_related("stage", "owner__user")
        .order_by(OPEN_FIRST, F("expected_close").asc(nulls_last=True), "-id")[:10]
    )
    if not rows:
        return None
    return {"items": rows, "can_create": membership.can_write}


def opportunity_next_steps_due_count(membership: Membership) -> int:
    """The nav badge: the rep's open opportunities whose next step is due today or overdue."""
    if membership.role != Role.REP:
        return 0
    return Opportunity.objects.filter(
        tenant_id=membership.tenant_id,
        owner=membership,
        status=Opportunity.Status.OPEN,
        next_step_on__lte=tenant_today(membership.tenant),
    ).count()
