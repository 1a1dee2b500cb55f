"""Dates and periods in the tenant's time zone, on pinned dates: ISO week 53, a leap day, year ends,
the DST days of New York and Berlin, and a tenant whose today is already next year."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.tenancy.dates import (
    YEARS,
    last_full_week,
    month_bounds,
    month_weeks,
    parse_week_key,
    period_end,
    period_floor,
    period_shift,
    period_starts,
    tenant_today,
    week_key,
    week_start,
)
from apps.tenancy.models import Tenant

UTC = dt.UTC
d = dt.date


def at(tz: str) -> Tenant:
    return Tenant(name="T", slug="t", timezone=tz)


# ---- the tenant's today -----------------------------------------------------------------------------


def test_today_in_shanghai_at_20_utc_on_new_years_eve_is_already_next_year():
    with time_machine.travel(dt.datetime(2026, 12, 31, 20, 0, tzinfo=UTC), tick=False):
        assert tenant_today(at("Asia/Shanghai")) == d(2027, 1, 1)  # 04:00 local
        assert tenant_today(at("America/New_York")) == d(2026, 12, 31)  # 15:00 local
        assert tenant_today(at("UTC")) == d(2026, 12, 31)
        # Whatever zone is active (a task, a shell, another tenant's page), the tenant's own counts.
        with timezone.override("America/New_York"):
            assert tenant_today(at("Asia/Shanghai")) == d(2027, 1, 1)


@pytest.mark.parametrize(
    ("tz", "instant", "today"),
    [
        # New York springs forward on Sunday 2027-03-14 (02:00 EST -> 03:00 EDT, 07:00 UTC): from
        # then on midnight is 04:00 UTC, not 05:00.
        ("America/New_York", dt.datetime(2027, 3, 14, 4, 30, tzinfo=UTC), d(2027, 3, 13)),  # 23:30 EST
        ("America/New_York", dt.datetime(2027, 3, 14, 7, 30, tzinfo=UTC), d(2027, 3, 14)),  # 03:30 EDT
        ("America/New_York", dt.datetime(2027, 3, 15, 4, 30, tzinfo=UTC), d(2027, 3, 15)),  # 00:30 EDT
        # Berlin falls back on Sunday 2027-10-31 (03:00 CEST -> 02:00 CET, 01:00 UTC): from then on
        # midnight is 23:00 UTC, not 22:00.
        ("Europe/Berlin", dt.datetime(2027, 10, 30, 22, 30, tzinfo=UTC), d(2027, 10, 31)),  # 00:30 CEST
        ("Europe/Berlin", dt.datetime(2027, 10, 31, 0, 30, tzinfo=UTC), d(2027, 10, 31)),  # 02:30 CEST
        ("Europe/Berlin", dt.datetime(2027, 10, 31, 1, 30, tzinfo=UTC), d(2027, 10, 31)),  # 02:30 CET
        ("Europe/Berlin", dt.datetime(2027, 10, 31, 22, 30, tzinfo=UTC), d(2027, 10, 31)),  # 23:30 CET
        ("Europe/Berlin", dt.datetime(2027, 10, 31, 23, 30, tzinfo=UTC), d(2027, 11, 1)),  # 00:30 CET
    ],
)
def test_today_follows_the_zone_across_dst_days(tz, instant, today):
    with time_machine.travel(instant, tick=False):
        assert tenant_today(at(tz)) == today


def test_the_periods_of_a_dst_day_are_those_of_any_other_day():
    # Both are Sundays: the last day of their ISO week, whose Monday is six days before.
    assert period_floor(d(2027, 3, 14), "week") == d(2027, 3, 8)
    assert week_key(d(2027, 3, 14)) == "2027-W10"
    assert period_floor(d(2027, 10, 31), "week") == d(2027, 10, 25)
    assert week_key(d(2027, 10, 31)) == "2027-W43"
    assert month_bounds(d(2027, 10, 31)) == (d(2027, 10, 1), d(2027, 11, 1))
    assert period_end(d(2027, 10, 1), "month") == d(2027, 10, 31)


# ---- ISO weeks -------------------------------------------------------------------------------------


def test_iso_week_53_of_2026():
    assert week_start(2026, 53) == d(2026, 12, 28)
    assert week_key(d(2026, 12, 28)) == "2026-W53"
    assert week_key(d(2027, 1, 3)) == "2026-W53"  # a Sunday of 2027 in 2026's last week
    assert week_key(d(2027, 1, 4)) == "2027-W01"
    assert period_floor(d(2027, 1, 3), "week") == d(2026, 12, 28)
    assert period_shift(d(2026, 12, 28), "week", 1) == week_start(2027, 1) == d(2027, 1, 4)
    assert period_end(d(2026, 12, 28), "week") == d(2027, 1, 3)
    assert parse_week_key("2026-W53") == (2026, 53)
    assert last_full_week(d(2027, 1, 4)) == d(2026, 12, 28)
    assert last_full_week(d(2027, 1, 10)) == d(2026, 12, 28)  # Sunday: its own week is not full yet
    assert last_full_week(d(2027, 1, 11)) == d(2027, 1, 4)


def test_an_iso_year_may_start_in_the_calendar_year_before():
    assert week_key(d(2024, 12, 30)) == "2025-W01"
    assert week_start(2025, 1) == d(2024, 12, 30)


def test_week_keys_round_trip():
    day = d(2026, 1, 1)
    while day < d(2028, 1, 1):
        assert week_start(*parse_week_key(week_key(day))) == period_floor(day, "week")
        day += dt.timedelta(days=1)


@pytest.mark.parametrize(
    "bad",
    [
        "2025-W53",  # 2025 has 52 weeks
        "2026-W54",
        "2026-W00",
        "2026-W0",
        "2026-W7",  # two digits, always
        "2026-47",
        "2026W47",
        "W47",
        "x",
        "",
        None,
        "0001-W01",  # outside YEARS: the report would read weeks before year 1
        "9999-W52",
        "1999-W52",
        "2101-W01",
    ],
)
def test_a_bad_week_key_is_a_validation_error_on_week(bad):
    with pytest.raises(ValidationError) as caught:
        parse_week_key(bad)
    assert "week" in caught.value.message_dict


def test_week_keys_at_the_ends_of_the_years_range_and_with_spaces():
    assert parse_week_key(f"{YEARS.start}-W01") == (2000, 1)
    assert parse_week_key(f"{YEARS.stop - 1}-W52") == (2100, 52)
    assert parse_week_key(" 2026-W47 ") == (2026, 47)


# ---- months, quarters, years -------------------------------------------------------------------------


def test_leap_day():
    assert period_floor(d(2028, 2, 29), "week") == d(2028, 2, 28)
    assert period_floor(d(2028, 2, 29), "month") == d(2028, 2, 1)
    assert period_floor(d(2028, 2, 29), "quarter") == d(2028, 1, 1)
    assert period_end(d(2028, 2, 1), "month") == d(2028, 2, 29)
    assert period_end(d(2027, 2, 1), "month") == d(2027, 2, 28)
    assert period_end(d(2028, 1, 1), "quarter") == d(2028, 3, 31)
    assert period_end(d(2028, 1, 1), "year") == d(2028, 12, 31)
    assert month_bounds(d(2028, 2, 29)) == (d(2028, 2, 1), d(2028, 3, 1))
    assert period_shift(d(2028, 2, 1), "year", -1) == d(2027, 2, 1)


def test_year_ends():
    assert period_floor(d(2026, 12, 31), "month") == d(2026, 12, 1)
    assert period_floor(d(2026, 12, 31), "quarter") == d(2026, 10, 1)
    assert period_floor(d(2026, 12, 31), "year") == d(2026, 1, 1)
    assert period_shift(d(2026, 12, 1), "month", 1) == d(2027, 1, 1)
    assert period_shift(d(2026, 10, 1), "quarter", 1) == d(2027, 1, 1)
    assert period_shift(d(2027, 1, 1), "month", -1) == d(2026, 12, 1)
    assert period_shift(d(2027, 1, 1), "quarter", -5) == d(2025, 10, 1)
    assert period_shift(d(2027, 1, 1), "year", -1) == d(2026, 1, 1)
    assert period_end(d(2026, 12, 1), "month") == d(2026, 12, 31)
    assert period_end(d(2026, 10, 1), "quarter") == d(2026, 12, 31)
    assert month_bounds(d(2026, 12, 31)) == (d(2026, 12, 1), d(2027, 1, 1))


@pytest.mark.parametrize(
    ("day", "quarter"),
    [(d(2026, 1, 1), d(2026, 1, 1)), (d(2026, 3, 31), d(2026, 1, 1)), (d(2026, 4, 1), d(2026, 4, 1))]
    + [(d(2026, 6, 30), d(2026, 4, 1)), (d(2026, 8, 15), d(2026, 7, 1)), (d(2026, 11, 30), d(2026, 10, 1))],
)
def test_quarter_floors(day, quarter):
    assert period_floor(day, "quarter") == quarter


def test_period_starts_cover_the_range_from_the_period_holding_its_first_day():
    assert period_starts(grain="month", start=d(2026, 11, 15), end=d(2027, 1, 1)) == [
        d(2026, 11, 1),
        d(2026, 12, 1),
        d(2027, 1, 1),
    ]
    assert period_starts(grain="week", start=d(2026, 12, 31), end=d(2027, 1, 4)) == [
        d(2026, 12, 28),
        d(2027, 1, 4),
    ]
    assert period_starts(grain="quarter", start=d(2026, 12, 31), end=d(2026, 12, 31)) == [d(2026, 10, 1)]


def test_the_weeks_starting_in_a_month():
    # November 2026 starts on a Sunday and ends on a Monday: its weeks start 2, 9, 16, 23 and 30.
    assert month_weeks(d(2026, 11, 18)) == (d(2026, 11, 2), d(2026, 11, 30))
    # February 2027 starts on a Monday and ends on a Sunday.
    assert month_weeks(d(2027, 2, 1)) == (d(2027, 2, 1), d(2027, 2, 22))
    # December 2026: the last week that starts in it is 2026-W53, which ends in 2027.
    assert month_weeks(d(2026, 12, 1)) == (d(2026, 12, 7), d(2026, 12, 28))
    assert month_weeks(d(2028, 2, 29)) == (d(2028, 2, 7), d(2028, 2, 28))
