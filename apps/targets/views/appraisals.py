"""Appraisal pages (考核): the viewer's appraisals, one appraisal with its KPI lines and actions, the
manager's forms (lines, rating and feedback, actions, submit, close), the rep's acknowledgement, and
the PDF. Reads come from appraisals.appraisal_list (rep: own; manager: line; admin: all), so another
tenant's id or a peer's appraisal is a 404; every write goes through the appraisal services, and a
refused write re-renders its form with the reason, nothing saved.

POST-only pages with an id check the method after the lookup, not with require_POST: a foreign or
invisible id must answer 404 whatever the method (the isolation probe GETs every page)."""

import copy
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.org.selectors import supervises
from apps.tenancy.dates import period_end, period_floor, tenant_today
from apps.tenancy.form_pages import button_action, record_form_page
from apps.tenancy.http import TenantRequest
from apps.tenancy.models import Role
from apps.tenancy.views import refusal_shown, refusal_text, tenant_page

from .. import selectors, services
from ..appraisal_forms import (
    AcknowledgeForm,
    ActionForm,
    AppraisalFilterForm,
    BaseLineFormSet,
    CycleForm,
    GenerateForm,
    LineFormSet,
    SubmitForm,
)
from ..models import Appraisal, AppraisalCycle, AppraisalLine, ImprovementAction, Target

PAGE_SIZE = 25
LINE_ROLES = (Role.MANAGER, Role.ADMIN)


def _visible(request: TenantRequest, appraisal_id: int) -> Appraisal:
    qs = selectors.appraisal_list(tenant=request.tenant, viewer=request.membership).select_related(
        "tenant", "cycle", "rep__user", "manager__user"
    )
    return get_object_or_404(qs, pk=appraisal_id)


def _detail_url(appraisal: Appraisal) -> str:
    return reverse(
        "appraisals:detail", kwargs={"tenant_slug": appraisal.tenant.slug, "appraisal_id": appraisal.pk}
    )


