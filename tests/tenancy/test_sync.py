"""Incremental sync pages on commit order: a row whose transaction commits late is still delivered."""

import base64
import json
import time

import psycopg
import pytest
from django.db import connection

from tests.factories import MembershipFactory, TeamFactory, TenantFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _dsn() -> str:
    s = connection.settings_dict
    return f"host={s['HOST']} port={s['PORT']} dbname={s['NAME']} user={s['USER']} password={s['PASSWORD']}"


def _sync(client, token):
    names, url = [], f"/api/v1/teams/?updated_since={token}&page_size=2"
    while url:
        body = client.get(url).json()
        names += [row["name"] for row in body["results"]]
        url, token = body["next"], body["sync_token"] if body["sync_token"] is not None else token
    return names, token


def _sync_until(client, token, count, path="/api/v1/teams/"):
    """Sync until `count` rows arrived. The horizon is cluster-wide: a transaction of another test
    process may hold it back for a moment, which delays rows but never loses them."""
    deadline = time.monotonic() + 20
    names = []
    while True:
        got, token = _sync(client, token) if path == "/api/v1/teams/" else _tombstones(client, token)
        names += got
        if len(names) >= count or time.monotonic() > deadline:
            return names, token
        time.sleep(0.2)


def _tombstones(client, token):
    body = client.get(f"/api/v1/sync/deletions/?updated_since={token}").json()
    return [(r["model"], r["object_id"]) for r in body["results"]], body["sync_token"]


def test_a_late_committing_row_is_not_skipped(api_as):
    tenant = TenantFactory(slug="sync-org")
    member = MembershipFactory(tenant=tenant, role="admin")
    TeamFactory(tenant=tenant, name="early")
    client = api_as(member)
    names, token = _sync_until(client, 0, 1)
    assert names == ["early"]

    slow = psycopg.connect(_dsn())  # begins a transaction, writes, and stays open
    slow.execute(
        "INSERT INTO org_team (tenant_id, name, created_at, updated_at) VALUES (%s, 'slow', now(), now())",
        [tenant.pk],
    )
    TeamFactory(tenant=tenant, name="fast")  # a later transaction that commits first

    names, token2 = _sync(client, token)
    assert names == []  # "fast" waits behind the still-running transaction instead of jumping it
    slow.commit()
    slow.close()
    names, token3 = _sync_until(client, token2, 2)
    assert sorted(names) == ["fast", "slow"]
    assert _sync(client, token3)[0] == []


def test_deletions_arrive_as_tombstones(api_as):
    tenant = TenantFactory(slug="sync-del")
    member = MembershipFactory(tenant=tenant, role="admin")
    team = TeamFactory(tenant=tenant, name="gone")
    client = api_as(member)
    first = client.get("/api/v1/sync/deletions/?updated_since=0").json()
    assert first["results"] == []
    team_id = team.pk
    from django_scopes import scopes_disabled

    with scopes_disabled():
        team.delete()
    rows, _token = _sync_until(client, first["sync_token"], 1, path="deletions")
    assert rows == [("org.team", team_id)]


def test_a_bad_sync_token_is_400(api_as):
    member = MembershipFactory(tenant=TenantFactory(slug="sync-bad"), role="admin")
    response = api_as(member).get("/api/v1/teams/?updated_since=yesterday")
    assert response.status_code == 400
    assert "updated_since" in response.json()
    response = api_as(member).get("/api/v1/teams/?updated_since=0&sync_cursor=%%%")
    assert response.status_code == 400
    response = api_as(member).get("/api/v1/teams/?updated_since=99999999999999999999999")
    assert response.status_code == 400
    huge = base64.urlsafe_b64encode(json.dumps({"h": 10**30, "x": 1, "i": 1}).encode()).decode()
    response = api_as(member).get(f"/api/v1/teams/?updated_since=0&sync_cursor={huge}")
    assert response.status_code == 400
