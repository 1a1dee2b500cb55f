"""The weekly report's workbook carries what the PDF carries: the heading with organisation, team and
week, the figures, the account managers, competitor moves, abnormal customers and next week's goals,
on named sheets in the reader's language. Opened with openpyxl; the week is conftest.py's (2026-W46)."""

import datetime as dt
import io
import subprocess

import pytest
from django_scopes import scope
from openpyxl import load_workbook

from apps.reporting.services import rollup_week, weekly_note_save
from apps.tenancy.signals import SESSION_LANGUAGE
from tests.factories import CustomerFactory

from .conftest import MONDAY, WEEK, d, order

pytestmark = pytest.mark.django_db

SHEETS = ["Summary", "By account manager", "Competitor moves", "Abnormal customers", "Next week's goals"]


@pytest.fixture
def rolled(tenant, field):
    quiet = CustomerFactory(tenant=tenant, owner=field.rep_b, name="Fern Ltd")
    order(quiet, d(20, 10), "300", "100")  # ordered five weeks before, nothing in the week
    with scope(tenant=tenant.pk):
        rollup_week(tenant=tenant, iso_year=WEEK[0], iso_week=WEEK[1])
        weekly_note_save(team=field.north, week=MONDAY, by=field.manager, next_week_goals="Win back Elm")
    return field


