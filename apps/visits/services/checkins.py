"""Writes at the customer: check-in and check-out with the phone's position, the customer's location
taken from a check-in, photos of a visit, and an order and a collection taken there. Each service is
one transaction, audited; a rule broken is a ValidationError (400) with the reason."""

import math
import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from apps.customers.services import customer_update
from apps.tenancy.audit import audit_log
from apps.tenancy.dates import tenant_today
from apps.tenancy.models import Membership

from ..models import DailyReport, Visit, VisitPhoto
from .reports import daily_report_create, daily_report_update

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


@transaction.atomic
def visit_sale_take(
    *, visit: Visit, by: Membership, orders: list[dict] | None = None, payments: list[dict] | None = None
) -> DailyReport:
    """An order (`orders`: [{lines: [{product, quantity, unit_price?}], note?}]) and/or a collection
    (`payments`: [{amount, method?, reference?}]) taken at the visit, there and then rather than in
    the evening. They are written as the evening report writes them — through the daily report of
    the visit's day, created as a draft if the rep has not started it — so they are that report's
    order and collection lines (sales Orders and Payments, linked to the visit): one record, shown
    on the visit card, in the report and in the sales lists alike. Returns the report."""
    if by.pk != visit.rep_id:
        raise PermissionDenied(_("Only the visit's account manager can take an order or a collection at it."))
    if visit.customer_id is None:
        raise ValidationError(
            _("Orders and collections need a customer; add the prospect as a customer first.")
        )
    if not orders and not payments:
        raise ValidationError(_("Enter an order line or the amount collected."))
    item = {"id": visit.pk, "orders": orders or [], "payments": payments or []}
    report = (
        DailyReport.objects.select_for_update()
        .filter(tenant_id=visit.tenant_id, rep_id=by.pk, day=visit.day)
        .first()
    )
    if report is None:
        return daily_report_create(tenant=visit.tenant, by=by, day=visit.day, visits=[item])
    return daily_report_update(report=report, by=by, visits=[item])
