"""Visit pages: the rep's "Today" (plan, carry-over, check-in/out, photos, an order and a collection
taken at a visit) and the manager's approval queue. Reads come from the selectors, writes go through the services; a broken rule comes back as a
message on the page, never a 500."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.tenancy.dates import tenant_today
from apps.tenancy.form_pages import button_action
from apps.tenancy.http import TenantRequest
from apps.tenancy.models import Role
from apps.tenancy.views import refusal_shown, tenant_page

from .. import services
from ..downloads import photo_response
from ..forms import SALE_LINES_MAX, PlanItemForm, ReturnForm, SaleLineForm, VisitSaleForm
from ..models import PlanSuggestion, Visit, VisitPlan
from ..selectors import (
    carry_over_candidates,
    customer_search,
    next_working_day,
    plan_suggestion_list,
    plan_suggestions_exist,
    plan_suggestions_for,
    visit_list,
    visit_photo_list,
    visit_plan_for,
    visit_plan_list,
    visit_plan_review_queue,
)
from ..selectors.field import day_is_over, today_visits
from .parsing import day_param, parsed

FIELD_ROLES = (Role.REP, Role.MANAGER, Role.ADMIN)
REVIEW_ROLES = (Role.MANAGER, Role.ADMIN)


def _today_url(request: TenantRequest, day: dt.date | None = None) -> str:
    url = reverse("visits:today", kwargs={"tenant_slug": request.tenant.slug})
    if day and day != tenant_today(request.tenant):
        url += f"?day={day.isoformat()}"
    return url


def _visible_visit(request: TenantRequest, visit_id: int) -> Visit:
    """Another tenant's id, or a visit of someone the viewer may not see, is a 404 alike."""
    return get_object_or_404(
        visit_list(tenant=request.tenant, viewer=request.membership).select_related(
            "plan", "customer", "tenant"
        ),
        pk=visit_id,
    )


def _own_visit(request: TenantRequest, visit_id: int) -> Visit:
    """A visit of the member's own (what is taken at a visit is its rep's): any other is a 404."""
    visit = _visible_visit(request, visit_id)
    if visit.rep_id != request.membership.pk:
        raise Http404
    return visit


def _visible_plan(request: TenantRequest, plan_id: int) -> VisitPlan:
    return get_object_or_404(visit_plan_list(tenant=request.tenant, viewer=request.membership), pk=plan_id)


@tenant_page(roles=FIELD_ROLES)
def today_view(request: TenantRequest) -> HttpResponse:
    """The rep's plan of a day (today by default); `?sale=<visit id>` opens that visit's order form
    (the home's Today card links there)."""
    context = _today_context(request, day_param(request))
    sale = parsed(int, request.GET.get("sale"), None)
    for visit in context["items"]:
        visit.sale_open = visit.pk == sale  # type: ignore[attr-defined]  # display attribute
    return render(request, "visits/today.html", context)


def _today_context(request: TenantRequest, day: dt.date, form: PlanItemForm | None = None) -> dict:
    rep, tenant = request.membership, request.tenant
    today = tenant_today(tenant)
    plan = visit_plan_for(tenant=tenant, rep=rep, day=day)
    items = list(today_visits(tenant=tenant, rep=rep, day=day))
    last_day = services.visit_plan_last_day(tenant)
    editable = today <= day <= last_day and (plan is None or plan.status in services.EDITABLE)
    carry = list(carry_over_candidates(tenant=tenant, rep=rep, day=day)) if editable else []
    if carry and carry[0].day > today:
        carry = []  # a later day's plan is not "unfinished" before its day has come
    suggestions = _suggestions(request, day) if editable and day > today else []
    if day == today:
        for visit in items:
            if visit.customer_id and visit.rep_id == rep.pk:
                visit.sale_form = VisitSaleForm(tenant=tenant, visit=visit)  # type: ignore[attr-defined]  # display attribute
    return {
        "day": day,
        "today": today,
        "is_today": day == today,
        "tomorrow": today + dt.timedelta(days=1),
        # The day tab leads to the next working day (Friday's leads to Monday), the day whose plan is
        # suggested and prepared the evening before.
        "next_day": next_working_day(tenant, today),
        "plan": plan,
        "items": items,
        "editable": editable,
        "last_day": last_day,
        "beyond_horizon": day > last_day,
        "can_submit": bool(
            plan
            and any(v.plan_id for v in items)
            and plan.status in services.EDITABLE
            and today <= day <= last_day
        ),
        "carry": carry,
        "suggestions": suggestions,
        # Today's visits still pending are not unfinished before the working day is over: offered
        # for tomorrow, but not ticked.
        "carry_ticked": bool(carry) and day_is_over(tenant, carry[0].day),
        "form": form or PlanItemForm(viewer=rep, rep=rep),
    }


