"""REST for KPI definitions and values: admins define metrics, everyone reads values within their line."""

import datetime as dt

import pytest
from django_scopes import scopes_disabled

from apps.targets.models import CustomMetric
from apps.tenancy.models import AuditLog
from tests.factories import CategoryFactory, CustomerFactory, MembershipFactory

from .conftest import order
from .factories import CustomMetricFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/custom-metrics/"
VALUES = URL + "values/"
WINDOW = {"start": "2026-10-01", "end": "2026-11-30", "grain": "month"}


def count_metrics(tenant):
    with scopes_disabled():
        return CustomMetric.objects.filter(tenant=tenant).count()


def test_an_admin_defines_a_metric_from_a_builtin_and_filters(book, admin, api_as):
    body = {
        "code": "revenue-x",
        "name": "Revenue X",
        "base": "revenue",
        "filters": {"category_ids": [book.cat_x.pk]},
    }
    response = api_as(admin).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["filters"] == {"category_ids": [book.cat_x.pk]}
    with scopes_disabled():
        assert AuditLog.objects.filter(action="targets.metric.created").count() == 1
    values = api_as(admin).get(VALUES, {**WINDOW, "metrics": "revenue-x", "by": "tenant"}).json()
    assert [r["values"]["revenue-x"] for r in values["rows"]] == [1400.0, 300.0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"base": "revenue", "filters": {"colour": "red"}}, "colour"),
        ({"base": "nope", "filters": {}}, "base"),
        ({"base": "collections", "filters": {"category_ids": [1]}}, "category_ids"),
        ({"base": "revenue", "filters": {"segment": "martian"}}, "segment"),
        ({"base": "revenue", "filters": {"key_account": "yes"}}, "key_account"),
        ({"base": "revenue", "filters": {"region_ids": "3"}}, "region_ids"),
        ({"base": "revenue", "filters": [1]}, "filters"),
        ({"base": "revenue", "filters": {}, "code": "revenue"}, "code"),
    ],
)
def test_bad_definitions_are_400_with_a_reason_and_nothing_saved(book, admin, api_as, body, field):
    body = {"code": "mine", "name": "Mine", **body}
    response = api_as(admin).post(URL, body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert count_metrics(book.tenant) == 0


def test_another_tenants_category_id_is_refused(book, admin, api_as, other_tenant):
    theirs = CategoryFactory(tenant=other_tenant)
    body = {"code": "x", "name": "X", "base": "revenue", "filters": {"category_ids": [theirs.pk]}}
    response = api_as(admin).post(URL, body, format="json")
    assert response.status_code == 400 and "category_ids" in response.json()


def test_codes_are_unique_per_tenant_only(book, admin, api_as, other_tenant):
    CustomMetricFactory(tenant=other_tenant, code="mine")
    body = {"code": "mine", "name": "Mine", "base": "revenue", "filters": {}}
    assert api_as(admin).post(URL, body, format="json").status_code == 201
    assert api_as(admin).post(URL, body, format="json").status_code == 400


def test_reps_and_managers_read_definitions_but_cannot_write_them(book, api_as):
    CustomMetricFactory(tenant=book.tenant, code="mine")
    body = {"code": "theirs", "name": "T", "base": "revenue", "filters": {}}
    for who in (book.rep_a, book.manager):
        client = api_as(who)
        assert client.post(URL, body, format="json").status_code == 403
        assert [m["code"] for m in client.get(URL).json()["results"]] == ["mine"]


def test_the_catalogue_lists_builtins_and_the_tenants_own(book, rep, api_as):
    CustomMetricFactory(tenant=book.tenant, code="mine", base="collections")
    rows = {m["code"]: m for m in api_as(rep).get(URL + "catalogue/").json()}
    assert {
        "revenue",
        "gross_margin",
        "collections",
        "order_count",
        "new_customers",
        "active_customers",
    } <= set(rows)
    assert rows["key_account_share"]["kind"] == "ratio" and not rows["key_account_share"]["additive"]
    assert rows["revenue"]["additive"] and "category" in rows["revenue"]["dimensions"]
    assert "product" not in rows["collections"]["dimensions"]
    assert rows["mine"]["base"] == "collections" and rows["mine"]["kind"] == "custom"


def test_a_rep_gets_only_their_own_values_even_when_asking_for_a_peers(book, api_as):
    query = {**WINDOW, "metrics": "revenue", "by": "rep", "rep_ids": str(book.rep_b.pk)}
    rows = api_as(book.rep_a).get(VALUES, query).json()["rows"]
    assert {r["key"] for r in rows} == {book.rep_a.pk}
    total = api_as(book.rep_a).get(VALUES, {**WINDOW, "metrics": "revenue", "by": "tenant"}).json()["rows"]
    assert [r["values"]["revenue"] for r in total] == [1500.0, 300.0]


def test_a_manager_gets_their_line_and_an_admin_everything(book, admin, api_as):
    outsider = MembershipFactory(tenant=book.tenant, reports_to=admin)

    order(CustomerFactory(tenant=book.tenant, owner=outsider), dt.date(2026, 10, 2), (book.px, "5", "1"))
    query = {**WINDOW, "metrics": "revenue,key_account_share", "by": "tenant"}
    managed = api_as(book.manager).get(VALUES, query).json()["rows"]
    everything = api_as(admin).get(VALUES, query).json()["rows"]
    assert managed[0]["values"] == {"revenue": 1900.0, "key_account_share": pytest.approx(1500 / 1900)}
    assert everything[0]["values"]["revenue"] == 1905.0


@pytest.mark.parametrize(
    "query",
    [
        {"metrics": "nope"},
        {"metrics": "revenue", "grain": "day"},
        {"metrics": "revenue", "by": "moon"},
        {"metrics": "revenue", "start": "2026-12-01"},
        {"metrics": "revenue", "category_ids": "a,b"},
        {"metrics": "collections", "by": "product"},
    ],
)
def test_bad_value_queries_are_400(book, admin, api_as, query):
    response = api_as(admin).get(VALUES, {**WINDOW, **query})
    assert response.status_code == 400, response.json()
