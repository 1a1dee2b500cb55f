"""Writes of daily visit plans and their visits: the plan workflow, check-in/out, photos. Each service
is one transaction, audited; a rule broken is a ValidationError (400) with the reason."""

import datetime as dt
import math
import secrets
from collections.abc import Set as AbstractSet
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from apps.customers.models import Customer
from apps.customers.selectors import visible_customers
from apps.customers.services import apply_changes, customer_update, ensure_assignable, ensure_can_write
from apps.org.selectors import can_see_member, supervises
from apps.tenancy.audit import audit_log
from apps.tenancy.dates import tenant_today
from apps.tenancy.models import Membership, Tenant

from .models import Visit, VisitPhoto, VisitPlan
from .selectors import carry_over_candidates

EDITABLE = (VisitPlan.Status.DRAFT, VisitPlan.Status.RETURNED)
ITEM_FIELDS = ("customer", "prospect_name", "area", "planned_time", "purpose", "note")
MAX_ITEMS = 50

PHOTO_MAX_BYTES = 5 * 1024 * 1024
# What the browser says is only a hint: the type stored is the one Pillow finds in the bytes.
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


# ---- the plan -------------------------------------------------------------------------------


def ensure_plan_editable(plan: VisitPlan) -> None:
    if plan.status not in EDITABLE:
        raise ValidationError(
            _("This plan is %(status)s: only a draft or a returned plan can be changed.")
            % {"status": plan.get_status_display().lower()}
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


# ---- at the customer ------------------------------------------------------------------------


def _locked_visit(visit: Visit) -> Visit:
    return (
        Visit.objects.select_for_update(of=("self",))
        .select_related("customer", "tenant")
        .get(tenant_id=visit.tenant_id, pk=visit.pk)
    )


def _position(
    lat: Any, lng: Any, accuracy_m: Any = None
) -> tuple[Decimal | None, Decimal | None, int | None]:
    if (lat is None) != (lng is None):
        raise ValidationError(_("Give both latitude and longitude, or neither."))
    if lat is None:
        return None, None, None
    lat, lng = (
        Decimal(str(lat)).quantize(Decimal("0.000001")),
        Decimal(str(lng)).quantize(Decimal("0.000001")),
    )
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationError(_("This is not a position on Earth."))
    if accuracy_m is not None:
        accuracy_m = max(0, round(float(accuracy_m)))
    return lat, lng, accuracy_m


def _distance(visit: Visit) -> tuple[int | None, bool]:
    customer = visit.customer
    if (
        visit.check_in_lat is None
        or customer is None
        or customer.latitude is None
        or customer.longitude is None
    ):
        return None, False
    metres = round(
        haversine_m(
            float(visit.check_in_lat),
            float(visit.check_in_lng),
            float(customer.latitude),
            float(customer.longitude),
        )
    )
    return metres, metres > visit.tenant.checkin_radius_m


@transaction.atomic
def visit_check_in(
    *, visit: Visit, by: Membership, lat: Any = None, lng: Any = None, accuracy_m: Any = None
) -> Visit:
    """The rep arrives: the server's time, and the browser's position when the rep allowed it."""
    visit = _locked_visit(visit)
    if by.pk != visit.rep_id:
        raise PermissionDenied(_("Only the visit's account manager can check in."))
    if visit.day != tenant_today(visit.tenant):
        raise ValidationError(_("Check in on the day of the visit."))
    if visit.check_in_at:
        raise ValidationError(_("This visit is already checked in."))
    # null=True via **COORD, which the django plugin cannot see.
    visit.check_in_lat, visit.check_in_lng, visit.check_in_accuracy_m = _position(lat, lng, accuracy_m)  # type: ignore[assignment]
    visit.check_in_at = timezone.now()
    visit.check_in_distance_m, visit.check_in_far = _distance(visit)
    visit.save(
        update_fields=[
            "check_in_at",
            "check_in_lat",
            "check_in_lng",
            "check_in_accuracy_m",
            "check_in_distance_m",
            "check_in_far",
            "updated_at",
        ]
    )
    audit_log(
        visit,
        "visits.visit.checked_in",
        actor=by,
        changes={"distance_m": [None, str(visit.check_in_distance_m)]}
        if visit.check_in_distance_m is not None
        else {},
    )
    return visit


@transaction.atomic
def visit_check_out(*, visit: Visit, by: Membership, lat: Any = None, lng: Any = None) -> Visit:
    """The rep leaves; a visit still pending counts as done (the daily report may say otherwise)."""
    visit = _locked_visit(visit)
    if by.pk != visit.rep_id:
        raise PermissionDenied(_("Only the visit's account manager can check out."))
    if not visit.check_in_at:
        raise ValidationError(_("Check in before checking out."))
    if visit.check_out_at:
        raise ValidationError(_("This visit is already checked out."))
    visit.check_out_lat, visit.check_out_lng, _accuracy = _position(lat, lng)  # type: ignore[assignment]  # as above
    visit.check_out_at = max(timezone.now(), visit.check_in_at)
    fields = ["check_out_at", "check_out_lat", "check_out_lng", "updated_at"]
    if visit.outcome == Visit.Outcome.PENDING:
        visit.outcome = Visit.Outcome.DONE
        fields.append("outcome")
    visit.save(update_fields=fields)
    audit_log(visit, "visits.visit.checked_out", actor=by)
    return visit


@transaction.atomic
def customer_location_from_visit(*, visit: Visit, by: Membership) -> Visit:
    """The customer's owner stores the check-in position as the customer's location."""
    visit = _locked_visit(visit)
    customer = visit.customer
    if customer is None:
        raise ValidationError(_("This visit is to a prospect, not to a customer."))
    if visit.check_in_lat is None:
        raise ValidationError(_("This visit has no check-in position."))
    if by.pk != customer.owner_id:
        raise PermissionDenied(_("Only the customer's account manager can set its location."))
    customer_update(customer=customer, by=by, latitude=visit.check_in_lat, longitude=visit.check_in_lng)
    visit.check_in_distance_m, visit.check_in_far = 0, False
    visit.save(update_fields=["check_in_distance_m", "check_in_far", "updated_at"])
    audit_log(visit, "visits.visit.customer_located", actor=by)
    return visit


@transaction.atomic
def visit_photo_add(*, visit: Visit, by: Membership, upload: UploadedFile) -> VisitPhoto:
    """A photo of the visit, checked to be an image of at most 5 MB by its bytes, not its name."""
    if by.pk != visit.rep_id:
        raise PermissionDenied(_("Only the visit's account manager can add photos."))
    if upload.size is None or upload.size > PHOTO_MAX_BYTES:
        raise ValidationError({"image": _("A photo may be at most 5 MB.")})
    if upload.size == 0:
        raise ValidationError({"image": _("The file is empty.")})
    try:
        with Image.open(upload) as img:
            kind = img.format
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError({"image": _("Only photos (JPEG, PNG, WebP or GIF) can be attached.")}) from exc
    if kind not in PHOTO_FORMATS:
        raise ValidationError({"image": _("Only photos (JPEG, PNG, WebP or GIF) can be attached.")})
    upload.seek(0)
    extension = {"JPEG": "jpg"}.get(kind, kind.lower())
    # An unguessable name: even where a server publishes MEDIA_ROOT, no photo can be found by its URL.
    upload.name = f"visit{visit.pk}-{secrets.token_hex(12)}.{extension}"
    photo = VisitPhoto(
        tenant_id=visit.tenant_id,
        visit=visit,
        uploaded_by=by,
        content_type=PHOTO_FORMATS[kind],
        size=upload.size,
    )
    photo.image.save(upload.name, upload, save=False)
    try:
        photo.save()
        audit_log(photo, "visits.photo.added", actor=by)
    except Exception:
        photo.image.delete(save=False)  # no row, no file
        raise
    return photo
