import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CustomerFactory


@pytest.fixture
def own_customer(tenant, rep):
    return CustomerFactory(tenant=tenant, owner=rep, code="OWN1", name="Own Shop")


@pytest.fixture
def peer_customer(tenant, peer):
    return CustomerFactory(tenant=tenant, owner=peer, code="PEER1", name="Peer Shop")


@pytest.fixture
def rival_customer(other_tenant, rival):
    return CustomerFactory(tenant=other_tenant, owner=rival, code="RIV1", name="Rival Shop")


@pytest.fixture
def list_queries():
    """list_queries(client, url) -> number of queries one GET of the list takes (after a warm-up)."""

    def count(client, url):
        assert client.get(url).status_code == 200  # warm-up: token last-used stamp, caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx)

    return count


@pytest.fixture
def committed_horizon(monkeypatch):
    """Sync delivers rows below the oldest transaction running anywhere in the PostgreSQL cluster, so
    a long transaction of another process on this shared server (a seed, a bench) holds rows back
    — by design. Tests of the sync feed pin the horizon to "everything committed so far"."""

    def horizon() -> int:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_current_xact_id()::text::bigint")
            return cur.fetchone()[0]

    monkeypatch.setattr("apps.tenancy.sync.current_horizon", horizon)
