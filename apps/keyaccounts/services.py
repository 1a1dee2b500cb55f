"""Writes to key-account plans, their stages and reviews: ownership rules, the plan's workflow
(draft → active → closed), audit, one transaction each."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.customers.models import Customer, Task
from apps.customers.services import (
    apply_changes,
    ensure_assignable,
    ensure_can_write,
    ensure_customer_writable,
    task_create,
)
from apps.org.selectors import can_see_member
from apps.tenancy.audit import audit_log
from apps.tenancy.dates import tenant_today
from apps.tenancy.models import Membership, Tenant
from apps.tenancy.notifications import Message, notify_many, recipient_languages

from .models import KeyAccountPlan, PlanReview, PlanStage, StageTask
from .rules import STAGE_FIELDS, period_errors, raise_errors, stage_errors
from .selectors import current_stage

Status = KeyAccountPlan.Status


def _ensure_plan_writable(*, by: Membership, plan: KeyAccountPlan) -> None:
    ensure_can_write(by)
    if plan.tenant_id != by.tenant_id or not can_see_member(by, plan.owner_id):
        raise PermissionDenied(_("You may not change this key-account plan."))


def _ensure_open(plan: KeyAccountPlan) -> None:
    if plan.status == Status.CLOSED:
        raise ValidationError(_("This plan is closed; it can no longer be changed."))


def _ensure_one_open_plan(*, customer: Customer, exclude_pk: int | None = None) -> None:
    qs = KeyAccountPlan.objects.filter(tenant_id=customer.tenant_id, customer=customer).exclude(
        status=Status.CLOSED
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    open_plan = qs.first()
    if open_plan is not None:
        raise ValidationError(
            {
                "customer": _("This customer already has a plan in work: %(title)s. Close it first.")
                % {"title": open_plan.title}
            }
        )


def _stages_outside(plan: KeyAccountPlan, starts_on: dt.date, ends_on: dt.date) -> list[PlanStage]:
    return list(
        PlanStage.objects.filter(tenant_id=plan.tenant_id, plan=plan).exclude(
            starts_on__gte=starts_on, ends_on__lte=ends_on
        )
    )


def _first_review(starts_on: dt.date, interval_days: int) -> dt.date:
    """One interval after the start; a start near the calendar's last day has no such day."""
    try:
        return starts_on + dt.timedelta(days=interval_days)
    except OverflowError:
        raise ValidationError(
            {"starts_on": _("The first review would fall beyond the calendar: choose an earlier start.")}
        ) from None


@transaction.atomic
def plan_create(
    *,
    tenant: Tenant,
    by: Membership,
    customer: Customer,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    owner: Membership | None = None,
    next_review_on: dt.date | None = None,
    **fields: Any,
) -> KeyAccountPlan:
    """A draft plan for a customer the caller may see; its owner is the customer's account manager
    unless the caller names someone they may assign to. The first review falls one interval after the
    plan's start unless given."""
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=customer)
    owner = owner or customer.owner
    ensure_assignable(by=by, member=owner, field="owner")
    raise_errors(period_errors(starts_on, ends_on))
    _ensure_one_open_plan(customer=customer)
    plan = KeyAccountPlan(
        tenant=tenant,
        customer=customer,
        owner=owner,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        **fields,
    )
    plan.next_review_on = next_review_on or _first_review(starts_on, plan.review_interval_days)
    plan.save()
    audit_log(plan, "keyaccounts.plan.created", actor=by)
    return plan


@transaction.atomic
def plan_update(*, plan: KeyAccountPlan, by: Membership, **data: Any) -> KeyAccountPlan:
    """Edit a plan in work. The customer changes only on a draft; a new period must still hold every
    stage."""
    _ensure_plan_writable(by=by, plan=plan)
    _ensure_open(plan)
    if "owner" in data and data["owner"] != plan.owner:
        ensure_assignable(by=by, member=data["owner"], field="owner")
    customer = data.get("customer", plan.customer)
    if customer.pk != plan.customer_id:
        if plan.status != Status.DRAFT:
            raise ValidationError({"customer": _("Only a draft plan can move to another customer.")})
        ensure_customer_writable(by=by, customer=customer)
        _ensure_one_open_plan(customer=customer, exclude_pk=plan.pk)
    starts_on, ends_on = data.get("starts_on", plan.starts_on), data.get("ends_on", plan.ends_on)
    raise_errors(period_errors(starts_on, ends_on))
    outside = _stages_outside(plan, starts_on, ends_on)
    if outside:
        raise ValidationError(
            {
                "starts_on" if outside[0].starts_on < starts_on else "ends_on": _(
                    "The stage %(stage)s would lie outside the plan's period; move it first."
                )
                % {"stage": outside[0].name}
            }
        )
    changes = apply_changes(plan, data)
    audit_log(plan, "keyaccounts.plan.updated", actor=by, changes=changes)
    return plan


