"""What the targets app puts on the role homes (apps.tenancy.home; registered in TargetsConfig.ready()).

- a rep: this month's targets with attainment and pace; appraisals to acknowledge and improvement
  actions due;
- a manager: the line's revenue attainment this month and this quarter with the reps behind pace,
  targets waiting for their approval, the attainment table (loaded with htmx) and the revenue trend;
- an admin (head of sales) and a viewer: the organisation's and the teams' targets holding today with
  their forecast and the teams behind, besides the manager's cards over the whole organisation.

Progress comes from target_progress, one call per card (each call one compute per grain and owner
kind), so no card's query count grows with the number of reps, teams or targets.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Q
from django.db.models.base import ModelState
from django.utils.translation import gettext_lazy as _

from apps.org.models import ReportingClosure, TeamClosure
from apps.org.selectors import visible_member_ids
from apps.tenancy.dates import period_end, period_floor
from apps.tenancy.home import LISTED, first_items
from apps.tenancy.models import Membership, Role

from ..models import Appraisal, ImprovementAction, Target
from .breakdown import period_label
from .metrics import metric_catalogue, metric_trend
from .targets import DASHBOARD_FIELDS, STATUSES, target_list, target_progress

REVENUE = "revenue"
BEHIND = ("at_risk", "off_track")
GRAINS = ("month", "quarter", "year")
GRAIN_LABELS = {"month": _("This month"), "quarter": _("This quarter"), "year": _("This year")}
TREND_MONTHS = 12
# Improvement actions show on the home from a week before they are due.
ACTIONS_AHEAD = dt.timedelta(days=7)
# A member's own appraisal tasks are few; past this many the card says "100+".
TASKS_READ = 100


def _figure(value: Any) -> float | None:
    """A progress figure as a float, None when undefined (NaN: a rate of nothing, a period not begun)."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _percent(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole * 100


def _bar(percent: float | None) -> int | None:
    return None if percent is None else round(max(0.0, min(percent, 100.0)))


def _sums(
    targets: list[Target], progress: pd.DataFrame, rows: np.ndarray | None = None
) -> dict[str, Any] | None:
    """Targets of one metric added up (the rows `rows` of `targets` and of its progress frame, all by
    default): value, actual, expected by now, forecast, attainment and pace (actual against
    expected). None for no targets."""
    picked = np.arange(len(targets)) if rows is None else rows
    if not len(picked):
        return None
    value = float(sum(float(targets[i].value) for i in picked))
    actual = float(np.nansum(progress["actual"].to_numpy(dtype=float)[picked]))
    expected = float(np.nansum(progress["expected"].to_numpy(dtype=float)[picked]))
    forecasts = progress["forecast"].to_numpy(dtype=float)[picked]
    forecast = None if np.isnan(forecasts).any() else float(forecasts.sum())
    attainment = _percent(actual, value)
    return {
        "value": value,
        "actual": actual,
        "expected": expected,
        "ahead": max(actual - expected, 0.0),
        "behind": max(expected - actual, 0.0),
        "forecast": forecast,
        "forecast_attainment": _percent(forecast, value),
        "attainment": attainment,
        "bar": _bar(attainment),
        "on_pace": actual >= expected,
    }


def _bare_targets(qs) -> list[Target]:
    """The targets of `qs` holding DASHBOARD_FIELDS only, as bare instances made from a values_list:
    the organisation's 1,000 rep targets of a quarter load in 2 ms instead of 19 ms through
    Model.__init__ (measured on the bench organisation). For reading progress only, never saved."""
    names = DASHBOARD_FIELDS  # column names (attnames) already: rep_id, team_id…
    targets = []
    for row in qs.values_list(*names):
        target = Target.__new__(Target)
        target._state = ModelState()
        target._state.adding, target._state.db = False, qs.db
        target.__dict__.update(zip(names, row, strict=True))
        targets.append(target)
    return targets


def _status_labels() -> dict[str, str]:
    return {code: str(label) for code, label in STATUSES}


# ---- the rep ------------------------------------------------------------------------------------


def my_targets_card(membership: Membership, today: dt.date) -> dict[str, Any]:
    """The member's own targets of this month, each with attainment and pace (expected by today)."""
    tenant = membership.tenant
    start = period_floor(today, "month")
    targets = list(
        target_list(tenant=tenant, viewer=membership)
        .select_related(None)
        .filter(owner_kind=Target.OwnerKind.REP, rep=membership, grain="month", period_start=start)
        .order_by("metric", "id")
    )
    if not targets:
        return {"rows": [], "month": start}
    progress = target_progress(tenant=tenant, targets=targets, today=today).to_dict("index")
    metrics = {m["code"]: m for m in metric_catalogue(tenant=tenant)}
    labels = _status_labels()
    rows = []
    for t in targets:
        p, metric = progress[t.pk], metrics.get(t.metric, {})
        ratio = metric.get("unit") == "ratio"
        scale = 100.0 if ratio else 1.0
        actual, expected = _figure(p["actual"]), _figure(p["expected"])
        attainment = _percent(actual, float(t.value))
        rows.append(
            {
                "target": t,
                "name": metric.get("name", t.metric),
                "ratio": ratio,
                "money": metric.get("unit") == "money",
                "value": float(t.value) * scale,
                "actual": None if actual is None else actual * scale,
                "expected": None if expected is None else expected * scale,
                "behind": None if actual is None or expected is None else max(expected - actual, 0) * scale,
                "attainment": attainment,
                "bar": _bar(attainment),
                "status": p["status"],
                "status_label": labels.get(p["status"], p["status"]),
            }
        )
    return {"rows": rows, "month": start}


