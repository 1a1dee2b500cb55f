"""The reporting app's cards on the role homes (apps.tenancy.home; registered in ReportingConfig.ready())."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Sum

from apps.tenancy.dates import last_full_week, week_key
from apps.tenancy.models import Membership

from ..models import WeeklyProgress
from .report import SUMMED, weekly_progress_list, with_rates


def last_week_card(membership: Membership, today: dt.date) -> dict[str, Any]:
    """Headline figures of last week's weekly report over what the member sees (a manager: their
    line's account managers; an admin or viewer: everyone): revenue against target, new customers,
    visits and their effective rate, reports on time. One aggregate query over the rollup's rows."""
    week = last_full_week(today)
    rows = (
        weekly_progress_list(tenant=membership.tenant, viewer=membership)
        .select_related(None)
        .filter(scope=WeeklyProgress.Scope.REP, week_start=week)
        .aggregate(**{name: Sum(name) for name in SUMMED}, reps=Count("id"))
    )
    figures = with_rates(dict(rows)) if rows["reps"] else None
    return {
        "week": week_key(week),
        "week_start": week,
        "week_end": week + dt.timedelta(days=6),
        "figures": figures,
    }
