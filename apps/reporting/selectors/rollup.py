"""Weekly progress (周进度) computed from the facts: the rows of WeeklyProgress as a frame, per ISO week
and subject (each account manager, each team), set-based — the KPI engine's compute() by rep and by
team (one grouped statement per fact source each, the team slice through the team closure), then a
few lookups (members, closure, revenue targets). services.rollup_weeks writes this frame for whole
weeks of the tenant; the weekly report reads it for one team when the week is not rolled up yet
(the current week), so both read the same figures the same way.

Target for the week (revenue only; approved or locked targets without a dimension): the owner's
weekly target if there is one; else its month target prorated by the days of the week that fall in
each month (a week spanning two months takes a share of both); else quarter, else year, prorated the
same way. A team without targets of its own gets the sum of the week targets of the members whose
team lies in its subtree. Attainment = revenue / target for the week.

Overdue receivables at the week's end (its Sunday D): as the ageing as of D reads them, Σ amount of
the invoices (not cancelled) issued on or before D and due before D, less what was allocated to them
on or before D; by the invoice's account manager, a team's the sum over the members whose team lies
in its subtree. The change is against the previous Sunday. One grouped statement (see _overdue).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection

from apps.org.models import Team, TeamClosure
from apps.sales.models import Allocation, Invoice
from apps.targets.engine import compute
from apps.targets.models import Target
from apps.tenancy.dates import period_end
from apps.tenancy.models import Membership, Role, Tenant

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
OVERDUE_COLUMNS = ("overdue_receivables", "overdue_change")
MONEY_COLUMNS = ("revenue", "gross_margin", "collections", *OVERDUE_COLUMNS)
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
GRAIN_ORDER = ("week", "month", "quarter", "year")


def rollup_frame(*, tenant: Tenant, first: dt.date, end: dt.date, team: Team | None = None) -> pd.DataFrame:
    """Every WeeklyProgress row of the weeks first..end as a frame (one row per week × subject).

    With `team`, only that team's rows and its members' (those whose team lies in its subtree): the
    facts of those members alone are read, so a team's week costs what its size does, not the
    tenant's. Its figures are those of the whole tenant's frame."""
    codes = list(METRICS)
    member_rows = Membership.objects.filter(tenant=tenant)
    closure_rows = TeamClosure.objects.filter(tenant=tenant)
    rep_filter: list[int] | None = None
    if team is not None:
        closure_rows = closure_rows.filter(ancestor_id=team.pk)
        member_rows = member_rows.filter(team__in=closure_rows.values("descendant_id"))
    members = pd.DataFrame.from_records(
        member_rows.values_list("id", "team_id", "role", "is_active"),
        columns=["id", "team_id", "role", "is_active"],
    )
    if team is not None:
        rep_filter = [int(pk) for pk in members["id"]]
    by_rep = compute(
        tenant=tenant, metrics=codes, grain="week", start=first, end=end, by="rep", rep_ids=rep_filter
    )
    if team is None:
        by_team = compute(tenant=tenant, metrics=codes, grain="week", start=first, end=end, by="team")
    else:
        # The team's own row only: its members' facts summed as one, without the closure join that
        # would also add them up for every team above and below it (a third of the time).
        by_team = compute(
            tenant=tenant, metrics=codes, grain="week", start=first, end=end, by="tenant", rep_ids=rep_filter
        )
        by_team = by_team.rename(index={tenant.pk: team.pk}, level="key")
    weeks = [first + dt.timedelta(weeks=i) for i in range((end - first).days // 7 + 1)]

    closure = pd.DataFrame.from_records(
        closure_rows.values_list("ancestor_id", "descendant_id"),
        columns=["ancestor", "descendant"],
    )
    if team is None:
        team_ids = sorted(set(Team.objects.filter(tenant=tenant).values_list("id", flat=True)))
    else:
        team_ids = [team.pk]

    overdue = _overdue(tenant=tenant, weeks=weeks, rep_ids=rep_filter)

    # Subjects: every active account manager (a quiet week is a row of zeros, which the weekly
    # report needs) and anyone else with facts in those weeks; every team.
    active_reps = set(members.loc[members["is_active"] & (members["role"] == Role.REP), "id"])
    with_facts = {int(k) for k in by_rep.index.get_level_values("key")}
    with_overdue = {int(k) for k in overdue.loc[(overdue[list(OVERDUE_COLUMNS)] != 0).any(axis=1), "key"]}
    rep_ids = sorted(active_reps | with_facts | with_overdue)
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

    team_overdue = (
        in_subtree[["ancestor", "id"]]
        .merge(overdue, left_on="id", right_on="key")
        .groupby(["ancestor", "week_start"])[list(OVERDUE_COLUMNS)]
        .sum()
        .reset_index()
        .rename(columns={"ancestor": "key"})
    )
    rep_rows = _with_overdue(rep_rows, overdue)
    team_rows = _with_overdue(team_rows, team_overdue)

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


def _overdue(*, tenant: Tenant, weeks: list[dt.date], rep_ids: list[int] | None) -> pd.DataFrame:
    """(key: the rep, week_start, overdue_receivables, overdue_change) of every rep with overdue
    money at the end of any of `weeks` or the week before them, in one grouped statement.

    Each invoice counts from the first day it is overdue and issued (greatest(due_on + 1,
    issued_on)), each allocation from the first day both it is paid and its invoice counts, minus
    its amount: the overdue balance on D is the sum of those events on or before D. The events are
    summed by rep and week (the ones before the first week into the week before it, the baseline of
    the change), then added up week after week — linear in invoices and allocations, whatever the
    number of weeks."""
    before = weeks[0] - dt.timedelta(weeks=1)
    end = weeks[-1] + dt.timedelta(days=6)
    rep_clause = "" if rep_ids is None else "AND l.rep_id = ANY(%(reps)s::bigint[])"
    sql = f"""
        SELECT e.rep_id, greatest(date_trunc('week', e.day::timestamp)::date, %(before)s) AS week,
               sum(e.amount)
        FROM (
            SELECT l.rep_id, greatest(l.due_on + 1, l.issued_on) AS day, l.amount
            FROM {Invoice._meta.db_table} l
            WHERE l.tenant_id = %(t)s AND l.status <> %(cancelled)s AND l.due_on < %(end)s {rep_clause}
            UNION ALL
            SELECT l.rep_id, greatest(a.paid_on, l.due_on + 1, l.issued_on), -a.amount
            FROM {Allocation._meta.db_table} a
            JOIN {Invoice._meta.db_table} l ON l.tenant_id = %(t)s AND l.id = a.invoice_id
            WHERE a.tenant_id = %(t)s AND a.paid_on <= %(end)s AND l.status <> %(cancelled)s
              AND l.due_on < %(end)s {rep_clause}
        ) e
        WHERE e.day <= %(end)s
        GROUP BY 1, 2
    """  # noqa: S608 - table names from the models, values as parameters
    params: dict[str, Any] = {
        "t": tenant.pk,
        "before": before,
        "end": end,
        "cancelled": Invoice.Status.CANCELLED,
        "reps": rep_ids or [],
    }
    with connection.cursor() as cur:
        cur.execute(sql, params)
        deltas = pd.DataFrame.from_records(cur.fetchall(), columns=["key", "week_start", "delta"])
    columns = ["key", "week_start", *OVERDUE_COLUMNS]
    if deltas.empty:
        return pd.DataFrame(
            {"key": pd.Series(dtype="int64"), "week_start": pd.Series(dtype=object)}
            | {name: pd.Series(dtype=float) for name in OVERDUE_COLUMNS}
        )
    deltas["delta"] = deltas["delta"].astype(float)
    balance = (
        deltas.pivot_table(index="key", columns="week_start", values="delta", aggfunc="sum")
        .reindex(columns=[before, *weeks])
        .fillna(0.0)
        .cumsum(axis=1)
        .round(2)
    )
    change = balance.diff(axis=1).round(2)
    frame = pd.DataFrame(
        {
            "overdue_receivables": balance[weeks].stack(),
            "overdue_change": change[weeks].stack(),
        }
    )
    frame.index.names = ["key", "week_start"]
    return frame.reset_index()[columns]


def _with_overdue(rows: pd.DataFrame, overdue: pd.DataFrame) -> pd.DataFrame:
    rows = rows.merge(overdue, on=["key", "week_start"], how="left")
    rows[list(OVERDUE_COLUMNS)] = rows[list(OVERDUE_COLUMNS)].astype(float).fillna(0.0)
    return rows


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
