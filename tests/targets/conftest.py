"""A small sales book with hand-computed KPIs (see test_engine.py for the figures).

Teams: North ⊃ North-1. rep_a is in North, rep_b in North-1; both report to `manager`.
Regions: R ⊃ R1. Customers: k1 (rep_a, R1, key account), c2 (rep_a, R), c3 (rep_b, R1).
Categories X and Y with one product each.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django_scopes import scopes_disabled

from apps.org.services import closure_rebuild_all
from apps.sales.models import Order
from apps.tenancy.models import Role
from tests.factories import (
    CategoryFactory,
    CustomerFactory,
    MembershipFactory,
    OrderFactory,
    OrderLineFactory,
    PaymentFactory,
    ProductFactory,
    RegionFactory,
    TeamFactory,
)


def order(customer, day, *lines, rep=None, status=Order.Status.CONFIRMED):
    """An order with lines given as (product, amount, cost)."""
    o = OrderFactory(
        tenant=customer.tenant, customer=customer, rep=rep or customer.owner, order_date=day, status=status
    )
    for product, amount, cost in lines:
        OrderLineFactory(order=o, product=product, amount=Decimal(amount), cost=Decimal(cost))
    return o


@pytest.fixture
def book(tenant, admin):
    north = TeamFactory(tenant=tenant, name="North")
    north1 = TeamFactory(tenant=tenant, name="North-1", parent=north)
    region = RegionFactory(tenant=tenant, code="R", name="R")
    region1 = RegionFactory(tenant=tenant, code="R1", name="R1", parent=region)
    manager = MembershipFactory(tenant=tenant, role=Role.MANAGER, team=north, reports_to=admin)
    rep_a = MembershipFactory(tenant=tenant, role=Role.REP, team=north, reports_to=manager)
    rep_b = MembershipFactory(tenant=tenant, role=Role.REP, team=north1, reports_to=manager)
    with scopes_disabled():
        closure_rebuild_all(tenant_id=tenant.pk)
    cat_x = CategoryFactory(tenant=tenant, code="X")
    cat_y = CategoryFactory(tenant=tenant, code="Y")
    px = ProductFactory(tenant=tenant, category=cat_x)
    py = ProductFactory(tenant=tenant, category=cat_y)
    k1 = CustomerFactory(
        tenant=tenant,
        owner=rep_a,
        region=region1,
        is_key_account=True,
        first_order_date=dt.date(2026, 10, 31),
    )
    c2 = CustomerFactory(tenant=tenant, owner=rep_a, region=region, first_order_date=dt.date(2026, 11, 1))
    c3 = CustomerFactory(
        tenant=tenant, owner=rep_b, region=region1, segment="dealer", first_order_date=dt.date(2026, 10, 5)
    )
    # The last day of October in Asia/Shanghai: October's, not November's.
    order(k1, dt.date(2026, 10, 31), (px, "1000", "600"), (py, "500", "200"))
    order(c2, dt.date(2026, 11, 1), (px, "300", "100"))
    order(c3, dt.date(2026, 11, 15), (py, "200", "150"))
    order(c3, dt.date(2026, 10, 5), (px, "400", "100"))
    order(k1, dt.date(2026, 11, 10), (px, "9999", "1"), status=Order.Status.CANCELLED)
    PaymentFactory(
        tenant=tenant, customer=k1, rep=rep_a, received_on=dt.date(2026, 10, 31), amount=Decimal("250")
    )
    PaymentFactory(
        tenant=tenant, customer=c3, rep=rep_b, received_on=dt.date(2026, 11, 2), amount=Decimal("100")
    )
    return SimpleNamespace(
        tenant=tenant,
        north=north,
        north1=north1,
        region=region,
        region1=region1,
        manager=manager,
        rep_a=rep_a,
        rep_b=rep_b,
        cat_x=cat_x,
        cat_y=cat_y,
        px=px,
        py=py,
        k1=k1,
        c2=c2,
        c3=c3,
    )


@pytest.fixture
def rival_book(other_tenant):
    """Another tenant's facts on the same days, bigger than ours so any leak shows."""
    rep = MembershipFactory(tenant=other_tenant, role=Role.REP)
    product = ProductFactory(tenant=other_tenant)
    customer = CustomerFactory(
        tenant=other_tenant, owner=rep, is_key_account=True, first_order_date=dt.date(2026, 10, 31)
    )
    order(customer, dt.date(2026, 10, 31), (product, "77777", "1"))
    order(customer, dt.date(2026, 11, 1), (product, "88888", "1"))
    PaymentFactory(
        tenant=other_tenant,
        customer=customer,
        rep=rep,
        received_on=dt.date(2026, 11, 2),
        amount=Decimal("5555"),
    )
    return SimpleNamespace(rep=rep, customer=customer)
