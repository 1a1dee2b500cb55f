"""Pages of daily and market reports: the rep's report for a day (phone first, htmx rows), the
manager's review queue and sign-off, market reports. Input is validated by the same serializers as
the API, and written by the same services."""

from types import SimpleNamespace

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.org.selectors import supervises
from apps.sales.models import Payment
from apps.sales.selectors import product_labels
from apps.tenancy.dates import tenant_today
from apps.tenancy.form_pages import PostedForm
from apps.tenancy.http import TenantRequest
from apps.tenancy.views import refusal_shown, tenant_page

from .. import services
from ..forms import SignOffForm
from ..inputs import DailyReportIn, MarketReportIn, as_service_data
from ..models import DailyReport, MarketReport, Visit
from ..selectors import (
    customer_choices,
    daily_report_list,
    daily_report_review,
    daily_report_visits,
    market_report_list,
    region_choices,
    review_queue_page,
)
from .parsing import day_param, parsed
from .report_form import MAX_INDEX, ReportForm, new_visit_row

PAGE_SIZE = 25
CHOICES_LIMIT = 500


def _api_context(request: TenantRequest) -> dict:
    """The serializers' related fields read the caller from request.auth, as in the API."""
    return {"request": SimpleNamespace(auth=request.membership, tenant=request.tenant)}


def _form_choices(request: TenantRequest) -> dict:
    return {
        "customers": customer_choices(tenant=request.tenant, viewer=request.membership)[:CHOICES_LIMIT],
        "purposes": Visit.Purpose.choices,
        "outcomes": Visit.Outcome.choices,
        "methods": Payment.Method.choices,
        "attendances": DailyReport.Attendance.choices,
    }


@tenant_page
def report_mine(request: TenantRequest) -> HttpResponse:
    """The rep's report for a day (today by default, `?day=` for an earlier one): file, edit, submit.
    A refused save shows the form again as typed (report_form), each reason beside its field."""
    tenant, me = request.tenant, request.membership
    if not me.can_write:
        raise Http404
    today, day = tenant_today(tenant), day_param(request)
    report = daily_report_list(tenant=tenant, viewer=me).filter(rep=me, day=day).first()
    if report and report.status == DailyReport.Status.REVIEWED:
        return redirect("reports:detail", tenant_slug=tenant.slug, report_id=report.pk)
    visits = list(daily_report_visits(tenant=tenant, rep=me, day=day, report=report))
    form = ReportForm(visits=visits, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        submit = bool(request.POST.get("submit"))
        raw = {**form.serializer_input(), "day": day.isoformat()}
        serializer = DailyReportIn(data=raw, context=_api_context(request))
        if serializer.is_valid():
            data = as_service_data(dict(serializer.validated_data))
            data.pop("day", None)
            with refusal_shown(form) as outcome:
                services.daily_report_save(
                    tenant=tenant, by=me, day=day, report=report, submit=submit, **data
                )
            if not outcome.refused:
                if submit:
                    messages.success(request, _("Your daily report was submitted."))
                else:
                    messages.success(request, _("Your daily report was saved."))
                return redirect(f"{request.path}?day={day.isoformat()}")
        else:
            form.add_serializer_errors(serializer.errors)
    rows = form.rows()
    typed = (line.values.get("product") for row in rows for line in row.lines)
    context = {
        "product_labels": product_labels(tenant=tenant, ids=typed),
        "day": day,
        "today": today,
        "report": report,
        "form": form,
        "rows": rows,
        "values": form.values(report),
        "next_visit": form.next_visit(rows),
        "is_future": day > today,
        **_form_choices(request),
    }
    return render(request, "visits/report_form.html", context)


@tenant_page
def report_row(request: TenantRequest, kind: str) -> HttpResponse:
    """htmx: one more blank row — an unplanned visit, an order line or a collection of visit `i`."""
    i, j = parsed(int, request.GET.get("i", "0"), None), parsed(int, request.GET.get("j", "0"), None)
    if (
        i is None
        or j is None
        or kind not in ("visit", "line", "payment")
        or not (0 <= i < MAX_INDEX and 0 <= j < MAX_INDEX)
    ):
        raise Http404
    context = {"i": i, "j": j, "next_j": j + 1, "add_button": True, **_form_choices(request)}
    if kind == "visit":
        context["row"] = new_visit_row(i)
    return render(request, f"visits/report_{kind}_row.html", context)


@tenant_page
def report_detail(request: TenantRequest, report_id: int) -> HttpResponse:
    """A report as filed; a manager above the rep signs it off here with a comment (批示)."""
    report = get_object_or_404(
        daily_report_review(tenant=request.tenant, viewer=request.membership), pk=report_id
    )
    can_review = report.status == DailyReport.Status.SUBMITTED and supervises(
        request.membership, report.rep_id
    )
    form = SignOffForm(request.POST or None)
    if request.method == "POST":
        if not can_review:
            raise Http404
        if form.is_valid():
            with refusal_shown(form) as outcome:
                services.daily_report_review(
                    report=report, by=request.membership, comment=form.cleaned_data["comment"]
                )
            if not outcome.refused:
                messages.success(request, _("The report was signed off."))
                return redirect("reports:queue", tenant_slug=request.tenant.slug)
    context = {
        "report": report,
        "visits": report.visits.all(),
        "can_review": can_review,
        "form": form,
        "visit_cost": sum((v.cost for v in report.visits.all()), 0),
    }
    return render(request, "visits/report_detail.html", context)


@tenant_page(roles=("manager", "admin"))
def report_queue(request: TenantRequest) -> HttpResponse:
    """Submitted reports of the viewer's subtree awaiting sign-off, oldest first, with the on-time flag."""
    qs = review_queue_page(tenant=request.tenant, viewer=request.membership)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "visits/report_queue.html", {"page_obj": page, "items": page.object_list})


