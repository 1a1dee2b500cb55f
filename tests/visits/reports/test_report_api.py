"""REST for daily and market reports: nested writes, actions, idempotency, sync, limits, query counts."""

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from apps.sales.models import Order
from apps.tenancy.models import Notification, OutboxMail
from apps.tenancy.tasks import send_outbox_mail
from apps.visits.models import DailyReport, MarketReport
from tests.factories import CustomerFactory, MembershipFactory, TeamFactory
from tests.visits.factories import DailyReportFactory, MarketReportFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/daily-reports/"
MARKET = "/api/v1/market-reports/"


def test_a_rep_files_submits_and_the_manager_signs_off(
    api_as, rep, manager, plan_visits, products, today, visit_rows
):
    rows = visit_rows(plan_visits)
    rows[0]["orders"] = [{"lines": [{"product": products[0].pk, "quantity": "2"}]}]
    rows[1]["payments"] = [{"amount": "30.00", "method": "cash"}]
    body = {
        "day": today.isoformat(),
        "attendance": "on_duty",
        "learnings": "Ask for the buyer",
        "visits": rows,
    }
    client = api_as(rep)
    created = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert len(data["visits"]) == 3 and data["visit_cost"] == "15.00"
    assert data["orders"][0]["amount"] == "20.00" and data["orders"][0]["visit"] == plan_visits[0].pk
    assert data["payments"][0]["amount"] == "30.00"
    assert data["visits"][0]["orders"] == [data["orders"][0]["order"]]
    replay = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    with scopes_disabled():
        assert Order.objects.count() == 1
    rid = data["id"]
    submitted = client.post(f"{URL}{rid}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["on_time"] in (True, False)
    queue = api_as(manager).get(f"{URL}review-queue/").json()["results"]
    assert [r["id"] for r in queue] == [rid]
    assert client.post(f"{URL}{rid}/review/", {"comment": "self"}, format="json").status_code == 403
    reviewed = api_as(manager).post(f"{URL}{rid}/review/", {"comment": "Well done"}, format="json")
    assert reviewed.status_code == 200 and reviewed.json()["manager_comment"] == "Well done"
    again = client.patch(f"{URL}{rid}/", {"learnings": "late edit"}, format="json")
    assert again.status_code == 400 and "signed off" in str(again.json())


def test_a_second_report_and_a_future_day_are_400_with_reasons(api_as, rep, today):
    import datetime as dt

    client = api_as(rep)
    assert client.post(URL, {"day": today.isoformat()}, format="json").status_code == 201
    second = client.post(URL, {"day": today.isoformat()}, format="json")
    assert second.status_code == 400 and "day" in second.json()
    future = client.post(URL, {"day": (today + dt.timedelta(days=2)).isoformat()}, format="json")
    assert future.status_code == 400 and "future" in str(future.json())
    with scopes_disabled():
        assert DailyReport.objects.count() == 1


def test_too_many_visits_are_refused_before_anything_is_read(api_as, rep, today):
    rows = [{"prospect_name": f"P{n}"} for n in range(101)]
    response = api_as(rep).post(URL, {"day": today.isoformat(), "visits": rows}, format="json")
    assert response.status_code == 400 and "visits" in response.json()


@pytest.mark.parametrize(
    "body",
    [
        {"visits": "x"},
        {"visits": [{"id": "abc"}]},
        {"visits": [{"customer": 1, "cost": "-3"}]},
        {"visits": [{"prospect_name": "P", "orders": [{"lines": []}]}]},
        {"visits": [{"prospect_name": "P", "payments": [{"amount": "0"}]}]},
        {"attendance": "holiday"},
        {"day": "not-a-date"},
    ],
)
def test_malformed_input_is_400_never_500(api_as, rep, today, body):
    response = api_as(rep).post(URL, {"day": today.isoformat(), **body}, format="json")
    assert response.status_code == 400, response.content
    with scopes_disabled():
        assert not DailyReport.objects.exists()


def test_another_reps_visit_or_customer_is_400(api_as, rep, peer, today):
    peer_customer = CustomerFactory(tenant=rep.tenant, owner=peer)
    response = api_as(rep).post(
        URL, {"day": today.isoformat(), "visits": [{"customer": peer_customer.pk}]}, format="json"
    )
    assert response.status_code == 400 and "visits" in response.json()


def test_a_manager_outside_the_line_cannot_see_or_sign_off(api_as, tenant, rep, today):
    other_manager = MembershipFactory(tenant=tenant, role="manager", team=TeamFactory(tenant=tenant))
    report = DailyReportFactory(tenant=tenant, rep=rep, day=today, status="submitted")
    client = api_as(other_manager)
    assert client.get(f"{URL}{report.pk}/").status_code == 404
    assert client.post(f"{URL}{report.pk}/review/", {"comment": "x"}, format="json").status_code == 404


def test_the_review_queue_pages_oldest_day_first_without_repeats_or_gaps(
    api_as, tenant, manager, rep, peer, today
):
    import datetime as dt

    # Created in neither day order nor rep order, so no id order can pass for the queue's order.
    reports = [
        DailyReportFactory(tenant=tenant, rep=who, day=today - dt.timedelta(days=k), status="submitted")
        for k in (1, 2, 0)
        for who in (peer, rep)
    ]
    expected = [r.pk for r in sorted(reports, key=lambda r: (r.day, r.rep_id))]
    client, seen = api_as(manager), []
    url = f"{URL}review-queue/?page_size=3"  # pages of 3 split a day of 2 reports across pages
    while url:
        page = client.get(url).json()
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
    assert seen == expected


def test_the_list_syncs_and_filters(api_as, rep, today):
    report = DailyReportFactory(tenant=rep.tenant, rep=rep, day=today, status="submitted")
    client = api_as(rep)
    assert [r["id"] for r in client.get(f"{URL}?status=submitted").json()["results"]] == [report.pk]
    assert client.get(f"{URL}?status=draft").json()["results"] == []
    synced = client.get(f"{URL}?updated_since=0").json()
    assert "sync_token" in synced


def test_a_list_page_builds_the_visit_serializer_once_for_all_reports(api_as, manager, rep, peer, today):
    import datetime as dt
    from unittest import mock

    from apps.visits.api.reports import ReportVisitOut
    from tests.visits.factories import ReportOrderFactory, VisitFactory

    tenant = rep.tenant
    expected = {}
    for k in range(3):
        for who in (rep, peer):
            report = DailyReportFactory(tenant=tenant, rep=who, day=today - dt.timedelta(days=k))
            visits = [VisitFactory(tenant=tenant, rep=who, day=report.day, report=report) for _ in range(2)]
            link = ReportOrderFactory(tenant=tenant, report=report, visit=visits[1])
            expected[report.pk] = {visits[0].pk: [], visits[1].pk: [link.order_id]}
    built = mock.patch.object(
        ReportVisitOut, "get_fields", autospec=True, side_effect=ReportVisitOut.get_fields
    )
    with built as get_fields:
        rows = api_as(manager).get(URL).json()["results"]
    assert get_fields.call_count == 1
    # Each report still shows its own visits with their own orders.
    assert {r["id"]: {v["id"]: v["orders"] for v in r["visits"]} for r in rows} == expected


@pytest.mark.parametrize("path", [URL, MARKET])
def test_list_query_counts_do_not_grow_with_rows(
    path, api_as, tenant, manager, rep, peer, today, django_assert_max_num_queries
):
    import datetime as dt

    from tests.visits.factories import ReportOrderFactory, VisitFactory

    def add(n, start):
        for k in range(n):
            for who in (rep, peer):
                day = today - dt.timedelta(days=start + k)
                report = DailyReportFactory(tenant=tenant, rep=who, day=day)
                VisitFactory(tenant=tenant, rep=who, day=day, report=report)
                ReportOrderFactory(tenant=tenant, report=report)
                MarketReportFactory(
                    tenant=tenant, rep=who, customer=CustomerFactory(tenant=tenant, owner=who)
                )

    client = api_as(manager)
    add(1, 0)
    client.get(path)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(path)
    add(6, 10)
    with django_assert_max_num_queries(len(one.captured_queries)):
        rows = client.get(path).json()["results"]
    assert len(rows) == 14


def test_a_market_report_notifies_the_reps_manager_at_once(
    api_as, rep, manager, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(send_outbox_mail, "delay", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(rep).post(
            MARKET,
            {"title": "Rival price cut", "body": "10% off", "urgency": "urgent", "category": "price"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="m-1",
        )
    assert response.status_code == 201, response.json()
    with scopes_disabled():
        note = Notification.objects.get(recipient=manager)
        assert note.kind == "market_report" and "Rival price cut" in note.title
        assert OutboxMail.objects.get().to_address == manager.user.email
    assert len(sent) == 1
    send_outbox_mail(*sent[0])
    assert mail.outbox[0].to == [manager.user.email]
    assert f"/reports/market/{response.json()['id']}/" in mail.outbox[0].body


def test_without_reports_to_the_team_lead_is_told(tenant, manager, django_capture_on_commit_callbacks):
    from django_scopes import scope

    from apps.visits.services import escalation_recipients

    team = TeamFactory(tenant=tenant, lead=manager)
    loner = MembershipFactory(tenant=tenant, role="rep", team=team)
    with scope(tenant=tenant.pk):
        assert escalation_recipients(loner) == [manager]


def test_market_report_acknowledge_and_close_by_a_manager_above(api_as, rep, peer, manager):
    report = MarketReportFactory(tenant=rep.tenant, rep=rep)
    assert api_as(peer).post(f"{MARKET}{report.pk}/acknowledge/").status_code == 404
    assert api_as(rep).post(f"{MARKET}{report.pk}/acknowledge/").status_code == 403
    client = api_as(manager)
    ack = client.post(f"{MARKET}{report.pk}/acknowledge/", {"response": "Looking into it"}, format="json")
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    assert client.post(f"{MARKET}{report.pk}/acknowledge/").status_code == 400
    closed = client.post(f"{MARKET}{report.pk}/close/", {"response": "Matched the price"}, format="json")
    assert closed.json()["status"] == "closed" and closed.json()["response"] == "Matched the price"
    with scopes_disabled():
        told = list(Notification.objects.filter(recipient=rep).values_list("kind", flat=True).order_by("id"))
    assert told == ["market_report_acknowledged", "market_report_closed"]
    assert client.post(f"{MARKET}{report.pk}/close/", {"response": "x"}, format="json").status_code == 400


def test_a_market_report_about_a_peers_customer_is_400(api_as, rep, peer):
    customer = CustomerFactory(tenant=rep.tenant, owner=peer)
    response = api_as(rep).post(MARKET, {"title": "x", "customer": customer.pk}, format="json")
    assert response.status_code == 400 and "customer" in response.json()
    with scopes_disabled():
        assert not MarketReport.objects.exists()


def test_a_market_report_is_filed_while_the_broker_is_down(
    api_as, rep, manager, django_capture_on_commit_callbacks, monkeypatch
):
    from kombu.exceptions import OperationalError as BrokerDown

    def down(*args):
        raise BrokerDown("Connection refused")

    monkeypatch.setattr(send_outbox_mail, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(rep).post(MARKET, {"title": "Rival price cut", "category": "price"}, format="json")
    assert response.status_code == 201, response.json()
    with scopes_disabled():  # the mail waits in the outbox for the sweep
        assert OutboxMail.objects.get().status == "pending"
