"""Target pages: the member's own targets (a manager may switch to their line's) with progress.

Progress comes from the set-based target_progress, so the page runs a fixed number of queries
however many targets it shows."""

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from apps.customers.selectors import member_choices
from apps.org.selectors import visible_member_ids
from apps.tenancy.dates import YEARS, period_end, period_floor, tenant_today
from apps.tenancy.exports import FORMATS, frame_to_response
from apps.tenancy.home import card_link, home_url
from apps.tenancy.http import TenantRequest
from apps.tenancy.models import Role
from apps.tenancy.money import CENT
from apps.tenancy.templatetags.salesui import money
from apps.tenancy.views import refusal_shown, refusal_text, tenant_page

from .. import services
from ..exports import progress_frame
from ..forms import BreakdownForm, BreakdownValuesForm, TargetCreateForm, TargetValueForm
from ..models import Target
from ..selectors import (
    EDITABLE,
    MAX_CHILDREN,
    STATUSES,
    breakdown_children,
    breakdown_splits,
    dashboard_targets,
    metric_catalogue,
    metric_is_additive,
    period_label,
    settable_teams,
    target_list,
    target_progress,
    target_rights,
    target_roots,
    target_tree_nodes,
)

PERIODS = [("month", _("This month")), ("quarter", _("This quarter")), ("year", _("This year"))]
LINE_ROLES = (Role.MANAGER, Role.ADMIN)


def _number(value, scale: float = 1.0) -> float | None:
    """A progress figure for display (a ratio metric in percent), None when undefined."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value) * scale


def _fixed(value: float, places: int) -> str:
    """`value` with `places` decimals, rounded and written as the floatformat filter does (half away
    from zero, the locale's decimal mark), at a tenth of its cost: long tables call it per cell."""
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = str(abs(rounded) if rounded.is_zero() else rounded)  # never "-0.0"
    return text.replace(".", get_format("DECIMAL_SEPARATOR")) if places else text


def _attainment_cells(p: dict) -> dict:
    """A progress row's attainment in percent and its bar's width (0-100), both None when unknown, and
    both written out for display (one decimal; a whole number)."""
    attainment = _number(p["attainment"])
    if attainment is None:
        return {"attainment": None, "bar": None, "attainment_text": "", "bar_text": ""}
    percent, bar = attainment * 100, max(0.0, min(attainment * 100, 100.0))
    return {
        "attainment": percent,
        "bar": bar,
        "attainment_text": _fixed(percent, 1),
        "bar_text": _fixed(bar, 0),
    }


def _status_labels() -> dict[str, str]:
    """Progress status -> its label, translated once per page rather than once per row."""
    return {code: str(label) for code, label in STATUSES}


def _my_targets_choice(request: TenantRequest) -> tuple[str, str, bool]:
    """The page's period grain, progress status filter and whether it shows the viewer's line."""
    grain = request.GET.get("period")
    grain = grain if grain in dict(PERIODS) else "month"
    status = request.GET.get("status")
    status = status if status in dict(STATUSES) else ""
    line = request.membership.role in LINE_ROLES and request.GET.get("scope") == "line"
    return grain, status, line


def _my_targets(request: TenantRequest, grain: str, line: bool, today: dt.date) -> list[Target]:
    """The account managers' targets of this period: the viewer's own, or their line's (never beyond)."""
    viewer = request.membership
    qs = target_list(tenant=request.tenant, viewer=viewer).filter(
        owner_kind=Target.OwnerKind.REP, grain=grain, period_start=period_floor(today, grain)
    )
    if line:
        ids = visible_member_ids(viewer)  # None: the whole tenant
        if ids is not None:
            qs = qs.filter(rep__in=ids)
    else:
        qs = qs.filter(rep=viewer)
    return list(qs.order_by("rep__display_name", "metric", "id"))


@tenant_page
def my_targets(request: TenantRequest) -> HttpResponse:
    tenant, viewer = request.tenant, request.membership
    today = tenant_today(tenant)
    grain, status, line = _my_targets_choice(request)
    can_see_line = viewer.role in LINE_ROLES
    targets = _my_targets(request, grain, line, today)

    progress = _by_target(target_progress(tenant=tenant, targets=targets, today=today))
    metrics = {m["code"]: m for m in metric_catalogue(tenant=tenant)} if targets else {}
    labels = _status_labels()
    rows = []
    for t in targets:
        p = progress[t.pk]
        metric = metrics.get(t.metric, {})
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
                **_attainment_cells(p),
                "status": p["status"],
                "status_label": labels.get(p["status"], p["status"]),
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
        "scope": "line" if line else "",
        "can_see_line": can_see_line,
        "period_start": period_floor(today, grain),
        "filtered": bool(status),
    }
    return render(request, "targets/my_targets.html", context)


