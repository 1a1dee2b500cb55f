"""Writes of the organisation itself: its settings (the admin's settings page and the REST
`organisation` endpoint) and starting a new organisation (`manage.py create_organisation`).

Notifications, the outbox and the scheduler keep their writes in their own modules
(notifications.py, scheduling.py); this module holds the rest of the app's writes.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image

from .audit import audit_log
from .context import tenant_context
from .currencies import CURRENCY_CODES
from .dates import tenant_today
from .models import Membership, Role, Tenant, validate_timezone
from .phones import country_for_timezone, validate_country
from .starter import starter_data_load

# The settings an organisation's admin edits (the rest of Tenant is the operator's: slug, active).
SETTINGS_FIELDS = (
    "name",
    "logo",
    "timezone",
    "currency",
    "country",
    "default_language",
    "working_days",
    "work_start",
    "work_end",
    "holidays",
    "report_deadline",
    "plan_cutoff",
    "checkin_radius_m",
    "managers_manage_people",
)
SETTINGS_ACTION = "tenancy.settings.updated"

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MIN_SIDE = 16
LOGO_MAX_SIDE = 2000
# Raster formats only: an SVG can carry script.
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}
LOGO_CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "gif": "image/gif"}

# A phone's GPS is good to some tens of metres; beyond a few kilometres a check-in proves nothing.
CHECKIN_RADIUS_MIN = 50
CHECKIN_RADIUS_MAX = 5000

HOLIDAYS_MAX = 100
HOLIDAY_NAME_MAX = 100
# A holiday added now lies between the start of last year and the end of the year after next: the
# calendars a sales organisation plans with. Holidays already on the list stay as they are.
HOLIDAY_YEARS_BACK = 1
HOLIDAY_YEARS_AHEAD = 2


# ---- validation of each setting: the clean value, or a ValidationError with a readable message


def _clean_name(value: Any, tenant: Tenant) -> str:
    name = str(value or "").strip()
    if not name:
        raise ValidationError(_("Give the organisation a name."))
    if len(name) > 200:
        raise ValidationError(_("At most 200 characters."))
    return name


def _clean_timezone(value: Any, tenant: Tenant) -> str:
    value = str(value or "").strip()
    validate_timezone(value)
    return value


def _clean_currency(value: Any, tenant: Tenant) -> str:
    code = str(value or "").strip().upper()
    if code not in CURRENCY_CODES:
        raise ValidationError(_("%(code)s is not an ISO 4217 currency code.") % {"code": value})
    return code


def _clean_country(value: Any, tenant: Tenant) -> str:
    code = str(value or "").strip().upper()
    validate_country(code)
    return code


def _clean_language(value: Any, tenant: Tenant) -> str:
    if value not in dict(settings.LANGUAGES):
        raise ValidationError(
            _("%(value)s is not one of the languages offered (%(choices)s).")
            % {"value": value, "choices": ", ".join(code for code, _name in settings.LANGUAGES)}
        )
    return value


def _clean_working_days(value: Any, tenant: Tenant) -> list[int]:
    if not isinstance(value, list | tuple) or not all(
        isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 7 for day in value
    ):
        raise ValidationError(_("Working days are weekdays 1 (Monday) to 7 (Sunday)."))
    if not value:
        raise ValidationError(_("Choose at least one working day."))
    if len(set(value)) != len(value):
        raise ValidationError(_("Each working day once."))
    return sorted(value)


def _clean_time(value: Any, tenant: Tenant) -> dt.time:
    if isinstance(value, str):
        try:
            value = dt.time.fromisoformat(value)
        except ValueError:
            raise ValidationError(_("Enter a time as HH:MM."))
    if not isinstance(value, dt.time):
        raise ValidationError(_("Enter a time as HH:MM."))
    return value.replace(second=0, microsecond=0, tzinfo=None)


def _clean_radius(value: Any, tenant: Tenant) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(_("Enter a whole number of metres."))
    if not CHECKIN_RADIUS_MIN <= value <= CHECKIN_RADIUS_MAX:
        raise ValidationError(
            _("The check-in radius is between %(min)s and %(max)s metres.")
            % {"min": CHECKIN_RADIUS_MIN, "max": CHECKIN_RADIUS_MAX}
        )
    return value


def _clean_bool(value: Any, tenant: Tenant) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(_("Must be true or false."))
    return value


def holiday_years(tenant: Tenant) -> range:
    """The years a newly added holiday may fall in."""
    year = tenant_today(tenant).year
    return range(year - HOLIDAY_YEARS_BACK, year + HOLIDAY_YEARS_AHEAD + 1)


def _clean_holidays(value: Any, tenant: Tenant) -> list[dict[str, str]]:
    """A list of {"date", "name"}: sorted by date, each date once, new ones within holiday_years()."""
    if not isinstance(value, list | tuple):
        raise ValidationError(_("Holidays are a list of dates with names."))
    if len(value) > HOLIDAYS_MAX:
        raise ValidationError(_("At most %(n)s holidays.") % {"n": HOLIDAYS_MAX})
    stored = {(h.get("date"), h.get("name")) for h in tenant.holidays if isinstance(h, dict)}
    years = holiday_years(tenant)
    errors: list[str] = []
    seen: set[dt.date] = set()
    clean: list[dict[str, str]] = []
    for entry in value:
        raw_date = entry.get("date") if isinstance(entry, dict) else None
        name = str(entry.get("name") or "").strip() if isinstance(entry, dict) else ""
        try:
            day = raw_date if isinstance(raw_date, dt.date) else dt.date.fromisoformat(str(raw_date))
        except ValueError:
            errors.append(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": raw_date})
            continue
        if isinstance(day, dt.datetime):
            day = day.date()
        if not name:
            errors.append(_("The holiday on %(date)s needs a name.") % {"date": day})
            continue
        if len(name) > HOLIDAY_NAME_MAX:
            errors.append(
                _("The name of the holiday on %(date)s has more than %(n)s characters.")
                % {"date": day, "n": HOLIDAY_NAME_MAX}
            )
            continue
        if day in seen:
            errors.append(_("%(date)s is listed twice.") % {"date": day})
            continue
        if day.year not in years and (day.isoformat(), name) not in stored:
            errors.append(
                _("%(date)s is outside the years a holiday may be added for (%(first)s–%(last)s).")
                % {"date": day, "first": years[0], "last": years[-1]}
            )
            continue
        seen.add(day)
        clean.append({"date": day.isoformat(), "name": name})
    if errors:
        raise ValidationError(errors)
    return sorted(clean, key=lambda h: h["date"])


CLEANERS = {
    "name": _clean_name,
    "timezone": _clean_timezone,
    "currency": _clean_currency,
    "country": _clean_country,
    "default_language": _clean_language,
    "working_days": _clean_working_days,
    "work_start": _clean_time,
    "work_end": _clean_time,
    "holidays": _clean_holidays,
    "report_deadline": _clean_time,
    "plan_cutoff": _clean_time,
    "checkin_radius_m": _clean_radius,
    "managers_manage_people": _clean_bool,
}


def logo_validate(file: Any) -> str:
    """An uploaded logo: a PNG, JPEG, WebP or GIF image of at most 1 MB and 2000 × 2000 pixels.
    Returns the file extension its format takes."""
    if file.size is not None and file.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo may be at most 1 MB."))
    try:
        file.seek(0)
        with Image.open(file) as image:
            kind, (width, height) = image.format, image.size
            image.verify()
    except Exception:  # noqa: BLE001 — whatever Pillow cannot read is not an image we accept
        kind, width, height = None, 0, 0
    finally:
        file.seek(0)
    if kind not in LOGO_FORMATS:
        raise ValidationError(_("Upload a PNG, JPEG, WebP or GIF image."))
    if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
        raise ValidationError(
            _("The logo may be at most %(n)s × %(n)s pixels; this one is %(w)s × %(h)s.")
            % {"n": LOGO_MAX_SIDE, "w": width, "h": height}
        )
    if width < LOGO_MIN_SIDE or height < LOGO_MIN_SIDE:
        raise ValidationError(_("The logo must be at least %(n)s × %(n)s pixels.") % {"n": LOGO_MIN_SIDE})
    return LOGO_FORMATS[kind]


def _shown(value: Any) -> str | None:
    """A setting's value as the audit log keeps it."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, list) and all(isinstance(v, int) for v in value):
        return ",".join(map(str, value))
    return str(value)


