"""The sales calendar of the demo: a window of DAYS days ending on the demo's today, and how busy
each of its days is (Spring Festival, Golden Week, the 618 / Double 11 / year-end peaks, weekends)."""

from __future__ import annotations

import datetime as dt

DAYS = 365

# Spring Festival (Chinese New Year's Day): orders dip around it, and dealers stock up before it.
CNY = {
    2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
    2031: dt.date(2031, 1, 23),
    2032: dt.date(2032, 2, 11),
}
# June (618 promotions), November (Double 11) and the year-end close are peaks; summer is slow.
MONTH_FACTOR = {
    1: 0.9,
    2: 0.8,
    3: 1.0,
    4: 1.0,
    5: 1.0,
    6: 1.15,
    7: 0.9,
    8: 0.85,
    9: 1.05,
    10: 0.95,
    11: 1.2,
    12: 1.4,
}


def season_factor(day: dt.date) -> float:
    factor = MONTH_FACTOR[day.month]
    for year in (day.year, day.year + 1):
        cny = CNY.get(year)
        if cny is None:
            continue
        offset = (day - cny).days
        if -7 <= offset <= 10:
            factor *= 0.2
        elif -21 <= offset < -7:
            factor *= 1.3
    if day.month == 10 and day.day <= 7:  # National Day Golden Week
        factor *= 0.3
    if day.weekday() >= 5:
        factor *= 0.2
    return factor
