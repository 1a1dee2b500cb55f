"""Reads of weekly progress and the weekly report (周销售管理报告), restricted to what the viewer may see.

Visibility: a rep reads their own rows; a manager the rows of their reporting line and of the teams
in their team's subtree; an admin or viewer the whole tenant. Every read here is a fixed number of
queries, whatever the number of reps, teams or weeks.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from apps.org.models import Team, TeamClosure
from apps.org.selectors import visible_member_ids
from apps.sales.models import OrderLine
from apps.tenancy.dates import last_full_week, week_key
from apps.tenancy.models import Membership, Role, Tenant
from apps.visits.models import DailyReport, MarketReport

from .models import WeeklyProgress, WeeklyReportNote

LOST_ACTIVITY_WEEKS = 8
ABNORMAL_LIMIT = 20


def visible_team_ids(viewer: Membership) -> QuerySet | None:
    """Teams whose rows the viewer may read: None for everyone (admin, viewer); a manager's team
    subtree; nothing for a rep."""
    if viewer.role in (Role.ADMIN, Role.VIEWER):
        return None
    if viewer.role == Role.MANAGER and viewer.team_id:
        return TeamClosure.objects.filter(tenant_id=viewer.tenant_id, ancestor_id=viewer.team_id).values(
            "descendant_id"
        )
    return Team.objects.none().values("id")


def weekly_progress_list(*, tenant: Tenant, viewer: Membership) -> QuerySet[WeeklyProgress]:
    qs = WeeklyProgress.objects.filter(tenant=tenant).select_related("rep__user", "team")
    members = visible_member_ids(viewer)
    teams = visible_team_ids(viewer)
    if members is None and teams is None:
        return qs.order_by("-week_start", "scope", "subject_id")
    visible = Q(scope=WeeklyProgress.Scope.REP, rep__in=members if members is not None else [])
    if teams is not None:
        visible |= Q(scope=WeeklyProgress.Scope.TEAM, team__in=teams)
    return qs.filter(visible).order_by("-week_start", "scope", "subject_id")


def team_member_ids(*, tenant: Tenant, team: Team) -> QuerySet:
    """Members whose team lies in `team`'s subtree."""
    return Membership.objects.filter(
        tenant=tenant,
        team__in=TeamClosure.objects.filter(tenant_id=tenant.pk, ancestor_id=team.pk).values("descendant_id"),
    ).values("id")


def reportable_teams(*, tenant: Tenant, viewer: Membership) -> QuerySet[Team]:
    """Teams whose weekly report the viewer may open: a manager's team subtree, every team for an
    admin or viewer, none for a rep."""
    qs = Team.objects.filter(tenant=tenant).order_by("name")
    teams = visible_team_ids(viewer)
    return qs if teams is None else qs.filter(pk__in=teams)


def _rates(row: dict) -> dict:
    """Rates of summed figures (divided after adding up, never averaged); None where undefined."""
    done = row.get("visits_done") or 0
    submitted = row.get("reports_submitted") or 0
    target = float(row["target_revenue"]) if row.get("target_revenue") else 0.0
    reps = float(row.get("reps") or 0)
    revenue = float(row.get("revenue") or 0)
    row["effective_visit_rate"] = (row["visits_effective"] / done) if done else None
    row["deal_rate"] = (row["visits_with_deal"] / done) if done else None
    row["punctuality"] = (row["reports_on_time"] / submitted) if submitted else None
    row["attainment"] = (revenue / target) if target else None
    row["sales_per_rep"] = (revenue / reps) if reps else None
    return row


SUMMED = (
    "revenue",
    "gross_margin",
    "collections",
    "orders",
    "new_customers",
    "visits_done",
    "visits_effective",
    "visits_with_deal",
    "reports_submitted",
    "reports_on_time",
    "target_revenue",
)