def _holiday_change(old: list[dict], new: list[dict]) -> list[str | None]:
    """The holidays taken off and put on the list (not the whole lists), as [removed, added]."""
    before = {(h["date"], h["name"]) for h in old if isinstance(h, dict) and "date" in h}
    after = {(h["date"], h["name"]) for h in new}

    def text(entries: set[tuple[str, str]]) -> str | None:
        return "; ".join(f"{day} {name}" for day, name in sorted(entries)) or None

    return [text(before - after), text(after - before)]


def _delete_file(name: str) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)


@transaction.atomic
def tenant_settings_update(*, tenant: Tenant, by: Membership | None, **fields: Any) -> Tenant:
    """Change the organisation's own settings (admins only; `by=None` is the operator).

    Every field is checked (all errors at once, by field); the change is one audit entry listing
    each field changed from what to what. `logo` takes an uploaded image, or None/False to remove
    it; the old file is deleted once the change has committed. Returns the saved organisation.
    """
    if by is not None and (by.role != Role.ADMIN or by.tenant_id != tenant.pk):
        raise PermissionDenied(_("Only the organisation's administrators change its settings."))
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"not organisation settings: {', '.join(sorted(unknown))}")
    # The stored row, locked: the audit compares against what is committed, not a stale copy.
    current = Tenant.objects.select_for_update().get(pk=tenant.pk)
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "logo":
            continue
        try:
            clean[name] = CLEANERS[name](value, current)
        except ValidationError as exc:
            errors[name] = exc.messages
    logo = fields.get("logo")
    logo_ext = None
    if logo:
        try:
            logo_ext = logo_validate(logo)
        except ValidationError as exc:
            errors["logo"] = exc.messages
    # Times that must come in order, as they will be once saved: (earlier, later, field told, message).
    for first, then, told, message in (
        ("work_start", "work_end", "work_end", _("Working hours end after they start.")),
        (
            "plan_cutoff",
            "report_deadline",
            "plan_cutoff",
            _("The visit plan cut-off comes before the daily report deadline."),
        ),
    ):
        if first in errors or then in errors:
            continue
        early = _clean_time(clean.get(first, getattr(current, first)), current)
        late = _clean_time(clean.get(then, getattr(current, then)), current)
        if early >= late:
            errors.setdefault(told, []).append(message)
    if errors:
        raise ValidationError(errors)

    changes: dict[str, list[str | None]] = {}
    for name, value in clean.items():
        old = getattr(current, name)
        if name == "holidays":
            if [dict(h) for h in old] != value:
                changes[name] = _holiday_change(old, value)
        elif _shown(old) != _shown(value):
            changes[name] = [_shown(old), _shown(value)]
        setattr(current, name, value)
    if "logo" in fields:
        old_name = current.logo.name or ""
        if logo:
            current.logo.save(f"{uuid.uuid4().hex}.{logo_ext}", File(logo), save=False)
        elif old_name:
            current.logo = ""  # type: ignore[assignment]  # an empty FieldFile name clears the logo
        if current.logo.name != old_name:
            changes["logo"] = [_shown(old_name), _shown(current.logo.name)]
            transaction.on_commit(functools.partial(_delete_file, old_name))
    if changes:
        current.save()
        audit_log(current, SETTINGS_ACTION, actor=by, changes=changes)
    return current


