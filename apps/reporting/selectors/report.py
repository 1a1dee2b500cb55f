"""Reads of weekly progress and the weekly report (周销售管理报告), restricted to what the viewer may see.

Visibility: a rep reads their own rows; a manager the rows of their reporting line and of the teams
in their team's subtree; an admin or viewer the whole tenant. Every read here is a fixed number of
queries, whatever the number of reps, teams or weeks.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from apps.org.models import Team, TeamClosure
from apps.org.selectors import visible_member_ids
from apps.sales.models import OrderLine
from apps.tenancy.dates import tenant_today
from apps.tenancy.models import Membership, Role, Tenant
from apps.tenancy.money import money
from apps.visits.models import DailyReport, MarketReport

from ..models import WeeklyProgress, WeeklyReportNote
from .rollup import MONEY_COLUMNS, OVERDUE_COLUMNS, rollup_frame

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


def with_rates(row: dict) -> dict:
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


def weekly_report(
    *, tenant: Tenant, team: Team, first_week: dt.date, last_week: dt.date, today: dt.date | None = None
) -> dict:
    """The team's weekly (or monthly: start..end spans several weeks) sales management report.

    Figures of a week that is over and rolled up come from its WeeklyProgress rows; any other week
    — the current one, above all, and one the Monday job has not rolled up yet — is computed from the
    facts as the report is read (rollup_frame for this team: the same figures the rollup would
    write, for the team's members alone), so the week shows its figures without a recompute. A month
    view adds up its weeks and divides after adding. The texts come from the daily reports and market
    reports of those days by the team's members; abnormal customers are those with lost activity
    (ordered from the team in the 8 weeks before the period but not in it). Overdue payments are not
    listed here (the receivables pages list them): the report shows the overdue receivables at the
    end of its last week and their change since the end of the week before its first."""
    start, day_end = first_week, last_week + dt.timedelta(days=6)
    today = today or tenant_today(tenant)
    members = team_member_ids(tenant=tenant, team=team)
    team_rows, rep_rows, live, computed_at = _week_figures(
        tenant=tenant, team=team, members=members, first_week=first_week, last_week=last_week, today=today
    )
    weeks = len(team_rows)
    reps_weeks = sum(row["reps"] for row in team_rows)
    summary: dict[str, Any] = {name: _total(team_rows, name) for name in SUMMED}
    summary["reps"] = (reps_weeks / weeks) if weeks else 0
    summary.update(_overdue(team_rows))
    summary = with_rates(summary)
    # Average sales per account manager per week: revenue over rep-weeks.
    summary["sales_per_rep_week"] = (float(summary["revenue"]) / reps_weeks) if reps_weeks else None
    summary["weeks"] = weeks
    reps = _rep_lines(tenant=tenant, rows=rep_rows)

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
        "live_weeks": live,
        "computed_at": computed_at,
        "competitor": competitor,
        "complaints": complaints,
        "market": market,
        "lost_customers": lost,
        "note": note,
    }


FIGURES = (*SUMMED, "reps", *OVERDUE_COLUMNS)


def _week_figures(
    *, tenant: Tenant, team: Team, members: QuerySet, first_week: dt.date, last_week: dt.date, today: dt.date
) -> tuple[list[dict], list[dict], list[dt.date], dt.datetime | None]:
    """The team's row and its members' rows of each week first_week..last_week, as dicts of FIGURES
    (money as Decimal, counts as int): read from WeeklyProgress for the weeks that are over and
    rolled up, computed from the facts for the others (returned as `live`, oldest first), with when
    the rolled-up weeks were last computed."""
    weeks = [first_week + dt.timedelta(weeks=i) for i in range((last_week - first_week).days // 7 + 1)]
    stored = {
        row["week_start"]: row
        for row in WeeklyProgress.objects.filter(
            tenant=tenant,
            scope=WeeklyProgress.Scope.TEAM,
            team=team,
            week_start__range=(first_week, last_week),
            week_start__lt=today - dt.timedelta(days=6),  # over: its Sunday is before today
        ).values("week_start", "computed_at", *FIGURES)
    }
    closed = [week for week in weeks if week in stored]
    live = [week for week in weeks if week not in stored]
    team_rows = [stored[week] for week in closed]
    rep_rows: list[dict] = []
    if closed:
        rep_rows = list(
            WeeklyProgress.objects.filter(
                tenant=tenant, scope=WeeklyProgress.Scope.REP, rep__in=members, week_start__in=closed
            ).values("rep_id", "week_start", *FIGURES)
        )
    if live:
        frame = rollup_frame(tenant=tenant, first=live[0], end=live[-1] + dt.timedelta(days=6), team=team)
        frame = frame[frame["week_start"].isin(live)]
        team_rows += _frame_rows(frame[frame["scope"] == WeeklyProgress.Scope.TEAM])
        rep_rows += _frame_rows(frame[frame["scope"] == WeeklyProgress.Scope.REP])
    computed_at = max((stored[week]["computed_at"] for week in closed), default=None)
    return team_rows, rep_rows, live, computed_at


def _frame_rows(frame) -> list[dict]:
    """rollup_frame rows as WeeklyProgress values() would read them: money to the cent, whole counts."""
    out = []
    for row in frame.to_dict("records"):
        values: dict[str, Any] = {
            "rep_id": None if _missing(row["rep_id"]) else int(row["rep_id"]),
            "week_start": row["week_start"],
        }
        for name in FIGURES:
            value = row[name]
            if name in MONEY_COLUMNS or name == "target_revenue":
                values[name] = None if _missing(value) else money(float(value))
            else:
                values[name] = int(round(float(value)))
        out.append(values)
    return out


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _total(rows: list[dict], name: str):
    """The sum of a figure over rows; a target none of them has stays None, other sums start at 0."""
    values = [row[name] for row in rows if row[name] is not None]
    if not values:
        return None if name == "target_revenue" else 0
    return sum(values[1:], values[0])


def _overdue(rows: list[dict]) -> dict:
    """Overdue receivables over weeks: a balance, not a flow — the last week's, with its change since
    the end of the week before the first (the weeks' changes added up)."""
    if not rows:
        return dict.fromkeys(OVERDUE_COLUMNS, Decimal("0"))
    last = max(rows, key=lambda row: row["week_start"])
    change = sum((row["overdue_change"] for row in rows), Decimal("0"))
    return {"overdue_receivables": last["overdue_receivables"], "overdue_change": change}


def _rep_lines(*, tenant: Tenant, rows: list[dict]) -> list[dict]:
    """One line per account manager over the weeks (figures summed, rates divided after), with their
    names (one query), by revenue, highest first."""
    by_rep: dict[int, list[dict]] = {}
    for row in rows:
        by_rep.setdefault(row["rep_id"], []).append(row)
    names = {
        m.pk: m.name
        for m in Membership.objects.filter(tenant=tenant, pk__in=list(by_rep)).select_related("user")
    }
    lines = []
    for rep_id, weeks in by_rep.items():
        line: dict[str, Any] = {name: _total(weeks, name) for name in FIGURES}
        line.update(_overdue(weeks))
        line["rep_id"], line["name"] = rep_id, names.get(rep_id, "")
        lines.append(with_rates(line))
    return sorted(lines, key=lambda line: (-line["revenue"], line["rep_id"]))


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
