"""Weekly progress rollup (周进度) and the manager's weekly report notes.

`rollup_weeks` recomputes whole ISO weeks of a tenant, set-based: the KPI engine's compute() by rep
and by team (one grouped statement per fact source each, the team slice through the team closure),
a few lookups (members, closure, revenue targets), then one INSERT … ON CONFLICT DO UPDATE of every
row and one DELETE of the rows of those weeks no longer produced — all in one transaction, under a
per-tenant advisory lock. Running it twice, or again after a worker died halfway (its transaction
rolled back), leaves exactly the rows a clean run leaves.

Target for the week (revenue only; approved or locked targets without a dimension): the owner's
weekly target if there is one; else its month target prorated by the days of the week that fall in
each month (a week spanning two months takes a share of both); else quarter, else year, prorated the
same way. A team without targets of its own gets the sum of the week targets of the members whose
team lies in its subtree. Attainment = revenue / target for the week.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from apps.org.models import Team, TeamClosure
from apps.targets.engine import compute
from apps.targets.models import Target
from apps.tenancy.audit import audit_log, diff
from apps.tenancy.dates import parse_week_key, period_end, period_floor, tenant_today, week_key, week_start
from apps.tenancy.models import Membership, Role, Tenant
from apps.tenancy.money import money
from apps.tenancy.notifications import Message, notify_many, recipient_languages

from .models import WeeklyProgress, WeeklyReportNote
from .selectors import weekly_report

# engine metric code -> WeeklyProgress column
METRICS = {
    "revenue": "revenue",
    "gross_margin": "gross_margin",
    "collections": "collections",
    "order_count": "orders",
    "new_customers": "new_customers",
    "active_customers": "active_customers",
    "visits_done": "visits_done",
    "visits_effective": "visits_effective",
    "visits_with_deal": "visits_with_deal",
    "reports_submitted": "reports_submitted",
    "reports_on_time": "reports_on_time",
}
MONEY_COLUMNS = ("revenue", "gross_margin", "collections")
COUNT_COLUMNS = (
    "orders",
    "new_customers",
    "active_customers",
    "visits_done",
    "visits_effective",
    "visits_with_deal",
    "reports_submitted",
    "reports_on_time",
    "reps",
)
RATE_COLUMNS = ("effective_visit_rate", "deal_rate", "attainment")
COLUMNS = (
    "iso_year",
    "iso_week",
    "week_start",
    "scope",
    "subject_id",
    "rep_id",
    "team_id",
    *COUNT_COLUMNS,
    *MONEY_COLUMNS,
    *RATE_COLUMNS,
    "target_revenue",
)
SQL_TYPES = {
    "iso_year": "int",
    "iso_week": "int",
    "week_start": "date",
    "scope": "text",
    "subject_id": "bigint",
    "rep_id": "bigint",
    "team_id": "bigint",
    **dict.fromkeys(COUNT_COLUMNS, "int"),
    **dict.fromkeys(MONEY_COLUMNS, "numeric"),
    **dict.fromkeys(RATE_COLUMNS, "numeric"),
    "target_revenue": "numeric",
}
ROLLUP_LOCK = 0x57EE  # first key of the per-tenant advisory lock (the second is the tenant id)
GRAIN_ORDER = ("week", "month", "quarter", "year")


@dataclass
class RollupResult:
    weeks: int
    rows: int
    deleted: int

    def as_dict(self) -> dict:
        return {"weeks": self.weeks, "rows": self.rows, "deleted": self.deleted}


def rollup_week(*, tenant: Tenant, iso_year: int, iso_week: int) -> RollupResult:
    """Recompute one ISO week of the tenant (see rollup_weeks)."""
    start = week_start(iso_year, iso_week)
    return rollup_weeks(tenant=tenant, first=start, last=start)


def rollup_weeks(*, tenant: Tenant, first: dt.date, last: dt.date) -> RollupResult:
    """Recompute every ISO week from the one holding `first` to the one holding `last`."""
    first, last = period_floor(first, "week"), period_floor(last, "week")
    if last < first:
        raise ValidationError({"week": _("The last week is before the first.")})
    end = last + dt.timedelta(days=6)
    with transaction.atomic():
        with connection.cursor() as cur:
            # One rollup of a tenant at a time: a second one (a redelivered task, a click during the
            # beat run) waits and then recomputes, instead of interleaving its upsert and delete.
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ROLLUP_LOCK, tenant.pk])
        frame = rollup_frame(tenant=tenant, first=first, end=end)
        pause = float(getattr(settings, "REPORTING_ROLLUP_PAUSE", 0) or 0)
        reps = frame[frame["scope"] == "rep"]
        teams = frame[frame["scope"] == "team"]
        written = _upsert(tenant, reps)
        if pause:
            # Test hook (settings/env REPORTING_ROLLUP_PAUSE): hold the transaction open halfway,
            # so a test can kill the worker between the rep rows and the team rows.
            time.sleep(pause)
        written += _upsert(tenant, teams)
        deleted = _delete_stale(tenant, frame, first, last)
    return RollupResult(weeks=(last - first).days // 7 + 1, rows=written, deleted=deleted)


def rollup_frame(*, tenant: Tenant, first: dt.date, end: dt.date) -> pd.DataFrame:
    """Every WeeklyProgress row of the weeks first..end as a frame (one row per week × subject)."""
    codes = list(METRICS)
    by_rep = compute(tenant=tenant, metrics=codes, grain="week", start=first, end=end, by="rep")
    by_team = compute(tenant=tenant, metrics=codes, grain="week", start=first, end=end, by="team")
    weeks = [first + dt.timedelta(weeks=i) for i in range((end - first).days // 7 + 1)]

    members = pd.DataFrame.from_records(
        Membership.objects.filter(tenant=tenant).values_list("id", "team_id", "role", "is_active"),
        columns=["id", "team_id", "role", "is_active"],
    )
    closure = pd.DataFrame.from_records(
        TeamClosure.objects.filter(tenant=tenant).values_list("ancestor_id", "descendant_id"),
        columns=["ancestor", "descendant"],
    )
    team_ids = sorted(set(Team.objects.filter(tenant=tenant).values_list("id", flat=True)))

    # Subjects: every active account manager (a quiet week is a row of zeros, which the weekly
    # report needs) and anyone else with facts in those weeks; every team.
    active_reps = set(members.loc[members["is_active"] & (members["role"] == Role.REP), "id"])
    rep_ids = sorted(active_reps | {int(k) for k in by_rep.index.get_level_values("key")})
    rep_rows = _grid(by_rep.rename(columns=METRICS), rep_ids, weeks)
    rep_rows["scope"], rep_rows["rep_id"], rep_rows["team_id"], rep_rows["reps"] = (
        "rep",
        rep_rows["key"],
        None,
        1,
    )

    team_of = members.dropna(subset=["team_id"]).astype({"team_id": int})
    in_subtree = closure.merge(
        team_of[["id", "team_id", "role", "is_active"]], left_on="descendant", right_on="team_id"
    )
    reps_per_team = (
        in_subtree[in_subtree["is_active"] & (in_subtree["role"] == Role.REP)]
        .groupby("ancestor")["id"]
        .nunique()
    )
    team_rows = _grid(by_team.rename(columns=METRICS), team_ids, weeks)
    team_rows["scope"], team_rows["rep_id"], team_rows["team_id"] = "team", None, team_rows["key"]
    team_rows["reps"] = team_rows["key"].map(reps_per_team).fillna(0).astype(int)

    targets = _week_targets(tenant=tenant, weeks=weeks, end=end)
    rep_rows = rep_rows.merge(
        targets[targets["kind"] == "rep"][["key", "week_start", "target"]],
        on=["key", "week_start"],
        how="left",
    )
    own_team = targets[targets["kind"] == "team"][["key", "week_start", "target"]]
    members_target = (
        in_subtree[["ancestor", "id"]]
        .merge(targets[targets["kind"] == "rep"], left_on="id", right_on="key")
        .groupby(["ancestor", "week_start"])["target"]
        .sum()
        .rename("members_target")
        .reset_index()
        .rename(columns={"ancestor": "key"})
    )
    team_rows = team_rows.merge(own_team, on=["key", "week_start"], how="left").merge(
        members_target, on=["key", "week_start"], how="left"
    )
    team_rows["target"] = team_rows["target"].fillna(team_rows.pop("members_target"))

    rows = pd.concat([rep_rows, team_rows], ignore_index=True)
    rows["subject_id"] = rows["key"].astype(int)
    rows["target_revenue"] = rows["target"]
    iso = rows["week_start"].map(lambda d: d.isocalendar())
    rows["iso_year"] = iso.map(lambda c: c[0])
    rows["iso_week"] = iso.map(lambda c: c[1])
    done = rows["visits_done"].replace(0, np.nan)
    rows["effective_visit_rate"] = rows["visits_effective"] / done
    rows["deal_rate"] = rows["visits_with_deal"] / done
    rows["attainment"] = rows["revenue"] / rows["target_revenue"].replace(0.0, np.nan)
    return rows[list(COLUMNS)]


def _grid(values: pd.DataFrame, keys: list[int], weeks: list[dt.date]) -> pd.DataFrame:
    """values (index key × period_start) spread over every key × week, zeros where there were no facts."""
    index = pd.MultiIndex.from_product([keys, weeks], names=["key", "period_start"])
    cols = list(METRICS.values())
    if values.empty:
        grid = pd.DataFrame(0.0, index=index, columns=cols)
    else:
        values = values.copy()
        # A MultiIndex (owner key, week); the stubs see a plain Index.
        values.index = values.index.set_levels(values.index.levels[0].astype(int), level=0)  # type: ignore[attr-defined]
        grid = values.reindex(index=index, columns=cols).fillna(0.0)
    return grid.reset_index().rename(columns={"period_start": "week_start"})


def _week_targets(*, tenant: Tenant, weeks: list[dt.date], end: dt.date) -> pd.DataFrame:
    """(kind, key, week_start, target): each owner's revenue target for each week (see module doc)."""
    targets = list(
        Target.objects.filter(
            tenant=tenant,
            metric="revenue",
            dimension="",
            status__in=(Target.Status.APPROVED, Target.Status.LOCKED),
            owner_kind__in=(Target.OwnerKind.REP, Target.OwnerKind.TEAM),
            period_start__lte=end,
            period_start__gte=weeks[0] - dt.timedelta(days=366),
        ).only("owner_kind", "rep_id", "team_id", "grain", "period_start", "value")
    )
    rows = []
    for t in targets:
        t_end = period_end(t.period_start, t.grain)
        days = (t_end - t.period_start).days + 1
        for week in weeks:
            overlap = (min(t_end, week + dt.timedelta(days=6)) - max(t.period_start, week)).days + 1
            if overlap > 0:
                rows.append(
                    (
                        t.owner_kind,
                        t.owner_id,
                        week,
                        GRAIN_ORDER.index(t.grain),
                        float(t.value) * overlap / days,
                    )
                )
    frame = pd.DataFrame.from_records(rows, columns=["kind", "key", "week_start", "rank", "target"])
    if frame.empty:
        return frame.drop(columns=["rank"])
    # The finest grain an owner has targets at, summed over its periods touching the week.
    finest = frame.groupby(["kind", "key", "week_start"])["rank"].transform("min")
    return (  # as_index=False: a DataFrame, not the Series the stubs expect
        frame[frame["rank"] == finest].groupby(["kind", "key", "week_start"], as_index=False)["target"].sum()  # type: ignore[return-value]
    )


