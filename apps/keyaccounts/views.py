"""Key-account plan pages: list, detail (stages with goal against actual, tasks, reviews), the plan's
and its stages' forms, the review form and the workflow buttons. Reads go through the selectors
(tenant + viewer restricted), writes through the services; views only parse and render."""

import copy

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.tenancy.dates import tenant_today
from apps.tenancy.form_pages import button_action, record_form_page
from apps.tenancy.http import TenantRequest
from apps.tenancy.views import refusal_shown, tenant_page

from . import services
from .forms import PlanFilterForm, PlanForm, ReviewForm, StageForm, StageTaskForm
from .models import KeyAccountPlan, PlanStage
from .selectors import (
    adjustment_lines,
    plan_list,
    plan_tasks,
    review_list,
    stage_list,
    stages_with_actuals,
)

PAGE_SIZE = 25


def _visible_plan(request: TenantRequest, plan_id: int) -> KeyAccountPlan:
    """Another tenant's id, or a plan of someone the viewer may not see, is a 404 alike."""
    plan = get_object_or_404(plan_list(tenant=request.tenant, viewer=request.membership), pk=plan_id)
    plan.tenant = request.tenant  # the request's: links and services read it (no query)
    return plan


def _writable_plan(request: TenantRequest, plan_id: int) -> KeyAccountPlan:
    plan = _visible_plan(request, plan_id)
    if not request.membership.can_write:
        raise Http404
    return plan


def _detail_url(plan: KeyAccountPlan, anchor: str = "") -> str:
    return (
        reverse("keyaccounts:detail", kwargs={"tenant_slug": plan.tenant.slug, "plan_id": plan.pk}) + anchor
    )


