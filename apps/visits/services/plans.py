"""Writes of daily visit plans and their items (the visits planned, and unplanned ones): the plan
workflow from draft to approval, and carrying unfinished visits over. Each service is one
transaction, audited; a rule broken is a ValidationError (400) with the reason."""

import datetime as dt
from collections.abc import Set as AbstractSet
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.customers.models import Customer
from apps.customers.selectors import visible_customers
from apps.customers.services import apply_changes, ensure_assignable, ensure_can_write
from apps.org.selectors import can_see_member, supervises
from apps.tenancy.audit import audit_log
from apps.tenancy.dates import tenant_today
from apps.tenancy.models import Membership, Tenant

from ..models import Visit, VisitPlan
from ..selectors import carry_over_candidates

EDITABLE = (VisitPlan.Status.DRAFT, VisitPlan.Status.RETURNED)
ITEM_FIELDS = ("customer", "prospect_name", "area", "planned_time", "purpose", "note")
MAX_ITEMS = 50

# ---- the plan -------------------------------------------------------------------------------


def ensure_plan_editable(plan: VisitPlan) -> None:
    if plan.status not in EDITABLE:
        raise ValidationError(
            _("This plan is %(status)s: only a draft or a returned plan can be changed.")
            % {"status": plan.get_status_display().lower()}
        )


def visit_plan_last_day(tenant: Tenant) -> dt.date:
    """The furthest day a plan may be made for: VISIT_PLAN_MAX_DAYS_AHEAD after the tenant's today."""
    return tenant_today(tenant) + dt.timedelta(days=settings.VISIT_PLAN_MAX_DAYS_AHEAD)


def ensure_within_horizon(tenant: Tenant, day: dt.date) -> None:
    """A plan dated beyond the horizon (a typo's 2099) is neither made, changed nor submitted."""
    last = visit_plan_last_day(tenant)
    if day > last:
        raise ValidationError(
            {
                "day": _("A plan can be made at most %(days)d days ahead, for %(last)s at the latest.")
                % {"days": settings.VISIT_PLAN_MAX_DAYS_AHEAD, "last": last.isoformat()}
            }
        )


def _ensure_plan_writer(*, by: Membership, rep: Membership) -> None:
    """The rep files their own plan; a manager or admin may prepare one for someone they supervise."""
    ensure_can_write(by)
    ensure_assignable(by=by, member=rep, field="rep")


def _clean_item(
    *, tenant: Tenant, rep: Membership, item: dict, index: int, visible_ids: AbstractSet[int | None]
) -> dict:
    data = {k: item[k] for k in ITEM_FIELDS if k in item}
    customer = data.get("customer")
    data["prospect_name"] = (data.get("prospect_name") or "").strip()
    if customer is None and not data["prospect_name"]:
        raise ValidationError(
            {"items": _("Item %(n)s: choose a customer or enter a prospect's name.") % {"n": index + 1}}
        )
    if customer is not None and (customer.tenant_id != tenant.pk or customer.pk not in visible_ids):
        raise ValidationError(
            {"items": _("Item %(n)s: this customer is not one of the account manager's.") % {"n": index + 1}}
        )
    if data.get("purpose") and data["purpose"] not in Visit.Purpose.values:
        raise ValidationError({"items": _("Item %(n)s: unknown purpose.") % {"n": index + 1}})
    return data


def _visible_customer_ids(rep: Membership, customers: list[Customer]) -> set[int]:
    ids = {c.pk for c in customers}
    if not ids:
        return set()
    return set(visible_customers(Customer.objects.filter(pk__in=ids), rep).values_list("pk", flat=True))