def weekly_report(*, tenant: Tenant, team: Team, first_week: dt.date, last_week: dt.date) -> dict:
    """The team's weekly (or monthly: start..end spans several weeks) sales management report.

    Figures come from the WeeklyProgress rows of the weeks first_week..last_week (a month view adds
    up its weeks and divides after adding); the texts from the daily reports and market reports of
    those days by the team's members; abnormal customers are those with lost activity (ordered from
    the team in the 8 weeks before the period but not in it). Overdue payments are not listed: orders
    carry no payment terms to measure them against."""
    start, day_end = first_week, last_week + dt.timedelta(days=6)
    week_rows = WeeklyProgress.objects.filter(tenant=tenant, week_start__range=(first_week, last_week))
    team_row = week_rows.filter(scope=WeeklyProgress.Scope.TEAM, team=team).aggregate(
        **{name: Sum(name) for name in SUMMED}, weeks=Count("id"), reps_weeks=Sum("reps")
    )
    weeks = team_row.pop("weeks") or 0
    reps_weeks = team_row.pop("reps_weeks") or 0
    summary = {
        k: (v if v is not None else (None if k == "target_revenue" else 0)) for k, v in team_row.items()
    }
    summary["reps"] = (reps_weeks / weeks) if weeks else 0
    summary = _rates(summary)
    # Average sales per account manager per week: revenue over rep-weeks.
    summary["sales_per_rep_week"] = (float(summary["revenue"]) / reps_weeks) if reps_weeks else None
    summary["weeks"] = weeks

    members = team_member_ids(tenant=tenant, team=team)
    reps = []
    rep_rows = (
        week_rows.filter(scope=WeeklyProgress.Scope.REP, rep__in=members)
        .values(
            "rep_id",
            "rep__display_name",
            "rep__user__username",
            "rep__user__first_name",
            "rep__user__last_name",
        )
        .annotate(**{name: Sum(name) for name in SUMMED}, reps=Sum("reps"))
        .order_by("-revenue", "rep_id")
    )
    for values in rep_rows:
        row: dict[str, Any] = dict(values)  # reshaped below: a plain dict, not values()' TypedDict
        full = f"{row.pop('rep__user__first_name')} {row.pop('rep__user__last_name')}".strip()
        row["name"] = row.pop("rep__display_name") or full or row.pop("rep__user__username")
        row.pop("rep__user__username", None)
        reps.append(_rates(row))

    reports = DailyReport.objects.filter(tenant=tenant, rep__in=members, day__range=(start, day_end))
    competitor = list(
        reports.exclude(competitor_info="")
        .values("day", "rep__display_name", "rep__user__username", "competitor_info")
        .order_by("day", "id")[:200]
    )
    complaints = list(
        reports.exclude(complaints_handled="")
        .values("day", "rep__display_name", "rep__user__username", "complaints_handled")
        .order_by("day", "id")[:200]
    )
    tz = tenant.tzinfo
    market = list(
        MarketReport.objects.filter(
            tenant=tenant,
            rep__in=members,
            raised_at__gte=dt.datetime.combine(start, dt.time(), tzinfo=tz),
            raised_at__lt=dt.datetime.combine(day_end + dt.timedelta(days=1), dt.time(), tzinfo=tz),
        )
        .values(
            "raised_at", "category", "urgency", "title", "body", "rep__display_name", "rep__user__username"
        )
        .order_by("raised_at", "id")[:200]
    )
    lost = lost_customers(tenant=tenant, members=members, start=start, end=day_end)
    note = (
        WeeklyReportNote.objects.filter(tenant=tenant, team=team, week_start=last_week)
        .select_related("author__user")
        .first()
    )
    return {
        "summary": summary,
        "reps": reps,
        "competitor": competitor,
        "complaints": complaints,
        "market": market,
        "lost_customers": lost,
        "note": note,
    }


def lost_customers(*, tenant: Tenant, members, start: dt.date, end: dt.date) -> list[dict]:
    """Customers who ordered from these members in the 8 weeks before `start` but not in start..end,
    largest previous revenue first (one grouped query)."""
    before = start - dt.timedelta(weeks=LOST_ACTIVITY_WEEKS)
    lines = OrderLine.objects.filter(tenant=tenant, rep__in=members, order_date__range=(before, end)).exclude(
        order__status="cancelled"
    )
    rows = (
        lines.values("customer_id", "customer__name")
        .annotate(
            previous=Sum("amount", filter=Q(order_date__lt=start)),
            current=Sum("amount", filter=Q(order_date__gte=start)),
        )
        .filter(previous__gt=0, current__isnull=True)
        .order_by("-previous", "customer_id")[:ABNORMAL_LIMIT]
    )
    return [
        {
            "customer_id": r["customer_id"],
            "name": r["customer__name"],
            "previous": r["previous"] or Decimal("0"),
        }
        for r in rows
    ]


# ---- on the role homes (apps.tenancy.home; registered in ReportingConfig.ready()) --------------


def last_week_card(membership: Membership, today: dt.date) -> dict[str, Any]:
    """Headline figures of last week's weekly report over what the member sees (a manager: their
    line's account managers; an admin or viewer: everyone): revenue against target, new customers,
    visits and their effective rate, reports on time. One aggregate query over the rollup's rows."""
    week = last_full_week(today)
    rows = (
        weekly_progress_list(tenant=membership.tenant, viewer=membership)
        .select_related(None)
        .filter(scope=WeeklyProgress.Scope.REP, week_start=week)
        .aggregate(**{name: Sum(name) for name in SUMMED}, reps=Count("id"))
    )
    figures = _rates(dict(rows)) if rows["reps"] else None
    return {
        "week": week_key(week),
        "week_start": week,
        "week_end": week + dt.timedelta(days=6),
        "figures": figures,
    }
