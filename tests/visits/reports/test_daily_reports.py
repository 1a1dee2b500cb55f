"""Daily sales reports: filing with visits, orders and collections, submit, sign-off, refusals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope, scopes_disabled

from apps.sales.models import Order, Payment
from apps.tenancy.models import AuditLog, Notification
from apps.visits.models import DailyReport, ReportOrder, ReportPayment, Visit
from apps.visits.services import (
    daily_report_create,
    daily_report_review,
    daily_report_submit,
    daily_report_update,
    report_deadline,
)
from tests.factories import CustomerFactory, TenantFactory
from tests.visits.factories import DailyReportFactory, VisitFactory

pytestmark = pytest.mark.django_db


def _create(tenant, rep, day, visits=(), **fields):
    with scope(tenant=tenant.pk):
        return daily_report_create(tenant=tenant, by=rep, day=day, visits=list(visits), **fields)


def test_a_rep_files_a_report_whose_orders_and_payments_are_real_sales(
    tenant, rep, plan_visits, products, today, visit_rows
):
    rows = visit_rows(plan_visits)
    rows[0]["orders"] = [{"lines": [{"product": products[0].pk, "quantity": Decimal("3")}]}]
    rows[1]["payments"] = [{"amount": Decimal("50.00"), "method": "cash"}]
    rows[2]["outcome"] = "not_met"
    report = _create(tenant, rep, today, rows, competitor_info="Rival cut prices")
    with scope(tenant=tenant.pk):
        report.refresh_from_db()
        assert report.status == "draft" and report.competitor_info == "Rival cut prices"
        assert report.deadline_at == report_deadline(tenant=tenant, day=today)
        order = Order.objects.get()
        assert (order.customer_id, order.rep_id, order.order_date, order.amount) == (
            plan_visits[0].customer_id,
            rep.pk,
            today,
            Decimal("30.00"),
        )
        assert ReportOrder.objects.get().visit_id == plan_visits[0].pk
        payment = Payment.objects.get()
        assert (payment.customer_id, payment.amount, payment.method) == (
            plan_visits[1].customer_id,
            Decimal("50.00"),
            "cash",
        )
        assert ReportPayment.objects.get().visit_id == plan_visits[1].pk
        outcomes = dict(Visit.objects.values_list("pk", "outcome"))
        assert outcomes[plan_visits[2].pk] == "not_met" and outcomes[plan_visits[0].pk] == "done"
        assert set(Visit.objects.values_list("report_id", flat=True)) == {report.pk}
        assert AuditLog.objects.filter(action="visits.report.created", object_id=report.pk).exists()


def test_an_unplanned_visit_to_a_prospect_or_own_customer_is_added(tenant, rep, today):
    customer = CustomerFactory(tenant=tenant, owner=rep)
    report = _create(
        tenant,
        rep,
        today,
        [
            {"customer": customer.pk, "purpose": "order", "outcome": "done"},
            {
                "prospect_name": "New corner shop",
                "purpose": "new_customer",
                "outcome": "done",
                "effective": True,
            },
        ],
    )
    with scope(tenant=tenant.pk):
        visits = list(Visit.objects.filter(report=report).order_by("id"))
    assert [(v.planned, v.customer_id, v.prospect_name) for v in visits] == [
        (False, customer.pk, ""),
        (False, None, "New corner shop"),
    ]


@pytest.mark.parametrize(
    "case",
    [
        "future",
        "long_past",
        "second",
        "peer_visit",
        "peer_customer",
        "foreign_customer",
        "prospect_order",
        "bad_product",
    ],
)
def test_bad_reports_are_refused_with_a_reason_and_nothing_is_saved(
    case, tenant, rep, peer, plan_visits, products, today, visit_rows
):
    day, rows = today, visit_rows(plan_visits)
    if case == "future":
        day = today + dt.timedelta(days=1)
    elif case == "long_past":
        day, rows = today - dt.timedelta(days=32), []
    elif case == "second":
        _create(tenant, rep, today)
        rows = []
    elif case == "peer_visit":
        rows.append({"id": VisitFactory(tenant=tenant, rep=peer, day=today).pk, "outcome": "done"})
    elif case == "peer_customer":
        rows.append({"customer": CustomerFactory(tenant=tenant, owner=peer).pk})
    elif case == "foreign_customer":
        rows.append({"customer": CustomerFactory(tenant=TenantFactory()).pk})
    elif case == "prospect_order":
        rows.append(
            {"prospect_name": "X", "orders": [{"lines": [{"product": products[0].pk, "quantity": 1}]}]}
        )
    elif case == "bad_product":
        other = TenantFactory()
        from tests.factories import ProductFactory

        rows[0]["orders"] = [{"lines": [{"product": ProductFactory(tenant=other).pk, "quantity": 1}]}]
    with scopes_disabled():
        before = (
            DailyReport.objects.count(),
            Order.objects.count(),
            Visit.objects.filter(report__isnull=False).count(),
        )
    with pytest.raises(ValidationError) as err:
        _create(tenant, rep, day, rows)
    assert err.value.message_dict  # a reason, keyed by field
    with scopes_disabled():
        after = (
            DailyReport.objects.count(),
            Order.objects.count(),
            Visit.objects.filter(report__isnull=False).count(),
        )
    assert after == before


def test_submit_sets_on_time_against_the_deadline(tenant, rep, today):
    report = _create(tenant, rep, today - dt.timedelta(days=3))
    with scope(tenant=tenant.pk):
        late = daily_report_submit(report=report, by=rep)
    assert late.on_time is False and late.submitted_at is not None
    report = _create(tenant, rep, today)
    with scope(tenant=tenant.pk):
        DailyReport.objects.filter(pk=report.pk).update(deadline_at=report.deadline_at + dt.timedelta(days=1))
        report.refresh_from_db()
        assert daily_report_submit(report=report, by=rep).on_time is True
        with pytest.raises(ValidationError):
            daily_report_submit(report=report, by=rep)


def test_the_deadline_is_the_tenants_local_time(db):
    ny = TenantFactory(timezone="America/New_York")
    ny.refresh_from_db()
    deadline = report_deadline(tenant=ny, day=dt.date(2026, 11, 23))
    assert deadline.astimezone(dt.UTC) == dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC)  # 20:00 EST
    summer = report_deadline(tenant=ny, day=dt.date(2026, 7, 1))
    assert summer.astimezone(dt.UTC) == dt.datetime(2026, 7, 2, 0, 0, tzinfo=dt.UTC)  # 20:00 EDT


def test_a_manager_above_signs_off_and_the_rep_is_told(tenant, rep, manager, peer, today):
    report = _create(tenant, rep, today)
    with scope(tenant=tenant.pk):
        daily_report_submit(report=report, by=rep)
        with pytest.raises(PermissionDenied):
            daily_report_review(report=report, by=peer, comment="ok")
        with pytest.raises(PermissionDenied):
            daily_report_review(report=report, by=rep, comment="ok")
        with pytest.raises(ValidationError):
            daily_report_review(report=report, by=manager, comment="  ")
        daily_report_review(report=report, by=manager, comment="Good work, follow up on C1")
        report.refresh_from_db()
        assert (report.status, report.reviewed_by_id, report.manager_comment) == (
            "reviewed",
            manager.pk,
            "Good work, follow up on C1",
        )
        assert Notification.objects.filter(recipient=rep, kind="report_reviewed").count() == 1


def test_a_draft_cannot_be_signed_off_and_a_signed_off_report_cannot_be_edited(tenant, rep, manager, today):
    report = _create(tenant, rep, today)
    with scope(tenant=tenant.pk):
        with pytest.raises(ValidationError):
            daily_report_review(report=report, by=manager, comment="x")
        daily_report_submit(report=report, by=rep)
        daily_report_review(report=report, by=manager, comment="x")
        with pytest.raises(ValidationError):
            daily_report_update(report=report, by=rep, learnings="changed")
        report.refresh_from_db()
        assert report.learnings == ""


def test_update_adds_unplanned_visits_and_orders_until_sign_off(
    tenant, rep, plan_visits, products, today, visit_rows
):
    report = _create(tenant, rep, today, visit_rows(plan_visits[:1]))
    customer = CustomerFactory(tenant=tenant, owner=rep)
    with scope(tenant=tenant.pk):
        daily_report_update(
            report=report,
            by=rep,
            learnings="Listen more",
            visits=[
                {"id": plan_visits[1].pk, "outcome": "postponed"},
                {
                    "customer": customer.pk,
                    "outcome": "done",
                    "orders": [
                        {"lines": [{"product": products[1].pk, "quantity": 2, "unit_price": Decimal("8")}]}
                    ],
                },
            ],
        )
        report.refresh_from_db()
        assert report.learnings == "Listen more"
        assert Visit.objects.get(pk=plan_visits[1].pk).outcome == "postponed"
        assert Order.objects.get().amount == Decimal("16.00")
        assert ReportOrder.objects.get().visit.customer_id == customer.pk


def test_only_the_author_edits(tenant, rep, peer, manager, today):
    report = DailyReportFactory(tenant=tenant, rep=rep, day=today)
    with scope(tenant=tenant.pk):
        for who in (peer, manager):
            with pytest.raises(PermissionDenied):
                daily_report_update(report=report, by=who, learnings="x")


def test_filing_10_visits_3_orders_and_2_payments_takes_at_most_30_queries(
    tenant, rep, products, today, django_assert_max_num_queries, visit_rows
):
    from tests.visits.factories import VisitPlanFactory

    plan = VisitPlanFactory(tenant=tenant, rep=rep, day=today, status="approved")
    visits = [
        VisitFactory(tenant=tenant, rep=rep, day=today, plan=plan, planned=True, position=n) for n in range(8)
    ]
    extra = CustomerFactory(tenant=tenant, owner=rep)
    rows = visit_rows(visits) + [
        {"customer": extra.pk, "outcome": "done"},
        {"prospect_name": "Prospect", "outcome": "not_met"},
    ]
    for i in range(3):
        rows[i]["orders"] = [{"lines": [{"product": p.pk, "quantity": Decimal("2")} for p in products]}]
    for i in (3, 8):
        rows[i]["payments"] = [{"amount": Decimal("20.00")}]
    # 30: the order numbers' lock and the day's last number are two of them (sales.order_numbers_next);
    # the receivables three more (the orders' invoices, and oldest-first allocation after the orders
    # and after the payments: apps/sales/services/receivables.py).
    with scope(tenant=tenant.pk), django_assert_max_num_queries(30) as many:
        report = daily_report_create(tenant=tenant, by=rep, day=today, visits=rows)
    with scope(tenant=tenant.pk):
        assert report.visits.count() == 10
        assert ReportOrder.objects.filter(report=report).count() == 3
        assert ReportPayment.objects.filter(report=report).count() == 2
    # Set-based: the same report for one visit with one order and one collection costs the same.
    small = [
        {**visit_rows([VisitFactory(tenant=tenant, rep=rep, day=yesterday, position=0)])[0]}
        for yesterday in [today - dt.timedelta(days=1)]
    ]
    small.append({"customer": extra.pk, "outcome": "done"})
    small[0]["orders"] = [{"lines": [{"product": products[0].pk, "quantity": Decimal("1")}]}]
    small[0]["payments"] = [{"amount": Decimal("5.00")}]
    with scope(tenant=tenant.pk), django_assert_max_num_queries(len(many.captured_queries)) as one:
        daily_report_create(tenant=tenant, by=rep, day=today - dt.timedelta(days=1), visits=small)
    assert len(one.captured_queries) == len(many.captured_queries)