def _locked(plan: KeyAccountPlan) -> KeyAccountPlan:
    """The plan's row locked for the transaction, its workflow fields read afresh into the caller's
    instance (so two reviews or transitions at once are taken one after the other)."""
    row = KeyAccountPlan.objects.select_for_update().get(tenant_id=plan.tenant_id, pk=plan.pk)
    plan.status, plan.next_review_on = row.status, row.next_review_on
    return plan


@transaction.atomic
def plan_activate(*, plan: KeyAccountPlan, by: Membership) -> KeyAccountPlan:
    """Draft → active: the plan's reviews start. It needs a stage to work on."""
    _ensure_plan_writable(by=by, plan=plan)
    plan = _locked(plan)
    if plan.status != Status.DRAFT:
        raise ValidationError(_("Only a draft plan can be activated."))
    if not PlanStage.objects.filter(tenant_id=plan.tenant_id, plan=plan).exists():
        raise ValidationError(_("Add at least one stage before activating the plan."))
    plan.status = Status.ACTIVE
    plan.save(update_fields=["status", "updated_at"])
    audit_log(plan, "keyaccounts.plan.activated", actor=by, changes={"status": [Status.DRAFT, Status.ACTIVE]})
    return plan


@transaction.atomic
def plan_close(*, plan: KeyAccountPlan, by: Membership) -> KeyAccountPlan:
    """Active → closed: the plan is kept as it stands, reviews and reminders stop."""
    _ensure_plan_writable(by=by, plan=plan)
    plan = _locked(plan)
    if plan.status != Status.ACTIVE:
        raise ValidationError(_("Only an active plan can be closed."))
    plan.status = Status.CLOSED
    plan.save(update_fields=["status", "updated_at"])
    audit_log(plan, "keyaccounts.plan.closed", actor=by, changes={"status": [Status.ACTIVE, Status.CLOSED]})
    return plan


@transaction.atomic
def plan_delete(*, plan: KeyAccountPlan, by: Membership) -> None:
    """Only a draft goes; an active or closed plan is history and is closed instead."""
    _ensure_plan_writable(by=by, plan=plan)
    if plan.status != Status.DRAFT:
        raise ValidationError(_("Only a draft plan can be deleted; close an active plan instead."))
    audit_log(plan, "keyaccounts.plan.deleted", actor=by)
    plan.delete()


# ---- stages ------------------------------------------------------------------------------------


def _check_stage(plan: KeyAccountPlan, values: dict[str, Any]) -> None:
    raise_errors(
        stage_errors(
            plan_starts_on=plan.starts_on,
            plan_ends_on=plan.ends_on,
            starts_on=values.get("starts_on"),
            ends_on=values.get("ends_on"),
            revenue_goal=values.get("revenue_goal"),
            satisfaction_goal=values.get("satisfaction_goal"),
        )
    )


@transaction.atomic
def stage_create(*, plan: KeyAccountPlan, by: Membership, **fields: Any) -> PlanStage:
    _ensure_plan_writable(by=by, plan=plan)
    _ensure_open(plan)
    _check_stage(plan, fields)
    if fields.get("position") is None:
        fields["position"] = PlanStage.objects.filter(tenant_id=plan.tenant_id, plan=plan).count() + 1
    stage = PlanStage.objects.create(tenant_id=plan.tenant_id, plan=plan, **fields)
    audit_log(stage, "keyaccounts.stage.created", actor=by)
    return stage


@transaction.atomic
def stage_update(*, stage: PlanStage, by: Membership, **data: Any) -> PlanStage:
    plan = stage.plan
    _ensure_plan_writable(by=by, plan=plan)
    _ensure_open(plan)
    if "plan" in data and data.pop("plan").pk != plan.pk:
        raise ValidationError({"plan": _("A stage stays in its plan.")})
    _check_stage(plan, {f: data.get(f, getattr(stage, f)) for f in STAGE_FIELDS})
    changes = apply_changes(stage, data)
    audit_log(stage, "keyaccounts.stage.updated", actor=by, changes=changes)
    return stage