@transaction.atomic
def visit_plan_save(
    *,
    tenant: Tenant,
    by: Membership,
    day: dt.date,
    items: list[dict] | None = None,
    rep: Membership | None = None,
    note: str | None = None,
    new: bool = False,
) -> VisitPlan:
    """Create or change the plan of (rep, day); with `new`, only create it (one plan per rep and day:
    a second is refused, under the same row lock, so two racing creates cannot both pass). Given
    items replace the plan's items: an item with the `id` of one of its visits updates that visit,
    one without adds a visit, and visits left out are removed (a visit already checked in cannot be
    removed)."""
    rep = rep or by
    _ensure_plan_writer(by=by, rep=rep)
    if day < tenant_today(tenant):
        raise ValidationError({"day": _("A plan can only be made for today or a later day.")})
    ensure_within_horizon(tenant, day)
    plan, created = VisitPlan.objects.select_for_update().get_or_create(
        tenant=tenant, rep=rep, day=day, defaults={"note": note or ""}
    )
    if not created and new:
        raise ValidationError({"day": _("There is already a plan for this day: change that one.")})
    if not created:
        ensure_plan_editable(plan)
        if note is not None and note != plan.note:
            apply_changes(plan, {"note": note})
    if items is not None:
        _replace_items(plan=plan, items=items)
    audit_log(
        plan,
        "visits.plan.created" if created else "visits.plan.updated",
        actor=by,
        changes={"items": [None, str(len(items))]} if items is not None else {},
    )
    return plan


def _replace_items(*, plan: VisitPlan, items: list[dict]) -> None:
    if len(items) > MAX_ITEMS:
        raise ValidationError({"items": _("At most %(n)s items a day.") % {"n": MAX_ITEMS}})
    existing = {v.pk: v for v in Visit.objects.filter(tenant_id=plan.tenant_id, plan=plan)}
    visible_ids = _visible_customer_ids(plan.rep, [i["customer"] for i in items if i.get("customer")])
    keep: set[int] = set()
    new: list[Visit] = []
    for index, item in enumerate(items):
        data = _clean_item(tenant=plan.tenant, rep=plan.rep, item=item, index=index, visible_ids=visible_ids)
        pk = item.get("id")
        if pk is not None:
            visit = existing.get(pk)
            if visit is None or pk in keep:
                raise ValidationError(
                    {"items": _("Item %(n)s: unknown visit of this plan.") % {"n": index + 1}}
                )
            keep.add(pk)
            apply_changes(visit, {**data, "position": index})
        else:
            new.append(
                Visit(
                    tenant_id=plan.tenant_id,
                    rep_id=plan.rep_id,
                    day=plan.day,
                    plan=plan,
                    planned=True,
                    position=index,
                    **data,
                )
            )
    gone = [v for pk, v in existing.items() if pk not in keep]
    if any(v.check_in_at for v in gone):
        raise ValidationError({"items": _("A visit already checked in cannot be removed from the plan.")})
    if gone:
        Visit.objects.filter(tenant_id=plan.tenant_id, pk__in=[v.pk for v in gone]).delete()
    for visit in new:
        visit.full_clean(exclude=["tenant", "rep", "plan", "customer", "carried_from", "report"])
    Visit.objects.bulk_create(new)


@transaction.atomic
def visit_plan_delete(*, plan: VisitPlan, by: Membership) -> None:
    """Only a plan still being written, with no visit checked in, can be deleted (with its items)."""
    plan = _locked(plan)
    _ensure_plan_writer(by=by, rep=plan.rep)
    ensure_plan_editable(plan)
    if Visit.objects.filter(tenant_id=plan.tenant_id, plan=plan, check_in_at__isnull=False).exists():
        raise ValidationError(_("A plan with a visit already checked in cannot be deleted."))
    audit_log(plan, "visits.plan.deleted", actor=by)
    plan.delete()


def _transition(plan: VisitPlan, by: Membership, action: str, **fields: Any) -> VisitPlan:
    changes = {"status": [plan.status, fields["status"]]}
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.save(update_fields=[*fields, "updated_at"])
    audit_log(plan, f"visits.plan.{action}", actor=by, changes=changes)
    return plan


def _locked(plan: VisitPlan) -> VisitPlan:
    """Re-read the plan under a row lock: two reviewers (or a reviewer and the rep) never both win."""
    return (
        VisitPlan.objects.select_for_update().select_related("rep").get(tenant_id=plan.tenant_id, pk=plan.pk)
    )