def _by_target(progress) -> dict[int, dict]:
    """target id -> its progress figures, read once (a .loc per row costs more than the page)."""
    return progress.to_dict("index")


def _rep_rows(targets, progress, currency: str) -> list[dict]:
    """The dashboard's revenue rows, money written out here once (hundreds of cells a page)."""
    progress = _by_target(progress)
    labels = _status_labels()
    rows = []
    for t in targets:
        p = progress[t.pk]
        actual, gap = _number(p["actual"]), _number(p["gap"])
        rows.append(
            {
                "target": t,
                "value": float(t.value),
                "actual": actual,
                "gap": gap,
                "value_text": money(t.value, currency),
                "actual_text": money(actual, currency),
                "gap_text": money(gap, currency),
                **_attainment_cells(p),
                "status": p["status"],
                "status_label": labels.get(p["status"], p["status"]),
            }
        )
    return rows


DASHBOARD_REPS_PER_PAGE = 50
# The home's card the team dashboard became (templates/targets/cards/team_table.html).
TEAM_CARD = "team-attainment"


@tenant_page
def team_dashboard(request: TenantRequest) -> HttpResponse:
    """The team dashboard's old address: its attainment table is a card on the home now and the
    revenue trend another, so the address leads there, keeping the period and page asked for."""
    return redirect(
        home_url(tenant_slug=request.tenant.slug, anchor=TEAM_CARD, query=request.GET.urlencode())
    )


def _team_card_query(request: TenantRequest, **changes: str) -> str:
    query = request.GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@tenant_page(roles=LINE_ROLES)
def team_card(request: TenantRequest) -> HttpResponse:
    """The home's attainment card (htmx): revenue attainment of the viewer's line by rep, a page at a
    time, and by team, for one period; any other request goes to the card on the home.

    Set-based: one target_progress call per owner kind, so the query count does not depend on the
    number of reps, teams or targets."""
    if not request.htmx:
        return redirect(
            home_url(tenant_slug=request.tenant.slug, anchor=TEAM_CARD, query=request.GET.urlencode())
        )
    tenant, viewer = request.tenant, request.membership
    today = tenant_today(tenant)
    grain = request.GET.get("period")
    grain = grain if grain in dict(PERIODS) else "month"
    start = period_floor(today, grain)
    end = period_end(start, grain)
    reps = dashboard_targets(tenant=tenant, viewer=viewer, grain=grain, start=start, owner_kind="rep")
    team_targets = list(
        dashboard_targets(tenant=tenant, viewer=viewer, grain=grain, start=start, owner_kind="team")
    )
    # A line of any size reads as pages of reps (an admin's whole organisation is hundreds), paged in
    # SQL: one page of targets is read and its progress computed; the teams above stay whole.
    page = Paginator(reps, DASHBOARD_REPS_PER_PAGE).get_page(request.GET.get("page"))
    rep_targets = list(page.object_list)
    rep_progress = target_progress(tenant=tenant, targets=rep_targets, today=today)
    team_progress = target_progress(tenant=tenant, targets=team_targets, today=today)
    card_url = reverse("targets:team-card", kwargs={"tenant_slug": tenant.slug})

    def link(**changes: str) -> dict[str, str]:
        query = _team_card_query(request, **changes)
        return card_link(tenant_slug=tenant.slug, card_url=card_url, anchor=TEAM_CARD, query=query)

    context = {
        "rep_rows": _rep_rows(rep_targets, rep_progress, tenant.currency),
        "team_rows": _rep_rows(team_targets, team_progress, tenant.currency),
        "periods": [(value, label, link(period=value, page="1")) for value, label in PERIODS],
        "period": grain,
        "period_start": start,
        "period_end": end,
        "page_obj": page,
        "previous": link(page=str(page.previous_page_number())) if page.has_previous() else None,
        "next": link(page=str(page.next_page_number())) if page.has_next() else None,
    }
    return render(request, "targets/cards/_team_table.html", context)


# ---------------------------------------------------------------- breakdown tree

TREE_ACTIONS = {
    "propose": _("Propose"),
    "approve": _("Approve"),
    "return": _("Return"),
}


