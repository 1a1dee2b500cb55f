"""Exports of the target progress table: XLSX and CSV, same filters and viewer limits as `progress`."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from apps.targets.exports import progress_columns
from tests.factories import MembershipFactory
from tests.web.test_i18n import compiled_messages  # noqa: F401  (the .mo is build output)

from .factories import TargetFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/targets/progress/export/"
TODAY = "2026-11-15"
HEADER = [
    "Owner",
    "Metric",
    "Period",
    "Dimension",
    "Target value",
    "Actual",
    "Attainment %",
    "Expected by now",
    "Forecast",
    "Gap",
    "Status",
]


def csv_rows(response):
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Chinese
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sheet, [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.fixture
def targets(book):
    mine = TargetFactory(tenant=book.tenant, rep=book.rep_a, value="600")
    theirs = TargetFactory(tenant=book.tenant, rep=book.rep_b, value="1000", metric="collections")
    return mine, theirs


def test_xlsx_opens_with_the_progress_rows(book, admin, api_as, targets):
    response = api_as(admin).get(URL, {"fmt": "xlsx", "today": TODAY})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert re.fullmatch(
        r'attachment; filename="acme-target-progress-\d{4}-\d\d-\d\d\.xlsx"', response["Content-Disposition"]
    )
    sheet, rows = xlsx_rows(response)
    assert rows[0] == HEADER
    assert sheet["A1"].font.bold and sheet["G2"].number_format == '0.0"%"'
    assert sheet["E2"].number_format == "#,##0.00"
    assert sheet.column_dimensions["A"].width >= len("Owner")
    mine, theirs = rows[1], rows[2]
    assert mine[0] == str(book.rep_a) and mine[2] == "Month 2026-11-01" and mine[3] is None
    assert mine[4:] == [600, 300, 50, 300, 600, 300, "On track"]
    assert theirs[0] == str(book.rep_b) and theirs[4:6] == [1000, 100]


def test_csv_is_utf8_with_bom_and_the_same_figures(book, admin, api_as, targets):
    response = api_as(admin).get(URL, {"fmt": "csv", "today": TODAY})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="acme-target-progress-' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == HEADER and len(rows) == 3
    assert rows[1][4:] == ["600.0", "300.0", "50.0", "300.0", "600.0", "300.0", "On track"]


def test_filters_apply_as_for_progress(book, admin, api_as, targets):
    rows = csv_rows(api_as(admin).get(URL, {"fmt": "csv", "today": TODAY, "metric": "collections"}))
    assert [r[0] for r in rows[1:]] == [str(book.rep_b)]


def test_a_rep_exports_only_their_own_rows(book, api_as, targets):
    rows = csv_rows(api_as(book.rep_a).get(URL, {"fmt": "csv", "today": TODAY}))
    assert [r[0] for r in rows[1:]] == [str(book.rep_a)]


def test_another_tenant_sees_none_of_ours(book, rival, api_as, targets):
    response = api_as(rival).get(URL, {"fmt": "xlsx", "today": TODAY})
    assert response.status_code == 200
    assert 'filename="rival-co-target-progress-' in response["Content-Disposition"]
    assert xlsx_rows(response)[1] == [HEADER]


@pytest.mark.parametrize("params", [{"fmt": "pdf"}, {}, {"fmt": "csv", "today": "soon"}])
def test_bad_format_is_400_with_a_reason(book, admin, api_as, params):
    response = api_as(admin).get(URL, params)
    assert response.status_code == 400
    assert set(response.json()) & {"fmt", "today"}


def test_query_count_does_not_grow_with_targets(book, admin, api_as):
    client = api_as(admin)
    for _ in range(2):
        TargetFactory(tenant=book.tenant, rep=book.rep_a)
    client.get(URL, {"fmt": "csv", "today": TODAY})  # the token's first-use stamp
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, {"fmt": "xlsx", "today": TODAY}).status_code == 200
    for _ in range(18):
        rep = MembershipFactory(tenant=book.tenant, reports_to=book.manager)
        TargetFactory(tenant=book.tenant, rep=rep)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"fmt": "xlsx", "today": TODAY})
    assert len(xlsx_rows(response)[1]) == 21
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.usefixtures("compiled_messages")
def test_headers_are_translated():
    with translation.override("zh-hans"):
        headers = list(progress_columns().values())
    assert headers[5:8] == ["实际完成", "达成率 %", "应完成进度"]
