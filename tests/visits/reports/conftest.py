"""Fixtures of the daily and market report tests."""

from decimal import Decimal

import pytest

from apps.tenancy.dates import tenant_today
from tests.factories import CategoryFactory, CustomerFactory, ProductFactory
from tests.visits.factories import VisitFactory, VisitPlanFactory


@pytest.fixture
def today(tenant):
    return tenant_today(tenant)


@pytest.fixture
def products(tenant):
    category = CategoryFactory(tenant=tenant)
    return [
        ProductFactory(
            tenant=tenant, category=category, list_price=Decimal("10.00"), unit_cost=Decimal("6.00")
        )
        for _ in range(2)
    ]


@pytest.fixture
def plan_visits(tenant, rep, today):
    """Today's approved plan of the rep with three items at three of the rep's customers."""
    plan = VisitPlanFactory(tenant=tenant, rep=rep, day=today, status="approved")
    return [
        VisitFactory(
            tenant=tenant,
            rep=rep,
            day=today,
            plan=plan,
            planned=True,
            position=n,
            customer=CustomerFactory(tenant=tenant, owner=rep),
        )
        for n in range(3)
    ]


@pytest.fixture
def visit_rows():
    """visit_rows(visits) -> the report's rows for those visits: done, effective, cost 5.00."""

    def make(visits, **extra):
        return [{"id": v.pk, "outcome": "done", "effective": True, "cost": "5.00", **extra} for v in visits]

    return make


@pytest.fixture(autouse=True)
def no_language_left_active():
    """A page request activates the user's language for the thread and leaves it active: reset it,
    so a Chinese-speaking user's test does not turn the next test's messages Chinese."""
    yield
    from django.utils import translation

    translation.deactivate()