def _visible_target(request: TenantRequest, target_id: int) -> Target:
    """Another tenant's id, or a target the viewer may not see, is a 404 alike."""
    return get_object_or_404(
        target_list(tenant=request.tenant, viewer=request.membership).select_related("parent"), pk=target_id
    )


@tenant_page(roles=LINE_ROLES)
def target_roots_view(request: TenantRequest) -> HttpResponse:
    """The tops of the viewer's breakdown trees in a year, each opening its tree."""
    today = tenant_today(request.tenant)
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, YEARS.start), YEARS.stop - 1)
    page = Paginator(target_roots(tenant=request.tenant, viewer=request.membership, year=year), 50).get_page(
        request.GET.get("page")
    )
    metrics = {m["code"]: m["name"] for m in metric_catalogue(tenant=request.tenant)}
    rows = [
        {
            "target": t,
            "metric_name": metrics.get(t.metric, t.metric),
            "period": period_label(t.grain, t.period_start),
        }
        for t in page.object_list
    ]
    context = {"rows": rows, "page_obj": page, "year": year, "years": [year - 1, year, year + 1]}
    return render(request, "targets/tree_roots.html", context)


def _tree_context(request: TenantRequest, root: Target, *, edit: int | None = None, forms=None) -> dict:
    """The tree under `root` with progress and what the viewer may do on each node, in a fixed number
    of queries whatever the size of the tree."""
    tenant, viewer = request.tenant, request.membership
    root.tenant = tenant  # the request's: the tree's rows take it from the root (no query for it)
    nodes = target_tree_nodes(root=root, viewer=viewer)
    today = tenant_today(tenant)
    progress = _by_target(target_progress(tenant=tenant, targets=[n.target for n in nodes], today=today))
    rights = target_rights(viewer=viewer)
    labels = _status_labels()
    metric = next((m for m in metric_catalogue(tenant=tenant) if m["code"] == root.metric), {})
    ratio = metric.get("unit") == "ratio"
    scale = 100.0 if ratio else 1.0
    rows = []
    for n in nodes:
        t, p = n.target, progress[n.target.pk]
        may_set, may_approve = rights.may_set(t), rights.may_approve(t)
        actions = []
        if t.status == Target.Status.DRAFT and may_set:
            actions.append("propose")
        if t.status == Target.Status.PROPOSED and may_approve:
            actions += ["approve", "return"]
        rows.append(
            {
                "node": n,
                "target": t,
                "indent": min(n.depth, 6),
                "owner": _owner_label(tenant, t),
                "period": period_label(t.grain, t.period_start),
                "ratio": ratio,
                "money": metric.get("unit") == "money",
                "value": float(t.value) * scale,
                "actual": _number(p["actual"], scale),
                **_attainment_cells(p),
                "progress_status": p["status"],
                "progress_label": labels.get(p["status"], p["status"]),
                "children_sum": None if n.children_sum is None else float(n.children_sum),
                "mismatch": None if n.mismatch is None else float(n.mismatch),
                "can_edit": t.status in EDITABLE and may_set,
                "can_break_down": not n.children and may_set and t.status != Target.Status.LOCKED,
                "actions": [(a, TREE_ACTIONS[a]) for a in actions],
                "needs_justification": "propose" in actions
                and bool(t.achievability_warning)
                and not t.justification.strip(),
                "editing": edit == t.pk and t.status in EDITABLE and may_set,
                "form": (forms or {}).get(t.pk) or TargetValueForm(initial={"value": _plain(t.value)}),
            }
        )
    return {
        "root": root,
        "rows": rows,
        "metric_name": metric.get("name", root.metric),
        "additive": metric_is_additive(tenant=tenant, code=root.metric)
        or any(n.children_sum is not None for n in nodes),
    }


def _plain(value: Decimal) -> Decimal:
    """A value as a person would type it: cents, or the digits it needs (a rate of 0.125)."""
    cents = value.quantize(CENT)
    return cents if cents == value else value.normalize()


def _owner_label(tenant, t: Target) -> str:
    # owner_kind says which owner column is set (a check constraint).
    if t.owner_kind == Target.OwnerKind.REP:
        return t.rep.name  # type: ignore[union-attr]
    if t.owner_kind == Target.OwnerKind.TEAM:
        return t.team.name  # type: ignore[union-attr]
    return tenant.name