@transaction.atomic
def stage_delete(*, stage: PlanStage, by: Membership) -> None:
    plan = stage.plan
    _ensure_plan_writable(by=by, plan=plan)
    _ensure_open(plan)
    if StageTask.objects.filter(
        tenant_id=stage.tenant_id, stage=stage, task__status=Task.Status.OPEN
    ).exists():
        raise ValidationError(_("This stage still has open tasks: complete or cancel them first."))
    audit_log(stage, "keyaccounts.stage.deleted", actor=by)
    stage.delete()


# ---- the stages' tasks -------------------------------------------------------------------------

TASK_SOURCE = "keyaccounts.plan"


@transaction.atomic
def stage_task_create(
    *,
    stage: PlanStage,
    by: Membership,
    title: str,
    owner: Membership | None = None,
    due_on: dt.date | None = None,
    notes: str = "",
    priority: str = Task.Priority.NORMAL,
) -> StageTask:
    """A task of the stage, at the plan's customer, for its responsible person (the caller unless they
    name someone they may assign to): the shared Task, linked to the stage from this side."""
    plan = stage.plan
    _ensure_plan_writable(by=by, plan=plan)
    _ensure_open(plan)
    task = task_create(
        tenant=plan.tenant,
        by=by,
        title=title,
        owner=owner,
        due_on=due_on,
        customer=plan.customer,
        notes=notes,
        priority=priority,
        source=TASK_SOURCE,
    )
    link = StageTask.objects.create(tenant_id=plan.tenant_id, stage=stage, task=task)
    audit_log(stage, "keyaccounts.stage.task_added", actor=by, changes={"task": [None, task.title]})
    return link


# ---- reviews -----------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _adjust(plan: KeyAccountPlan, adjustments: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Apply the stage changes a review decided; returns them as before → after lines. Each changed
    stage is checked as a whole against the plan's period and the goal rules."""
    kept: list[dict[str, Any]] = []
    seen: set[int] = set()
    for adjustment in adjustments:
        values = dict(adjustment)
        stage = values.pop("stage")
        if stage.plan_id != plan.pk or stage.tenant_id != plan.tenant_id:
            raise ValidationError({"adjustments": _("A stage of another plan cannot be adjusted here.")})
        # Each line is checked against the stage as stored: a second line for the same stage would
        # be checked without the first, and the two together could break the stage's rules.
        if stage.pk in seen:
            raise ValidationError(
                {
                    "adjustments": _("%(stage)s is adjusted twice: give its changes in one line.")
                    % {"stage": stage.name}
                }
            )
        seen.add(stage.pk)
        values = {f: v for f, v in values.items() if f in STAGE_FIELDS}
        merged = {f: values.get(f, getattr(stage, f)) for f in STAGE_FIELDS}
        errors = stage_errors(
            plan_starts_on=plan.starts_on,
            plan_ends_on=plan.ends_on,
            starts_on=merged["starts_on"],
            ends_on=merged["ends_on"],
            revenue_goal=merged["revenue_goal"],
            satisfaction_goal=merged["satisfaction_goal"],
        )
        if errors:
            raise ValidationError(
                {"adjustments": [f"{stage.name}: {message}" for message in errors.values()]}
            )
        changed = {f: v for f, v in values.items() if getattr(stage, f) != v}
        for field, after in changed.items():
            kept.append(
                {
                    "stage": stage.pk,
                    "stage_name": stage.name,
                    "field": field,
                    "before": _text(getattr(stage, field)),
                    "after": _text(after),
                }
            )
        if changed:
            apply_changes(stage, changed)
    return kept


