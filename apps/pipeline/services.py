"""Writes to the pipeline: stages (the admin's), opportunities and their moves, won and lost.

Every stage change writes a StageChange row in the same transaction, so the history is complete.
A stage's requirements (amount, expected close, next step) are checked with the values the
opportunity will have once it is in the stage; an open opportunity may not close in the past."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.customers import services as customer_services
from apps.customers.models import Customer
from apps.customers.services import (
    apply_changes,
    ensure_assignable,
    ensure_can_write,
    ensure_customer_writable,
)
from apps.org.selectors import can_see_member
from apps.sales import services as sales_services
from apps.sales.models import Order
from apps.tenancy.audit import audit_log
from apps.tenancy.dates import tenant_today
from apps.tenancy.models import Membership, Role, Tenant
from apps.tenancy.money import money

from .models import Opportunity, OpportunityLine, OpportunityTask, Stage, StageChange

TASK_SOURCE = "pipeline.opportunity"  # registered in PipelineConfig.ready()
MAX_AMOUNT = Decimal("999999999999.99")  # what an amount field (14 digits, 2 decimals) holds

# ---- stages ---------------------------------------------------------------------------------


def ensure_admin(by: Membership) -> None:
    if by.role != Role.ADMIN:
        raise PermissionDenied(_("Only an administrator may change the pipeline stages."))


def _ensure_stage_name_free(*, tenant_id: int, name: str, exclude_pk: int | None = None) -> None:
    qs = Stage.objects.filter(tenant_id=tenant_id, name=name)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError({"name": _("A stage with this name already exists.")})


@transaction.atomic
def stage_create(
    *, tenant: Tenant, by: Membership | None, name: str, probability: int, **fields: Any
) -> Stage:
    """A new stage; `by` None is the system (starter data)."""
    if by is not None:
        ensure_admin(by)
    _ensure_stage_name_free(tenant_id=tenant.pk, name=name)
    stage = Stage.objects.create(tenant=tenant, name=name, probability=probability, **fields)
    if by is not None:
        audit_log(stage, "pipeline.stage.created", actor=by)
    return stage


def stage_in_use(stage: Stage) -> bool:
    return (
        Opportunity.objects.filter(tenant_id=stage.tenant_id, stage=stage).exists()
        or StageChange.objects.filter(tenant_id=stage.tenant_id, to_stage=stage).exists()
    )


@transaction.atomic
def stage_update(*, stage: Stage, by: Membership, **data: Any) -> Stage:
    ensure_admin(by)
    if "name" in data:
        _ensure_stage_name_free(tenant_id=stage.tenant_id, name=data["name"], exclude_pk=stage.pk)
    if "kind" in data and data["kind"] != stage.kind and stage_in_use(stage):
        raise ValidationError({"kind": _("The stage is in use: its kind cannot change.")})
    changes = apply_changes(stage, data)
    audit_log(stage, "pipeline.stage.updated", actor=by, changes=changes)
    return stage


@transaction.atomic
def stage_delete(*, stage: Stage, by: Membership) -> None:
    """Refused for a stage an opportunity is in or has been in (its history would lose a step)."""
    ensure_admin(by)
    if stage_in_use(stage):
        raise ValidationError(
            _("The stage “%(name)s” is in use by opportunities and cannot be deleted.") % {"name": stage.name}
        )
    audit_log(stage, "pipeline.stage.deleted", actor=by)
    stage.delete()


def _closing_stage(tenant_id: int, kind: str) -> Stage:
    stage = Stage.objects.filter(tenant_id=tenant_id, kind=kind).order_by("order", "id").first()
    if stage is None:
        raise ValidationError(
            {
                "stage": _("The organisation has no stage of kind “%(kind)s”.")
                % {"kind": Stage.Kind(kind).label}
            }
        )
    return stage


# ---- opportunities --------------------------------------------------------------------------


def _requirements_check(*, stage: Stage, values: dict[str, Any]) -> None:
    """What the stage requires before an opportunity enters it, each a field error."""
    errors: dict[str, str] = {}
    if stage.requires_amount and not values.get("amount"):
        errors["amount"] = _("The stage “%(stage)s” requires an expected amount.") % {"stage": stage.name}
    if stage.requires_expected_close and not values.get("expected_close"):
        errors["expected_close"] = _("The stage “%(stage)s” requires an expected close date.") % {
            "stage": stage.name
        }
    if stage.requires_next_step and not (values.get("next_step") or "").strip():
        errors["next_step"] = _("The stage “%(stage)s” requires a next step.") % {"stage": stage.name}
    if errors:
        raise ValidationError(errors)


def _open_dates_check(*, values: dict[str, Any], today: dt.date, changed: set[str]) -> None:
    close = values.get("expected_close")
    if "expected_close" in changed and close is not None and close < today:
        raise ValidationError(
            {"expected_close": _("An open opportunity cannot be expected to close in the past.")}
        )
    if values.get("next_step_on") and not (values.get("next_step") or "").strip():
        raise ValidationError({"next_step": _("Say what the next step is, for its date.")})


def _lines(*, tenant_id: int, lines: list[dict]) -> list[OpportunityLine]:
    out = []
    for line in lines:
        product, category = line.get("product"), line.get("category")
        if product is None and category is None:
            raise ValidationError({"lines": _("Each line names a product or a category.")})
        for obj in (product, category):
            if obj is not None and obj.tenant_id != tenant_id:
                raise ValidationError({"lines": _("Unknown product.")})
        amount = line.get("amount")
        if amount is None or amount < 0:
            raise ValidationError({"lines": _("Each line needs an expected amount of zero or more.")})
        out.append(
            OpportunityLine(
                tenant_id=tenant_id,
                product=product,
                category=category if product is None else product.category,
                amount=money(amount),
            )
        )
    if sum((line.amount for line in out), Decimal("0")) > MAX_AMOUNT:
        # each line fits its field; their sum must fit the opportunity's amount too
        raise ValidationError(
            {"lines": _("The lines add up to more than %(max)s.") % {"max": f"{MAX_AMOUNT:,}"}}
        )
    return out


def _customer_or_prospect(values: dict[str, Any]) -> None:
    if values.get("customer") is None and not (values.get("prospect_name") or "").strip():
        raise ValidationError({"customer": _("Choose a customer, or name the new prospect.")})


def _history(
    *,
    opportunity: Opportunity,
    from_stage: Stage | None,
    to_stage: Stage,
    by: Membership | None,
    note: str = "",
) -> StageChange:
    now = timezone.now()
    days = None
    advanced = False
    if from_stage is not None:
        days = max((now - opportunity.stage_entered_at).days, 0)
        advanced = to_stage.kind == Stage.Kind.WON or (
            to_stage.kind == Stage.Kind.OPEN
            and from_stage.kind == Stage.Kind.OPEN
            and to_stage.order > from_stage.order
        )
    opportunity.stage_entered_at = now
    return StageChange.objects.create(
        tenant_id=opportunity.tenant_id,
        opportunity=opportunity,
        from_stage=from_stage,
        to_stage=to_stage,
        owner_id=opportunity.owner_id,
        by=by,
        at=now,
        days_in_previous=days,
        advanced=advanced,
        note=note[:300],
    )


@transaction.atomic
def opportunity_create(
    *,
    tenant: Tenant,
    by: Membership,
    name: str,
    stage: Stage,
    owner: Membership | None = None,
    customer: Customer | None = None,
    lines: list[dict] | None = None,
    amount: Decimal | None = None,
    probability: int | None = None,
    **fields: Any,
) -> Opportunity:
    """A new open opportunity in an open stage, owned by the caller unless a manager or admin names
    someone they supervise; lines, when given, make its amount."""
    ensure_can_write(by)
    owner = owner or by
    ensure_assignable(by=by, member=owner, field="owner")
    if customer is not None:
        ensure_customer_writable(by=by, customer=customer)
    if stage.tenant_id != tenant.pk:
        raise ValidationError({"stage": _("Unknown record.")})
    if stage.kind != Stage.Kind.OPEN:
        raise ValidationError({"stage": _("A new opportunity starts in an open stage.")})
    line_objs = _lines(tenant_id=tenant.pk, lines=lines or [])
    if line_objs:
        amount = sum((line.amount for line in line_objs), Decimal("0"))
    values = {**fields, "customer": customer, "amount": money(amount or 0)}
    _customer_or_prospect(values)
    today = tenant_today(tenant)
    _open_dates_check(values=values, today=today, changed=set(values))
    _requirements_check(stage=stage, values=values)
    opportunity = Opportunity(
        tenant=tenant,
        name=name,
        owner=owner,
        customer=customer,
        stage=stage,
        amount=values["amount"],
        probability=stage.probability if probability is None else probability,
        opened_on=today,
        **fields,
    )
    if customer is not None:
        opportunity.prospect_name = opportunity.prospect_contact = opportunity.prospect_phone = ""
    opportunity.stage_entered_at = timezone.now()
    opportunity.save()
    for line in line_objs:
        line.opportunity = opportunity
    OpportunityLine.objects.bulk_create(line_objs)
    _history(opportunity=opportunity, from_stage=None, to_stage=stage, by=by)
    audit_log(opportunity, "pipeline.opportunity.created", actor=by)
    return opportunity


def ensure_opportunity_writable(*, by: Membership, opportunity: Opportunity) -> None:
    ensure_can_write(by)
    if opportunity.tenant_id != by.tenant_id or not can_see_member(by, opportunity.owner_id):
        raise PermissionDenied(_("You may not change this opportunity."))


# What the transitions read of the row: taken afresh under its lock (see _locked).
LOCKED_FIELDS = ("status", "stage_id", "stage_entered_at", "probability", "amount", "customer_id", "order_id")


def _locked(opportunity: Opportunity) -> Opportunity:
    """The opportunity's row locked for the transaction, its workflow fields read afresh into the
    caller's instance: two requests that read it at once (a double-posted Won, two moves) are taken
    one after the other, the second seeing what the first did, not a second customer and order."""
    row = (
        Opportunity.objects.select_for_update()
        .values(*LOCKED_FIELDS)
        .get(tenant_id=opportunity.tenant_id, pk=opportunity.pk)
    )
    for name, value in row.items():
        setattr(opportunity, name, value)  # a changed stage_id drops the cached stage
    return opportunity


def _ensure_open(opportunity: Opportunity) -> None:
    if opportunity.status != Opportunity.Status.OPEN:
        raise ValidationError(
            _("The opportunity is closed (%(status)s): it can no longer change.")
            % {"status": opportunity.get_status_display()}
        )


@transaction.atomic
def opportunity_update(
    *, opportunity: Opportunity, by: Membership, lines: list[dict] | None = None, **data: Any
) -> Opportunity:
    """Change an open opportunity's details (its stage moves with opportunity_move); given lines
    replace all of its lines."""
    ensure_opportunity_writable(by=by, opportunity=opportunity)
    _locked(opportunity)
    _ensure_open(opportunity)
    data.pop("stage", None)
    if "owner" in data and data["owner"].pk != opportunity.owner_id:
        ensure_assignable(by=by, member=data["owner"], field="owner")
    if data.get("customer") is not None and data["customer"].pk != opportunity.customer_id:
        ensure_customer_writable(by=by, customer=data["customer"])
    line_objs = None
    if lines is not None:
        line_objs = _lines(tenant_id=opportunity.tenant_id, lines=lines)
        if line_objs:
            data["amount"] = sum((line.amount for line in line_objs), Decimal("0"))
    if "amount" in data:
        data["amount"] = money(data["amount"] or 0)
    values = {
        f: getattr(opportunity, f)
        for f in ("customer", "prospect_name", "amount", "expected_close", "next_step", "next_step_on")
    }
    changed = {f for f, v in data.items() if values.get(f, object()) != v}
    values.update(data)
    _customer_or_prospect(values)
    _open_dates_check(values=values, today=tenant_today(opportunity.tenant), changed=changed)
    _requirements_check(stage=opportunity.stage, values=values)
    if data.get("customer") is not None:
        data.update(prospect_name="", prospect_contact="", prospect_phone="")
    changes = apply_changes(opportunity, data)
    if line_objs is not None:
        OpportunityLine.objects.filter(tenant_id=opportunity.tenant_id, opportunity=opportunity).delete()
        for line in line_objs:
            line.opportunity = opportunity
        OpportunityLine.objects.bulk_create(line_objs)
    audit_log(opportunity, "pipeline.opportunity.updated", actor=by, changes=changes)
    return opportunity


MOVE_FIELDS = ("amount", "expected_close", "next_step", "next_step_on")


@transaction.atomic
def opportunity_move(
    *,
    opportunity: Opportunity,
    by: Membership,
    stage: Stage,
    probability: int | None = None,
    note: str = "",
    **changes: Any,
) -> StageChange:
    """Move an open opportunity to another open stage (the board's drag, a visit's outcome), with
    what the stage requires set on the way (`changes`: amount when it has no product lines, expected
    close, next step and its date). Its
    probability becomes the stage's default unless one is given. Returns the history row."""
    ensure_opportunity_writable(by=by, opportunity=opportunity)
    _locked(opportunity)
    _ensure_open(opportunity)
    if stage.tenant_id != opportunity.tenant_id:
        raise ValidationError({"stage": _("Unknown record.")})
    if stage.kind != Stage.Kind.OPEN:
        raise ValidationError({"stage": _("Close an opportunity with Won or Lost, not by a move.")})
    unknown = set(changes) - set(MOVE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot change with a move.")})
    if "amount" in changes:
        changes["amount"] = money(changes["amount"] or 0)
        if OpportunityLine.objects.filter(tenant_id=opportunity.tenant_id, opportunity=opportunity).exists():
            raise ValidationError(
                {
                    "amount": _(
                        "The amount is the sum of the product lines: change the lines on the opportunity."
                    )
                }
            )
    values = {f: getattr(opportunity, f) for f in MOVE_FIELDS}
    changed = {f for f, v in changes.items() if values[f] != v}
    values.update(changes)
    _open_dates_check(values=values, today=tenant_today(opportunity.tenant), changed=changed)
    _requirements_check(stage=stage, values=values)
    if stage.pk == opportunity.stage_id and not changed and probability in (None, opportunity.probability):
        raise ValidationError({"stage": _("The opportunity is in this stage already.")})
    from_stage = opportunity.stage
    change = None
    if stage.pk != opportunity.stage_id:
        change = _history(opportunity=opportunity, from_stage=from_stage, to_stage=stage, by=by, note=note)
        opportunity.stage = stage
        opportunity.probability = stage.probability if probability is None else probability
    elif probability is not None:
        opportunity.probability = probability
    for field, value in changes.items():
        setattr(opportunity, field, value)
    opportunity.save(update_fields=["stage", "probability", "stage_entered_at", *changes, "updated_at"])
    audit_log(
        opportunity,
        "pipeline.opportunity.moved",
        actor=by,
        changes={"stage": [from_stage.name, stage.name]} if change else None,
    )
    if change is None:  # only the next step or the dates changed: the last history row stands
        change = StageChange.objects.filter(tenant_id=opportunity.tenant_id, opportunity=opportunity).last()
    return change  # type: ignore[return-value]


def _prospect_to_customer(*, opportunity: Opportunity, by: Membership) -> Customer:
    """A won prospect becomes a customer of the opportunity's owner (with its contact)."""
    tenant = opportunity.tenant
    code = f"OPP{opportunity.pk:06d}"
    n = 1
    while Customer.objects.filter(tenant=tenant, code=code).exists():
        n += 1
        code = f"OPP{opportunity.pk:06d}-{n}"
    customer = customer_services.customer_create(
        tenant=tenant,
        by=by,
        code=code,
        name=opportunity.prospect_name,
        owner=opportunity.owner,
        phone=opportunity.prospect_phone,
    )
    if opportunity.prospect_contact:
        customer_services.contact_create(
            tenant=tenant, by=by, customer=customer, name=opportunity.prospect_contact, is_primary=True
        )
    return customer


@transaction.atomic
def opportunity_win(
    *,
    opportunity: Opportunity,
    by: Membership,
    order: Order | None = None,
    create_order: bool = False,
    note: str = "",
) -> Opportunity:
    """Won: a prospect becomes a customer; the order is an existing one of the customer (`order`), or
    a new one made from the product lines (`create_order`, one unit at each line's amount), or none
    yet. The opportunity moves to the organisation's won stage."""
    ensure_opportunity_writable(by=by, opportunity=opportunity)
    _locked(opportunity)
    _ensure_open(opportunity)
    if order is not None and create_order:
        raise ValidationError({"order": _("Link an existing order or create one, not both.")})
    won = _closing_stage(opportunity.tenant_id, Stage.Kind.WON)
    today = tenant_today(opportunity.tenant)
    if opportunity.customer_id is None:
        opportunity.customer = _prospect_to_customer(opportunity=opportunity, by=by)
    customer = opportunity.customer
    assert customer is not None
    if order is not None:
        if order.tenant_id != opportunity.tenant_id or order.customer_id != customer.pk:
            raise ValidationError({"order": _("The order is not one of this customer's.")})
    elif create_order:
        product_lines = list(
            OpportunityLine.objects.filter(
                tenant_id=opportunity.tenant_id, opportunity=opportunity, product__isnull=False
            ).select_related("product")
        )
        if not product_lines:
            raise ValidationError(
                {"create_order": _("An order needs product lines: this opportunity has none.")}
            )
        order = sales_services.order_create(
            tenant=opportunity.tenant,
            by=by,
            customer=customer,
            order_date=today,
            rep=opportunity.owner if can_see_member(by, opportunity.owner_id) else None,
            lines=[
                {"product": line.product, "quantity": Decimal("1"), "unit_price": line.amount}
                for line in product_lines
            ],
        )
    _history(opportunity=opportunity, from_stage=opportunity.stage, to_stage=won, by=by, note=note)
    opportunity.stage, opportunity.status, opportunity.probability = won, Opportunity.Status.WON, 100
    opportunity.closed_on, opportunity.order = today, order
    opportunity.save()
    audit_log(opportunity, "pipeline.opportunity.won", actor=by)
    return opportunity


@transaction.atomic
def opportunity_lose(*, opportunity: Opportunity, by: Membership, reason: str, note: str = "") -> Opportunity:
    """Lost, with a reason (one of Opportunity.LostReason) and a note."""
    ensure_opportunity_writable(by=by, opportunity=opportunity)
    _locked(opportunity)
    _ensure_open(opportunity)
    if reason not in Opportunity.LostReason.values:
        raise ValidationError({"reason": _("Choose why the opportunity was lost.")})
    lost = _closing_stage(opportunity.tenant_id, Stage.Kind.LOST)
    _history(opportunity=opportunity, from_stage=opportunity.stage, to_stage=lost, by=by, note=note)
    opportunity.stage, opportunity.status, opportunity.probability = lost, Opportunity.Status.LOST, 0
    opportunity.closed_on = tenant_today(opportunity.tenant)
    opportunity.lost_reason, opportunity.lost_note = reason, note[:500]
    opportunity.save()
    audit_log(opportunity, "pipeline.opportunity.lost", actor=by)
    return opportunity


@transaction.atomic
def opportunity_delete(*, opportunity: Opportunity, by: Membership) -> None:
    """An opportunity entered by mistake; a won one that made an order stays (it is the order's story)."""
    ensure_opportunity_writable(by=by, opportunity=opportunity)
    _locked(opportunity)
    if opportunity.order_id is not None:
        raise ValidationError(_("A won opportunity with an order cannot be deleted."))
    audit_log(opportunity, "pipeline.opportunity.deleted", actor=by)
    opportunity.delete()


@transaction.atomic
def opportunity_task_create(
    *,
    opportunity: Opportunity,
    by: Membership,
    title: str,
    due_on: dt.date | None = None,
    owner: Membership | None = None,
    notes: str = "",
) -> OpportunityTask:
    """A task for the opportunity (the shared Task, at its customer if it has one), owned by the
    opportunity's owner unless someone else is named."""
    ensure_opportunity_writable(by=by, opportunity=opportunity)
    _locked(opportunity)
    _ensure_open(opportunity)
    task = customer_services.task_create(
        tenant=opportunity.tenant,
        by=by,
        title=title,
        owner=owner or opportunity.owner,
        due_on=due_on,
        customer=opportunity.customer,
        notes=notes,
        source=TASK_SOURCE,
    )
    return OpportunityTask.objects.create(tenant_id=opportunity.tenant_id, opportunity=opportunity, task=task)
