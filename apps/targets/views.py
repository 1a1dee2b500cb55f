"""Target pages: the member's own targets (a manager may switch to their line's) with progress.

Progress comes from the set-based target_progress, so the page runs a fixed number of queries
however many targets it shows."""

import datetime as dt
import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.org.selectors import visible_member_ids
from apps.tenancy.models import Role
from apps.tenancy.views import tenant_page

from .models import Target
from .selectors import metric_catalogue, target_list, target_progress

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