@transaction.atomic
def plan_review(
    *,
    plan: KeyAccountPlan,
    by: Membership,
    reviewed_on: dt.date,
    note: str,
    satisfaction_actual: Decimal | None = None,
    stage: PlanStage | None = None,
    next_review_on: dt.date | None = None,
    adjustments: Iterable[dict[str, Any]] = (),
) -> PlanReview:
    """Record a periodic review of an active plan: the note, the satisfaction reached (on the given
    stage, else the stage current on the review's day), the stage goals and dates it changed (kept as
    before → after), and the next review day (one interval on unless given)."""
    _ensure_plan_writable(by=by, plan=plan)
    plan = _locked(plan)
    if plan.status != Status.ACTIVE:
        raise ValidationError(_("Only an active plan is reviewed; activate it first."))
    today = tenant_today(plan.tenant)
    if reviewed_on > today:
        raise ValidationError({"reviewed_on": _("A review cannot be dated in the future.")})
    if reviewed_on < plan.starts_on:
        raise ValidationError({"reviewed_on": _("A review cannot be before the plan starts.")})
    next_review_on = next_review_on or reviewed_on + dt.timedelta(days=plan.review_interval_days)
    if next_review_on <= reviewed_on:
        raise ValidationError({"next_review_on": _("The next review must be after this one.")})
    kept = _adjust(plan, adjustments)
    stages = list(
        PlanStage.objects.filter(tenant_id=plan.tenant_id, plan=plan).order_by("starts_on", "position", "id")
    )
    if stage is not None and stage.pk not in {s.pk for s in stages}:
        raise ValidationError({"stage": _("This stage belongs to another plan.")})
    if satisfaction_actual is not None:
        if not Decimal(0) <= satisfaction_actual <= Decimal(5):
            raise ValidationError({"satisfaction_actual": _("A satisfaction score lies between 0 and 5.")})
        stage = stage or current_stage(stages, reviewed_on)
        if stage is None:
            raise ValidationError({"stage": _("The plan has no stage to record the satisfaction on.")})
        stage = next(s for s in stages if s.pk == stage.pk)
        stage.satisfaction_actual = satisfaction_actual
        stage.save(update_fields=["satisfaction_actual", "updated_at"])
    review = PlanReview.objects.create(
        tenant_id=plan.tenant_id,
        plan=plan,
        reviewer=by,
        reviewed_on=reviewed_on,
        note=note,
        stage=stage,
        satisfaction_actual=satisfaction_actual,
        adjustments=kept,
        next_review_on=next_review_on,
    )
    previous = plan.next_review_on
    plan.next_review_on = next_review_on
    plan.save(update_fields=["next_review_on", "updated_at"])
    audit_log(
        review,
        "keyaccounts.review.created",
        actor=by,
        changes={"next_review_on": [_text(previous), _text(next_review_on)], "adjustments": len(kept)},
    )
    return review


# ---- the scheduled reminder --------------------------------------------------------------------


@transaction.atomic
def remind_reviews_due(*, tenant: Tenant, day: dt.date) -> int:
    """Tell the owner of every active plan whose review is due by `day`, and the manager they report
    to. Deduplicated per (plan, review day, recipient): a job run again, or on the following days
    while the review waits, tells nobody twice. Returns how many were told now. Three queries and
    two inserts whatever the number of plans."""
    plans = list(
        KeyAccountPlan.objects.filter(tenant=tenant, status=Status.ACTIVE, next_review_on__lte=day)
        .select_related("customer", "owner__user", "owner__reports_to__user", "owner__tenant")
        .order_by("next_review_on", "pk")
    )
    pairs: list[tuple[Membership, KeyAccountPlan]] = []
    for plan in plans:
        pairs.append((plan.owner, plan))
        manager = plan.owner.reports_to
        if manager is not None and manager.is_active and manager.pk != plan.owner_id:
            manager.tenant = tenant
            pairs.append((manager, plan))
    for member, _plan in pairs:
        member.tenant = tenant
    languages = recipient_languages([m for m, _p in pairs])
    messages = []
    for member, plan in pairs:
        due_on = plan.next_review_on or day  # the query keeps only plans with a review day
        with translation.override(languages[member.pk]):
            messages.append(
                Message(
                    recipient=member,
                    kind="keyaccount_review_due",
                    title=_("Key-account plan review due: %(customer)s") % {"customer": plan.customer.name},
                    body=_("The plan “%(title)s” (%(owner)s) is due for review since %(day)s.")
                    % {"title": plan.title, "owner": plan.owner.name, "day": due_on.isoformat()},
                    url=reverse(
                        "keyaccounts:review", kwargs={"tenant_slug": tenant.slug, "plan_id": plan.pk}
                    ),
                    dedupe_key=f"keyaccount_review_due:{plan.pk}:{due_on.isoformat()}:{member.pk}",
                )
            )
    return len(notify_many(tenant=tenant, messages=messages))