def _suggestions(request: TenantRequest, day: dt.date) -> list[PlanSuggestion]:
    """The rep's pending suggestions of `day`; for the next working day, computed for this rep now
    when the evening pass has not run yet (a new rep, a plan opened before the evening)."""
    tenant, rep = request.tenant, request.membership
    suggestions = plan_suggestions_for(tenant=tenant, rep=rep, day=day)
    if suggestions or day != next_working_day(tenant, tenant_today(tenant)):
        return suggestions
    if plan_suggestions_exist(tenant=tenant, rep=rep, day=day):
        return suggestions  # all decided on already
    services.plan_suggestions_compute(tenant=tenant, day=day, reps=[rep])
    return plan_suggestions_for(tenant=tenant, rep=rep, day=day)


def _visible_suggestion(request: TenantRequest, suggestion_id: int) -> PlanSuggestion:
    return get_object_or_404(
        plan_suggestion_list(tenant=request.tenant, viewer=request.membership), pk=suggestion_id
    )


@tenant_page(roles=FIELD_ROLES)
def suggestion_accept_view(request: TenantRequest, suggestion_id: int) -> HttpResponse:
    suggestion = _visible_suggestion(request, suggestion_id)
    return button_action(
        request,
        act=lambda: services.plan_suggestion_accept(suggestion=suggestion, by=request.membership),
        success=_("%(name)s added to the plan.") % {"name": suggestion.customer.name},
        done=_today_url(request, suggestion.day),
    )


@tenant_page(roles=FIELD_ROLES)
def suggestion_drop_view(request: TenantRequest, suggestion_id: int) -> HttpResponse:
    suggestion = _visible_suggestion(request, suggestion_id)
    return button_action(
        request,
        act=lambda: services.plan_suggestion_drop(
            suggestion=suggestion, by=request.membership, reason=request.POST.get("reason", "")
        ),
        success=_("Suggestion dropped."),
        done=_today_url(request, suggestion.day),
    )


