"""GET/PATCH /api/v1/organisation/: every member reads their own organisation, only its admins
change it, bad input is a 400 by field, and no token reaches another organisation."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.tenancy.context import tenant_context
from apps.tenancy.models import AuditLog, Tenant

pytestmark = pytest.mark.django_db

URL = "/api/v1/organisation/"


@pytest.fixture(autouse=True)
def pinned_now():
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.mark.parametrize("role", ["admin", "manager", "rep", "viewer"])
def test_every_member_reads_their_organisation(request, api_as, role):
    response = api_as(request.getfixturevalue(role)).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert (body["slug"], body["name"], body["currency"]) == ("acme", "Acme", "CNY")
    assert body["working_days"] == [1, 2, 3, 4, 5]
    assert body["work_start"] == "09:00:00" and body["logo_url"] is None
    assert body["managers_manage_people"] is False


def test_an_admin_changes_settings_and_the_change_is_audited(api_as, admin, tenant):
    response = api_as(admin).patch(
        URL,
        {
            "name": "Acme Trading",
            "working_days": [1, 2, 3, 4, 5, 6],
            "holidays": [{"date": "2026-10-01", "name": "National Day"}],
            "managers_manage_people": True,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["holidays"] == [{"date": "2026-10-01", "name": "National Day"}]
    tenant.refresh_from_db()
    assert tenant.name == "Acme Trading" and tenant.managers_manage_people
    with tenant_context(tenant):
        entry = AuditLog.objects.get(action="tenancy.settings.updated")
    assert entry.actor_id == admin.pk
    assert set(entry.changes) == {"name", "working_days", "holidays", "managers_manage_people"}


@pytest.mark.parametrize("role", ["manager", "rep", "viewer"])
def test_only_an_admin_may_change_them(request, api_as, tenant, role):
    response = api_as(request.getfixturevalue(role)).patch(URL, {"name": "Taken over"}, format="json")
    assert response.status_code == 403
    assert Tenant.objects.get(pk=tenant.pk).name == "Acme"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"currency": "RMB"}, "currency"),
        ({"working_days": [1, 1]}, "working_days"),
        ({"working_days": [9]}, "working_days"),
        ({"checkin_radius_m": 5}, "checkin_radius_m"),
        ({"work_start": "19:00"}, "work_end"),
        (
            {"holidays": [{"date": "2026-10-01", "name": "A"}, {"date": "2026-10-01", "name": "B"}]},
            "holidays",
        ),
        ({"holidays": [{"date": "1999-01-01", "name": "Long ago"}]}, "holidays"),
        ({"holidays": "2026-10-01"}, "holidays"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_a_400_with_the_field(api_as, admin, tenant, payload, field):
    response = api_as(admin).patch(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    with tenant_context(tenant):
        assert not AuditLog.objects.filter(action="tenancy.settings.updated").exists()


def test_a_token_only_ever_reaches_its_own_organisation(api_as, admin, rival, tenant, other_tenant):
    assert api_as(rival).get(URL).json()["slug"] == other_tenant.slug
    assert api_as(rival).patch(URL, {"name": "Rival Renamed"}, format="json").status_code == 200
    assert Tenant.objects.get(pk=tenant.pk).name == "Acme"
    assert Tenant.objects.get(pk=other_tenant.pk).name == "Rival Renamed"
    with tenant_context(tenant):
        assert not AuditLog.objects.filter(action="tenancy.settings.updated").exists()


def test_it_needs_a_token(client):
    assert client.get(URL).status_code in (401, 403)


def test_it_is_in_the_schema(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    assert set(paths[URL]) >= {"get", "patch"}
