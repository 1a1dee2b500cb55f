"""Pages: the rep's daily report form (prefilled from the plan, htmx rows), the review queue and
sign-off, market reports."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.sales.models import Order
from apps.tenancy.models import Notification
from apps.visits.models import DailyReport, MarketReport
from tests.visits.factories import DailyReportFactory, MarketReportFactory
from tests.web.test_i18n import compiled_messages  # noqa: F401  (compiles the catalogues first)

pytestmark = pytest.mark.django_db


def _client(member):
    client = Client()
    client.force_login(member.user)
    return client


def _url(tenant, name, **kwargs):
    return reverse(f"reports:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def test_the_form_is_prefilled_from_the_plan_and_files_orders(tenant, rep, plan_visits, products, today):
    client = _client(rep)
    page = client.get(_url(tenant, "mine")).text
    for visit in plan_visits:
        assert visit.customer.name in page
    row = client.get(_url(tenant, "row", kind="line") + "?i=0&j=0", HTTP_HX_REQUEST="true").text
    assert 'name="visits-0-lines-0-product"' in row and "j=1" in row
    post = {
        "attendance": "on_duty",
        "learnings": "Keep samples in the car",
        "visits-0-id": plan_visits[0].pk,
        "visits-0-outcome": "done",
        "visits-0-effective": "true",
        "visits-0-cost": "12.50",
        "visits-0-lines-0-product": products[0].pk,
        "visits-0-lines-0-quantity": "4",
        "visits-0-payments-0-amount": "",
        "visits-3-prospect_name": "Corner shop",
        "visits-3-purpose": "new_customer",
        "visits-3-outcome": "done",
        "submit": "1",
    }
    response = client.post(_url(tenant, "mine"), post)
    assert response.status_code == 302
    with scopes_disabled():
        report = DailyReport.objects.get(rep=rep, day=today)
        assert report.status == "submitted" and report.learnings == "Keep samples in the car"
        assert Order.objects.get().amount == Decimal("40.00")
        assert report.visits.count() == 4


def test_a_bad_post_shows_the_reason_and_saves_nothing(tenant, rep, peer, today):
    from tests.factories import CustomerFactory

    foreign = CustomerFactory(tenant=tenant, owner=peer)
    response = _client(rep).post(_url(tenant, "mine"), {"visits-0-customer": foreign.pk})
    assert response.status_code == 200 and "unknown customer" in response.text
    with scopes_disabled():
        assert not DailyReport.objects.exists()


def test_the_manager_signs_off_from_the_queue(tenant, rep, manager, today):
    report = DailyReportFactory(tenant=tenant, rep=rep, day=today, status="submitted", on_time=True)
    client = _client(manager)
    queue = client.get(_url(tenant, "queue")).text
    assert _url(tenant, "detail", report_id=report.pk) in queue
    response = client.post(_url(tenant, "detail", report_id=report.pk), {"comment": "Good"})
    assert response.status_code == 302
    with scopes_disabled():
        report.refresh_from_db()
        assert report.status == "reviewed" and report.manager_comment == "Good"


def test_a_sign_off_without_a_comment_says_so_beside_the_field_and_keeps_what_was_typed(
    tenant, rep, manager, today
):
    report = DailyReportFactory(tenant=tenant, rep=rep, day=today, status="submitted", on_time=True)
    client = _client(manager)
    detail = _url(tenant, "detail", report_id=report.pk)
    response = client.post(detail, {"comment": "   "})
    assert response.status_code == 200
    field = response.text.split('id="id_comment"', 1)[1].split("</div>", 1)[0]
    assert "Write your comment (批示) before signing off." in field  # beside the field
    assert "comment:" not in response.text
    too_long = "好" * 2001
    response = client.post(detail, {"comment": too_long})
    assert too_long in response.text  # kept as typed, to shorten
    with scopes_disabled():
        report.refresh_from_db()
    assert report.status == "submitted"


def test_a_rep_has_no_review_queue(tenant, rep):
    assert _client(rep).get(_url(tenant, "queue")).status_code == 404


def test_a_market_report_from_the_page_reaches_the_manager(tenant, rep, manager):
    response = _client(rep).post(
        _url(tenant, "market-new"), {"title": "Rival opened a shop", "urgency": "urgent"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        report = MarketReport.objects.get()
        assert Notification.objects.get(recipient=manager).url.endswith(f"/reports/market/{report.pk}/")
    client = _client(manager)
    assert "Rival opened a shop" in client.get(_url(tenant, "market-list")).text
    client.post(_url(tenant, "market-detail", report_id=report.pk), {"action": "close", "response": "Noted"})
    with scopes_disabled():
        assert MarketReport.objects.get().status == "closed"


def test_a_peer_cannot_open_anothers_market_report(tenant, rep, peer):
    report = MarketReportFactory(tenant=tenant, rep=rep)
    assert _client(peer).get(_url(tenant, "market-detail", report_id=report.pk)).status_code == 404


@pytest.mark.parametrize("name", ["queue", "list", "market-list"])
def test_list_pages_do_not_grow_with_rows(
    name, tenant, rep, peer, manager, today, django_assert_max_num_queries
):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n, start):
        for k in range(n):
            for who in (rep, peer):
                DailyReportFactory(
                    tenant=tenant,
                    rep=who,
                    day=today - dt.timedelta(days=start + k),
                    status="submitted",
                    on_time=True,
                )
                MarketReportFactory(tenant=tenant, rep=who)

    client = _client(manager)
    add(1, 0)
    client.get(_url(tenant, name))
    with CaptureQueriesContext(connection) as one:
        assert client.get(_url(tenant, name)).status_code == 200
    add(8, 10)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(_url(tenant, name))


def test_a_chinese_user_files_the_report_in_chinese(tenant, rep, plan_visits):
    from apps.tenancy.models import UserProfile

    UserProfile.objects.create(user=rep.user, language="zh-hans")
    client = Client()
    client.post(reverse("login"), {"username": "rep1", "password": "pass-123-word"})
    text = client.get(_url(tenant, "mine")).text
    for label in (
        "每日销售报告",
        "添加计划外拜访",
        "拜访结果",
        "有效拜访",
        "竞争对手信息",
        "提交日报",
        "市场状况反映",
    ):
        assert label in text, label
