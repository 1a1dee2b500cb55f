"""REST for targets: roles, transitions, decomposition tree, progress, bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from apps.targets.models import Target
from tests.factories import MembershipFactory

from .factories import TargetFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/targets/"


def body(book, **fields):
    return {
        "metric": "revenue",
        "owner_kind": "rep",
        "rep": book.rep_a.pk,
        "grain": "month",
        "period_start": "2026-11-01",
        "value": "600",
        "statement": "November revenue of 600",
        **fields,
    }


def count(tenant):
    with scopes_disabled():
        return Target.objects.filter(tenant=tenant).count()


def test_a_rep_creates_their_own_target_but_not_a_peers(book, api_as):
    client = api_as(book.rep_a)
    created = client.post(URL, body(book), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "draft" and created.json()["achievability_warning"] == ""
    refused = client.post(URL, body(book, rep=book.rep_b.pk), format="json")
    assert refused.status_code == 400 and "rep" in refused.json()
    assert count(book.tenant) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"metric": "nope"}, "metric"),
        ({"period_start": "2026-11-05"}, "period_start"),
        ({"grain": "day"}, "grain"),
        ({"owner_kind": "team"}, "team"),
    ],
)
def test_bad_targets_are_400_and_nothing_is_saved(book, api_as, fields, field):
    response = api_as(book.manager).post(URL, body(book, **fields), format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert count(book.tenant) == 0


def test_reps_see_their_own_targets_and_managers_their_line(book, admin, api_as):
    mine = TargetFactory(tenant=book.tenant, rep=book.rep_a)
    peers = TargetFactory(tenant=book.tenant, rep=book.rep_b)
    elsewhere = TargetFactory(tenant=book.tenant)  # a rep outside the manager's line
    ids = lambda who: {t["id"] for t in api_as(who).get(URL).json()["results"]}  # noqa: E731
    assert ids(book.rep_a) == {mine.pk}
    assert ids(book.manager) == {mine.pk, peers.pk}
    assert ids(admin) == {mine.pk, peers.pk, elsewhere.pk}


def test_propose_then_approve_by_the_manager_above(book, api_as):
    target = api_as(book.rep_a).post(URL, body(book), format="json").json()
    detail = f"{URL}{target['id']}/"
    assert api_as(book.manager).post(detail + "approve/").status_code == 400  # still a draft
    assert api_as(book.rep_a).post(detail + "propose/").json()["status"] == "proposed"
    assert api_as(book.rep_a).post(detail + "approve/").status_code == 403
    approved = api_as(book.manager).post(detail + "approve/")
    assert approved.status_code == 200 and approved.json()["approved_by"] == book.manager.pk


def test_decompose_tree_and_mismatch_blocking_approval(book, admin, api_as):
    client = api_as(admin)
    parent = client.post(
        URL,
        {
            "metric": "revenue",
            "owner_kind": "tenant",
            "grain": "month",
            "period_start": "2027-10-01",
            "value": "3800",
        },
        format="json",
    ).json()
    detail = f"{URL}{parent['id']}/"
    children = client.post(
        detail + "decompose/",
        {"allocation": "history", "children": [{"rep": book.rep_a.pk}, {"rep": book.rep_b.pk}]},
        format="json",
    )
    assert children.status_code == 201, children.json()
    assert [c["value"] for c in children.json()] == ["3000.0000", "800.0000"]
    first = children.json()[0]["id"]
    assert client.patch(f"{URL}{first}/", {"value": "2900"}, format="json").status_code == 200
    tree = client.get(detail + "tree/").json()
    assert tree["children_sum"] == "3700.0000" and tree["mismatch"] == "100.0000"
    assert len(tree["children"]) == 2
    assert parent["achievability_warning"]  # 3800 against 1900 last October
    proposed = client.post(detail + "propose/", {"justification": "Two new dealers signed"}, format="json")
    assert proposed.json()["status"] == "proposed"
    refused = client.post(detail + "approve/")
    assert refused.status_code == 400 and "100" in str(refused.json())


def test_a_locked_target_changes_only_with_a_reason_and_keeps_versions(book, admin, api_as):
    target = TargetFactory(tenant=book.tenant, rep=book.rep_a, status=Target.Status.LOCKED)
    client = api_as(book.manager)
    assert client.patch(f"{URL}{target.pk}/", {"value": "700"}, format="json").status_code == 400
    changed = client.patch(f"{URL}{target.pk}/", {"value": "700", "reason": "Lost a dealer"}, format="json")
    assert changed.status_code == 200 and changed.json()["version"] == 2
    log = client.get(f"{URL}{target.pk}/changes/").json()
    assert [(c["version"], c["reason"], c["changed_by"]) for c in log] == [
        (2, "Lost a dealer", book.manager.pk)
    ]


def test_progress_reads_actuals_for_the_visible_targets(book, api_as):
    target = TargetFactory(tenant=book.tenant, rep=book.rep_a, value="600")
    TargetFactory(tenant=book.tenant, rep=book.rep_b, value="1000")
    rows = api_as(book.rep_a).get(URL + "progress/", {"today": "2026-11-15"}).json()
    assert rows == [
        {
            "target": target.pk,
            "metric": "revenue",
            "value": 600.0,
            "actual": 300.0,
            "attainment": 0.5,
            "expected": 300.0,
            "forecast": 600.0,
            "gap": 300.0,
            "elapsed": 0.5,
            "status": "on_track",
        }
    ]


def test_only_drafts_are_deleted(book, api_as):
    draft = TargetFactory(tenant=book.tenant, rep=book.rep_a)
    proposed = TargetFactory(tenant=book.tenant, rep=book.rep_a, status=Target.Status.PROPOSED)
    client = api_as(book.rep_a)
    assert client.delete(f"{URL}{proposed.pk}/").status_code == 400
    assert client.delete(f"{URL}{draft.pk}/").status_code == 204


def test_progress_endpoint_query_count_is_pinned_whatever_the_number_of_targets(book, admin, api_as):
    client = api_as(admin)
    TargetFactory(tenant=book.tenant, rep=book.rep_a)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL + "progress/", {"today": "2026-11-15"}).status_code == 200
    for _ in range(25):
        rep = MembershipFactory(tenant=book.tenant, reports_to=book.manager)
        TargetFactory(tenant=book.tenant, rep=rep)
        TargetFactory(tenant=book.tenant, rep=rep, metric="collections")
    with CaptureQueriesContext(connection) as many:
        rows = client.get(URL + "progress/", {"today": "2026-11-15"}).json()
    assert len(rows) == 51
    # token (+ its last-used stamp on a first call), the target list, one grouped query per
    # (metric, grain, owner kind): collections adds one, fifty more targets add none
    assert len(many.captured_queries) <= len(few.captured_queries) + 1
    assert len(many.captured_queries) <= 6


def test_seasonal_profiles_over_rest(book, admin, api_as):
    url = "/api/v1/seasonal-profiles/"
    assert api_as(admin).post(url, {"name": "Short", "weights": [1] * 11}, format="json").status_code == 400
    assert (
        api_as(book.rep_a).post(url, {"name": "Flat", "weights": [1] * 12}, format="json").status_code == 403
    )
    created = api_as(admin).post(url, {"name": "Flat", "weights": [1] * 12}, format="json")
    assert created.status_code == 201 and created.json()["weights"] == [1.0] * 12
    assert [p["name"] for p in api_as(book.rep_a).get(url).json()["results"]] == ["Flat"]
