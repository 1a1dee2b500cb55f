"""Pipeline pages: the board (per rep, per team; drag or tap to move), the list with filters, the
detail with its history, the forms, won and lost, the forecast, and the stages' settings (admin).
Reads go through the selectors (tenant + viewer restricted), writes through the services."""

import copy
import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.tenancy.dates import tenant_today
from apps.tenancy.form_pages import record_form_page
from apps.tenancy.http import TenantRequest
from apps.tenancy.models import Role
from apps.tenancy.views import refusal_shown, tenant_page

from . import selectors, services
from .forms import (
    BoardScopeForm,
    LostForm,
    MoveForm,
    OpportunityFilterForm,
    OpportunityForm,
    OpportunityTaskForm,
    StageForm,
    WonForm,
)
from .models import Opportunity, Stage

PAGE_SIZE = 25
FORM_TEMPLATE = "pipeline/record_form.html"


def _visible(request: TenantRequest, opportunity_id: int) -> Opportunity:
    """Another tenant's id, or an opportunity of someone the viewer may not see, is a 404 alike."""
    opportunity = get_object_or_404(
        selectors.opportunity_list(tenant=request.tenant, viewer=request.membership), pk=opportunity_id
    )
    opportunity.tenant = request.tenant
    return opportunity


def _writable(request: TenantRequest, opportunity_id: int) -> Opportunity:
    opportunity = _visible(request, opportunity_id)
    if not request.membership.can_write:
        raise Http404
    return opportunity


def _detail_url(request: TenantRequest, opportunity: Opportunity) -> str:
    return reverse(
        "pipeline:detail", kwargs={"tenant_slug": request.tenant.slug, "opportunity_id": opportunity.pk}
    )


# ---- board ----------------------------------------------------------------------------------


def _board_context(request: TenantRequest) -> dict:
    form = BoardScopeForm(request.GET or None, tenant=request.tenant, viewer=request.membership)
    owner = team = None
    if form.is_bound and form.is_valid():
        owner = form.cleaned_data["owner"].pk if form.cleaned_data.get("owner") else None
        team = form.cleaned_data["team"].pk if form.cleaned_data.get("team") else None
    scope = selectors.board_scope(viewer=request.membership, owner=owner, team=team)
    columns = selectors.opportunity_board(tenant=request.tenant, viewer=request.membership, **scope)
    # What every card repeats is made once here, not once per card: the stage picker of each column,
    # the URL prefix and the words (templatetags/pipeline_board.py writes the cards).
    for column in columns:
        column.options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((c.stage.pk, mark_safe(" selected") if c is column else "", c.stage.name) for c in columns),  # noqa: S308 - a constant
        )
    query = request.GET.urlencode()
    return {
        "scope": {"owner": owner, "team": team, **selectors.board_scope_choices(viewer=request.membership)}
        if request.membership.role != Role.REP and not request.htmx
        else {},
        "columns": columns,
        "can_move": request.membership.can_write,
        "show_owner": request.membership.role != Role.REP,
        "board_query": f"?{query}" if query else "",
        "base_url": reverse("pipeline:board", kwargs={"tenant_slug": request.tenant.slug}),
        "labels": {"prospect": _("prospect"), "closes": _("closes"), "stage": _("Stage"), "move": _("Move")},
        "today": tenant_today(request.tenant),
    }


@tenant_page
def board_view(request: TenantRequest) -> HttpResponse:
    context = _board_context(request)
    if request.htmx and request.htmx.target == "board":
        return render(request, "pipeline/_board.html", context)
    return render(request, "pipeline/board.html", context)


