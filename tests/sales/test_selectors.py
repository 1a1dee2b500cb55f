"""The dashboard's and the team page's figures: one period, confirmed orders, what the viewer may see."""

import datetime as dt
from decimal import Decimal

import pytest
from django_scopes import scope

from apps.sales.models import Order
from apps.sales.selectors import dashboard_figures, team_figures
from tests.factories import CustomerFactory, OrderFactory, PaymentFactory

pytestmark = pytest.mark.django_db

NOVEMBER = {"start": dt.date(2026, 11, 1), "end": dt.date(2026, 12, 1)}


@pytest.fixture
def month(rep, peer):
    """rep: a key account with a confirmed November order, a cancelled one, an October order and a payment;
    peer: one customer with a confirmed November order."""
    mine = CustomerFactory(tenant=rep.tenant, owner=rep, is_key_account=True)
    OrderFactory(
        customer=mine, order_date=dt.date(2026, 11, 2), amount=Decimal("500"), gross_margin=Decimal("200")
    )
    OrderFactory(
        customer=mine, order_date=dt.date(2026, 11, 3), amount=Decimal("70"), status=Order.Status.CANCELLED
    )
    OrderFactory(customer=mine, order_date=dt.date(2026, 10, 31), amount=Decimal("900"))
    PaymentFactory(customer=mine, received_on=dt.date(2026, 11, 3), amount=Decimal("120"))
    theirs = CustomerFactory(tenant=peer.tenant, owner=peer)
    OrderFactory(customer=theirs, order_date=dt.date(2026, 11, 5), amount=Decimal("40"))


def test_dashboard_figures_count_the_viewers_confirmed_orders_of_the_period(tenant, rep, month):
    with scope(tenant=tenant):
        figures = dashboard_figures(tenant=tenant, viewer=rep, **NOVEMBER)
    assert figures["customers"] == {"total": 1, "key_accounts": 1}
    assert figures["month_orders"] == {"count": 1, "amount": Decimal("500"), "margin": Decimal("200")}
    assert figures["collections"] == {"count": 1, "amount": Decimal("120")}


def test_team_figures_give_each_member_of_the_line_their_period(tenant, manager, rep, peer, month):
    with scope(tenant=tenant):
        rows = {row["member"].pk: row for row in team_figures(tenant=tenant, viewer=manager, **NOVEMBER)}
    figures = {pk: (r["customers"], r["orders"], r["revenue"], r["collections"]) for pk, r in rows.items()}
    assert figures[rep.pk] == (1, 1, Decimal("500"), Decimal("120"))
    assert figures[peer.pk] == (1, 1, Decimal("40"), None)
