"""A week of field work with hand-computed figures (ISO week 2026-W46: Mon 9 – Sun 15 November).

Teams North ⊃ North-1; rep_a in North, rep_b in North-1, both under `manager` (North).
Customers c1, c2 (rep_a), c3 (rep_b; first ordered in October).

rep_a: orders o1 (c1, 10 Nov, 1000/600, taken on visit va1: c1's first order) and o2 (c2, 11 Nov,
500/300, c2's first order, not on a visit); a payment of 400. Visits: va1 done effective (order,
cost 30), va2 done not effective (new customer, 20), va3 not met (service, 10), va4 done effective
(collection, 0), va5 pending prospect; va6 next week. Reports: 10 Nov on time, 11 Nov late,
12 Nov draft. Target: 3000 for November (locked) -> 700 for the week (7 of 30 days).
rep_b: order o3 (c3, 12 Nov, 800/500, taken on visit vb1); visits vb1 done effective (order, 40),
vb2 done, effectiveness not given (service). Report 12 Nov reviewed, on time.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django_scopes import scopes_disabled

from apps.customers.models import Customer
from apps.org.services import closure_rebuild_all
from apps.targets.models import Target
from apps.tenancy.models import Role
from apps.visits.models import DailyReport, MarketReport, ReportOrder, Visit
from tests.factories import (
    CustomerFactory,
    MembershipFactory,
    OrderFactory,
    OrderLineFactory,
    PaymentFactory,
    TeamFactory,
)

WEEK = (2026, 46)
MONDAY = dt.date(2026, 11, 9)


def d(day: int, month: int = 11) -> dt.date:
    return dt.date(2026, month, day)


def order(customer, day, amount, cost, rep=None):
    o = OrderFactory(tenant=customer.tenant, customer=customer, rep=rep or customer.owner, order_date=day)
    OrderLineFactory(order=o, amount=Decimal(amount), cost=Decimal(cost))
    return o


def visit(
    rep, day, *, outcome="done", effective=None, purpose="service", cost="0", customer=None, prospect=""
):
    with scopes_disabled():
        return Visit.objects.create(
            tenant=rep.tenant,
            rep=rep,
            day=day,
            customer=customer,
            prospect_name=prospect,
            purpose=purpose,
            outcome=outcome,
            effective=effective,
            cost=Decimal(cost),
        )


def report(rep, day, *, status="submitted", on_time=True, **texts):
    tz = rep.tenant.tzinfo
    deadline = dt.datetime.combine(day, dt.time(20, 0), tzinfo=tz)
    with scopes_disabled():
        return DailyReport.objects.create(
            tenant=rep.tenant,
            rep=rep,
            day=day,
            status=status,
            deadline_at=deadline,
            submitted_at=None if status == "draft" else deadline - dt.timedelta(hours=1 if on_time else -1),
            on_time=None if status == "draft" else on_time,
            **texts,
        )


def link(report_row, visit_row, order_row):
    with scopes_disabled():
        return ReportOrder.objects.create(
            tenant=report_row.tenant, report=report_row, visit=visit_row, order=order_row
        )


@pytest.fixture
def field(tenant, admin):
    north = TeamFactory(tenant=tenant, name="North")
    north1 = TeamFactory(tenant=tenant, name="North-1", parent=north)
    manager = MembershipFactory(
        tenant=tenant, role=Role.MANAGER, team=north, reports_to=admin, user__username="fmgr"
    )
    rep_a = MembershipFactory(
        tenant=tenant,
        role=Role.REP,
        team=north,
        reports_to=manager,
        user__username="frep_a",
        display_name="Anna",
    )
    rep_b = MembershipFactory(
        tenant=tenant,
        role=Role.REP,
        team=north1,
        reports_to=manager,
        user__username="frep_b",
        display_name="Bo",
    )
    with scopes_disabled():
        closure_rebuild_all(tenant_id=tenant.pk)
    c1 = CustomerFactory(tenant=tenant, owner=rep_a, name="Cedar Co")
    c2 = CustomerFactory(tenant=tenant, owner=rep_a, name="Dune Ltd")
    c3 = CustomerFactory(tenant=tenant, owner=rep_b, name="Elm Inc")
    o0 = order(c3, d(1, 10), "200", "100")
    o1 = order(c1, d(10), "1000", "600")
    o2 = order(c2, d(11), "500", "300")
    o3 = order(c3, d(12), "800", "500")
    with scopes_disabled():
        for customer, first in ((c1, d(10)), (c2, d(11)), (c3, d(1, 10))):
            Customer.objects.filter(pk=customer.pk).update(first_order_date=first)
    PaymentFactory(tenant=tenant, customer=c1, rep=rep_a, received_on=d(12), amount=Decimal("400"))

    va1 = visit(rep_a, d(10), effective=True, purpose="order", cost="30", customer=c1)
    va2 = visit(rep_a, d(11), effective=False, purpose="new_customer", cost="20", customer=c2)
    va3 = visit(rep_a, d(12), outcome="not_met", purpose="service", cost="10", customer=c1)
    va4 = visit(rep_a, d(13), effective=True, purpose="collection", customer=c1)
    visit(rep_a, d(13), outcome="pending", prospect="Fir Shop")
    visit(rep_a, d(16), effective=True, purpose="order", cost="99", customer=c1)
    vb1 = visit(rep_b, d(12), effective=True, purpose="order", cost="40", customer=c3)
    vb2 = visit(rep_b, d(14), purpose="service", customer=c3)

    ra1 = report(rep_a, d(10), on_time=True, competitor_info="Rival cut prices by 5%")
    report(rep_a, d(11), on_time=False, complaints_handled="Late delivery at Dune")
    report(rep_a, d(12), status="draft")
    rb1 = report(rep_b, d(12), status="reviewed", on_time=True)
    link(ra1, va1, o1)
    link(rb1, vb1, o3)
    with scopes_disabled():
        MarketReport.objects.create(
            tenant=tenant,
            rep=rep_b,
            raised_at=dt.datetime(2026, 11, 13, 9, 0, tzinfo=tenant.tzinfo),
            title="New competitor warehouse",
            body="Opened next to Elm",
            urgency="urgent",
        )
        Target.objects.create(
            tenant=tenant,
            metric="revenue",
            owner_kind="rep",
            rep=rep_a,
            grain="month",
            period_start=d(1),
            value=Decimal("3000"),
            status=Target.Status.LOCKED,
        )
    return SimpleNamespace(
        north=north,
        north1=north1,
        manager=manager,
        rep_a=rep_a,
        rep_b=rep_b,
        c1=c1,
        c2=c2,
        c3=c3,
        orders=(o0, o1, o2, o3),
        visits=(va1, va2, va3, va4, vb1, vb2),
    )