def tasks_card(membership: Membership, today: dt.date) -> dict[str, Any]:
    """What waits for the member in the appraisals: a rep's submitted appraisals to acknowledge (a
    manager's drafts to complete and submit), and the improvement actions they own that are due
    within a week or overdue. Two queries; each list is the member's own, read up to TASKS_READ."""
    tenant = membership.tenant
    appraisals = Appraisal.objects.filter(tenant=tenant).select_related("cycle")
    if membership.role == Role.MANAGER:
        appraisals = appraisals.filter(manager=membership, status=Appraisal.Status.DRAFT)
        appraisals = appraisals.select_related("rep__user")
    else:
        appraisals = appraisals.filter(rep=membership, status=Appraisal.Status.SUBMITTED)
    appraisal_items = list(appraisals.order_by("cycle__period_start", "id")[:TASKS_READ])
    actions = list(
        ImprovementAction.objects.filter(
            tenant=tenant, owner=membership, done=False, due_date__lte=today + ACTIONS_AHEAD
        ).order_by("due_date", "id")[:TASKS_READ]
    )
    return {
        "appraisals": appraisal_items[:LISTED],
        "appraisal_total": len(appraisal_items),
        "to_acknowledge": membership.role != Role.MANAGER,
        "actions": actions[:LISTED],
        "action_total": len(actions),
        "total": len(appraisal_items) + len(actions),
        "capped": TASKS_READ in (len(appraisal_items), len(actions)),
    }


# ---- the manager, the head of sales, the viewer ----------------------------------------------------


def attainment_card(membership: Membership, today: dt.date) -> dict[str, Any]:
    """Revenue attainment of the reps the member sees (a manager's line, everyone for an admin or a
    viewer) this month and this quarter, added up from their targets, and the reps behind pace this
    month with their shortfall. One target_progress call (a compute per grain) and one query for the
    names of the reps listed."""
    tenant = membership.tenant
    month, quarter = period_floor(today, "month"), period_floor(today, "quarter")
    qs = (
        Target.objects.filter(tenant=tenant, metric=REVENUE, owner_kind=Target.OwnerKind.REP, dimension="")
        .filter(
            Q(grain="month", period_start__range=(quarter, period_end(quarter, "quarter")))
            | Q(grain="quarter", period_start=quarter)
        )
        .order_by("id")
    )
    ids = visible_member_ids(membership)
    if ids is not None:
        qs = qs.filter(rep__in=ids)
    targets = _bare_targets(qs)
    data: dict[str, Any] = {
        "month": month,
        "quarter": quarter,
        "month_end": period_end(month, "month"),
        "company": ids is None,
        "periods": [],
        "behind": [],
        "behind_total": 0,
    }
    if not targets:
        return data
    progress = target_progress(tenant=tenant, targets=targets, today=today)
    grains = np.array([t.grain for t in targets])
    starts = np.array([t.period_start for t in targets])
    months = np.flatnonzero((grains == "month") & (starts == month))
    quarters = np.flatnonzero(grains == "quarter")
    for grain, rows in (
        ("month", months),
        ("quarter", quarters if len(quarters) else np.flatnonzero(grains == "month")),
    ):
        sums = _sums(targets, progress, rows)
        if sums:
            data["periods"].append({"grain": grain, "label": GRAIN_LABELS[grain], **sums})
    # Behind pace this month: the reps whose month target is at risk or off track, largest shortfall first.
    status = progress["status"].to_numpy()[months]
    actual = np.nan_to_num(progress["actual"].to_numpy(dtype=float)[months])
    expected = np.nan_to_num(progress["expected"].to_numpy(dtype=float)[months])
    behind = [
        (expected[k] - actual[k], targets[i], actual[k], status[k])
        for k, i in enumerate(months)
        if status[k] in BEHIND
    ]
    behind.sort(key=lambda b: (-b[0], b[1].rep_id))
    data["behind_total"] = len(behind)
    labels = _status_labels()
    data["behind"] = [
        {
            "rep_id": t.rep_id,
            "shortfall": float(shortfall),
            "gap": float(t.value) - float(done),
            "attainment": _percent(float(done), float(t.value)),
            "status": code,
            "status_label": labels.get(code, code),
        }
        for shortfall, t, done, code in behind[:LISTED]
    ]
    if data["behind"]:
        names = {
            m.pk: m.name
            for m in Membership.objects.filter(
                tenant_id=tenant.pk, pk__in=[b["rep_id"] for b in data["behind"]]
            ).select_related("user")
        }
        for b in data["behind"]:
            b["name"] = names.get(b["rep_id"], "")
    return data