@tenant_page
def move_view(request: TenantRequest, opportunity_id: int) -> HttpResponse:
    """A move: from the board (htmx: the board comes back, with the refusal if any) or its own page
    (GET: the form, with the stage asked for; POST: back to the detail, or the form with errors)."""
    opportunity = _writable(request, opportunity_id)
    initial = {"stage": request.GET.get("stage") or opportunity.stage_id}
    form = MoveForm(request.POST or None, initial=initial, tenant=request.tenant)
    refusal: list[str] = []
    if request.method == "POST" and form.is_valid():
        with refusal_shown(refusal if request.htmx else form) as outcome:
            services.opportunity_move(
                opportunity=opportunity,
                by=request.membership,
                stage=form.cleaned_data["stage"],
                **form.changes(),
            )
        if not outcome.refused:
            if request.htmx:
                return render(request, "pipeline/_board.html", _board_context(request))
            messages.success(
                request, _("The opportunity moved to %(stage)s.") % {"stage": form.cleaned_data["stage"].name}
            )
            return redirect(_detail_url(request, opportunity))
    elif request.method == "POST" and request.htmx:
        refusal = [str(e) for errors in form.errors.values() for e in errors]
    if request.htmx and request.method == "POST":
        context = _board_context(request)
        context.update(refusal=refusal, refused=opportunity, refused_stage=request.POST.get("stage"))
        return render(request, "pipeline/_board.html", context, status=400)
    status = 400 if request.method == "POST" else 200
    return render(request, "pipeline/move.html", {"form": form, "opportunity": opportunity}, status=status)


# ---- list, detail, forms ----------------------------------------------------------------------


