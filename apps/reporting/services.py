"""Weekly progress rollup (周进度) and the manager's weekly report notes.

`rollup_weeks` recomputes whole ISO weeks of a tenant, set-based: the frame of every row
(selectors.rollup_frame: the KPI engine's compute() by rep and by team, a few lookups, the week's
targets), then one INSERT … ON CONFLICT DO UPDATE of every row and one DELETE of the rows of those
weeks no longer produced — all in one transaction, under a per-tenant advisory lock. Running it
twice, or again after a worker died halfway (its transaction rolled back), leaves exactly the rows a
clean run leaves.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

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
from apps.tenancy.audit import audit_log, diff
from apps.tenancy.dates import parse_week_key, period_floor, tenant_today, week_key, week_start
from apps.tenancy.models import Membership, Role, Tenant
from apps.tenancy.money import money
from apps.tenancy.notifications import Message, notify_many, recipient_languages

from .models import WeeklyProgress, WeeklyReportNote
from .selectors import COLUMNS, COUNT_COLUMNS, MONEY_COLUMNS, RATE_COLUMNS, rollup_frame, weekly_report

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