TREE_DONE = {
    "value": _("%(owner)s %(period)s: value saved."),
    "propose": _("%(owner)s %(period)s: proposed."),
    "approve": _("%(owner)s %(period)s: approved."),
    "return": _("%(owner)s %(period)s: returned to draft."),
}


def _tree_action(request: TenantRequest, node: Target, action: str, form: TargetValueForm) -> None:
    """One posted change to a node of the tree: its value, or a workflow step."""
    if action == "value":
        if not form.is_valid():
            raise ValidationError(_("The value was not saved. Please correct it."))
        services.target_update(target=node, by=request.membership, value=form.cleaned_data["value"])
    elif action in TREE_ACTIONS:
        justification = request.POST.get("justification", "").strip()
        services.target_transition(
            target=node, by=request.membership, action=action, justification=justification
        )
    else:
        raise ValidationError(_("Unknown action."))


@tenant_page(roles=LINE_ROLES)
def target_tree_view(request: TenantRequest, target_id: int) -> HttpResponse:
    """A target and its breakdown: values, sums against the parent, progress; inline value edits and
    propose / approve / return where the viewer may. htmx requests get the tree alone."""
    root = _visible_target(request, target_id)
    feedback, forms, edit = None, {}, None
    if request.method == "POST":
        node_id = request.POST.get("node", "")
        node = get_object_or_404(
            target_list(tenant=request.tenant, viewer=request.membership),
            pk=int(node_id) if node_id.isdigit() else 0,
        )
        action, form = request.POST.get("action", ""), TargetValueForm(request.POST)
        with refusal_shown() as outcome:
            _tree_action(request, node, action, form)
        if outcome.error is not None:
            if action == "value":
                forms[node.pk], edit = form, node.pk
            feedback = {"level": "error", "text": refusal_text(outcome.error)}
        else:
            owner, period = _owner_label(request.tenant, node), period_label(node.grain, node.period_start)
            text = TREE_DONE[action] % {"owner": owner, "period": period}
            if not request.htmx:
                messages.success(request, text)
                return redirect("targets:tree", tenant_slug=request.tenant.slug, target_id=root.pk)
            feedback = {"level": "success", "text": text}
            root.refresh_from_db()
    elif request.GET.get("edit", "").isdigit():
        edit = int(request.GET["edit"])
    context = {**_tree_context(request, root, edit=edit, forms=forms), "feedback": feedback}
    if request.htmx:
        return render(request, "targets/_tree.html", context)
    return render(request, "targets/tree.html", context)


def _settable_target(request: TenantRequest, target_id: int) -> Target:
    """A target the viewer sees and may set; any other (another tenant's too) is a 404 alike."""
    target = _visible_target(request, target_id)
    target.tenant = request.tenant
    if not target_rights(viewer=request.membership).may_set(target):
        raise Http404
    return target


def _breakdown_preview(form: BreakdownForm, parent: Target, children: list[tuple[str, dict]]):
    """The allocation the form chose, as one editable value per child (None when it cannot be made:
    the reason is on the form)."""
    choice = form.cleaned_data
    with refusal_shown(form) as outcome:
        amounts = services.decompose_amounts(
            parent=parent,
            children=[child for _l, child in children],
            method="equal" if choice["allocation"] == "manual" else choice["allocation"],
            seasonal_profile=choice["seasonal_profile"],
        )
    if outcome.refused:
        return None
    return BreakdownValuesForm(
        labels=[label for label, _c in children],
        initial={f"value_{i}": _plain(v) for i, v in enumerate(amounts)},
    )


def _breakdown_save(
    request: TenantRequest, form: BreakdownForm, parent: Target, children: list[tuple[str, dict]]
) -> tuple[BreakdownValuesForm, list[Target] | None]:
    """Save the posted values as the children; the values form (with any refusal on it) and the
    children made, None when nothing was saved."""
    choice = form.cleaned_data
    values_form = BreakdownValuesForm(request.POST, labels=[label for label, _c in children])
    if not values_form.is_valid():
        return values_form, None
    profile = choice["seasonal_profile"] if choice["allocation"] == "seasonal" else None
    with refusal_shown(values_form) as outcome:
        created = services.target_decompose(
            parent=parent,
            by=request.membership,
            children=[{**child, "seasonal_profile": profile} if profile else child for _l, child in children],
            method="manual",
            values=values_form.values(),
        )
    return values_form, None if outcome.refused else created