def teams_card(membership: Membership, today: dt.date) -> dict[str, Any]:
    """The organisation's revenue targets holding today (this month, quarter, year) and its teams'
    of the finest of those grains the teams have, each with attainment, forecast and status; the
    teams behind first in their list. One query for the targets and one target_progress call."""
    tenant = membership.tenant
    holding = Q()
    for grain in GRAINS:
        holding |= Q(grain=grain, period_start=period_floor(today, grain))
    found = list(
        target_list(tenant=tenant, viewer=membership)
        .select_related(None)
        .select_related("team")
        .filter(holding, metric=REVENUE, dimension="")
        .filter(owner_kind__in=[Target.OwnerKind.TENANT, Target.OwnerKind.TEAM])
        .only(*DASHBOARD_FIELDS, "team__name")
        .order_by("team__name", "id")
    )
    company = sorted(
        (t for t in found if t.owner_kind == Target.OwnerKind.TENANT), key=lambda t: GRAINS.index(t.grain)
    )
    team_grains = [g for g in GRAINS if any(t.grain == g for t in found if t.owner_kind == "team")]
    team_grain = team_grains[0] if team_grains else None
    teams = [t for t in found if t.owner_kind == Target.OwnerKind.TEAM and t.grain == team_grain]
    data: dict[str, Any] = {
        "company": [],
        "teams": [],
        "team_grain": team_grain,
        "team_grain_label": GRAIN_LABELS.get(team_grain or "", ""),
        "behind_total": 0,
    }
    if not company and not teams:
        return data
    shown = company + teams
    progress = target_progress(tenant=tenant, targets=shown, today=today)
    statuses = progress["status"].to_numpy()
    labels = _status_labels()

    def row(i: int) -> dict[str, Any]:
        t, code = shown[i], statuses[i]
        return {
            **(_sums(shown, progress, np.array([i])) or {}),
            "target": t,
            "label": GRAIN_LABELS[t.grain],
            "period": period_label(t.grain, t.period_start),
            "status": code,
            "status_label": labels.get(code, code),
            "behind": code in BEHIND,
        }

    data["company"] = [row(i) for i in range(len(company))]
    rows = [row(i) for i in range(len(company), len(shown))]
    rows.sort(
        key=lambda r: (not r["behind"], r["target"].team.name if r["target"].team else "", r["target"].pk)
    )
    data["teams"] = rows
    data["behind_total"] = sum(1 for r in rows if r["behind"])
    return data


def approvals_card(membership: Membership, today: dt.date) -> dict[str, Any] | None:
    """Proposed targets the member may approve (a manager: the reps below them and the teams below
    their own; an admin: any), oldest period first. One query, and one for the KPI names."""
    tenant = membership.tenant
    qs = Target.objects.filter(tenant=tenant, status=Target.Status.PROPOSED)
    if membership.role == Role.MANAGER:
        reps = ReportingClosure.objects.filter(
            tenant_id=tenant.pk, ancestor_id=membership.pk, depth__gt=0
        ).values("descendant_id")
        mine = Q(owner_kind=Target.OwnerKind.REP, rep__in=reps)
        if membership.team_id:
            teams = TeamClosure.objects.filter(
                tenant_id=tenant.pk, ancestor_id=membership.team_id, depth__gt=0
            ).values("descendant_id")
            mine |= Q(owner_kind=Target.OwnerKind.TEAM, team__in=teams)
        qs = qs.filter(mine)
    elif membership.role != Role.ADMIN:
        return None
    total, items = first_items(qs.select_related("rep__user", "team").order_by("period_start", "grain", "id"))
    names = {m["code"]: m["name"] for m in metric_catalogue(tenant=tenant)} if items else {}
    rows = [
        {
            "target": t,
            "owner": t.rep.name if t.rep_id else (t.team.name if t.team_id else tenant.name),
            "metric": names.get(t.metric, t.metric),
            "period": period_label(t.grain, t.period_start),
        }
        for t in items
    ]
    return {"total": total, "items": rows}


def team_table_card(membership: Membership, today: dt.date) -> dict[str, Any]:
    """The attainment table loads itself with htmx (targets:team-card): nothing to read here."""
    return {}


def trend_card(membership: Membership, today: dt.date) -> dict[str, Any]:
    """Revenue of what the member sees, month by month over the last twelve months: one compute."""
    last = period_floor(today, "month")
    trend = metric_trend(
        tenant=membership.tenant,
        viewer=membership,
        metric=REVENUE,
        grain="month",
        last=last,
        count=TREND_MONTHS,
    )
    return {
        "chart": {
            "type": "line",
            "labels": [f"{p:%Y-%m}" for p in trend],
            "values": [round(v, 2) for v in trend.values()],
            "label": str(_("Revenue")),
        },
        "total": sum(trend.values()),
    }
