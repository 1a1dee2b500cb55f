from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CategoryFactory, CustomerFactory, ProductFactory


@pytest.fixture
def own_customer(tenant, rep):
    return CustomerFactory(tenant=tenant, owner=rep, code="OWN1", name="Own Shop")


@pytest.fixture
def peer_customer(tenant, peer):
    return CustomerFactory(tenant=tenant, owner=peer, code="PEER1", name="Peer Shop")


@pytest.fixture
def category(tenant):
    return CategoryFactory(tenant=tenant, code="TEA", name="Tea")


@pytest.fixture
def product(tenant, category):
    return ProductFactory(
        tenant=tenant,
        category=category,
        sku="P1",
        list_price=Decimal("10.00"),
        unit_cost=Decimal("6.00"),
    )


@pytest.fixture
def product2(tenant, category):
    return ProductFactory(
        tenant=tenant,
        category=category,
        sku="P2",
        list_price=Decimal("3.50"),
        unit_cost=Decimal("1.25"),
    )


@pytest.fixture
def rival_product(rival):
    return ProductFactory(tenant=rival.tenant)


@pytest.fixture
def list_queries():
    """list_queries(client, url) -> number of queries one GET of the list takes (after a warm-up)."""

    def count(client, url, params=None):
        assert client.get(url, params).status_code == 200  # warm-up: token last-used stamp
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, params)
        assert response.status_code == 200
        return len(ctx)

    return count


@pytest.fixture
def committed_horizon(monkeypatch):
    """See tests/customers/conftest.py: pin the sync horizon to everything committed so far."""

    def horizon() -> int:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_current_xact_id()::text::bigint")
            return cur.fetchone()[0]

    monkeypatch.setattr("apps.tenancy.sync.current_horizon", horizon)
