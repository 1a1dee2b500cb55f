"""The weekly sales management report page, its PDF (rendered PNG checked), the goals form; the XLSX
in test_xlsx.py."""

import datetime as dt
import subprocess

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from apps.reporting.models import WeeklyReportNote
from apps.reporting.services import rollup_week
from apps.tenancy.models import Role
from apps.tenancy.signals import SESSION_LANGUAGE
from tests.factories import CustomerFactory, MembershipFactory, TeamFactory

from .conftest import WEEK, d, order

pytestmark = pytest.mark.django_db


@pytest.fixture
def rolled(tenant, field):
    with scope(tenant=tenant.pk):
        rollup_week(tenant=tenant, iso_year=WEEK[0], iso_week=WEEK[1])
    return field


def url(tenant, name="weekly"):
    suffix = {"weekly": "", "pdf": "pdf/", "xlsx": "xlsx/", "note": "goals/", "rollup": "rollup/"}[name]
    return f"/t/{tenant.slug}/reporting/weekly/{suffix}"


def test_manager_sees_their_teams_week_with_figures_and_texts(client, tenant, rolled):
    quiet = CustomerFactory(tenant=tenant, owner=rolled.rep_b, name="Fern Ltd")
    order(quiet, d(20, 10), "300", "100")  # ordered five weeks before, nothing this week
    order(
        CustomerFactory(tenant=tenant, owner=rolled.rep_b, name="Gone Co"), d(1, 9), "300", "100"
    )  # too long ago
    client.force_login(rolled.manager.user)
    response = client.get(url(tenant), {"week": "2026-W46", "team": rolled.north.pk})
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Anna",
        "Bo",
        "60%",
        "40%",
        "Rival cut prices by 5%",
        "New competitor warehouse",
        "Late delivery at Dune",
        "2 / 3",
    ):
        assert text in body, text
    assert "Fern Ltd" in body  # lost activity
    assert "Gone Co" not in body and "Elm Inc" not in body


def test_a_manager_cannot_open_another_teams_report_nor_the_month_view(client, tenant, rolled):
    south = TeamFactory(tenant=tenant, name="South")
    client.force_login(rolled.manager.user)
    assert client.get(url(tenant), {"team": south.pk}).status_code == 404
    response = client.get(url(tenant), {"view": "month", "team": rolled.north.pk, "week": "2026-W46"})
    assert response.context["view"] == "week"


def test_reps_do_not_get_the_weekly_report(client, tenant, rolled):
    client.force_login(rolled.rep_a.user)
    assert client.get(url(tenant)).status_code == 404


@time_machine.travel(dt.datetime(2026, 12, 9, 10, 0, tzinfo=dt.UTC), tick=False)  # November is over
def test_admin_month_view_adds_up_the_weeks(client, tenant, admin, rolled):
    with scope(tenant=tenant.pk):
        rollup_week(tenant=tenant, iso_year=2026, iso_week=47)
    client.force_login(admin.user)
    response = client.get(url(tenant), {"view": "month", "month": "2026-11", "team": rolled.north.pk})
    assert response.context["export_query"] == f"view=month&month=2026-11&team={rolled.north.pk}"
    report = response.context["report"]
    summary = report["summary"]
    # The weeks starting in November: 46 and 47 from the rollup, the three others computed as read.
    assert summary["weeks"] == 5
    assert report["live_weeks"] == [d(2), d(23), d(30)]
    assert summary["visits_done"] == 6  # 5 in W46 and va6 in W47
    assert summary["deal_rate"] == pytest.approx(2 / 6)


def test_manager_saves_next_weeks_goals(client, tenant, rolled):
    client.force_login(rolled.manager.user)
    response = client.post(
        url(tenant, "note"), {"team": rolled.north.pk, "week": "2026-W46", "next_week_goals": "Win back Elm"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        note = WeeklyReportNote.objects.get(tenant=tenant, team=rolled.north)
    assert (note.next_week_goals, note.author_id) == ("Win back Elm", rolled.manager.pk)
    assert "Win back Elm" in client.get(response["Location"]).content.decode()


def test_a_manager_of_another_team_cannot_write_goals(client, tenant, admin, rolled):
    south = TeamFactory(tenant=tenant, name="South")
    other = MembershipFactory(tenant=tenant, role=Role.MANAGER, team=south, reports_to=admin)
    client.force_login(other.user)
    response = client.post(
        url(tenant, "note"), {"team": rolled.north.pk, "week": "2026-W46", "next_week_goals": "x"}
    )
    assert response.status_code == 404
    with scopes_disabled():
        assert not WeeklyReportNote.objects.exists()


def test_goals_for_a_malformed_week_are_refused_with_a_message(client, tenant, rolled):
    client.force_login(rolled.manager.user)
    response = client.post(
        url(tenant, "note"), {"team": rolled.north.pk, "week": "W46", "next_week_goals": "x"}
    )
    assert response["Location"].endswith(f"?team={rolled.north.pk}")  # the report's default week
    page = client.get(response["Location"])
    assert "A week is written like 2026-W47." in page.content.decode()
    with scopes_disabled():
        assert not WeeklyReportNote.objects.exists()


def test_recomputing_a_week_not_yet_started_is_refused_with_a_message(client, tenant, admin, field):
    client.force_login(admin.user)
    response = client.post(url(tenant, "rollup"), {"week": "2099-W01"})
    assert response.status_code == 302
    assert "This week has not started yet." in client.get(response["Location"]).content.decode()


def test_recompute_button_runs_the_rollup(client, tenant, admin, field):
    client.force_login(admin.user)
    response = client.post(url(tenant, "rollup"), {"week": "2026-W46", "team": field.north.pk})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.context["report"]["summary"]["visits_done"] == 5


def test_page_query_count_does_not_grow_with_reps(client, tenant, rolled):
    client.force_login(rolled.manager.user)
    params = {"week": "2026-W46", "team": rolled.north.pk}
    client.get(url(tenant), params)
    with CaptureQueriesContext(connection) as few:
        client.get(url(tenant), params)
    for _ in range(4):
        MembershipFactory(tenant=tenant, role=Role.REP, team=rolled.north1, reports_to=rolled.manager)
    with scope(tenant=tenant.pk):
        rollup_week(tenant=tenant, iso_year=2026, iso_week=46)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(tenant), params)
    assert len(response.context["report"]["reps"]) == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_pdf_renders_chinese_text(client, tenant, rolled, tmp_path):
    client.force_login(rolled.manager.user)
    session = client.session
    session[SESSION_LANGUAGE] = "zh-hans"
    session.save()
    response = client.get(url(tenant, "pdf"), {"week": "2026-W46", "team": rolled.north.pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "周销售管理报告" in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    png = next(tmp_path.glob("page*.png"))
    from PIL import Image

    image = Image.open(png).convert("L")
    dark = sum(1 for p in image.getdata() if p < 128)
    assert image.size[0] > 300 and dark > 2000  # text was drawn (CJK glyphs, not empty boxes only)


@pytest.mark.parametrize(
    "params",
    [
        {"week": "9999-W52"},
        {"week": "0001-W01"},
        {"view": "month", "month": "9999-12"},
        {"view": "month", "month": "0001-01"},
    ],
)
@pytest.mark.parametrize("name", ["weekly", "pdf", "xlsx"])
def test_a_week_or_month_at_the_ends_of_the_calendar_falls_back_instead_of_a_500(
    client, tenant, admin, rolled, name, params
):
    client.force_login(admin.user)
    assert client.get(url(tenant, name), params).status_code == 200