@tenant_page
def appraisal_list_view(request: TenantRequest) -> HttpResponse:
    viewer = request.membership
    form = AppraisalFilterForm(request.GET or None, tenant=request.tenant)
    filters = form.filters()
    qs = (
        selectors.appraisal_list(tenant=request.tenant, viewer=viewer)
        .filter(**filters)
        .select_related("cycle", "rep__user", "manager__user")
        .annotate(total_score=Sum("lines__score"))
        .order_by("-cycle__period_start", "rep__display_name", "id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_generate = viewer.role in LINE_ROLES
    context = {
        "form": form,
        "page_obj": page,
        "appraisals": page.object_list,
        "filtered": bool(filters),
        "generate_form": GenerateForm(tenant=request.tenant) if can_generate else None,
    }
    if request.htmx and request.htmx.target == "appraisal-results":
        return render(request, "targets/appraisals/_results.html", context)
    return render(request, "targets/appraisals/list.html", context)


@tenant_page(roles=LINE_ROLES)
@require_POST
def appraisal_generate_view(request: TenantRequest) -> HttpResponse:
    form = GenerateForm(request.POST, tenant=request.tenant)
    target = redirect("appraisals:list", tenant_slug=request.tenant.slug)
    if not form.is_valid():
        messages.error(request, _("Choose an open review cycle."))
        return target
    with refusal_shown(request) as outcome:
        made = services.appraisal_create_for_cycle(cycle=form.cleaned_data["cycle"], by=request.membership)
    if outcome.refused:
        return target
    messages.success(request, _("Draft appraisals started: %(count)s.") % {"count": len(made)})
    return redirect(target["Location"] + f"?cycle={form.cleaned_data['cycle'].pk}")


def _detail_context(request: TenantRequest, appraisal: Appraisal, **forms) -> dict:
    viewer = request.membership
    lines = list(appraisal.lines.select_related("target").order_by("id"))
    actions = list(appraisal.actions.select_related("owner__user").order_by("due_date", "id"))
    names = {m["code"]: m["name"] for m in selectors.metric_catalogue(tenant=request.tenant)} if lines else {}
    for line in lines:  # display attributes for the template, set on the instances
        line.metric_name = names.get(line.metric, line.metric)  # type: ignore[attr-defined]
        line.attainment_pct = None if line.attainment is None else line.attainment * 100  # type: ignore[attr-defined]
    scores = [line.score for line in lines if line.score is not None]
    can_manage = supervises(viewer, appraisal.rep_id)
    is_rep = viewer.pk == appraisal.rep_id
    status = appraisal.status
    draft, submitted = status == Appraisal.Status.DRAFT, status == Appraisal.Status.SUBMITTED
    can_edit_actions = can_manage and not appraisal.is_frozen
    for action in actions:  # a display attribute for the template
        action.can_toggle = status != Appraisal.Status.CLOSED and (can_manage or action.owner_id == viewer.pk)  # type: ignore[attr-defined]
    context = {
        "appraisal": appraisal,
        "lines": lines,
        "actions": actions,
        "weight_total": sum((line.weight for line in lines), Decimal("0")),
        "total_score": sum(scores, Decimal("0")) if scores else None,
        "can_manage": can_manage,
        "can_edit_lines": can_manage and draft,
        "can_edit_actions": can_edit_actions,
        "can_close": can_manage and status == Appraisal.Status.ACKNOWLEDGED,
        "submit_form": forms.get("submit_form") or (SubmitForm() if can_manage and draft else None),
        "ack_form": forms.get("ack_form") or (AcknowledgeForm() if is_rep and submitted else None),
        "action_form": forms.get("action_form")
        or (ActionForm(viewer=viewer, initial={"owner": appraisal.rep_id}) if can_edit_actions else None),
    }
    return context


@tenant_page
def appraisal_detail_view(request: TenantRequest, appraisal_id: int) -> HttpResponse:
    appraisal = _visible(request, appraisal_id)
    return render(request, "targets/appraisals/detail.html", _detail_context(request, appraisal))


def _rerender(request, appraisal, **forms) -> HttpResponse:
    messages.error(request, _("Nothing was saved. Please correct the errors below."))
    return render(
        request, "targets/appraisals/detail.html", _detail_context(request, appraisal, **forms), status=400
    )


@tenant_page
def appraisal_submit_view(request: TenantRequest, appraisal_id: int) -> HttpResponse:
    appraisal = _visible(request, appraisal_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = SubmitForm(request.POST)
    if form.is_valid():
        with refusal_shown(form) as outcome:
            services.appraisal_submit(appraisal=appraisal, by=request.membership, **form.cleaned_data)
        if not outcome.refused:
            messages.success(request, _("The appraisal was submitted to the account manager."))
            return redirect(_detail_url(appraisal))
    return _rerender(request, appraisal, submit_form=form)


@tenant_page
def appraisal_acknowledge_view(request: TenantRequest, appraisal_id: int) -> HttpResponse:
    appraisal = _visible(request, appraisal_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        with refusal_shown(form) as outcome:
            services.appraisal_acknowledge(appraisal=appraisal, by=request.membership, **form.cleaned_data)
        if not outcome.refused:
            messages.success(request, _("You acknowledged the appraisal."))
            return redirect(_detail_url(appraisal))
    return _rerender(request, appraisal, ack_form=form)


@tenant_page
def appraisal_close_view(request: TenantRequest, appraisal_id: int) -> HttpResponse:
    appraisal = _visible(request, appraisal_id)
    return button_action(
        request,
        act=lambda: services.appraisal_close(appraisal=appraisal, by=request.membership),
        success=_("The appraisal was closed."),
        done=_detail_url(appraisal),
    )


def _line_formset(request: TenantRequest, appraisal: Appraisal, data=None) -> BaseLineFormSet:
    cycle = appraisal.cycle
    targets = Target.objects.filter(
        tenant=request.tenant,
        owner_kind=Target.OwnerKind.REP,
        rep_id=appraisal.rep_id,
        period_start__gte=cycle.period_start,
        period_start__lte=cycle.period_end,
    ).order_by("period_start", "metric", "id")
    initial = [
        {"target": line.target_id, "metric": line.metric, "weight": line.weight, "note": line.note}
        for line in AppraisalLine.objects.filter(appraisal=appraisal).order_by("id")
    ]
    return LineFormSet(
        data,
        initial=initial,
        targets=targets,
        metrics=selectors.metric_catalogue(tenant=request.tenant),
        prefix="lines",
    )


@tenant_page(roles=LINE_ROLES)
def appraisal_lines_view(request: TenantRequest, appraisal_id: int) -> HttpResponse:
    """The manager sets the draft's KPI lines and weights; weights not summing to 100 re-render the
    form with the reason and save nothing."""
    appraisal = _visible(request, appraisal_id)
    if not supervises(request.membership, appraisal.rep_id):
        raise PermissionDenied
    formset = _line_formset(request, appraisal, request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST":
        if formset.is_valid():
            with refusal_shown() as outcome:
                services.appraisal_set_lines(
                    appraisal=appraisal, by=request.membership, lines=formset.lines()
                )
            if outcome.error is None:
                messages.success(request, _("The KPI lines were saved."))
                return redirect(_detail_url(appraisal))
            error = refusal_text(outcome.error)
        messages.error(request, _("Nothing was saved. Please correct the errors below."))
    context = {
        "appraisal": appraisal,
        "formset": formset,
        "error": error,
        "frozen": appraisal.status != "draft",
    }
    return render(
        request, "targets/appraisals/lines.html", context, status=400 if request.method == "POST" else 200
    )


@tenant_page
def appraisal_pdf_view(request: TenantRequest, appraisal_id: int) -> HttpResponse:
    """The appraisal as an A4 PDF in the viewer's language (CJK text set in Noto Sans CJK).

    Rendered in the request: one appraisal is a page or two (about a second with the CJK font
    subset), so it needs no background job."""
    from weasyprint import HTML  # heavy (fonts, cairo): loaded by the PDF page only

    appraisal = _visible(request, appraisal_id)
    html = render_to_string(
        "targets/appraisals/pdf.html", _detail_context(request, appraisal), request=request
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="appraisal-{appraisal.pk}.pdf"'
    return response


# ---------------------------------------------------------------- improvement actions


def _visible_action(request: TenantRequest, action_id: int) -> ImprovementAction:
    qs = selectors.improvement_action_list(tenant=request.tenant, viewer=request.membership).select_related(
        "tenant", "appraisal__tenant", "appraisal__cycle", "owner__user"
    )
    return get_object_or_404(qs, pk=action_id)


@tenant_page(roles=LINE_ROLES)
def action_add_view(request: TenantRequest, appraisal_id: int) -> HttpResponse:
    appraisal = _visible(request, appraisal_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ActionForm(request.POST, viewer=request.membership)
    if form.is_valid():
        with refusal_shown(form) as outcome:
            services.improvement_action_create(
                appraisal=appraisal, by=request.membership, **form.cleaned_data
            )
        if not outcome.refused:
            messages.success(request, _("The improvement action was added."))
            return redirect(_detail_url(appraisal) + "#actions")
    return _rerender(request, appraisal, action_form=form)


@tenant_page(roles=LINE_ROLES)
def action_edit_view(request: TenantRequest, action_id: int) -> HttpResponse:
    action = _visible_action(request, action_id)
    appraisal = action.appraisal
    return record_form_page(
        request,
        # The form edits a copy: the service compares the stored row with the new data to audit the change.
        ActionForm(request.POST or None, instance=copy.copy(action), viewer=request.membership),
        save=lambda data: services.improvement_action_update(action=action, by=request.membership, **data),
        saved=_("The improvement action was saved."),
        done=_detail_url(appraisal) + "#actions",
        template="targets/appraisals/action_form.html",
        context={"action": action, "appraisal": appraisal},
    )


@tenant_page(roles=LINE_ROLES)
def action_delete_view(request: TenantRequest, action_id: int) -> HttpResponse:
    action = _visible_action(request, action_id)
    return button_action(
        request,
        act=lambda: services.improvement_action_delete(action=action, by=request.membership),
        success=_("The improvement action was removed."),
        done=_detail_url(action.appraisal) + "#actions",
    )


@tenant_page
def action_done_view(request: TenantRequest, action_id: int) -> HttpResponse:
    """The owner or the manager marks an action done (or open again); htmx swaps the one row."""
    action = _visible_action(request, action_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    with refusal_shown() as outcome:
        action = services.improvement_action_set_done(
            action=action, by=request.membership, done=request.POST.get("done") == "1"
        )
    error = outcome.error and refusal_text(outcome.error)
    if request.htmx:
        appraisal = action.appraisal
        can_manage = supervises(request.membership, appraisal.rep_id)
        action.can_toggle = appraisal.status != Appraisal.Status.CLOSED and (  # type: ignore[attr-defined]  # display attribute
            can_manage or action.owner_id == request.membership.pk
        )
        context = {
            "action": action,
            "appraisal": appraisal,
            "error": error,
            "can_edit_actions": can_manage and not appraisal.is_frozen,
        }
        return render(request, "targets/appraisals/_action_row.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return redirect(_detail_url(action.appraisal) + "#actions")


# ---------------------------------------------------------------- review cycles


@tenant_page(roles=LINE_ROLES)
def cycle_list_view(request: TenantRequest) -> HttpResponse:
    """The review cycles with how many appraisals each holds; an admin adds one here."""
    admin = request.membership.role == Role.ADMIN
    if request.method == "POST" and not admin:
        raise Http404
    form = CycleForm(request.POST or None, initial=_new_cycle_initial(request)) if admin else None

    def page() -> dict:
        cycles = Paginator(selectors.appraisal_cycle_list(tenant=request.tenant), PAGE_SIZE)
        current = cycles.get_page(request.GET.get("page"))
        return {"page_obj": current, "cycles": current.object_list, "can_edit": admin}

    if form is None:
        return render(request, "targets/appraisals/cycles.html", {**page(), "form": None})
    return record_form_page(
        request,
        form,
        save=lambda data: services.appraisal_cycle_save(tenant=request.tenant, by=request.membership, **data),
        saved=_("The review cycle was added."),
        done=reverse("appraisals:cycles", kwargs={"tenant_slug": request.tenant.slug}),
        template="targets/appraisals/cycles.html",
        context=page,
    )


def _new_cycle_initial(request: TenantRequest) -> dict:
    """This month as a monthly cycle, named as the demo and the seeds name them."""
    start = period_floor(tenant_today(request.tenant), "month")
    return {
        "name": _("%(year)d-%(month)02d monthly appraisal") % {"year": start.year, "month": start.month},
        "cadence": AppraisalCycle.Cadence.MONTHLY,
        "period_start": start,
        "period_end": period_end(start, "month"),
    }


@tenant_page(roles=(Role.ADMIN,))
def cycle_edit_view(request: TenantRequest, cycle_id: int) -> HttpResponse:
    """Edit, close or reopen a cycle; delete it while it holds no appraisal."""
    cycle = get_object_or_404(selectors.appraisal_cycle_list(tenant=request.tenant), pk=cycle_id)
    slug = request.tenant.slug
    return record_form_page(
        request,
        # The form edits a copy: the service compares the stored row with the new data to audit the change.
        CycleForm(request.POST or None, instance=copy.copy(cycle)),
        save=lambda data: services.appraisal_cycle_save(
            tenant=request.tenant, by=request.membership, cycle=cycle, **data
        ),
        saved=_("The review cycle was saved."),
        delete=lambda: services.appraisal_cycle_delete(cycle=cycle, by=request.membership),
        deleted=_("The review cycle was deleted."),
        done=reverse("appraisals:cycles", kwargs={"tenant_slug": slug}),
        delete_refused=reverse("appraisals:cycle-edit", kwargs={"tenant_slug": slug, "cycle_id": cycle.pk}),
        template="targets/appraisals/cycle_form.html",
        context={"cycle": cycle},
    )
