"""Reads of key-account plans, their stages and reviews: by tenant, restricted to the viewer through
the plan's owner (a rep their own, a manager their line, admin and viewer all)."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.urls import reverse
from django.utils.text import capfirst

from apps.customers.models import Customer, Task
from apps.customers.selectors import apply_filters
from apps.org.selectors import restrict_to_viewer
from apps.sales.models import Order, OrderLine
from apps.tenancy.home import first_items
from apps.tenancy.models import Membership, Role, Tenant

from .filters import PlanFilter, ReviewFilter, StageFilter
from .models import KeyAccountPlan, PlanReview, PlanStage, StageTask


def plan_list(*, tenant: Tenant, viewer: Membership, filters: dict | None = None) -> QuerySet[KeyAccountPlan]:
    qs = KeyAccountPlan.objects.filter(tenant=tenant).select_related("customer", "owner__user")
    return apply_filters(PlanFilter, restrict_to_viewer(qs, viewer, "owner"), filters)


def stage_list(*, tenant: Tenant, viewer: Membership, filters: dict | None = None) -> QuerySet[PlanStage]:
    qs = PlanStage.objects.filter(tenant=tenant).select_related("plan")
    return apply_filters(StageFilter, restrict_to_viewer(qs, viewer, "plan__owner"), filters)


def review_list(*, tenant: Tenant, viewer: Membership, filters: dict | None = None) -> QuerySet[PlanReview]:
    qs = PlanReview.objects.filter(tenant=tenant).select_related("plan", "reviewer__user", "stage")
    return apply_filters(ReviewFilter, restrict_to_viewer(qs, viewer, "plan__owner"), filters)


def visible_plans(qs: QuerySet[KeyAccountPlan], viewer: Membership) -> QuerySet[KeyAccountPlan]:
    """Plans whose owner the viewer may see (for picking a plan on a write)."""
    return restrict_to_viewer(qs.filter(tenant_id=viewer.tenant_id), viewer, "owner")


def visible_stages(qs: QuerySet[PlanStage], viewer: Membership) -> QuerySet[PlanStage]:
    return restrict_to_viewer(qs.filter(tenant_id=viewer.tenant_id), viewer, "plan__owner")


def key_account_choices(*, viewer: Membership) -> QuerySet[Customer]:
    """Customers a plan may be made for: those the viewer sees, key accounts first."""
    qs = Customer.objects.filter(tenant_id=viewer.tenant_id).exclude(status=Customer.Status.LOST)
    return restrict_to_viewer(qs, viewer, "owner").order_by("-is_key_account", "name", "id")


# ---- goal against actual -----------------------------------------------------------------------


def stage_revenue(
    *, tenant_id: int, stages: Iterable[PlanStage], customer_ids: dict[int, int]
) -> dict[int, Decimal]:
    """Each stage's actual revenue: the customer's confirmed order lines within the stage's dates.

    One aggregate statement whatever the number of stages (a SUM … FILTER per stage over the lines of
    the plans' customers in the stages' overall dates); `customer_ids` maps plan id → customer id.
    Lines of cancelled orders are left out as the revenue KPI leaves them out (an anti-join on the few
    cancelled orders)."""
    stages = list(stages)
    if not stages:
        return {}
    sums = {
        f"s{stage.pk}": Sum(
            "amount",
            filter=Q(
                customer_id=customer_ids[stage.plan_id],
                order_date__gte=stage.starts_on,
                order_date__lte=stage.ends_on,
            ),
        )
        for stage in stages
    }
    cancelled = Order.objects.filter(tenant_id=tenant_id, status=Order.Status.CANCELLED).values("pk")
    row = (
        OrderLine.objects.filter(
            tenant_id=tenant_id,
            customer_id__in=set(customer_ids.values()),
            order_date__gte=min(s.starts_on for s in stages),
            order_date__lte=max(s.ends_on for s in stages),
        )
        .exclude(order_id__in=cancelled)
        .aggregate(**sums)
    )
    return {stage.pk: row[f"s{stage.pk}"] or Decimal("0.00") for stage in stages}


def _share(actual: Decimal | None, goal: Decimal | None) -> Decimal | None:
    if actual is None or not goal:
        return None
    return (Decimal(actual) / Decimal(goal) * 100).quantize(Decimal("1"))


def stages_with_actuals(plan: KeyAccountPlan) -> list[dict[str, Any]]:
    """The plan's stages in order, each with its revenue actual and the share of each goal reached.
    Two queries: the stages, and one aggregate of the sales facts."""
    stages = list(
        PlanStage.objects.filter(tenant_id=plan.tenant_id, plan=plan).order_by("starts_on", "position", "id")
    )
    revenue = stage_revenue(tenant_id=plan.tenant_id, stages=stages, customer_ids={plan.pk: plan.customer_id})
    return [
        {
            "stage": stage,
            "revenue": revenue[stage.pk],
            "revenue_share": _share(revenue[stage.pk], stage.revenue_goal),
            "satisfaction_share": _share(stage.satisfaction_actual, stage.satisfaction_goal),
        }
        for stage in stages
    ]


def current_stage(stages: list[PlanStage], today: dt.date) -> PlanStage | None:
    """The stage whose dates hold today, else the next one to start, else the last."""
    for stage in stages:
        if stage.starts_on <= today <= stage.ends_on:
            return stage
    upcoming = [s for s in stages if s.starts_on > today]
    if upcoming:
        return upcoming[0]
    return stages[-1] if stages else None


# ---- the home, the top bar and the customer page -----------------------------------------------


def _due_plans(membership: Membership, today: dt.date) -> QuerySet[KeyAccountPlan]:
    qs = KeyAccountPlan.objects.filter(
        tenant_id=membership.tenant_id, status=KeyAccountPlan.Status.ACTIVE, next_review_on__lte=today
    )
    if membership.role == Role.REP:
        return qs.filter(owner=membership)
    return restrict_to_viewer(qs, membership, "owner")


def reviews_due_card(membership: Membership, today: dt.date) -> dict:
    """Plans whose review is due (a rep: own; a manager: their line's), the longest waiting first.
    Two queries (count and first rows) on the due-review partial index."""
    qs = (
        _due_plans(membership, today)
        .select_related("customer", "owner__user")
        .only(
            "id",
            "title",
            "next_review_on",
            "customer__id",
            "customer__name",
            "owner__id",
            "owner__display_name",
            "owner__user__username",
            "owner__user__first_name",
            "owner__user__last_name",
        )
        .order_by("next_review_on", "id")
    )
    total, items = first_items(qs)
    return {"items": items, "total": total}


def customer_plan_panel(customer: Customer, membership: Membership, today: dt.date) -> dict | None:
    """The customer page's panel: the plan in work for the customer (else the latest closed one) with
    its stages' goals and actuals; None when the customer has no plan the member may see. Three queries
    at most (the plan, its stages, one aggregate)."""
    plan = (
        plan_list(tenant=customer.tenant, viewer=membership)
        .filter(customer=customer)
        .order_by(
            Case(
                When(status=KeyAccountPlan.Status.CLOSED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            "-starts_on",
            "-id",
        )
        .first()
    )
    if plan is None:
        # a key account without a plan is worth a word (and a link to make one); another customer is not
        return {"plan": None, "can_create": membership.can_write} if customer.is_key_account else None
    review_due = (
        plan.status == KeyAccountPlan.Status.ACTIVE
        and plan.next_review_on is not None
        and plan.next_review_on <= today
    )
    return {"plan": plan, "stages": stages_with_actuals(plan), "review_due": review_due}


# ---- the API's shapes --------------------------------------------------------------------------


def plans_with_stages(qs: QuerySet[KeyAccountPlan]) -> QuerySet[KeyAccountPlan]:
    """Plans with their stages in order (one more query for a whole page)."""
    return qs.prefetch_related(
        Prefetch("stages", queryset=PlanStage.objects.order_by("starts_on", "position", "id"))
    )


def revenue_of_stages(stages: Iterable[PlanStage]) -> dict[int, Decimal]:
    """stage_revenue for stages of any plans (with their plan loaded): one aggregate."""
    stages = list(stages)
    if not stages:
        return {}
    return stage_revenue(
        tenant_id=stages[0].tenant_id,
        stages=stages,
        customer_ids={stage.plan_id: stage.plan.customer_id for stage in stages},
    )


def revenue_of_plans(plans: Iterable[KeyAccountPlan]) -> dict[int, Decimal]:
    """The stages' actual revenue for plans whose stages were prefetched (plans_with_stages)."""
    plans = list(plans)
    stages = [stage for plan in plans for stage in plan.stages.all()]
    if not stages:
        return {}
    return stage_revenue(
        tenant_id=plans[0].tenant_id,
        stages=stages,
        customer_ids={plan.pk: plan.customer_id for plan in plans},
    )


# ---- the stages' tasks -------------------------------------------------------------------------


def plan_tasks(plan: KeyAccountPlan) -> dict[int, list[Task]]:
    """The plan's tasks by stage id, open first then by due day. One query."""
    links = (
        StageTask.objects.filter(tenant_id=plan.tenant_id, stage__plan=plan)
        .select_related("task__owner__user")
        .order_by(
            Case(
                When(task__status=Task.Status.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            F("task__due_on").asc(nulls_last=True),
            "task_id",
        )
    )
    out: dict[int, list[Task]] = {}
    for link in links:
        out.setdefault(link.stage_id, []).append(link.task)
    return out


def plan_task_rows(plan: KeyAccountPlan) -> QuerySet[StageTask]:
    """The plan's stage tasks as the API lists them (a link with its task), in stage order. One query."""
    return (
        StageTask.objects.filter(tenant_id=plan.tenant_id, stage__plan=plan)
        .select_related("task__owner__user", "stage")
        .order_by("stage__starts_on", "stage__position", "stage_id", "task__due_on", "task_id")
    )


def plan_task(plan: KeyAccountPlan, task_id: int) -> Task | None:
    """A task of the plan by its id (None when it is not one of the plan's)."""
    link = plan_task_rows(plan).filter(task_id=task_id).first()
    return link.task if link is not None else None


def plan_task_links(tenant: Tenant, task_ids: list[int]) -> dict[int, tuple[str, str]]:
    """What a plan's task belongs to, for the task lists (apps.customers.task_sources): the plan and
    stage, on the plan's page. One query."""
    rows = StageTask.objects.filter(tenant=tenant, task_id__in=task_ids).values_list(
        "task_id", "stage__plan_id", "stage__plan__title", "stage__name"
    )
    return {
        task_id: (
            f"{title} · {stage}",
            reverse("keyaccounts:detail", kwargs={"tenant_slug": tenant.slug, "plan_id": plan_id}),
        )
        for task_id, plan_id, title, stage in rows
    }


def adjustment_lines(review: PlanReview) -> list[dict[str, str]]:
    """A review's stage changes as people read them: the stage, the field's name, before and after."""
    lines = []
    for change in review.adjustments or []:
        try:
            field = PlanStage._meta.get_field(change["field"])
        except FieldDoesNotExist:
            field = None
        label = str(capfirst(getattr(field, "verbose_name", change["field"])))
        lines.append({**change, "label": label})
    return lines
