"""`seed_demo` dated from the day it runs (no --today), as `make run` loads it: the demo is whole on
whatever day this is. The other demo tests pin their day; this one does not, on purpose, and
`make test-dates` runs it as if today were each date that has broken date code (year and month
ends, leap day, DST changes, ISO week 53). What it asks of the demo on any day: this year's targets,
a year of sales history, six weeks of field work, last month's appraisals, and nothing dated after
the moment it was seeded."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.tenancy.models import Membership, Tenant

from .conftest import demo_tenants_remove

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("seed_demo")]

# Timestamps a demo row may carry; each must lie before the seeding ended.
PAST_TIMESTAMPS = [
    ("visits_visitplan", "submitted_at"),
    ("visits_visitplan", "reviewed_at"),
    ("visits_dailyreport", "submitted_at"),
    ("visits_dailyreport", "reviewed_at"),
    ("visits_visit", "check_in_at"),
    ("visits_visit", "check_out_at"),
    ("visits_marketreport", "raised_at"),
    ("visits_marketreport", "acknowledged_at"),
    ("targets_appraisal", "submitted_at"),
    ("targets_appraisal", "acknowledged_at"),
    ("tenancy_notification", "read_at"),
    ("customers_interaction", "occurred_at"),
    ("reporting_weeklyprogress", "computed_at"),
]
# Dates that may not lie after the tenant's today.
PAST_DATES = [
    ("sales_order", "order_date"),
    ("sales_payment", "received_on"),
    ("visits_dailyreport", "day"),
    ("reporting_weeklyprogress", "week_start"),
    ("targets_appraisalcycle", "period_end"),
]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), scopes_disabled():
        call_command("seed_demo", stdout=StringIO())
        done = timezone.now()
        tenant = Tenant.objects.get(slug="demo")
        context = {
            "t": tenant.pk,
            "today": done.astimezone(tenant.tzinfo).date(),
            "now": done,
            "rep": Membership.objects.get(tenant=tenant, user__username="demo-rep").pk,
        }
    yield context
    with django_db_blocker.unblock(), scopes_disabled():
        demo_tenants_remove()


def rows(sql, params):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def test_this_years_targets_with_the_current_month_open(seeded):
    today, year = seeded["today"], seeded["today"].year
    months = dict(
        rows(
            """SELECT period_start, status FROM targets_target
               WHERE tenant_id = %(t)s AND rep_id = %(rep)s AND metric = 'revenue' AND grain = 'month'
                 AND extract(year FROM period_start) = %(y)s""",
            {**seeded, "y": year},
        )
    )
    assert sorted(months) == [dt.date(year, m, 1) for m in range(1, 13)]
    assert all(status == "locked" for start, status in months.items() if start.month < today.month)
    assert months[dt.date(year, today.month, 1)] != "locked"
    [(years,)] = rows(
        """SELECT count(*) FROM targets_target WHERE tenant_id = %(t)s AND rep_id = %(rep)s
           AND metric = 'revenue' AND grain = 'year' AND period_start = %(y0)s""",
        {**seeded, "y0": dt.date(year, 1, 1)},
    )
    assert years == 1


def test_a_year_of_sales_history_up_to_today(seeded):
    today = seeded["today"]
    [(first, last)] = rows(
        "SELECT min(order_date), max(order_date) FROM sales_order WHERE tenant_id = %(t)s", seeded
    )
    assert today - dt.timedelta(days=364) <= first <= today - dt.timedelta(days=350)
    assert today - dt.timedelta(days=7) <= last <= today
    # Every month of the last year that has ended holds orders.
    months = {
        m
        for (m,) in rows(
            "SELECT DISTINCT date_trunc('month', order_date)::date FROM sales_order WHERE tenant_id = %(t)s",
            seeded,
        )
    }
    month = today.replace(day=1)
    for _ in range(11):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        assert month in months, month


def test_six_weeks_of_field_work_and_todays_queues(seeded):
    today = seeded["today"]
    monday = today - dt.timedelta(days=today.weekday())
    weeks = dict(
        rows(
            """SELECT date_trunc('week', day)::date, count(*) FROM visits_visit
               WHERE tenant_id = %(t)s AND rep_id = %(rep)s GROUP BY 1""",
            seeded,
        )
    )
    for k in range(1, 6):  # the five whole weeks before this one (the sixth is cut by the window)
        assert weeks.get(monday - dt.timedelta(weeks=k), 0) >= 5, (monday - dt.timedelta(weeks=k), weeks)
    [(plans,)] = rows(
        "SELECT count(*) FROM visits_visitplan WHERE tenant_id = %(t)s AND status = 'submitted' AND day >= %(d)s",
        {**seeded, "d": today},
    )
    [(to_sign,)] = rows(
        "SELECT count(*) FROM visits_dailyreport WHERE tenant_id = %(t)s AND status = 'submitted'", seeded
    )
    assert plans >= 1 and to_sign >= 1
    last_full_week = monday - dt.timedelta(weeks=1)
    [(progress,)] = rows(
        "SELECT count(*) FROM reporting_weeklyprogress WHERE tenant_id = %(t)s AND week_start = %(w)s",
        {**seeded, "w": last_full_week},
    )
    assert progress >= 1


def test_last_months_appraisals_in_every_state(seeded):
    today = seeded["today"]
    end = today.replace(day=1) - dt.timedelta(days=1)
    [(start, stop)] = rows(
        "SELECT period_start, period_end FROM targets_appraisalcycle WHERE tenant_id = %(t)s", seeded
    )
    assert (start, stop) == (end.replace(day=1), end)
    states = {
        s for (s,) in rows("SELECT DISTINCT status FROM targets_appraisal WHERE tenant_id = %(t)s", seeded)
    }
    assert states == {"draft", "submitted", "acknowledged", "closed"}


@pytest.mark.parametrize(("table", "column"), PAST_TIMESTAMPS)
def test_no_moment_lies_in_the_future(seeded, table, column):
    [(latest,)] = rows(f"SELECT max({column}) FROM {table} WHERE tenant_id = %(t)s", seeded)  # noqa: S608
    assert latest is None or latest <= seeded["now"], (table, column, latest)


# Timestamps that name a moment still to come by nature, not one that happened: a report's deadline,
# an invitation's or a token's expiry. Every other timestamp column of a tenant table must hold
# nothing later than the moment the demo was loaded.
AHEAD_BY_NATURE = {"deadline_at", "expires_at"}


def test_every_timestamp_column_the_demo_fills_lies_in_the_past(seeded):
    """Not only the columns listed above: every timestamp column of every tenant table, found in the
    schema, so a column a later seeder fills is checked without anyone listing it."""
    columns = rows(
        """SELECT c.table_name, c.column_name FROM information_schema.columns c
           JOIN information_schema.columns t
             ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.column_name = 'tenant_id'
           WHERE c.table_schema = current_schema() AND c.data_type = 'timestamp with time zone'
           ORDER BY 1, 2""",
        {},
    )
    assert {("visits_visitplan", "submitted_at"), ("tenancy_notification", "created_at")} <= set(columns)
    ahead = []
    filled = 0
    for table, column in columns:
        if column in AHEAD_BY_NATURE:
            continue
        [(latest,)] = rows(f"SELECT max({column}) FROM {table} WHERE tenant_id = %(t)s", seeded)  # noqa: S608
        filled += latest is not None
        if latest is not None and latest > seeded["now"]:
            ahead.append((table, column, latest.isoformat()))
    assert filled >= len(PAST_TIMESTAMPS)
    assert not ahead, f"the demo dates these after the moment it was loaded ({seeded['now']}): {ahead}"


@pytest.mark.parametrize(("table", "column"), PAST_DATES)
def test_no_fact_is_dated_after_today(seeded, table, column):
    [(latest,)] = rows(f"SELECT max({column}) FROM {table} WHERE tenant_id = %(t)s", seeded)  # noqa: S608
    assert latest is not None and latest <= seeded["today"], (table, column, latest)


def test_only_planned_visits_lie_ahead(seeded):
    """The plan day's visits (today's, or Monday's when loaded on a weekend) are planned, not done."""
    [(done_after, pending_before)] = rows(
        """SELECT count(*) FILTER (WHERE day > %(d)s AND outcome <> 'pending'),
                  count(*) FILTER (WHERE day < %(d)s AND outcome = 'pending')
           FROM visits_visit WHERE tenant_id = %(t)s""",
        {**seeded, "d": seeded["today"]},
    )
    assert (done_after, pending_before) == (0, 0)


def test_every_demo_order_number_has_the_apps_one_shape(seeded):
    """Both demo organisations number orders as the app does (SO + day + place), so a list never
    mixes two shapes once new orders are taken."""
    from apps.sales.services import ORDER_NUMBER

    numbers = rows("SELECT number FROM sales_order WHERE tenant_id IN (SELECT id FROM tenancy_tenant)", {})
    assert numbers and all(ORDER_NUMBER.match(n) for (n,) in numbers), [n for (n,) in numbers[:3]]
