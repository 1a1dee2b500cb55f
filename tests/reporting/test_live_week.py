"""The current week shows its figures without a manual recompute: a week not over (or not rolled up
yet) is computed from the facts as the report is read, for the team's members alone, to the same
figures the rollup writes; a week over and rolled up is read from its rows. The week is conftest.py's
(2026-W46, Mon 9 – Sun 15 November); the clock is pinned inside it or after it."""

import datetime as dt
import io
import re
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from apps.reporting.models import WeeklyProgress
from apps.reporting.selectors import weekly_report
from apps.reporting.services import rollup_week
from apps.tenancy.models import Role
from tests.factories import CustomerFactory, MembershipFactory, TeamFactory

from .conftest import MONDAY, WEEK, d, order, visit

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FRIDAY = dt.datetime(2026, 11, 13, 15, 0, tzinfo=SHANGHAI)  # inside the week
NEXT_WEDNESDAY = dt.datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)  # the week is over


def page(client, tenant, team, **params):
    return client.get(f"/t/{tenant.slug}/reporting/weekly/", {"week": "2026-W46", "team": team.pk, **params})


def figures(report: dict) -> tuple:
    """What the report shows of the figures: the summary and each account manager's line."""
    return report["summary"], [(line["rep_id"], line["name"], line) for line in report["reps"]]


@time_machine.travel(FRIDAY, tick=False)
def test_the_current_week_shows_its_figures_without_a_recompute(client, tenant, field):
    client.force_login(field.manager.user)
    response = page(client, tenant, field.north)
    report = response.context["report"]
    summary = report["summary"]
    assert (summary["revenue"], summary["collections"], summary["visits_done"]) == (
        Decimal("2300.00"),
        Decimal("400.00"),
        5,
    )
    assert summary["target_revenue"] == Decimal("700.00") and summary["reps"] == 2
    assert summary["effective_visit_rate"] == pytest.approx(0.6) and summary["deal_rate"] == pytest.approx(
        0.4
    )
    assert [(line["name"], line["revenue"]) for line in report["reps"]] == [
        ("Anna", Decimal("1500.00")),
        ("Bo", Decimal("800.00")),
    ]
    assert report["live_weeks"] == [MONDAY]
    body = response.content.decode()
    assert "This week's figures are computed as you open the report" in body
    assert "Recompute this week" not in body
    with scopes_disabled():
        assert not WeeklyProgress.objects.exists()  # read, not written


@time_machine.travel(FRIDAY, tick=False)
def test_an_order_taken_today_counts_at_once(client, tenant, field):
    client.force_login(field.manager.user)
    before = page(client, tenant, field.north).context["report"]["summary"]["revenue"]
    order(field.c1, d(13), "250", "100")
    assert page(client, tenant, field.north).context["report"]["summary"]["revenue"] == before + 250


@time_machine.travel(FRIDAY, tick=False)
def test_rows_recomputed_by_hand_earlier_in_the_week_do_not_hide_what_came_after(client, tenant, field):
    with scope(tenant=tenant.pk):
        rollup_week(tenant=tenant, iso_year=WEEK[0], iso_week=WEEK[1])
    order(field.c2, d(13), "100", "50")
    client.force_login(field.manager.user)
    assert page(client, tenant, field.north).context["report"]["summary"]["revenue"] == Decimal("2400.00")


def test_computed_as_read_equals_what_the_rollup_writes(tenant, field, admin):
    south = TeamFactory(tenant=tenant, name="South")
    MembershipFactory(tenant=tenant, role=Role.REP, team=south, reports_to=admin, display_name="Quiet")
    order(CustomerFactory(tenant=tenant, owner=field.rep_b), d(14), "120", "20")
    visit(field.rep_b, d(15), effective=True, purpose="order", customer=field.c3)
    live = {}
    with scope(tenant=tenant.pk):
        for team in (field.north, field.north1, south):
            live[team.pk] = weekly_report(
                tenant=tenant, team=team, first_week=MONDAY, last_week=MONDAY, today=d(13)
            )
            assert live[team.pk]["live_weeks"] == [MONDAY]
        rollup_week(tenant=tenant, iso_year=WEEK[0], iso_week=WEEK[1])
        for team in (field.north, field.north1, south):
            stored = weekly_report(tenant=tenant, team=team, first_week=MONDAY, last_week=MONDAY, today=d(18))
            assert stored["live_weeks"] == [] and stored["computed_at"] is not None
            assert figures(stored) == figures(live[team.pk]), team.name


@time_machine.travel(NEXT_WEDNESDAY, tick=False)
def test_a_week_over_and_rolled_up_is_read_from_its_rows(client, tenant, field):
    with scope(tenant=tenant.pk):
        rollup_week(tenant=tenant, iso_year=WEEK[0], iso_week=WEEK[1])
    order(field.c1, d(12), "999", "1")  # entered late: the rows stand until the week is recomputed
    client.force_login(field.manager.user)
    response = page(client, tenant, field.north)
    report = response.context["report"]
    assert report["live_weeks"] == [] and report["summary"]["revenue"] == Decimal("2300.00")
    body = response.content.decode()
    # computed_at is the database's now(), which the pinned clock does not reach
    assert re.search(r"Rolled up \d{4}-\d\d-\d\d \d\d:\d\d\.", body) and "Recompute this week" in body


@time_machine.travel(NEXT_WEDNESDAY, tick=False)
def test_a_week_over_but_not_rolled_up_yet_is_computed_too(client, tenant, field):
    client.force_login(field.manager.user)
    report = page(client, tenant, field.north).context["report"]
    assert report["live_weeks"] == [MONDAY] and report["summary"]["revenue"] == Decimal("2300.00")


@time_machine.travel(FRIDAY, tick=False)
def test_the_workbook_of_the_current_week_carries_its_figures(client, tenant, field):
    client.force_login(field.manager.user)
    response = client.get(
        f"/t/{tenant.slug}/reporting/weekly/xlsx/", {"week": "2026-W46", "team": field.north.pk}
    )
    book = load_workbook(io.BytesIO(response.content))
    values = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=5, values_only=True)}
    assert values["Revenue"] == 2300


@time_machine.travel(FRIDAY, tick=False)
def test_the_current_weeks_page_reads_a_fixed_number_of_queries_whatever_the_team(
    client, tenant, field, django_assert_max_num_queries
):
    client.force_login(field.manager.user)
    page(client, tenant, field.north)
    with CaptureQueriesContext(connection) as few:
        page(client, tenant, field.north)
    for n in range(6):
        rep = MembershipFactory(tenant=tenant, role=Role.REP, team=field.north1, reports_to=field.manager)
        customer = CustomerFactory(tenant=tenant, owner=rep)
        order(customer, d(10 + n % 4), "100", "40")
        visit(rep, d(11), effective=True, purpose="order", customer=customer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = page(client, tenant, field.north)
    assert len(response.context["report"]["reps"]) == 8
    assert response.context["report"]["summary"]["revenue"] == Decimal("2900.00")


@time_machine.travel(FRIDAY, tick=False)
def test_a_team_without_members_shows_zeros(client, tenant, admin, field):
    empty = TeamFactory(tenant=tenant, name="Empty")
    client.force_login(admin.user)
    report = page(client, tenant, empty).context["report"]
    assert report["reps"] == [] and report["summary"]["revenue"] == 0 and report["summary"]["reps"] == 0
    assert report["summary"]["target_revenue"] is None and report["summary"]["attainment"] is None
