import pytest
from django.db import IntegrityError, connection, transaction
from django_scopes import scope

from apps.tenancy.models import Tombstone
from apps.visits.models import Visit

from .factories import (
    DailyReportFactory,
    MarketReportFactory,
    ReportOrderFactory,
    ReportPaymentFactory,
    VisitFactory,
    VisitPhotoFactory,
    VisitPlanFactory,
)

pytestmark = pytest.mark.django_db


def test_factories_build_rows_of_one_tenant(tenant, rep):
    plan = VisitPlanFactory(tenant=tenant, rep=rep)
    visit = VisitFactory(tenant=tenant, rep=rep, plan=plan)
    photo = VisitPhotoFactory(tenant=tenant, visit=visit)
    order_link = ReportOrderFactory(
        tenant=tenant, report=DailyReportFactory(tenant=tenant, rep=rep), visit=visit
    )
    payment_link = ReportPaymentFactory(tenant=tenant, report=order_link.report, visit=visit)
    market = MarketReportFactory(tenant=tenant, rep=rep)
    with scope(tenant=tenant):
        assert list(plan.items.all()) == [visit] and visit.planned
        assert visit.customer.owner == rep and photo.uploaded_by == rep
        assert list(visit.visit_orders.all()) == [order_link]
        assert list(order_link.report.report_payments.all()) == [payment_link]
        assert order_link.order.tenant == tenant == payment_link.payment.tenant == market.tenant


def test_one_plan_per_rep_and_day(tenant, rep):
    plan = VisitPlanFactory(tenant=tenant, rep=rep)
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitPlanFactory(tenant=tenant, rep=rep, day=plan.day)


def test_a_visit_names_a_customer_or_a_prospect(tenant, rep):
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(tenant=tenant, rep=rep, customer=None, prospect_name="")
    assert VisitFactory(tenant=tenant, rep=rep, customer=None, prospect_name="New shop").pk


def test_a_visit_cannot_name_another_tenants_plan(tenant, other_tenant, rep):
    foreign_plan = VisitPlanFactory(tenant=other_tenant)
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(tenant=tenant, rep=rep, plan=foreign_plan)
        # the composite key is deferred until commit; forced here
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_deleting_a_synced_visit_leaves_a_tombstone(tenant, rep):
    visit = VisitFactory(tenant=tenant, rep=rep)
    pk = visit.pk
    with scope(tenant=tenant):
        assert Visit.objects.get(pk=pk).sync_xid > 0
        visit.delete()
        assert Tombstone.objects.filter(model="visits.visit", object_id=pk).exists()