@transaction.atomic
def visit_plan_submit(*, plan: VisitPlan, by: Membership) -> VisitPlan:
    """Draft or returned → submitted, for the manager's approval."""
    plan = _locked(plan)
    _ensure_plan_writer(by=by, rep=plan.rep)
    if plan.status not in EDITABLE:
        raise ValidationError(_("Only a draft or a returned plan can be submitted."))
    ensure_within_horizon(by.tenant, plan.day)
    if not Visit.objects.filter(tenant_id=plan.tenant_id, plan=plan).exists():
        raise ValidationError(_("Add at least one visit before submitting the plan."))
    return _transition(plan, by, "submitted", status=VisitPlan.Status.SUBMITTED, submitted_at=timezone.now())


def _ensure_reviewer(*, plan: VisitPlan, by: Membership) -> None:
    if plan.status != VisitPlan.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted plan can be reviewed."))
    if not supervises(by, plan.rep_id):
        raise PermissionDenied(_("Only a manager above the account manager may review this plan."))


@transaction.atomic
def visit_plan_approve(*, plan: VisitPlan, by: Membership, comment: str = "") -> VisitPlan:
    plan = _locked(plan)
    _ensure_reviewer(plan=plan, by=by)
    return _transition(
        plan,
        by,
        "approved",
        status=VisitPlan.Status.APPROVED,
        reviewed_by=by,
        reviewed_at=timezone.now(),
        review_comment=comment.strip(),
    )


@transaction.atomic
def visit_plan_return(*, plan: VisitPlan, by: Membership, comment: str) -> VisitPlan:
    """Back to the rep with the manager's comment; the rep changes the plan and submits it again."""
    plan = _locked(plan)
    _ensure_reviewer(plan=plan, by=by)
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what should change when returning a plan.")})
    return _transition(
        plan,
        by,
        "returned",
        status=VisitPlan.Status.RETURNED,
        reviewed_by=by,
        reviewed_at=timezone.now(),
        review_comment=comment.strip(),
    )