def _sql_values(frame: pd.DataFrame) -> list[list]:
    out: list[list[Any]] = []
    for column in COLUMNS:
        series = frame[column]
        if column in MONEY_COLUMNS or column == "target_revenue":
            out.append([None if _missing(v) else money(float(v)) for v in series])
        elif column in RATE_COLUMNS:
            out.append([None if _missing(v) else round(float(v), 4) for v in series])
        elif column in COUNT_COLUMNS or column in ("iso_year", "iso_week", "subject_id"):
            out.append([int(round(float(v))) for v in series])
        elif column in ("rep_id", "team_id"):
            out.append([None if _missing(v) else int(v) for v in series])
        else:
            out.append(list(series))
    return out


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


UPDATED = [c for c in COLUMNS if c not in ("iso_year", "iso_week", "scope", "subject_id")]


def _upsert(tenant: Tenant, frame: pd.DataFrame) -> int:
    """Insert or update the frame's rows in one statement (arrays unnested server-side); a row whose
    figures did not change is left alone, so a rerun does not churn the sync feed."""
    if frame.empty:
        return 0
    names = ", ".join(COLUMNS)
    unnest = ", ".join(f"%s::{SQL_TYPES[c]}[]" for c in COLUMNS)
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in UPDATED)
    changed = " OR ".join(f"w.{c} IS DISTINCT FROM EXCLUDED.{c}" for c in UPDATED if c != "week_start")
    sql = (
        f"INSERT INTO reporting_weeklyprogress (tenant_id, created_at, updated_at, computed_at, {names}) "
        f"SELECT %s, now(), now(), now(), * FROM unnest({unnest}) "
        "ON CONFLICT (tenant_id, iso_year, iso_week, scope, subject_id) DO UPDATE SET "
        f"{sets}, updated_at = now(), computed_at = now() WHERE {changed}"
    )
    sql = sql.replace("reporting_weeklyprogress (", "reporting_weeklyprogress AS w (", 1)
    with connection.cursor() as cur:
        cur.execute(sql, [tenant.pk, *_sql_values(frame)])
        return cur.rowcount


