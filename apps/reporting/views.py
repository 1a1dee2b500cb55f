"""The weekly sales management report (周销售管理报告) per team: a page, a PDF and an XLSX.

"Reps see their day, managers their week, heads of sales their month": the page opens on the last
full week; a manager picks among their team subtree; an admin (head of sales) or viewer among every
team, and may switch to the month view (the weeks starting in that month, added up).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.tenancy.dates import (
    YEARS,
    last_full_week,
    month_weeks,
    parse_week_key,
    period_floor,
    period_shift,
    tenant_today,
    week_key,
    week_start,
)
from apps.tenancy.exports import sheets_to_response
from apps.tenancy.http import TenantRequest
from apps.tenancy.models import Role
from apps.tenancy.views import refusal_shown, tenant_page

from . import selectors, services
from .exports import report_sheets

REPORT_ROLES = (Role.MANAGER, Role.ADMIN, Role.VIEWER)
MONTH_ROLES = (Role.ADMIN, Role.VIEWER)


def _report_context(request: TenantRequest) -> dict:
    """Team, period and figures from the query string; 404 for a team the viewer may not open."""
    tenant, viewer = request.tenant, request.membership
    teams = list(selectors.reportable_teams(tenant=tenant, viewer=viewer))
    today = tenant_today(tenant)
    view = request.GET.get("view") if viewer.role in MONTH_ROLES else None
    view = view if view in ("week", "month") else "week"
    if view == "month":
        try:
            month = dt.date.fromisoformat((request.GET.get("month") or "") + "-01")
            if month.year not in YEARS:
                raise ValueError(month)
        except ValueError:
            month = period_shift(period_floor(today, "month"), "month", -1)  # last month
        first_week, last_week = month_weeks(month)
        label = month.strftime("%Y-%m")
    else:
        try:
            first_week = week_start(*parse_week_key(request.GET.get("week") or ""))
        except ValidationError:
            first_week = last_full_week(today)
        last_week = first_week
        label = week_key(first_week)
        month = None
    team = None
    asked = request.GET.get("team")
    if asked:
        team = next((t for t in teams if str(t.pk) == asked), None)
        if team is None:
            raise Http404
    elif teams:
        own = next((t for t in teams if t.pk == viewer.team_id), None)
        team = own or teams[0]
    report = (
        selectors.weekly_report(tenant=tenant, team=team, first_week=first_week, last_week=last_week)
        if team
        else None
    )
    return {
        # label is the period in the view's own parameter: 2026-11 for month=, 2026-W47 for week=
        "export_query": f"view={view}&{view}={label}" + (f"&team={team.pk}" if team else ""),
        "teams": teams,
        "team": team,
        "view": view,
        "label": label,
        "month": month,
        "week": week_key(first_week),
        "first_week": first_week,
        "last_day": last_week + dt.timedelta(days=6),
        "previous_week": week_key(first_week - dt.timedelta(weeks=1)),
        "next_week": week_key(first_week + dt.timedelta(weeks=1)),
        "report": report,
        "can_month": viewer.role in MONTH_ROLES,
        "can_rollup": services.may_roll_up(viewer),
        "can_note": team is not None and view == "week" and services.may_write_note(viewer, team),
    }


@tenant_page(roles=REPORT_ROLES)
def weekly_report(request: TenantRequest) -> HttpResponse:
    return render(request, "reporting/weekly_report.html", _report_context(request))


@tenant_page(roles=REPORT_ROLES)
def weekly_report_pdf(request: TenantRequest) -> HttpResponse:
    from weasyprint import HTML

    context = _report_context(request)
    if context["team"] is None:
        raise Http404
    html = render_to_string("reporting/weekly_report_pdf.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"weekly-report-{context['team'].pk}-{context['label']}.pdf"
    )
    return response


@tenant_page(roles=REPORT_ROLES)
def weekly_report_xlsx(request: TenantRequest) -> HttpResponse:
    """What the PDF holds, on named sheets (see exports.report_sheets)."""
    context = _report_context(request)
    if context["team"] is None:
        raise Http404
    return sheets_to_response(
        report_sheets(context, request.tenant),
        filename=f"weekly-report-{context['team'].pk}-{context['label']}",
    )


@tenant_page(roles=REPORT_ROLES)
@require_POST
def weekly_note_save(request: TenantRequest) -> HttpResponse:
    tenant, viewer = request.tenant, request.membership
    teams = {str(t.pk): t for t in selectors.reportable_teams(tenant=tenant, viewer=viewer)}
    team = teams.get(request.POST.get("team", ""))
    if team is None:
        raise Http404
    week: dt.date | None = None
    with refusal_shown(request) as outcome:
        week = week_start(*parse_week_key(request.POST.get("week", "")))
        try:
            services.weekly_note_save(
                team=team, week=week, by=viewer, next_week_goals=request.POST.get("next_week_goals", "")
            )
        except PermissionDenied as exc:
            # Only the team's manager writes its goals. To anyone else this form is a 404, like a
            # team they may not open, rather than a refusal shown on the report.
            raise Http404 from exc
    if outcome.refused:
        week = None  # back to the report's default week
    else:
        messages.success(request, _("Next week's goals saved."))
    url = reverse("reporting:weekly", kwargs={"tenant_slug": tenant.slug})
    query = f"?team={team.pk}" + (f"&week={week_key(week)}" if week else "")
    return redirect(url + query)


@tenant_page(roles=(Role.MANAGER, Role.ADMIN))
@require_POST
def weekly_rollup(request: TenantRequest) -> HttpResponse:
    """The "recompute this week" button: runs the week's rollup now (a few seconds at most)."""
    tenant = request.tenant
    period = request.POST.get("week", "")
    with refusal_shown(request) as outcome:
        result = services.rollup_on_demand(tenant=tenant, by=request.membership, period=period)
    if not outcome.refused:
        messages.success(
            request,
            _("Weekly progress of %(week)s recomputed: %(rows)d rows changed.")
            % {"week": period, "rows": result.rows},
        )
    url = reverse("reporting:weekly", kwargs={"tenant_slug": tenant.slug})
    team = request.POST.get("team", "")
    query = "?" + "&".join(
        p for p in (f"week={period}" if period else "", f"team={team}" if team.isdigit() else "") if p
    )
    return redirect(url + (query if query != "?" else ""))
