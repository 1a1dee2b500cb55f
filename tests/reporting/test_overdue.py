"""Overdue receivables at each week's end in the weekly progress and the weekly report, against hand
figures. The week is conftest.py's 2026-W46 (Mon 9 – Sun 15 November); the previous week ends Sunday
8 November, the one before Sunday 1 November.

rep_a (North):
  i1 c1, issued 1 Oct, due 31 Oct, 1000; allocated 300 on 5 Nov, 200 on 12 Nov, 100 on 16 Nov
     -> 1 Nov 1000, 8 Nov 700, 15 Nov 500
  i2 c2, issued 1 Nov, due 10 Nov (falls due in the week), 400; 150 allocated on 7 Nov (before due)
     -> 8 Nov not due, 15 Nov 250
  i3 c1, issued 1 Nov, due 15 Nov (the Sunday itself: not overdue that day), 999 -> 0
  => 1 Nov 1000, 8 Nov 700, 15 Nov 750: change in W46 +50
rep_b (North-1):
  i4 c3, issued 1 Oct, due 20 Oct, 800; 800 allocated on 14 Nov -> 8 Nov 800, 15 Nov 0
  i5 c3, cancelled, due 2 Oct, 5000 -> never
  i6 c3, issued 1 Nov, due 5 Nov, 120, unpaid -> 1 Nov 0, 8 Nov 120, 15 Nov 120
  => 1 Nov 800, 8 Nov 920, 15 Nov 120: change in W46 -800
North (both): 1 Nov 1800, 8 Nov 1620, 15 Nov 870 (change -750); North-1: rep_b's.
"""

import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from apps.reporting.models import WeeklyProgress
from apps.reporting.selectors import rollup_frame, weekly_report
from apps.reporting.services import rollup_week, rollup_weeks
from apps.sales.models import Invoice
from tests.sales.factories import AllocationFactory, InvoiceFactory

from .conftest import MONDAY, WEEK, d

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FRIDAY = dt.datetime(2026, 11, 13, 15, 0, tzinfo=SHANGHAI)  # inside the week
LATER = dt.datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)


def invoice(customer, issued, due, amount, rep=None, **kw):
    return InvoiceFactory(
        tenant=customer.tenant,
        customer=customer,
        rep=rep or customer.owner,
        issued_on=issued,
        due_on=due,
        amount=Decimal(amount),
        **kw,
    )


def allocate(inv, day, amount):
    AllocationFactory(
        invoice=inv,
        amount=Decimal(amount),
        paid_on=day,
        payment__amount=Decimal(amount),
        payment__received_on=day,
    )


@pytest.fixture
def overdue(field):
    i1 = invoice(field.c1, d(1, 10), d(31, 10), "1000")
    allocate(i1, d(5), "300")
    allocate(i1, d(12), "200")
    allocate(i1, d(16), "100")
    i2 = invoice(field.c2, d(1), d(10), "400")
    allocate(i2, d(7), "150")
    invoice(field.c1, d(1), d(15), "999")
    i4 = invoice(field.c3, d(1, 10), d(20, 10), "800")
    allocate(i4, d(14), "800")
    invoice(field.c3, d(1, 10), d(2, 10), "5000", status=Invoice.Status.CANCELLED)
    invoice(field.c3, d(1), d(5), "120")
    return field


def stored(tenant):
    with scopes_disabled():
        return {
            (r.scope, r.subject_id, r.week_start): (r.overdue_receivables, r.overdue_change)
            for r in WeeklyProgress.objects.filter(tenant=tenant)
        }


def test_rollup_stores_the_overdue_balance_at_each_weeks_end_and_its_change(tenant, overdue):
    f = overdue
    with scope(tenant=tenant.pk):
        rollup_weeks(tenant=tenant, first=MONDAY - dt.timedelta(weeks=1), last=MONDAY)
    got = stored(tenant)
    w45, w46 = MONDAY - dt.timedelta(weeks=1), MONDAY
    money = Decimal
    assert got[("rep", f.rep_a.pk, w45)] == (money("700.00"), money("-300.00"))
    assert got[("rep", f.rep_a.pk, w46)] == (money("750.00"), money("50.00"))
    assert got[("rep", f.rep_b.pk, w45)] == (money("920.00"), money("120.00"))
    assert got[("rep", f.rep_b.pk, w46)] == (money("120.00"), money("-800.00"))
    assert got[("team", f.north.pk, w45)] == (money("1620.00"), money("-180.00"))
    assert got[("team", f.north.pk, w46)] == (money("870.00"), money("-750.00"))
    assert got[("team", f.north1.pk, w46)] == (money("120.00"), money("-800.00"))