def _delete_stale(tenant: Tenant, frame: pd.DataFrame, first: dt.date, last: dt.date) -> int:
    """Rows of the recomputed weeks whose subject no longer has one (a member gone, a team deleted).

    The frame is a full grid (every subject in every week), so "not produced" is "subject not among
    this run's reps or teams": two hashed array tests, not an anti-join of the rows against the keys."""
    reps = sorted({int(v) for v in frame.loc[frame["scope"] == "rep", "subject_id"]})
    teams = sorted({int(v) for v in frame.loc[frame["scope"] == "team", "subject_id"]})
    with connection.cursor() as cur:
        cur.execute(
            "DELETE FROM reporting_weeklyprogress w WHERE w.tenant_id = %s AND w.week_start BETWEEN %s AND %s "
            "AND NOT ((w.scope = 'rep' AND w.subject_id = ANY(%s::bigint[])) "
            "OR (w.scope = 'team' AND w.subject_id = ANY(%s::bigint[])))",
            [tenant.pk, first, last, reps, teams],
        )
        return cur.rowcount


# ---------------------------------------------------------------- on demand and notes


def may_roll_up(member: Membership) -> bool:
    return member.role in (Role.ADMIN, Role.MANAGER)


def rollup_on_demand(*, tenant: Tenant, by: Membership, period: str) -> RollupResult:
    """An admin's or manager's "recompute this week" (the button and the API action)."""
    if not may_roll_up(by):
        raise PermissionDenied(_("Only managers and administrators recompute weekly progress."))
    iso_year, iso_week = parse_week_key(period)
    if week_start(iso_year, iso_week) > tenant_today(tenant):
        raise ValidationError({"week": _("This week has not started yet.")})
    return rollup_week(tenant=tenant, iso_year=iso_year, iso_week=iso_week)


