"""/api/v1/weekly-progress/: visibility, filters, sync, rollup action, bad input, query counts."""

import pytest
from django_scopes import scope

from apps.reporting.services import rollup_week
from apps.tenancy.models import Role
from tests.factories import MembershipFactory, TeamFactory

from .conftest import WEEK, d, visit

pytestmark = pytest.mark.django_db
URL = "/api/v1/weekly-progress/"


@pytest.fixture
def rolled(tenant, field):
    with scope(tenant=tenant.pk):
        rollup_week(tenant=tenant, iso_year=WEEK[0], iso_week=WEEK[1])
    return field


def keys(response):
    assert response.status_code == 200, response.content
    return {(r["scope"], r["subject_id"]) for r in response.json()["results"]}


def test_a_rep_reads_only_their_own_rows(api_as, rolled):
    assert keys(api_as(rolled.rep_b).get(URL)) == {("rep", rolled.rep_b.pk)}


def test_a_manager_reads_their_line_and_team_subtree(api_as, tenant, rolled):
    outsider_team = TeamFactory(tenant=tenant, name="South")
    outsider = MembershipFactory(tenant=tenant, role=Role.REP, team=outsider_team)
    with scope(tenant=tenant.pk):
        rollup_week(tenant=tenant, iso_year=2026, iso_week=46)
    got = keys(api_as(rolled.manager).get(URL))
    assert got == {
        ("rep", rolled.rep_a.pk),
        ("rep", rolled.rep_b.pk),
        ("team", rolled.north.pk),
        ("team", rolled.north1.pk),
    }
    assert ("rep", outsider.pk) not in got


def test_an_admin_reads_all_and_filters_by_week_scope_and_team(api_as, admin, rolled):
    client = api_as(admin)
    assert keys(client.get(URL, {"week": "2026-W46", "scope": "team"})) == {
        ("team", rolled.north.pk),
        ("team", rolled.north1.pk),
    }
    assert keys(client.get(URL, {"team": rolled.north1.pk})) == {
        ("team", rolled.north1.pk),
        ("rep", rolled.rep_b.pk),
    }
    assert keys(client.get(URL, {"week": "2026-W47"})) == set()
    row = client.get(URL, {"scope": "rep", "rep": rolled.rep_a.pk}).json()["results"][0]
    assert (row["week"], row["revenue"], row["deal_rate"], row["rep_name"]) == (
        "2026-W46",
        "1500.00",
        "0.3333",
        "Anna",
    )


def test_a_malformed_week_filter_is_400(api_as, admin, rolled):
    response = api_as(admin).get(URL, {"week": "46"})
    assert response.status_code == 400
    assert "week" in response.json()


def test_rows_are_stamped_for_sync_and_deletions_leave_tombstones(api_as, admin, tenant, rolled):
    """The feed itself is covered by tests/tenancy/test_sync.py; here: the triggers are in place."""
    from django_scopes import scopes_disabled

    from apps.reporting.models import WeeklyProgress
    from apps.tenancy.models import Tombstone

    response = api_as(admin).get(URL, {"updated_since": 0})
    assert response.status_code == 200 and "sync_token" in response.json()
    with scopes_disabled():
        assert not WeeklyProgress.objects.filter(tenant=tenant, sync_xid=0).exists()
        WeeklyProgress.objects.filter(tenant=tenant, scope="team").delete()
        assert Tombstone.objects.filter(tenant=tenant, model="reporting.weeklyprogress").count() == 2


def test_rollup_action_recomputes_a_week(api_as, tenant, rolled):
    visit(rolled.rep_b, d(13), effective=True, customer=rolled.c3)
    response = api_as(rolled.manager).post(URL + "rollup/", {"week": "2026-W46"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["rows"] == 3  # rep_b, North-1, North changed
    row = api_as(rolled.manager).get(URL, {"scope": "rep", "rep": rolled.rep_b.pk}).json()["results"][0]
    assert row["visits_done"] == 3


@pytest.mark.parametrize("body", [{}, {"week": "next"}, {"week": "2026-W99"}, {"week": "2099-W01"}])
def test_rollup_action_refuses_bad_weeks_with_400(api_as, admin, rolled, body):
    response = api_as(admin).post(URL + "rollup/", body, format="json")
    assert response.status_code == 400
    assert "week" in response.json()


def test_rollup_action_is_403_for_reps(api_as, rolled):
    assert api_as(rolled.rep_a).post(URL + "rollup/", {"week": "2026-W46"}, format="json").status_code == 403


def test_list_query_count_does_not_grow_with_rows(
    api_as, admin, tenant, rolled, django_assert_max_num_queries
):
    client = api_as(admin)
    client.get(URL)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert len(client.get(URL, {"scope": "team", "team": rolled.north1.pk}).json()["results"]) == 1
    for _ in range(5):
        MembershipFactory(tenant=tenant, role=Role.REP, team=rolled.north1)
    with scope(tenant=tenant.pk):
        rollup_week(tenant=tenant, iso_year=2026, iso_week=46)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).json()["results"]) == 9