@tenant_page
def report_list(request: TenantRequest) -> HttpResponse:
    """Reports the viewer may see (a rep: their own), newest day first."""
    qs = daily_report_list(tenant=request.tenant, viewer=request.membership).prefetch_related(None)
    page = Paginator(qs.order_by("-day", "rep_id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "visits/report_list.html", {"page_obj": page, "items": page.object_list})


# ---- market reports ------------------------------------------------------------------------


@tenant_page
def market_list(request: TenantRequest) -> HttpResponse:
    qs = market_report_list(tenant=request.tenant, viewer=request.membership)
    status = request.GET.get("status")
    if status in MarketReport.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-raised_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "items": page.object_list,
        "status": status,
        "statuses": MarketReport.Status.choices,
    }
    return render(request, "visits/market_list.html", context)


@tenant_page
def market_new(request: TenantRequest) -> HttpResponse:
    """A new market report; a refused one shows the form again as typed, each reason beside its field."""
    if not request.membership.can_write:
        raise Http404
    fields = MarketReportIn.Meta.fields
    form = PostedForm(request.POST if request.method == "POST" else {}, fields=fields)
    if request.method == "POST":
        raw = {k: v for k, v in request.POST.items() if k in fields and v != ""}
        serializer = MarketReportIn(data=raw, context=_api_context(request))
        if serializer.is_valid():
            with refusal_shown(form) as outcome:
                report = services.market_report_create(
                    tenant=request.tenant, by=request.membership, **serializer.validated_data
                )
            if not outcome.refused:
                messages.success(request, _("Your market report was sent to your manager."))
                return redirect("reports:market-detail", tenant_slug=request.tenant.slug, report_id=report.pk)
        else:
            form.add_serializer_errors(serializer.errors)
    context = {
        "form": form,
        "customers": customer_choices(tenant=request.tenant, viewer=request.membership)[:CHOICES_LIMIT],
        "regions": region_choices(tenant=request.tenant),
        "categories": MarketReport.Category.choices,
        "urgencies": MarketReport.Urgency.choices,
    }
    return render(request, "visits/market_form.html", context)


@tenant_page
def market_detail(request: TenantRequest, report_id: int) -> HttpResponse:
    report = get_object_or_404(
        market_report_list(tenant=request.tenant, viewer=request.membership), pk=report_id
    )
    can_handle = report.status != MarketReport.Status.CLOSED and supervises(request.membership, report.rep_id)
    form = PostedForm(request.POST if request.method == "POST" else {}, fields=["response"])
    if request.method == "POST":
        if not can_handle:
            raise Http404
        response = request.POST.get("response", "")
        closing = request.POST.get("action") == "close"
        with refusal_shown(form) as outcome:
            if closing:
                services.market_report_close(report=report, by=request.membership, response=response)
            else:
                services.market_report_acknowledge(report=report, by=request.membership, response=response)
        if not outcome.refused:
            if closing:
                messages.success(request, _("The market report was closed."))
            else:
                messages.success(request, _("The market report was acknowledged."))
            return redirect("reports:market-detail", tenant_slug=request.tenant.slug, report_id=report.pk)
    return render(
        request,
        "visits/market_detail.html",
        {"report": report, "can_handle": can_handle, "form": form, "now": timezone.now()},
    )
