"""The visits app's counts for the top bar's badges (apps/visits/selectors, registered in
VisitsConfig.ready()): which daily reports a rep owes, and that a draft is still owed."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django_scopes import scope, scopes_disabled

from apps.tenancy.models import Membership
from apps.visits import selectors
from tests.factories import TenantFactory
from tests.visits.factories import DailyReportFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
LONG_AGO = dt.date(2000, 1, 1)


def _at(day: str, hour: int) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "now, owed",
    [
        (_at("2026-11-02", 10), ["2026-10-30"]),  # Monday morning: Friday's report
        (_at("2026-11-04", 19), ["2026-11-03"]),  # before today's deadline: yesterday's only
        (_at("2026-11-04", 20), ["2026-11-03", "2026-11-04"]),  # from the deadline on: today's too
        (_at("2026-11-07", 21), ["2026-11-06"]),  # Saturday: no report is due for it
        (_at("2026-11-08", 10), ["2026-11-06"]),  # Sunday: still Friday's
    ],
)
def test_the_reports_owed_are_the_previous_working_days_and_today_after_the_deadline(now, owed):
    tenant = TenantFactory.build(timezone="Asia/Shanghai", report_deadline=dt.time(20, 0))
    days = selectors.daily_report_due_days(tenant=tenant, since=LONG_AGO, now=now)
    assert [d.isoformat() for d in days] == owed


def test_nothing_is_owed_for_days_before_the_member_joined():
    tenant = TenantFactory.build(timezone="Asia/Shanghai", report_deadline=dt.time(20, 0))
    now = _at("2026-11-04", 21)
    assert selectors.daily_report_due_days(tenant=tenant, since=dt.date(2026, 11, 4), now=now) == [
        dt.date(2026, 11, 4)
    ]


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 11, 4, 13, 0, tzinfo=dt.UTC), tick=False)  # Wed 21:00 in Shanghai
def test_a_draft_is_still_owed_a_submitted_or_signed_off_report_is_not(tenant, rep, manager):
    with scopes_disabled():
        Membership.objects.filter(pk=rep.pk).update(created_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC))
        rep.refresh_from_db()
    DailyReportFactory(tenant=tenant, rep=rep, day=dt.date(2026, 11, 3), status="draft")
    with scope(tenant=tenant.pk):
        assert selectors.daily_report_overdue_count(rep) == 2
        assert selectors.daily_report_overdue_count(manager) == 0  # only reps are reminded of reports
    DailyReportFactory(tenant=tenant, rep=rep, day=dt.date(2026, 11, 4), status="reviewed")
    with scope(tenant=tenant.pk):
        assert selectors.daily_report_overdue_count(rep) == 1
