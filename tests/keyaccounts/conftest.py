import datetime as dt
import zoneinfo

import pytest
import time_machine

from tests.factories import CustomerFactory
from tests.web.conftest import client_as, url  # noqa: F401 - the page fixtures, shared

from .factories import KeyAccountPlanFactory

# Every test of the plans runs on one fixed day (Friday 20 November 2026, 10:00 in Shanghai).
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def key_account(tenant, rep):
    return CustomerFactory(tenant=tenant, owner=rep, code="KA1", name="Big Buyer", is_key_account=True)


@pytest.fixture
def plan(key_account):
    return KeyAccountPlanFactory(customer=key_account, title="Big Buyer FY plan")