def test_one_week_alone_measures_its_change_against_the_week_before(tenant, overdue):
    with scope(tenant=tenant.pk):
        rollup_week(tenant=tenant, iso_year=WEEK[0], iso_week=WEEK[1])
    got = stored(tenant)
    assert got[("team", overdue.north.pk, MONDAY)] == (Decimal("870.00"), Decimal("-750.00"))
    assert {key[2] for key in got} == {MONDAY}


def test_the_team_frame_read_live_equals_the_tenants(tenant, overdue):
    end = MONDAY + dt.timedelta(days=6)
    with scope(tenant=tenant.pk):
        whole = rollup_frame(tenant=tenant, first=MONDAY, end=end)
        north1 = rollup_frame(tenant=tenant, first=MONDAY, end=end, team=overdue.north1)
    cols = ["scope", "subject_id", "overdue_receivables", "overdue_change"]
    mine = north1[cols].sort_values(cols).reset_index(drop=True)
    theirs = (
        whole[whole["subject_id"].isin(mine["subject_id"])][cols].sort_values(cols).reset_index(drop=True)
    )
    assert mine.equals(theirs)
    assert list(mine["overdue_receivables"]) == [120.0, 120.0]


@pytest.mark.parametrize("clock", [FRIDAY, LATER], ids=["computed-as-read", "rolled-up"])
def test_the_report_shows_the_last_weeks_balance_and_the_periods_change(tenant, overdue, clock):
    f = overdue
    with time_machine.travel(clock, tick=False), scope(tenant=tenant.pk):
        if clock is LATER:
            rollup_weeks(tenant=tenant, first=MONDAY - dt.timedelta(weeks=1), last=MONDAY)
        week = weekly_report(tenant=tenant, team=f.north, first_week=MONDAY, last_week=MONDAY)
        two = weekly_report(
            tenant=tenant, team=f.north, first_week=MONDAY - dt.timedelta(weeks=1), last_week=MONDAY
        )
    s = week["summary"]
    assert (s["overdue_receivables"], s["overdue_change"]) == (Decimal("870.00"), Decimal("-750.00"))
    lines = {line["rep_id"]: line for line in week["reps"]}
    assert (lines[f.rep_a.pk]["overdue_receivables"], lines[f.rep_a.pk]["overdue_change"]) == (
        Decimal("750.00"),
        Decimal("50.00"),
    )
    # Two weeks: the balance of the last, the change since 1 November's 1800.
    s2 = two["summary"]
    assert (s2["overdue_receivables"], s2["overdue_change"]) == (Decimal("870.00"), Decimal("-930.00"))


def test_page_pdf_and_xlsx_show_the_overdue_and_its_change(client, tenant, overdue):
    f = overdue
    with time_machine.travel(LATER, tick=False):
        with scope(tenant=tenant.pk):
            rollup_week(tenant=tenant, iso_year=WEEK[0], iso_week=WEEK[1])
        client.force_login(f.manager.user)
        base = f"/t/{tenant.slug}/reporting/weekly/"
        params = {"week": "2026-W46", "team": f.north.pk}
        body = client.get(base, params).content.decode()
        assert "Overdue receivables" in body
        assert "▼ ¥750.00" in body  # the team: less overdue, good
        assert "▲ ¥50.00" in body  # rep_a: more overdue, bad
        assert "¥870.00" in body
        pdf = client.get(base + "pdf/", params)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        xlsx = client.get(base + "xlsx/", params)
        book = load_workbook(io.BytesIO(xlsx.content))
        summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row and row[0]}
        assert summary["Overdue receivables"] == 870.0
        assert summary["Change in overdue receivables"] == -750.0
        headers = [
            c.value
            for c in next(r for r in book.worksheets[1].iter_rows() if r[0].value == "Account manager")
        ]
        assert "Overdue receivables" in headers and "Change in overdue receivables" in headers
