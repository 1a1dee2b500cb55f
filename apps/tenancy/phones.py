"""Phone numbers as the organisation's country writes them.

Each organisation has a country (Tenant.country, ISO 3166 alpha-2): a number written without a
country code is read as that country writes it ("0571-8888 6666", "138 1234 5678" in China,
"8123 4567" in Singapore), one with "+" as what it says. Google's libphonenumber (the `phonenumbers`
package) knows every country's numbering plan, so "abc-not-a-phone" or a number one digit short is
refused with an example of what would do. What was typed is kept as typed: the check only refuses.
"""

from __future__ import annotations

import functools
import zoneinfo
from importlib import resources
from pathlib import Path

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from phonenumbers import geocoder

DEFAULT_COUNTRY = "CN"


@functools.cache
def _zone_countries() -> dict[str, str]:
    """Time zone → country from the tz database's zone.tab (the tzdata package, else the system's)."""
    try:
        text = (resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        path = Path("/usr/share/zoneinfo/zone.tab")
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t")
            if len(parts) >= 3:
                out[parts[2]] = parts[0]
    return out


def country_for_timezone(timezone: str) -> str:
    """The country a time zone lies in ("Asia/Singapore" → "SG"), or the default for zones of no
    one country ("UTC") or of no phone numbering plan we know."""
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return DEFAULT_COUNTRY
    country = _zone_countries().get(timezone, DEFAULT_COUNTRY)
    return country if country in phonenumbers.SUPPORTED_REGIONS else DEFAULT_COUNTRY


def _language() -> str:
    return "zh" if (get_language() or "en").startswith("zh") else "en"


def country_name(country: str) -> str:
    """The country's name in the active language ("中国", "Singapore"); the code when unknown."""
    example = phonenumbers.example_number(country) if country in phonenumbers.SUPPORTED_REGIONS else None
    if example is None:
        return country
    return geocoder.country_name_for_number(example, _language()) or country


def country_choices() -> list[tuple[str, str]]:
    """Every country with a numbering plan, as (code, "name (+calling code)"), by name."""
    rows = []
    for code in phonenumbers.SUPPORTED_REGIONS:
        calling = phonenumbers.country_code_for_region(code)
        rows.append((code, f"{country_name(code)} (+{calling})"))
    return sorted(rows, key=lambda row: row[1])


def validate_country(value: str) -> None:
    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(
            _("%(value)s is not a country code we know (ISO 3166, e.g. CN).") % {"value": value}
        )


def phone_check(value: str, *, country: str) -> str:
    """`value` stripped, if it is a phone number as `country` writes it (or one with its "+" country
    code); raises a ValidationError that shows an example otherwise. An empty value is no number."""
    value = (value or "").strip()
    if not value:
        return value
    try:
        number = phonenumbers.parse(value, country)
        valid = phonenumbers.is_valid_number(number)
    except phonenumbers.NumberParseException:
        valid = False
    if not valid:
        example = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE)
        shown = (
            phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL) if example else ""
        )
        raise ValidationError(
            _("“%(value)s” is not a phone number in %(country)s; write it as there, e.g. %(example)s.")
            % {"value": value, "country": country_name(country), "example": shown},
            code="phone",
        )
    return value


def phone_fields_check(data: dict, *, country: str, instance: object | None = None) -> None:
    """Check the phone fields among `data` (a service's fields), the ones that change only: a number
    stored before the check came in stays editable around it. Errors by field, like the forms'."""
    errors = {}
    for field, value in data.items():
        if field != "phone" and not field.endswith("_phone"):
            continue
        if instance is not None and getattr(instance, field, None) == value:
            continue
        try:
            phone_check(value, country=country)
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