def may_write_note(member: Membership, team: Team) -> bool:
    """The team's manager (the member leading it, or a manager whose team is above it) or an admin."""
    if member.role == Role.ADMIN:
        return True
    if member.role != Role.MANAGER:
        return False
    if team.lead_id == member.pk:
        return True
    return (
        bool(member.team_id)
        and TeamClosure.objects.filter(
            tenant_id=member.tenant_id, ancestor_id=member.team_id, descendant_id=team.pk
        ).exists()
    )


@transaction.atomic
def weekly_note_save(*, team: Team, week: dt.date, by: Membership, next_week_goals: str) -> WeeklyReportNote:
    """Save next week's goals for a team's weekly report (one note per team and week)."""
    if not may_write_note(by, team):
        raise PermissionDenied(_("Only the team's manager writes its weekly goals."))
    week = period_floor(week, "week")
    goals = (next_week_goals or "").strip()
    if len(goals) > 5000:
        raise ValidationError({"next_week_goals": _("At most 5000 characters.")})
    note = (
        WeeklyReportNote.objects.select_for_update()
        .filter(tenant_id=team.tenant_id, team=team, week_start=week)
        .first()
    )
    created = note is None
    changes = {} if note is None else diff(note, {"next_week_goals": goals})
    if note is None:
        note = WeeklyReportNote(tenant_id=team.tenant_id, team=team, week_start=week)
    note.next_week_goals, note.author = goals, by
    note.save()
    audit_log(
        note, "reporting.note.created" if created else "reporting.note.updated", actor=by, changes=changes
    )
    return note


__all__ = [
    "rollup_week",
    "rollup_weeks",
    "rollup_on_demand",
    "weekly_note_save",
]


# ---------------------------------------------------------------- the Monday mail


def weekly_report_mail(*, tenant: Tenant, iso_year: int, iso_week: int) -> int:
    """Mail each active manager the weekly report (周进度控制) of their team for the ISO week, in the
    language they read mail in, with the link to the full report. Rolls the week up first if that has
    not run yet. Safe to run twice: one message per manager and week (its dedupe key). Returns the
    number of managers newly told."""
    first = week_start(iso_year, iso_week)
    if not WeeklyProgress.objects.filter(tenant=tenant, week_start=first).exists():
        rollup_week(tenant=tenant, iso_year=iso_year, iso_week=iso_week)
    managers = list(
        Membership.objects.filter(tenant=tenant, role=Role.MANAGER, is_active=True, team__isnull=False)
        .select_related("user", "team", "tenant")
        .order_by("id")
    )
    languages = recipient_languages(managers)
    key = week_key(first)
    messages = []
    for manager in managers:
        team = manager.team
        assert team is not None  # filtered above
        report = weekly_report(tenant=tenant, team=team, first_week=first, last_week=first)
        query = urlencode({"team": str(team.pk), "week": key})
        with translation.override(languages[manager.pk]):
            body = render_to_string(
                "reporting/weekly_report_mail.txt",
                {
                    "team": team,
                    "week": key,
                    "first": first,
                    "last": first + dt.timedelta(days=6),
                    "report": report,
                    "currency": tenant.currency,
                },
            )
            title = _("Weekly sales report %(week)s · %(team)s") % {"week": key, "team": team.name}
        messages.append(
            Message(
                recipient=manager,
                kind="weekly_report",
                title=title,
                body=body.strip(),
                url=reverse("reporting:weekly", kwargs={"tenant_slug": tenant.slug}) + f"?{query}",
                dedupe_key=f"weekly_report:{key}:{manager.pk}",
            )
        )
    with transaction.atomic():
        return len(notify_many(tenant=tenant, messages=messages))