# ---- a new organisation ---------------------------------------------------------------------------


def organisation_validate(
    *, name: str, slug: str, timezone: str, currency: str, language: str
) -> dict[str, list[str]]:
    """Every problem with the arguments of a new organisation, by argument; empty when none."""
    probe = Tenant(name=name, slug=slug, timezone=timezone or "UTC")
    errors: dict[str, list[str]] = {}
    checks = {
        "name": lambda: _clean_name(name, probe),
        "timezone": lambda: _clean_timezone(timezone, probe),
        "currency": lambda: _clean_currency(currency, probe),
        "language": lambda: _clean_language(language, probe),
        "slug": lambda: _check_slug(slug),
    }
    for field, check in checks.items():
        try:
            check()
        except ValidationError as exc:
            errors[field] = exc.messages
    return errors


SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # the model's rule, and what TenantMiddleware reads


def _check_slug(slug: str) -> None:
    if not slug:
        raise ValidationError(_("Give the organisation a slug."))
    if len(slug) > Tenant._meta.get_field("slug").max_length:  # type: ignore[operator]
        raise ValidationError(_("At most 50 characters."))
    if not SLUG_RE.match(slug):
        raise ValidationError(_("Lowercase letters, digits and dashes."))
    if Tenant.objects.filter(slug=slug).exists():
        raise ValidationError(_("An organisation with the slug %(slug)s already exists.") % {"slug": slug})


@transaction.atomic
def organisation_create(*, name: str, slug: str, timezone: str, currency: str, language: str) -> Tenant:
    """Start an organisation: the tenant and its starter data in its language. All or nothing;
    every argument is checked first (ValidationError by argument). Its first administrator is
    invited by apps.org (`organisation_start`), which calls this inside its own transaction."""
    errors = organisation_validate(
        name=name, slug=slug, timezone=timezone, currency=currency, language=language
    )
    if errors:
        raise ValidationError(errors)
    tenant = Tenant.objects.create(
        name=name.strip(),
        slug=slug,
        timezone=timezone.strip(),
        country=country_for_timezone(timezone.strip()),
        currency=currency.strip().upper(),
        default_language=language,
    )
    tenant.refresh_from_db()  # the defaults as the database holds them (times, not strings)
    with tenant_context(tenant):
        starter_data_load(tenant=tenant, by=None)
        audit_log(tenant, "tenancy.organisation.created", actor=None, changes={"slug": slug})
    return tenant