@transaction.atomic
def visit_plan_carry_over(
    *, tenant: Tenant, by: Membership, day: dt.date, visit_ids: list[int], rep: Membership | None = None
) -> VisitPlan:
    """Copy chosen unfinished visits of the rep's previous working day into the plan of `day`; each
    is carried once (the new visit names it in carried_from) and a pending one becomes postponed."""
    rep = rep or by
    offered = {
        v.pk: v
        for v in carry_over_candidates(tenant=tenant, rep=rep, day=day).select_for_update(of=("self",))
    }
    unknown = [pk for pk in visit_ids if pk not in offered]
    if unknown or not visit_ids:
        raise ValidationError({"visits": _("Choose among the unfinished visits offered for carrying over.")})
    plan = visit_plan_save(tenant=tenant, by=by, day=day, rep=rep)
    start = (
        Visit.objects.filter(tenant=tenant, plan=plan)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    start = -1 if start is None else start
    chosen = [offered[pk] for pk in dict.fromkeys(visit_ids)]
    Visit.objects.bulk_create(
        [
            Visit(
                tenant=tenant,
                rep=rep,
                day=day,
                plan=plan,
                planned=True,
                position=start + 1 + i,
                carried_from=old,
                **{f: getattr(old, f) for f in ITEM_FIELDS if f != "planned_time"},
            )
            for i, old in enumerate(chosen)
        ]
    )
    Visit.objects.filter(tenant=tenant, pk__in=[v.pk for v in chosen], outcome=Visit.Outcome.PENDING).update(
        outcome=Visit.Outcome.POSTPONED, updated_at=timezone.now()
    )
    audit_log(plan, "visits.plan.carried_over", actor=by, changes={"visits": [None, str(len(chosen))]})
    return plan


# ---- single visits --------------------------------------------------------------------------


@transaction.atomic
def visit_create(*, tenant: Tenant, by: Membership, plan: VisitPlan | None = None, **data: Any) -> Visit:
    """A visit added to an editable plan, or an unplanned visit (no plan) recorded on its day or later."""
    if plan is not None:
        plan = _locked(plan)
        _ensure_plan_writer(by=by, rep=plan.rep)
        ensure_plan_editable(plan)
        ensure_within_horizon(tenant, plan.day)
        rep, day = plan.rep, plan.day
    else:
        rep = data.pop("rep", None) or by
        _ensure_plan_writer(by=by, rep=rep)
        day = data.pop("day", None)
        if day is None:
            raise ValidationError({"day": _("An unplanned visit needs its day.")})
        if day > tenant_today(tenant):
            raise ValidationError(
                {"day": _("An unplanned visit is recorded on its day or later, not before.")}
            )
    data.pop("rep", None)
    data.pop("day", None)
    item = _clean_item(
        tenant=tenant,
        rep=rep,
        item=data,
        index=0,
        visible_ids=_visible_customer_ids(rep, [data["customer"]] if data.get("customer") else []),
    )
    extra = {k: v for k, v in data.items() if k not in ITEM_FIELDS}
    position = 0
    if plan is not None:
        last = Visit.objects.filter(tenant=tenant, plan=plan).order_by("-position").first()
        position = last.position + 1 if last else 0
    visit = Visit(
        tenant=tenant,
        rep=rep,
        day=day,
        plan=plan,
        planned=plan is not None,
        position=position,
        **item,
        **extra,
    )
    visit.full_clean(exclude=["tenant", "rep", "plan", "customer", "carried_from", "report"])
    visit.save()
    audit_log(visit, "visits.visit.created", actor=by)
    return visit


@transaction.atomic
def visit_plan_item_add(*, tenant: Tenant, by: Membership, day: dt.date, **item: Any) -> VisitPlan:
    """One more visit in the caller's plan of `day`; the plan is created with it when there is none."""
    plan = VisitPlan.objects.filter(tenant=tenant, rep=by, day=day).first()
    if plan is None:
        return visit_plan_save(tenant=tenant, by=by, day=day, items=[item])
    visit_create(tenant=tenant, by=by, plan=plan, **item)
    return plan


# What the rep records about a visit is theirs to change at any time; what was planned only while
# the plan is a draft or returned.
OUTCOME_FIELDS = ("outcome", "result_note", "effective", "cost")


def _ensure_visit_writer(*, visit: Visit, by: Membership) -> None:
    ensure_can_write(by)
    if not can_see_member(by, visit.rep_id):
        raise PermissionDenied(_("You may not change this visit."))


@transaction.atomic
def visit_update(*, visit: Visit, by: Membership, **data: Any) -> Visit:
    _ensure_visit_writer(visit=visit, by=by)
    data.pop("plan", None)
    data.pop("rep", None)
    data.pop("day", None)
    # A PUT repeats the planned fields: only those that really change need an editable plan.
    planned_part = {k: v for k, v in data.items() if k in ITEM_FIELDS and getattr(visit, k) != v}
    if planned_part and visit.plan is not None:
        ensure_plan_editable(_locked(visit.plan))
    if planned_part:
        merged = {f: getattr(visit, f) for f in ITEM_FIELDS} | planned_part
        # Only a newly named customer is checked against the rep's; the one already there stays valid
        # even if it has since moved to another account manager.
        visible = (
            _visible_customer_ids(visit.rep, [merged["customer"]] if merged["customer"] else [])
            if "customer" in planned_part
            else {visit.customer_id}
        )
        _clean_item(tenant=visit.tenant, rep=visit.rep, item=merged, index=0, visible_ids=visible)
        if "prospect_name" in planned_part:
            planned_part["prospect_name"] = (planned_part["prospect_name"] or "").strip()
    changes = apply_changes(visit, {**planned_part, **{k: v for k, v in data.items() if k in OUTCOME_FIELDS}})
    audit_log(visit, "visits.visit.updated", actor=by, changes=changes)
    return visit


@transaction.atomic
def visit_delete(*, visit: Visit, by: Membership) -> None:
    _ensure_visit_writer(visit=visit, by=by)
    if visit.plan is not None:
        ensure_plan_editable(_locked(visit.plan))
    if visit.check_in_at:
        raise ValidationError(_("A visit already checked in cannot be deleted."))
    audit_log(visit, "visits.visit.deleted", actor=by)
    visit.delete()