@tenant_page
def list_view(request: TenantRequest) -> HttpResponse:
    form = OpportunityFilterForm(request.GET or None, tenant=request.tenant, viewer=request.membership)
    qs = selectors.opportunity_list(tenant=request.tenant, viewer=request.membership, filters=form.filters())
    page = Paginator(qs.order_by("-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "opportunities": page.object_list,
        "filtered": bool(form.filters()),
        "can_create": request.membership.can_write,
    }
    if request.htmx and request.htmx.target == "opportunity-results":
        return render(request, "pipeline/_results.html", context)
    return render(request, "pipeline/list.html", context)


@tenant_page
def detail_view(request: TenantRequest, opportunity_id: int) -> HttpResponse:
    opportunity = _visible(request, opportunity_id)
    context = {
        "opportunity": opportunity,
        "lines": opportunity.lines.select_related("product", "category"),
        "history": selectors.opportunity_history(opportunity=opportunity),
        "tasks": selectors.opportunity_tasks(opportunity=opportunity),
        "can_edit": request.membership.can_write and opportunity.status == Opportunity.Status.OPEN,
        "move_form": MoveForm(initial={"stage": opportunity.stage_id}, tenant=request.tenant),
        "today": tenant_today(request.tenant),
    }
    return render(request, "pipeline/detail.html", context)


@tenant_page
def create_view(request: TenantRequest) -> HttpResponse:
    if not request.membership.can_write:
        raise Http404
    initial = {}
    if request.GET.get("customer"):
        initial["customer"] = request.GET["customer"]
    form = OpportunityForm(
        request.POST or None, initial=initial, tenant=request.tenant, viewer=request.membership
    )
    return record_form_page(
        request,
        form,
        save=lambda data: services.opportunity_create(tenant=request.tenant, by=request.membership, **data),
        saved=_("The opportunity was created."),
        done=reverse("pipeline:board", kwargs={"tenant_slug": request.tenant.slug}),
        template=FORM_TEMPLATE,
        context={"title": _("New opportunity")},
    )


@tenant_page
def edit_view(request: TenantRequest, opportunity_id: int) -> HttpResponse:
    opportunity = _writable(request, opportunity_id)
    form = OpportunityForm(
        request.POST or None,
        instance=copy.copy(opportunity),
        tenant=request.tenant,
        viewer=request.membership,
    )
    return record_form_page(
        request,
        form,
        save=lambda data: services.opportunity_update(opportunity=opportunity, by=request.membership, **data),
        saved=_("The opportunity was saved."),
        done=_detail_url(request, opportunity),
        template=FORM_TEMPLATE,
        context={"title": opportunity.name, "opportunity": opportunity},
    )


@tenant_page
def won_view(request: TenantRequest, opportunity_id: int) -> HttpResponse:
    opportunity = _writable(request, opportunity_id)
    form = WonForm(request.POST or None, opportunity=opportunity)

    def save(data: dict) -> object:
        return services.opportunity_win(
            opportunity=opportunity,
            by=request.membership,
            order=data.get("order") if data["order_action"] == "link" else None,
            create_order=data["order_action"] == "create",
            note=data.get("note") or "",
        )

    return record_form_page(
        request,
        form,
        save=save,
        saved=_("Won! The opportunity is closed."),
        done=_detail_url(request, opportunity),
        template=FORM_TEMPLATE,
        context={"title": _("Won: %(name)s") % {"name": opportunity.name}, "opportunity": opportunity},
    )


@tenant_page
def lost_view(request: TenantRequest, opportunity_id: int) -> HttpResponse:
    opportunity = _writable(request, opportunity_id)
    return record_form_page(
        request,
        LostForm(request.POST or None),
        save=lambda data: services.opportunity_lose(opportunity=opportunity, by=request.membership, **data),
        saved=_("The opportunity was closed as lost."),
        done=_detail_url(request, opportunity),
        template=FORM_TEMPLATE,
        context={"title": _("Lost: %(name)s") % {"name": opportunity.name}, "opportunity": opportunity},
    )


@tenant_page
def task_create_view(request: TenantRequest, opportunity_id: int) -> HttpResponse:
    opportunity = _writable(request, opportunity_id)
    return record_form_page(
        request,
        OpportunityTaskForm(request.POST or None),
        save=lambda data: services.opportunity_task_create(
            opportunity=opportunity, by=request.membership, **data
        ),
        saved=_("The task was added."),
        done=_detail_url(request, opportunity) + "#tasks",
        template=FORM_TEMPLATE,
        context={"title": _("New task"), "opportunity": opportunity},
    )


# ---- forecast -------------------------------------------------------------------------------


@tenant_page
def forecast_view(request: TenantRequest) -> HttpResponse:
    today = tenant_today(request.tenant)
    year_start = dt.date(today.year, 1, 1)
    context = {
        "months": selectors.pipeline_forecast(tenant=request.tenant, viewer=request.membership, today=today),
        "conversion": selectors.stage_conversion(
            tenant=request.tenant, viewer=request.membership, start=year_start, end=today
        ),
        "kpis": selectors.pipeline_kpis(
            tenant=request.tenant, viewer=request.membership, start=year_start, end=today
        ),
        "year": today.year,
    }
    return render(request, "pipeline/forecast.html", context)


# ---- stages (settings) ----------------------------------------------------------------------


@tenant_page(roles=[Role.ADMIN])
def stages_view(request: TenantRequest) -> HttpResponse:
    return render(request, "pipeline/stages.html", {"stages": selectors.stage_list(tenant=request.tenant)})


def _stages_url(request: TenantRequest) -> str:
    return reverse("pipeline:stages", kwargs={"tenant_slug": request.tenant.slug})


@tenant_page(roles=[Role.ADMIN])
def stage_create_view(request: TenantRequest) -> HttpResponse:
    return record_form_page(
        request,
        StageForm(request.POST or None),
        save=lambda data: services.stage_create(tenant=request.tenant, by=request.membership, **data),
        saved=_("The stage was added."),
        done=_stages_url(request),
        template=FORM_TEMPLATE,
        context={"title": _("New stage"), "settings": True},
    )


@tenant_page(roles=[Role.ADMIN])
def stage_edit_view(request: TenantRequest, stage_id: int) -> HttpResponse:
    stage = get_object_or_404(Stage.objects.filter(tenant=request.tenant), pk=stage_id)
    return record_form_page(
        request,
        StageForm(request.POST or None, instance=copy.copy(stage)),
        save=lambda data: services.stage_update(stage=stage, by=request.membership, **data),
        saved=_("The stage was saved."),
        delete=lambda: services.stage_delete(stage=stage, by=request.membership),
        deleted=_("The stage was deleted."),
        delete_refused=reverse(
            "pipeline:stage-edit", kwargs={"tenant_slug": request.tenant.slug, "stage_id": stage.pk}
        ),
        done=_stages_url(request),
        template=FORM_TEMPLATE,
        context={"title": stage.name, "settings": True, "record": stage},
    )