@tenant_page(roles=FIELD_ROLES)
def suggestion_move_view(request: TenantRequest, suggestion_id: int) -> HttpResponse:
    """The arrows of a suggestion: one place up or down (a form per arrow, so it works without script)."""
    suggestion = _visible_suggestion(request, suggestion_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    return button_action(
        request,
        act=lambda: services.plan_suggestion_move(
            suggestion=suggestion, by=request.membership, offset=offset
        ),
        success=_("Suggestions reordered."),
        done=_today_url(request, suggestion.day) + "#suggestions",
    )


@tenant_page(roles=FIELD_ROLES)
def customer_search_view(request: TenantRequest) -> HttpResponse:
    """The item form's autocomplete (htmx): the rep's customers matching what was typed."""
    q = request.GET.get("q", "")
    customers = customer_search(viewer=request.membership, rep=request.membership, q=q) if q.strip() else []
    return render(request, "visits/_customer_options.html", {"customers": customers, "q": q})


@tenant_page(roles=FIELD_ROLES)
def item_add_view(request: TenantRequest) -> HttpResponse:
    """Add a visit to the plan of `day`. With htmx the plan and the form are swapped in place (the
    page keeps its scroll position: visits.js holds the form where it was); without, the page
    reloads. A refusal (a submitted plan, a day beyond the horizon) is shown on the form, with
    what was typed."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    rep, day = request.membership, day_param(request)
    form = PlanItemForm(request.POST, viewer=rep, rep=rep)
    if form.is_valid():
        with refusal_shown(form) as outcome:
            services.visit_plan_item_add(tenant=request.tenant, by=rep, day=day, **form.cleaned_data)
        if not outcome.refused:
            if request.htmx:
                context = {**_today_context(request, day), "added": True}
                return render(request, "visits/_today_update.html", context)
            messages.success(request, _("Visit added to the plan."))
            return redirect(_today_url(request, day))
    if request.htmx:  # swapped only on success statuses: the form comes back with its errors
        return render(request, "visits/_today_update.html", _today_context(request, day, form))
    messages.error(request, _("The visit was not added. Please correct the errors below."))
    return render(request, "visits/today.html", _today_context(request, day, form), status=400)


@tenant_page(roles=FIELD_ROLES)
def carry_over_view(request: TenantRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    day = day_param(request)
    ids = [int(v) for v in request.POST.getlist("visits") if v.isdigit()]
    with refusal_shown(request) as outcome:
        services.visit_plan_carry_over(tenant=request.tenant, by=request.membership, day=day, visit_ids=ids)
    if not outcome.refused:
        messages.success(request, _("Unfinished visits carried into the plan."))
    return redirect(_today_url(request, day))


@tenant_page(roles=FIELD_ROLES)
def item_delete_view(request: TenantRequest, visit_id: int) -> HttpResponse:
    visit = _visible_visit(request, visit_id)
    return button_action(
        request,
        act=lambda: services.visit_delete(visit=visit, by=request.membership),
        success=_("Visit removed."),
        done=_today_url(request, visit.day),
    )


@tenant_page(roles=FIELD_ROLES)
def plan_submit_view(request: TenantRequest, plan_id: int) -> HttpResponse:
    plan = _visible_plan(request, plan_id)
    return button_action(
        request,
        act=lambda: services.visit_plan_submit(plan=plan, by=request.membership),
        success=_("Plan submitted for approval."),
        done=_today_url(request, plan.day),
    )


def _position(request: TenantRequest) -> dict:
    """The browser's position, when the rep allowed it (empty fields otherwise)."""
    out = {}
    for field in ("lat", "lng", "accuracy_m"):
        raw = request.POST.get(field, "").strip()
        if raw:
            value = parsed(float, raw, None)
            if value is None:
                raise ValidationError(_("This is not a position on Earth."))
            out[field] = value
    return out


@tenant_page(roles=FIELD_ROLES)
def check_in_view(request: TenantRequest, visit_id: int) -> HttpResponse:
    visit = _visible_visit(request, visit_id)
    return button_action(
        request,
        act=lambda: services.visit_check_in(visit=visit, by=request.membership, **_position(request)),
        success=_("Checked in."),
        done=_today_url(request, visit.day),
    )


@tenant_page(roles=FIELD_ROLES)
def check_out_view(request: TenantRequest, visit_id: int) -> HttpResponse:
    visit = _visible_visit(request, visit_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    with refusal_shown(request) as outcome:
        position = _position(request)
        position.pop("accuracy_m", None)
        services.visit_check_out(visit=visit, by=request.membership, **position)
    if not outcome.refused:
        messages.success(request, _("Checked out."))
    return redirect(_today_url(request, visit.day))


@tenant_page(roles=FIELD_ROLES)
def locate_customer_view(request: TenantRequest, visit_id: int) -> HttpResponse:
    visit = _visible_visit(request, visit_id)
    return button_action(
        request,
        act=lambda: services.customer_location_from_visit(visit=visit, by=request.membership),
        success=_("The customer's location was set from this check-in."),
        done=_today_url(request, visit.day),
    )


@tenant_page(roles=FIELD_ROLES)
def photo_upload_view(request: TenantRequest, visit_id: int) -> HttpResponse:
    visit = _visible_visit(request, visit_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    upload = request.FILES.get("image")
    if upload is None:
        messages.error(request, _("Attach a photo."))
    else:
        with refusal_shown(request) as outcome:
            services.visit_photo_add(visit=visit, by=request.membership, upload=upload)
        if not outcome.refused:
            messages.success(request, _("Photo added."))
    return redirect(_today_url(request, visit.day))


def _sale_card(
    request: TenantRequest, visit: Visit, form: VisitSaleForm | None, taken: str = ""
) -> HttpResponse:
    """The visit's card alone (htmx), re-read with what was taken at it; with the refused form open."""
    visit = today_visits(tenant=request.tenant, rep=request.membership, day=visit.day).get(pk=visit.pk)
    visit.sale_form = form or VisitSaleForm(tenant=request.tenant, visit=visit)  # type: ignore[attr-defined]  # display attribute
    plan = visit.plan
    today = tenant_today(request.tenant)
    context = {
        "v": visit,
        "is_today": visit.day == today,
        "editable": visit.day >= today and (plan is None or plan.status in services.EDITABLE),
        "sale_open": form is not None,
        "taken": taken,
    }
    return render(request, "visits/_visit.html", context)


@tenant_page(roles=FIELD_ROLES)
def sale_view(request: TenantRequest, visit_id: int) -> HttpResponse:
    """An order and/or a collection taken at the visit, from its card on the Today page: written into
    the day's report (services.visit_sale_take). With htmx the card is swapped in place; a refusal
    keeps what was typed, beside the field it concerns."""
    visit = _own_visit(request, visit_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = VisitSaleForm(request.POST, tenant=request.tenant, visit=visit)
    if form.is_valid():
        with refusal_shown(form) as outcome:
            services.visit_sale_take(
                visit=visit, by=request.membership, orders=form.orders(), payments=form.payments()
            )
        if not outcome.refused:
            taken = _("Taken at this visit: it is in today's daily report.")
            if request.htmx:
                return _sale_card(request, visit, None, taken)
            messages.success(request, taken)
            return redirect(_today_url(request, visit.day) + f"#visit-{visit.pk}")
    if request.htmx:  # swapped only on success statuses: the card comes back with the form's errors
        return _sale_card(request, visit, form)
    context = _today_context(request, visit.day)
    for item in context["items"]:
        if item.pk == visit.pk:
            item.sale_form, item.sale_open = form, True
    messages.error(request, _("Nothing was taken. Please correct the errors below."))
    return render(request, "visits/today.html", context, status=400)


@tenant_page(roles=FIELD_ROLES)
def sale_line_view(request: TenantRequest, visit_id: int) -> HttpResponse:
    """htmx: one more blank order line `j` in the visit card's order form."""
    visit = _own_visit(request, visit_id)
    j = parsed(int, request.GET.get("j"), None)
    if j is None or not 0 <= j < SALE_LINES_MAX:
        raise Http404
    form = VisitSaleForm(tenant=request.tenant, visit=visit)
    line = SaleLineForm(index=j, auto_id=form.auto_id)
    return render(
        request, "visits/_sale_line.html", {"v": visit, "line": line, "next_line": j + 1, "oob": True}
    )


@tenant_page
def photo_view(request: TenantRequest, photo_id: int) -> HttpResponseBase:
    """A visit photo, for whoever may see the visit; there is no public URL of the file.
    `?size=thumb`: its thumbnail, as the review pages list it."""
    photo = get_object_or_404(visit_photo_list(tenant=request.tenant, viewer=request.membership), pk=photo_id)
    return photo_response(photo, thumbnail=request.GET.get("size") == "thumb")


@tenant_page(roles=REVIEW_ROLES)
def queue_view(request: TenantRequest) -> HttpResponse:
    plans = list(visit_plan_review_queue(tenant=request.tenant, viewer=request.membership))
    return render(request, "visits/queue.html", {"plans": plans})


@tenant_page(roles=REVIEW_ROLES)
def plan_approve_view(request: TenantRequest, plan_id: int) -> HttpResponse:
    plan = _visible_plan(request, plan_id)
    return button_action(
        request,
        act=lambda: services.visit_plan_approve(
            plan=plan, by=request.membership, comment=request.POST.get("comment", "")[:2000]
        ),
        success=_("Plan of %(name)s approved.") % {"name": plan.rep.name},
        done=reverse("visits:queue", kwargs={"tenant_slug": request.tenant.slug}),
    )


@tenant_page(roles=REVIEW_ROLES)
def plan_return_view(request: TenantRequest, plan_id: int) -> HttpResponse:
    plan = _visible_plan(request, plan_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what should change when returning a plan."))
    else:
        with refusal_shown(request) as outcome:
            services.visit_plan_return(plan=plan, by=request.membership, **form.cleaned_data)
        if not outcome.refused:
            messages.success(request, _("Plan of %(name)s returned.") % {"name": plan.rep.name})
    return redirect("visits:queue", tenant_slug=request.tenant.slug)