def workbook(client, tenant, team, language=None, **params):
    if language:
        session = client.session
        session[SESSION_LANGUAGE] = language
        session.save()
    response = client.get(
        f"/t/{tenant.slug}/reporting/weekly/xlsx/", {"week": "2026-W46", "team": team.pk, **params}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def rows(sheet) -> list[tuple]:
    return [tuple(v for v in row) for row in sheet.iter_rows(values_only=True)]


def table(sheet, first_header: str) -> list[dict]:
    """The sheet's table whose header starts with `first_header`, as dicts, up to its first blank row."""
    values = rows(sheet)
    start = next(i for i, row in enumerate(values) if row[0] == first_header)
    header = [h for h in values[start] if h is not None]
    out = []
    for row in values[start + 1 :]:
        if all(v is None for v in row):
            break
        out.append({k: v for k, v in zip(header, row, strict=False) if v is not None})
    return out


def test_the_workbook_has_the_pdfs_sections_on_named_sheets_under_the_reports_heading(client, tenant, rolled):
    client.force_login(rolled.manager.user)
    book = workbook(client, tenant, rolled.north)
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert sheet["A1"].value == "Weekly sales management report"
        assert sheet["A2"].value == "Acme · North · 2026-W46 (2026-11-09 – 2026-11-15)"
        assert sheet["A1"].font.bold


def test_the_summary_sheet_has_the_teams_figures_formatted_by_kind(client, tenant, rolled):
    client.force_login(rolled.manager.user)
    sheet = workbook(client, tenant, rolled.north)["Summary"]
    figures = {row["Figure"]: row["Value"] for row in table(sheet, "Figure")}
    assert figures["Revenue"] == 2300 and figures["Revenue target"] == 700
    assert figures["Target attainment"] == pytest.approx(2300 / 700)
    assert (figures["New customers"], figures["Orders"], figures["Collections"]) == (2, 3, 400)
    assert (figures["Visits made"], figures["Effective visits"], figures["Visits with a deal"]) == (5, 3, 2)
    assert figures["Effective-visit rate"] == pytest.approx(0.6) and figures["Deal rate"] == pytest.approx(
        0.4
    )
    assert (figures["Reports submitted"], figures["Reports on time"]) == (3, 2)
    assert figures["Share of reports on time"] == pytest.approx(2 / 3)
    formats = {row[0].value: row[1].number_format for row in sheet.iter_rows(min_row=5) if row[0].value}
    assert formats["Target attainment"] == "0.0%" and formats["Revenue"] == "#,##0.00"
    assert formats["Orders"] == "0"


def test_the_account_managers_sheet_has_a_line_per_rep_and_the_team_total(client, tenant, rolled):
    client.force_login(rolled.manager.user)
    sheet = workbook(client, tenant, rolled.north)["By account manager"]
    lines = table(sheet, "Account manager")
    assert [line["Account manager"] for line in lines] == ["Anna", "Bo", "Team total"]
    assert lines[-1]["Revenue"] == 2300 and lines[0]["Attainment"] == pytest.approx(1500 / 700)
    assert sheet.freeze_panes == "A5"  # heading, blank line and header stay in view


def test_competitor_moves_abnormal_customers_and_goals_have_their_own_sheets(client, tenant, rolled):
    client.force_login(rolled.manager.user)
    book = workbook(client, tenant, rolled.north)
    moves = table(book["Competitor moves"], "Date")
    assert moves[0]["Title"] == "New competitor warehouse" and moves[0]["Details"] == "Opened next to Elm"
    assert (moves[0]["Source"], moves[0]["Category"], moves[0]["Urgency"]) == (
        "Market situation report",
        "Competitor",
        "Urgent",
    )
    assert moves[0]["Date"] == dt.datetime(2026, 11, 13, 9, 0) and moves[0]["Account manager"] == "Bo"
    assert moves[1]["Details"] == "Rival cut prices by 5%" and moves[1]["Date"] == dt.datetime(2026, 11, 10)
    assert (moves[1]["Source"], moves[1]["Account manager"]) == ("Daily report", "Anna")
    abnormal = book["Abnormal customers"]
    assert table(abnormal, "Customer") == [{"Customer": "Fern Ltd", "Revenue in the previous 8 weeks": 300}]
    assert "Lost activity: ordered in the previous 8 weeks, not in this period" in [
        r[0] for r in rows(abnormal)
    ]
    complaints = table(abnormal, "Date")
    assert complaints == [
        {"Date": dt.datetime(2026, 11, 11), "Account manager": "Anna", "Details": "Late delivery at Dune"}
    ]
    goals = table(book["Next week's goals"], "Next week's goals")
    assert goals == [{"Next week's goals": "Win back Elm", "Author": "fmgr"}]


def test_empty_sections_say_so_as_the_pdf_does(client, tenant, admin, rolled):
    client.force_login(admin.user)
    book = workbook(client, tenant, rolled.north, week="2026-W40")
    assert table(book["Competitor moves"], "Date") == [{"Date": "Nothing reported."}]
    assert table(book["Next week's goals"], "Next week's goals") == [
        {"Next week's goals": "No goals written yet."}
    ]
    assert book["Competitor moves"]["A2"].value.endswith("2026-W40 (2026-09-28 – 2026-10-04)")


def test_the_month_view_names_the_month_in_the_heading(client, tenant, admin, rolled):
    client.force_login(admin.user)
    book = workbook(client, tenant, rolled.north, view="month", month="2026-11")
    assert book["Summary"]["A2"].value == "Acme · North · Month 2026-11 (2026-11-02 – 2026-12-06)"


def test_a_chinese_reader_gets_chinese_sheet_names_and_headings(client, tenant, rolled):
    client.force_login(rolled.manager.user)
    book = workbook(client, tenant, rolled.north, language="zh-hans")
    assert book.sheetnames == ["概览", "按客户经理", "竞争对手动态", "异常客户", "下周目标"]
    assert book["概览"]["A1"].value == "周销售管理报告"
    figures = {row["指标"]: row["数值"] for row in table(book["概览"], "指标")}
    assert figures["销售额"] == 2300
    assert [line["客户经理"] for line in table(book["按客户经理"], "客户经理")] == ["Anna", "Bo", "团队合计"]
    assert table(book["竞争对手动态"], "日期")[0]["来源"] == "市场状况反映表"


def test_what_the_pdf_shows_the_workbook_holds(client, tenant, rolled, tmp_path):
    client.force_login(rolled.manager.user)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(
        client.get(
            f"/t/{tenant.slug}/reporting/weekly/pdf/", {"week": "2026-W46", "team": rolled.north.pk}
        ).content
    )
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    book = workbook(client, tenant, rolled.north)
    cells = {str(v) for sheet in book.worksheets for row in rows(sheet) for v in row} | set(book.sheetnames)
    for shown in (
        "Weekly sales management report",
        "Competitor moves",
        "Abnormal customers",
        "Next week's goals",
        "New competitor warehouse",
        "Opened next to Elm",
        "Rival cut prices by 5%",
        "Fern Ltd",
        "Late delivery at Dune",
        "Win back Elm",
        "Anna",
        "Bo",
    ):
        assert shown in text, shown
        assert shown in cells or any(shown in c for c in cells), shown