def _tree_to_return_to(request: TenantRequest, parent: Target) -> Target:
    """The tree the breakdown was opened from (`root`, when the viewer sees it), else the parent's."""
    root = request.POST.get("root", "")
    visible = target_list(tenant=request.tenant, viewer=request.membership)
    return (visible.filter(pk=root).first() if root.isdigit() else None) or parent


@tenant_page(roles=LINE_ROLES)
def target_breakdown_view(request: TenantRequest, target_id: int) -> HttpResponse:
    """Break a target down: choose into what and how to allocate (GET shows the allocation as one
    editable value per child), then save the values (POST). Errors re-render the form, nothing saved."""
    parent = _settable_target(request, target_id)
    posted = request.method == "POST"
    data = request.POST if posted else (request.GET if "split" in request.GET else None)
    form = BreakdownForm(data, tenant=request.tenant, splits=breakdown_splits(parent=parent))
    values_form = None
    if form.is_bound and form.is_valid():
        children = breakdown_children(parent=parent, split=form.cleaned_data["split"])
        if not children or len(children) > MAX_CHILDREN:
            form.add_error(
                "split",
                _("There is nothing to break this target down into.")
                if not children
                else _("More than %(n)d parts: choose another breakdown.") % {"n": MAX_CHILDREN},
            )
            posted = False  # the form says why; nothing was typed to lose
        elif posted:
            values_form, created = _breakdown_save(request, form, parent, children)
            if created is not None:
                messages.success(
                    request, _("The target was broken down into %(n)d parts.") % {"n": len(created)}
                )
                back = _tree_to_return_to(request, parent)
                return redirect("targets:tree", tenant_slug=request.tenant.slug, target_id=back.pk)
        else:
            values_form = _breakdown_preview(form, parent, children)
    if posted:
        messages.error(request, _("The breakdown was not saved. Please correct the errors below."))
    context = {
        "parent": parent,
        "form": form,
        "values_form": values_form,
        "owner": _owner_label(request.tenant, parent),
        "period": period_label(parent.grain, parent.period_start),
        "additive": metric_is_additive(tenant=request.tenant, code=parent.metric),
        "root": request.GET.get("root") or request.POST.get("root") or "",
        "metric_name": next(
            (m["name"] for m in metric_catalogue(tenant=request.tenant) if m["code"] == parent.metric),
            parent.metric,
        ),
    }
    return render(request, "targets/breakdown.html", context)


@tenant_page(roles=LINE_ROLES)
def target_create_view(request: TenantRequest) -> HttpResponse:
    """A new target, usually the top of a breakdown tree; on success its tree opens."""
    tenant, viewer = request.tenant, request.membership
    form = TargetCreateForm(
        request.POST or None,
        initial={"owner_kind": "tenant" if viewer.role == Role.ADMIN else "team", "team": viewer.team_id},
        tenant=tenant,
        metrics=[(m["code"], m["name"]) for m in metric_catalogue(tenant=tenant)],
        teams=settable_teams(viewer=viewer),
        reps=member_choices(viewer=viewer),
    )
    if request.method == "POST":
        if form.is_valid():
            with refusal_shown(form) as outcome:
                target = services.target_create(tenant=tenant, by=viewer, **form.cleaned_data)
            if not outcome.refused:
                messages.success(
                    request, _("The target was created as a draft: break it down, then propose it.")
                )
                return redirect("targets:tree", tenant_slug=tenant.slug, target_id=target.pk)
        messages.error(request, _("The target was not created. Please correct the errors below."))
    status = 400 if request.method == "POST" else 200
    return render(request, "targets/target_form.html", {"form": form}, status=status)


@tenant_page
def my_targets_export(request: TenantRequest) -> HttpResponse:
    """The targets of the page as it is filtered, with their progress, as Excel or CSV."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    today = tenant_today(request.tenant)
    grain, status, line = _my_targets_choice(request)
    targets = _my_targets(request, grain, line, today)
    progress = target_progress(tenant=request.tenant, targets=targets, today=today)
    if status:
        targets = [t for t in targets if progress.loc[t.pk, "status"] == status]
    names = {m["code"]: m["name"] for m in metric_catalogue(tenant=request.tenant)}
    frame, formats = progress_frame(targets, progress, tenant=request.tenant, metric_names=names)
    name = f"targets-{'line' if line else 'mine'}-{grain}-{period_floor(today, grain).isoformat()}"
    return frame_to_response(frame, filename=name, fmt=fmt, number_formats=formats)