@tenant_page
def plan_list_view(request: TenantRequest) -> HttpResponse:
    today = tenant_today(request.tenant)
    form = PlanFilterForm(request.GET or None, viewer=request.membership, today=today)
    qs = plan_list(tenant=request.tenant, viewer=request.membership, filters=form.filters())
    page = Paginator(qs.order_by("customer__name", "-starts_on", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page_obj": page,
        "plans": page.object_list,
        "filtered": bool(form.filters()),
        "can_create": request.membership.can_write,
        "today": today,
    }
    if request.htmx and request.htmx.target == "plan-results":
        return render(request, "keyaccounts/_results.html", context)
    return render(request, "keyaccounts/list.html", context)


@tenant_page
def plan_detail_view(request: TenantRequest, plan_id: int) -> HttpResponse:
    plan = _visible_plan(request, plan_id)
    today = tenant_today(request.tenant)
    reviews = list(
        review_list(tenant=request.tenant, viewer=request.membership, filters={"plan": plan.pk})
        .select_related(None)
        .select_related("reviewer__user", "stage")
        .order_by("-reviewed_on", "-id")
    )
    stages = stages_with_actuals(plan)
    tasks = plan_tasks(plan)
    for row in stages:
        row["tasks"] = tasks.get(row["stage"].pk, [])
    context = {
        "plan": plan,
        "stages": stages,
        "reviews": [{"review": review, "changes": adjustment_lines(review)} for review in reviews],
        "today": today,
        "can_edit": request.membership.can_write and plan.status != KeyAccountPlan.Status.CLOSED,
        "review_due": plan.status == KeyAccountPlan.Status.ACTIVE
        and plan.next_review_on is not None
        and plan.next_review_on <= today,
    }
    return render(request, "keyaccounts/detail.html", context)


@tenant_page
def plan_create_view(request: TenantRequest) -> HttpResponse:
    if not request.membership.can_write:
        raise Http404
    today = tenant_today(request.tenant)
    initial = {"starts_on": today, "review_interval_days": 30}
    if (request.GET.get("customer") or "").isdigit():
        initial["customer"] = int(request.GET["customer"])
    form = PlanForm(request.POST or None, initial=initial, viewer=request.membership)
    if request.method == "POST":
        if form.is_valid():
            with refusal_shown(form) as outcome:
                plan = services.plan_create(tenant=request.tenant, by=request.membership, **form.cleaned_data)
            if not outcome.refused:
                messages.success(request, _("The plan was created. Add its stages, then activate it."))
                return redirect("keyaccounts:detail", tenant_slug=request.tenant.slug, plan_id=plan.pk)
        messages.error(request, _("Nothing was saved. Please correct the errors below."))
    status = 400 if request.method == "POST" else 200
    return render(request, "keyaccounts/plan_form.html", {"form": form, "plan": None}, status=status)


@tenant_page
def plan_edit_view(request: TenantRequest, plan_id: int) -> HttpResponse:
    plan = _writable_plan(request, plan_id)
    if plan.status == KeyAccountPlan.Status.CLOSED:
        raise Http404
    # The form edits a copy: the service compares the stored row with the new data to audit the change.
    form = PlanForm(request.POST or None, instance=copy.copy(plan), viewer=request.membership)
    return record_form_page(
        request,
        form,
        save=lambda data: services.plan_update(plan=plan, by=request.membership, **data),
        saved=_("The plan was saved."),
        delete=(lambda: services.plan_delete(plan=plan, by=request.membership))
        if plan.status == KeyAccountPlan.Status.DRAFT
        else None,
        deleted=_("The plan was deleted."),
        delete_refused=_detail_url(plan),
        done=_detail_url(plan)
        if "delete" not in request.POST
        else reverse("keyaccounts:list", kwargs={"tenant_slug": request.tenant.slug}),
        template="keyaccounts/plan_form.html",
        context={"plan": plan},
    )


@tenant_page
def plan_activate_view(request: TenantRequest, plan_id: int) -> HttpResponse:
    plan = _writable_plan(request, plan_id)
    return button_action(
        request,
        act=lambda: services.plan_activate(plan=plan, by=request.membership),
        success=_("The plan is active: its reviews are due every %(days)s days.")
        % {"days": plan.review_interval_days},
        done=_detail_url(plan),
    )


@tenant_page
def plan_close_view(request: TenantRequest, plan_id: int) -> HttpResponse:
    plan = _writable_plan(request, plan_id)
    return button_action(
        request,
        act=lambda: services.plan_close(plan=plan, by=request.membership),
        success=_("The plan was closed."),
        done=_detail_url(plan),
    )


@tenant_page
def stage_create_view(request: TenantRequest, plan_id: int) -> HttpResponse:
    plan = _writable_plan(request, plan_id)
    form = StageForm(request.POST or None, plan=plan)
    return record_form_page(
        request,
        form,
        save=lambda data: services.stage_create(plan=plan, by=request.membership, **data),
        saved=_("The stage was added."),
        done=_detail_url(plan, "#stages"),
        template="keyaccounts/stage_form.html",
        context={"plan": plan, "title": _("New stage")},
    )


@tenant_page
def stage_edit_view(request: TenantRequest, stage_id: int) -> HttpResponse:
    stage = get_object_or_404(stage_list(tenant=request.tenant, viewer=request.membership), pk=stage_id)
    plan = _writable_plan(request, stage.plan_id)
    stage.plan = plan
    form = StageForm(request.POST or None, instance=copy.copy(stage), plan=plan)
    return record_form_page(
        request,
        form,
        save=lambda data: services.stage_update(stage=stage, by=request.membership, **data),
        saved=_("The stage was saved."),
        delete=lambda: services.stage_delete(stage=stage, by=request.membership),
        deleted=_("The stage was removed."),
        done=_detail_url(plan, "#stages"),
        template="keyaccounts/stage_form.html",
        context={"plan": plan, "title": stage.name, "record": stage},
    )


@tenant_page
def plan_review_view(request: TenantRequest, plan_id: int) -> HttpResponse:
    """The periodic review: a note, the satisfaction reached, and each stage's goals and dates as the
    review leaves them (what changed is kept as before → after)."""
    plan = _writable_plan(request, plan_id)
    stages = list(
        PlanStage.objects.filter(tenant=request.tenant, plan=plan).order_by("starts_on", "position", "id")
    )
    data = request.POST or None
    form = ReviewForm(data, initial={"reviewed_on": tenant_today(request.tenant)}, plan=plan)
    stage_forms = [
        StageForm(data, instance=copy.copy(stage), plan=plan, prefix=f"stage-{stage.pk}") for stage in stages
    ]
    if request.method == "POST":
        if form.is_valid() and all(f.is_valid() for f in stage_forms):
            adjustments = [
                {"stage": stage, **{name: f.cleaned_data[name] for name in f.changed_data}}
                for stage, f in zip(stages, stage_forms, strict=True)
                if f.changed_data
            ]
            with refusal_shown(form) as outcome:
                services.plan_review(
                    plan=plan, by=request.membership, adjustments=adjustments, **form.cleaned_data
                )
            if not outcome.refused:
                messages.success(request, _("The review was recorded."))
                return redirect(_detail_url(plan, "#reviews"))
        messages.error(request, _("Nothing was saved. Please correct the errors below."))
    context = {"plan": plan, "form": form, "stage_forms": stage_forms}
    return render(
        request, "keyaccounts/review_form.html", context, status=400 if request.method == "POST" else 200
    )


@tenant_page
def stage_task_create_view(request: TenantRequest, stage_id: int) -> HttpResponse:
    stage = get_object_or_404(stage_list(tenant=request.tenant, viewer=request.membership), pk=stage_id)
    plan = _writable_plan(request, stage.plan_id)
    stage.plan = plan
    return record_form_page(
        request,
        StageTaskForm(request.POST or None, viewer=request.membership),
        save=lambda data: services.stage_task_create(stage=stage, by=request.membership, **data),
        saved=_("The task was added to the stage."),
        done=_detail_url(plan, f"#stage-{stage.pk}"),
        template="keyaccounts/stage_form.html",
        context={"plan": plan, "title": _("New task for %(stage)s") % {"stage": stage.name}},
    )
