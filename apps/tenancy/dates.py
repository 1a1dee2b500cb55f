"""Dates and periods in the tenant's time zone: the one place that knows what "today", "this month",
"ISO week 2026-W53" or "the quarter holding this day" are.

- Today is the tenant's today (`tenant_today`): a local calendar date, never the server's, never the
  active zone's. Everything else here is pure calendar arithmetic on such local dates.
- A period is named by its first day and its grain: "week" (ISO, Monday first), "month", "quarter"
  or "year". `period_floor` finds the period holding a day, `period_shift` moves by whole periods,
  `period_end` is its last day (inclusive); `month_bounds` is the half-open [first, next) pair that
  date-range filters want.
- An ISO week is written "2026-W47" (`week_key`) and read back by `parse_week_key`, which accepts the
  weeks of YEARS only: the reports read weeks and months around the one asked, and at the ends of the
  calendar (0001, 9999) those would overflow into a 500. A bad key is a ValidationError on "week",
  so pages fall back to a default period and the API answers 400.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import Tenant

# The years a week or month asked for by a page or the API may fall in (see the module doc).
YEARS = range(2000, 2101)
WEEK_KEY_RE = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTHS_PER = {"month": 1, "quarter": 3, "year": 12}


def tenant_today(tenant: Tenant) -> dt.date:
    """The current date where the tenant works: now, in the tenant's time zone (a visit's day, a
    target's period and a report's week are all local dates). Tests pin now to pin it."""
    return timezone.localdate(timezone=tenant.tzinfo)


def period_floor(day: dt.date, grain: str) -> dt.date:
    """The first day of the `grain` period ("week", "month", "quarter", "year") holding `day`; a
    week starts on Monday (ISO)."""
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.date(day.year, 1, 1)


def period_shift(day: dt.date, grain: str, n: int) -> dt.date:
    """The start of the period `n` periods (negative: earlier) after the one starting on `day`; for
    months, quarters and years the result is always a first of the month."""
    if grain == "week":
        return day + dt.timedelta(weeks=n)
    months = _MONTHS_PER[grain] * n
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_end(start: dt.date, grain: str) -> dt.date:
    """The last day (inclusive) of the `grain` period starting on `start`."""
    return period_shift(start, grain, 1) - dt.timedelta(days=1)


def period_starts(*, grain: str, start: dt.date, end: dt.date) -> list[dt.date]:
    """The first days of every `grain` period touching [start, end], the one holding `start` first."""
    out, day = [], period_floor(start, grain)
    while day <= end:
        out.append(day)
        day = period_shift(day, grain, 1)
    return out


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first day of `day`'s month and of the next one: the half-open range [first, next)."""
    first = period_floor(day, "month")
    return first, period_shift(first, "month", 1)


def week_start(iso_year: int, iso_week: int) -> dt.date:
    """The Monday of ISO week `iso_week` of `iso_year` (ValueError for a week the year lacks)."""
    return dt.date.fromisocalendar(iso_year, iso_week, 1)


def week_key(day: dt.date) -> str:
    """The ISO week holding `day`, written "2026-W47" (its ISO year: 2027-01-03 is "2026-W53")."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def parse_week_key(key: str) -> tuple[int, int]:
    """ "2026-W47" -> (2026, 47). Anything else — another format, a week its year lacks (W53 exists
    only in some years), a year outside YEARS — raises ValidationError on "week" (a 400, or a page's
    default period)."""
    match = WEEK_KEY_RE.match(str(key or "").strip())
    if match and int(match[1]) in YEARS:
        year, week = int(match[1]), int(match[2])
        try:
            week_start(year, week)
            return year, week
        except ValueError:
            pass
    raise ValidationError({"week": _("A week is written like 2026-W47.")})


def last_full_week(today: dt.date) -> dt.date:
    """The Monday of the last full ISO week before `today`'s week (the week a weekly report opens on)."""
    return period_shift(period_floor(today, "week"), "week", -1)


def month_weeks(day: dt.date) -> tuple[dt.date, dt.date]:
    """The Mondays of the first and the last ISO week starting in `day`'s month (a month report adds
    up the weeks that start in it)."""
    first, after = month_bounds(day)
    return first + dt.timedelta(days=-first.weekday() % 7), period_floor(after - dt.timedelta(days=1), "week")
