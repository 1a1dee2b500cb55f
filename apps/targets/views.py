"""Target pages: the member's own targets (a manager may switch to their line's) with progress.

Progress comes from the set-based target_progress, so the page runs a fixed number of queries
however many targets it shows."""

import datetime as dt
import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from apps.org.selectors import visible_member_ids
from apps.tenancy.models import Role
from apps.tenancy.views import tenant_page

from .models import Target
from .selectors import kpi_values, metric_catalogue, target_list, target_progress

PERIODS = [("month", _("This month")), ("quarter", _("This quarter")), ("year", _("This year"))]
STATUSES = [
    ("on_track", _("On track")),
    ("at_risk", _("At risk")),
    ("off_track", _("Off track")),
    ("not_started", _("Not started")),
]
LINE_ROLES = (Role.MANAGER, Role.ADMIN)


def _period_start(grain: str, today: dt.date) -> dt.date:
    if grain == "year":
        return today.replace(month=1, day=1)
    if grain == "quarter":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    return today.replace(day=1)


def _number(value, scale: float = 1.0) -> float | None:
    """A progress figure for display (a ratio metric in percent), None when undefined."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value) * scale


@tenant_page
def my_targets(request: HttpRequest) -> HttpResponse:
    tenant, viewer = request.tenant, request.membership
    today = timezone.localdate()
    grain = request.GET.get("period")
    grain = grain if grain in dict(PERIODS) else "month"
    status = request.GET.get("status")
    status = status if status in dict(STATUSES) else ""
    can_see_line = viewer.role in LINE_ROLES
    line = can_see_line and request.GET.get("scope") == "line"

    qs = target_list(tenant=tenant, viewer=viewer).filter(
        owner_kind=Target.OwnerKind.REP, grain=grain, period_start=_period_start(grain, today)
    )
    if line:
        ids = visible_member_ids(viewer)  # the viewer's line, never beyond (None: the whole tenant)
        if ids is not None:
            qs = qs.filter(rep__in=ids)
    else:
        qs = qs.filter(rep=viewer)
    targets = list(qs.select_related("tenant").order_by("rep__display_name", "metric", "id"))

    progress = target_progress(targets=targets, today=today)
    metrics = {m["code"]: m for m in metric_catalogue(tenant=tenant)} if targets else {}
    rows = []
    for t in targets:
        p = progress.loc[t.pk]
        metric = metrics.get(t.metric, {})
        attainment = _number(p["attainment"])
        ratio = metric.get("unit") == "ratio"
        scale = 100.0 if ratio else 1.0
        rows.append(
            {
                "target": t,
                "metric_name": metric.get("name", t.metric),
                "ratio": ratio,
                "money": metric.get("unit") == "money",
                "value": float(t.value) * scale,
                "actual": _number(p["actual"], scale),
                "expected": _number(p["expected"], scale),
                "forecast": _number(p["forecast"], scale),
                "gap": _number(p["gap"], scale),
                "attainment": None if attainment is None else attainment * 100,
                "bar": None if attainment is None else max(0.0, min(attainment * 100, 100.0)),
                "status": p["status"],
                "status_label": dict(STATUSES).get(p["status"], p["status"]),
            }
        )
    if status:
        rows = [r for r in rows if r["status"] == status]
    context = {
        "rows": rows,
        "periods": PERIODS,
        "statuses": STATUSES,
        "period": grain,
        "status": status,
        "line": line,
        "can_see_line": can_see_line,
        "period_start": _period_start(grain, today),
        "filtered": bool(status),
    }
    return render(request, "targets/my_targets.html", context)


TREND_PERIODS = 6


def _rep_rows(targets, progress) -> list[dict]:
    rows = []
    for t in targets:
        p = progress.loc[t.pk]
        attainment = _number(p["attainment"])
        rows.append(
            {
                "target": t,
                "value": float(t.value),
                "actual": _number(p["actual"]),
                "gap": _number(p["gap"]),
                "attainment": None if attainment is None else attainment * 100,
                "bar": None if attainment is None else max(0.0, min(attainment * 100, 100.0)),
                "status": p["status"],
                "status_label": dict(STATUSES).get(p["status"], p["status"]),
            }
        )
    return rows


@tenant_page(roles=LINE_ROLES)
def team_dashboard(request: HttpRequest) -> HttpResponse:
    """Revenue attainment of the viewer's line by rep and by team for one period, and a revenue trend.

    Set-based: one target_progress call per owner kind and one compute() for the trend, so the query
    count does not depend on the number of reps, teams or targets."""
    from .engine import period_shift

    tenant, viewer = request.tenant, request.membership
    today = timezone.localdate()
    grain = request.GET.get("period")
    grain = grain if grain in dict(PERIODS) else "month"
    start = _period_start(grain, today)
    end = period_shift(start, grain, 1) - dt.timedelta(days=1)
    ids = visible_member_ids(viewer)  # the viewer's line, never beyond (None: the whole tenant)

    base = target_list(tenant=tenant, viewer=viewer).filter(metric="revenue", grain=grain, period_start=start)
    reps = base.filter(owner_kind=Target.OwnerKind.REP)
    if ids is not None:
        reps = reps.filter(rep__in=ids)
    rep_targets = list(reps.select_related("tenant").filter(dimension="").order_by("rep__display_name", "id"))
    team_targets = list(
        base.filter(owner_kind=Target.OwnerKind.TEAM, dimension="")
        .select_related("tenant")
        .order_by("team__name", "id")
    )
    rep_rows = _rep_rows(rep_targets, target_progress(targets=rep_targets, today=today))
    team_rows = _rep_rows(team_targets, target_progress(targets=team_targets, today=today))

    trend_start = period_shift(start, grain, 1 - TREND_PERIODS)
    frame = kpi_values(  # compute() limited to the viewer's line
        tenant=tenant,
        viewer=viewer,
        metrics=["revenue"],
        grain=grain,
        start=trend_start,
        end=end,
        by="tenant",
    )
    by_period = frame["revenue"].groupby(level=1).sum() if len(frame) else {}
    trend_periods = [period_shift(trend_start, grain, i) for i in range(TREND_PERIODS)]
    fmt = {"month": "Y-m", "quarter": "Y-m", "year": "Y"}[grain]
    chart = {
        "reps": {
            "labels": [r["target"].rep.name for r in rep_rows],
            "attainment": [None if r["attainment"] is None else round(r["attainment"], 1) for r in rep_rows],
        },
        "trend": {
            "labels": [date_format(p, fmt) for p in trend_periods],
            "revenue": [round(float(by_period.get(p, 0) or 0), 2) for p in trend_periods],
        },
        "label_attainment": str(_("Attainment %")),
        "label_revenue": str(_("Revenue")),
    }
    context = {
        "rep_rows": rep_rows,
        "team_rows": team_rows,
        "periods": PERIODS,
        "period": grain,
        "period_start": start,
        "period_end": end,
        "chart": chart,
    }
    return render(request, "targets/team_dashboard.html", context)
