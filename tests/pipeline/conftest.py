import datetime as dt

import pytest
from django.utils import translation
from django_scopes import scopes_disabled

from apps.pipeline.models import Stage
from apps.tenancy.dates import tenant_today
from tests.factories import CustomerFactory

from .factories import StageFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def today(tenant):
    return tenant_today(tenant)


@pytest.fixture
def stages(tenant):
    """The seed's steps: three open stages (the later ones with requirements), won and lost."""
    with scopes_disabled():
        return {
            "plan": StageFactory(tenant=tenant, name="Planning", order=10, probability=10),
            "approach": StageFactory(
                tenant=tenant, name="Approach", order=20, probability=30, requires_next_step=True
            ),
            "present": StageFactory(
                tenant=tenant,
                name="Presentation",
                order=30,
                probability=60,
                requires_amount=True,
                requires_expected_close=True,
            ),
            "won": StageFactory(tenant=tenant, name="Won", order=40, probability=100, kind=Stage.Kind.WON),
            "lost": StageFactory(tenant=tenant, name="Lost", order=50, probability=0, kind=Stage.Kind.LOST),
        }


@pytest.fixture
def shop(tenant, rep):
    return CustomerFactory(tenant=tenant, owner=rep, code="SHOP1", name="Corner Shop")


@pytest.fixture
def next_week(today):
    return today + dt.timedelta(days=7)
