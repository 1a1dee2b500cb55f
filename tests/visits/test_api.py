import datetime as dt

import pytest
from django_scopes import scope

from apps.customers.models import Customer
from apps.visits.models import Visit, VisitPhoto, VisitPlan
from tests.factories import CustomerFactory

from .conftest import jpeg_bytes
from .factories import VisitFactory, VisitPhotoFactory, VisitPlanFactory

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/visit-plans/"
VISITS = "/api/v1/visits/"


def plan_url(plan, action=""):
    return f"{PLANS}{plan.pk}/{action + '/' if action else ''}"


def visit_url(visit, action=""):
    return f"{VISITS}{visit.pk}/{action + '/' if action else ''}"


def test_a_rep_creates_a_plan_with_items_submits_and_the_manager_approves(api_as, rep, manager, shop, today):
    client = api_as(rep)
    body = {
        "day": today.isoformat(),
        "note": "East side",
        "items": [
            {"customer": shop.pk, "area": "Huangpu", "planned_time": "09:30", "purpose": "order"},
            {"prospect_name": "New Mart", "purpose": "new_customer"},
        ],
    }
    created = client.post(PLANS, body, format="json", HTTP_IDEMPOTENCY_KEY="plan-1")
    assert created.status_code == 201, created.json()
    plan = created.json()
    assert plan["rep"] == rep.pk and plan["status"] == "draft"
    assert [i["customer_name"] for i in plan["items"]] == ["Bund Grocery", None]
    replay = client.post(PLANS, body, format="json", HTTP_IDEMPOTENCY_KEY="plan-1")
    assert replay.json() == plan and replay["Idempotent-Replayed"] == "true"

    pk = plan["id"]
    assert client.post(f"{PLANS}{pk}/submit/").json()["status"] == "submitted"
    assert client.post(f"{PLANS}{pk}/approve/", {}, format="json").status_code == 403
    boss = api_as(manager)
    queue = boss.get(f"{PLANS}queue/").json()["results"]
    assert [p["id"] for p in queue] == [pk]
    assert [p["id"] for p in boss.get(PLANS, {"queue": 1}).json()["results"]] == [pk]
    approved = boss.post(f"{PLANS}{pk}/approve/", {"comment": "Good"}, format="json").json()
    assert (approved["status"], approved["reviewed_by"], approved["review_comment"]) == (
        "approved",
        manager.pk,
        "Good",
    )
    assert boss.get(f"{PLANS}queue/").json()["results"] == []


def test_return_needs_a_comment_and_the_rep_resubmits(api_as, rep, manager, shop, today):
    plan = VisitPlanFactory(tenant=rep.tenant, rep=rep, day=today, status="submitted")
    VisitFactory(tenant=rep.tenant, rep=rep, day=today, plan=plan, customer=shop)
    boss = api_as(manager)
    assert boss.post(plan_url(plan, "return"), {}, format="json").status_code == 400
    returned = boss.post(plan_url(plan, "return"), {"comment": "Visit the mall too"}, format="json")
    assert returned.json()["status"] == "returned"
    client = api_as(rep)
    item = returned.json()["items"][0]
    changed = client.patch(
        plan_url(plan),
        {"items": [{"id": item["id"], "customer": shop.pk}, {"prospect_name": "Mall"}]},
        format="json",
    )
    assert changed.status_code == 200 and len(changed.json()["items"]) == 2
    assert changed.json()["items"][0]["id"] == item["id"]
    assert client.post(plan_url(plan, "submit")).json()["status"] == "submitted"


def test_not_allowed_transitions_answer_400_with_a_reason(api_as, rep, manager, today):
    plan = VisitPlanFactory(tenant=rep.tenant, rep=rep, day=today, status="approved")
    VisitFactory(tenant=rep.tenant, rep=rep, day=today, plan=plan)
    answer = api_as(rep).post(plan_url(plan, "submit"))
    assert answer.status_code == 400 and "submitted" in str(answer.json())
    edit = api_as(rep).patch(plan_url(plan), {"note": "late"}, format="json")
    assert edit.status_code == 400 and "draft" in str(edit.json())
    assert api_as(manager).post(plan_url(plan, "approve"), {}, format="json").status_code == 400


@pytest.mark.parametrize("which", ["peer", "foreign", "missing"])
def test_an_item_with_a_customer_the_rep_may_not_use_is_400_and_nothing_saved(
    api_as, rep, peer_shop, other_tenant, today, which
):
    customer = {
        "peer": peer_shop.pk,
        "foreign": CustomerFactory(tenant=other_tenant).pk,
        "missing": 99999999,
    }[which]
    answer = api_as(rep).post(
        PLANS, {"day": today.isoformat(), "items": [{"customer": customer}]}, format="json"
    )
    assert answer.status_code == 400 and "customer" in str(answer.json())
    with scope(tenant=rep.tenant):
        assert not VisitPlan.objects.exists() and not Visit.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"day": "not-a-date"},
        {"day": "2020-01-01"},
        {"day": "TODAY", "items": [{"area": "no customer nor prospect"}]},
        {"day": "TODAY", "items": [{"prospect_name": "x", "purpose": "party"}]},
        {"day": "TODAY", "items": [{"prospect_name": "x", "planned_time": "25:00"}]},
        {"day": "TODAY", "items": "nope"},
    ],
)
def test_bad_plan_input_is_400(api_as, rep, today, body):
    body = {k: (today.isoformat() if v == "TODAY" else v) for k, v in body.items()}
    assert api_as(rep).post(PLANS, body, format="json").status_code == 400


def test_a_second_plan_for_the_same_day_is_400(api_as, rep, today):
    VisitPlanFactory(tenant=rep.tenant, rep=rep, day=today)
    answer = api_as(rep).post(PLANS, {"day": today.isoformat()}, format="json")
    assert answer.status_code == 400 and "already a plan" in str(answer.json())


def test_plan_filters_by_day_range_rep_and_status(api_as, manager, rep, peer, today):
    mine = VisitPlanFactory(tenant=rep.tenant, rep=rep, day=today, status="submitted")
    VisitPlanFactory(tenant=rep.tenant, rep=rep, day=today - dt.timedelta(days=10))
    theirs = VisitPlanFactory(tenant=rep.tenant, rep=peer, day=today)
    client = api_as(manager)

    def ids(**q):
        return {p["id"] for p in client.get(PLANS, q).json()["results"]}

    assert ids(day_from=(today - dt.timedelta(days=1)).isoformat()) == {mine.pk, theirs.pk}
    assert ids(rep=rep.pk, day=today.isoformat()) == {mine.pk}
    assert ids(status="submitted") == {mine.pk}


def test_carry_over_offers_and_carries_yesterdays_unfinished_visits(api_as, rep, shop, today, yesterday):
    left = VisitFactory(tenant=rep.tenant, rep=rep, day=yesterday, customer=shop)
    VisitFactory(tenant=rep.tenant, rep=rep, day=yesterday, outcome="done")
    client = api_as(rep)
    offered = client.get(f"{PLANS}carry-over/", {"day": today.isoformat()}).json()
    assert [v["id"] for v in offered] == [left.pk]
    carried = client.post(
        f"{PLANS}carry-over/", {"day": today.isoformat(), "visits": [left.pk]}, format="json"
    )
    assert carried.status_code == 201 and carried.json()["items"][0]["carried_from"] == left.pk
    again = client.post(f"{PLANS}carry-over/", {"day": today.isoformat(), "visits": [left.pk]}, format="json")
    assert again.status_code == 400


def test_plan_list_query_count_does_not_grow_with_plans_or_items(
    api_as, manager, rep, peer, list_queries, django_assert_max_num_queries, today
):
    def add(rep_, n, start):
        for i in range(n):
            plan = VisitPlanFactory(tenant=rep_.tenant, rep=rep_, day=today + dt.timedelta(days=start + i))
            VisitFactory.create_batch(3, tenant=rep_.tenant, rep=rep_, day=plan.day, plan=plan)

    add(rep, 1, 0)
    client = api_as(manager)
    few = list_queries(client, PLANS)
    add(rep, 10, 1)
    add(peer, 10, 1)
    assert list_queries(client, PLANS) == few
    with django_assert_max_num_queries(
        4
    ):  # token, plans (with reps), items (with customers) + closure subquery
        client.get(PLANS)


def test_visit_list_query_count_does_not_grow(
    api_as, admin, rep, list_queries, django_assert_max_num_queries, today
):
    visit = VisitFactory(tenant=rep.tenant, rep=rep, day=today)
    VisitPhotoFactory(tenant=rep.tenant, visit=visit)
    client = api_as(admin)
    few = list_queries(client, VISITS)
    for _ in range(15):
        VisitPhotoFactory(tenant=rep.tenant, visit=VisitFactory(tenant=rep.tenant, rep=rep, day=today))
    assert list_queries(client, VISITS) == few
    with django_assert_max_num_queries(3):  # token, visits (with customer, rep, plan), photos
        client.get(VISITS)


def test_unplanned_visit_is_recorded_for_today_or_earlier(api_as, rep, shop, today):
    client = api_as(rep)
    made = client.post(
        VISITS, {"day": today.isoformat(), "customer": shop.pk, "purpose": "collection"}, format="json"
    )
    assert made.status_code == 201 and made.json()["planned"] is False and made.json()["plan"] is None
    future = (today + dt.timedelta(days=1)).isoformat()
    assert client.post(VISITS, {"day": future, "customer": shop.pk}, format="json").status_code == 400


def test_a_visit_joins_only_an_editable_plan_and_the_outcome_stays_editable(api_as, rep, shop, today):
    plan = VisitPlanFactory(tenant=rep.tenant, rep=rep, day=today)
    client = api_as(rep)
    added = client.post(VISITS, {"plan": plan.pk, "customer": shop.pk}, format="json")
    assert added.status_code == 201 and added.json()["day"] == today.isoformat() and added.json()["planned"]
    with scope(tenant=rep.tenant):
        VisitPlan.objects.filter(pk=plan.pk).update(status="approved")
    url = f"{VISITS}{added.json()['id']}/"
    assert client.post(VISITS, {"plan": plan.pk, "prospect_name": "x"}, format="json").status_code == 400
    assert client.patch(url, {"area": "West"}, format="json").status_code == 400
    assert client.delete(url).status_code == 400
    done = client.patch(url, {"outcome": "done", "result_note": "Ordered", "effective": True}, format="json")
    assert done.status_code == 200 and done.json()["outcome"] == "done"


def test_check_in_and_out_through_the_api(api_as, rep, shop, today):
    visit = VisitFactory(tenant=rep.tenant, rep=rep, day=today, customer=shop)
    client = api_as(rep)
    assert client.post(visit_url(visit, "check-out"), {}, format="json").status_code == 400
    checked = client.post(
        visit_url(visit, "check-in"),
        {"lat": 31.2304161234567, "lng": 121.4737011234, "accuracy_m": 8.5},
        format="json",
    )
    assert checked.status_code == 200, checked.json()
    body = checked.json()
    assert (
        body["check_in_lat"] == "31.230416" and body["check_in_distance_m"] == 0 and not body["check_in_far"]
    )
    assert client.post(visit_url(visit, "check-in"), {}, format="json").status_code == 400
    out = client.post(visit_url(visit, "check-out"), {}, format="json").json()
    assert out["check_out_at"] and out["outcome"] == "done"


@pytest.mark.parametrize(
    "body", [{"lat": 91, "lng": 0}, {"lat": 10}, {"lat": "x", "lng": 1}, {"accuracy_m": -1}]
)
def test_bad_positions_are_400(api_as, rep, shop, today, body):
    visit = VisitFactory(tenant=rep.tenant, rep=rep, day=today, customer=shop)
    assert api_as(rep).post(visit_url(visit, "check-in"), body, format="json").status_code == 400
    with scope(tenant=rep.tenant):
        visit.refresh_from_db()
    assert visit.check_in_at is None


def test_the_manager_cannot_check_in_for_the_rep(api_as, rep, manager, shop, today):
    visit = VisitFactory(tenant=rep.tenant, rep=rep, day=today, customer=shop)
    assert api_as(manager).post(visit_url(visit, "check-in"), {}, format="json").status_code == 403


def test_set_customer_location_from_a_check_in(api_as, rep, today):
    customer = CustomerFactory(tenant=rep.tenant, owner=rep)
    visit = VisitFactory(tenant=rep.tenant, rep=rep, day=today, customer=customer)
    client = api_as(rep)
    client.post(visit_url(visit, "check-in"), {"lat": 30.5, "lng": 120.25}, format="json")
    assert client.post(visit_url(visit, "set-customer-location")).status_code == 200
    with scope(tenant=rep.tenant):
        assert str(Customer.objects.get(pk=customer.pk).latitude) == "30.500000"


def test_photo_upload_list_and_download(api_as, rep, manager, peer, today):
    visit = VisitFactory(tenant=rep.tenant, rep=rep, day=today)
    client = api_as(rep)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")
    made = client.post(visit_url(visit, "photos"), {"image": upload}, format="multipart")
    assert made.status_code == 201, made.json()
    photo = made.json()
    assert photo["content_type"] == "image/jpeg" and "/api/v1/visit-photos/" in photo["url"]
    assert [p["id"] for p in client.get(visit_url(visit, "photos")).json()] == [photo["id"]]
    got = api_as(manager).get(f"/api/v1/visit-photos/{photo['id']}/file/")
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    assert b"".join(got.streaming_content) == jpeg_bytes()
    assert api_as(peer).get(f"/api/v1/visit-photos/{photo['id']}/file/").status_code == 404
    bad = SimpleUploadedFile("p.jpg", b"<html>", content_type="image/jpeg")
    assert client.post(visit_url(visit, "photos"), {"image": bad}, format="multipart").status_code == 400
    assert client.post(visit_url(visit, "photos"), {}, format="multipart").status_code == 400
    with scope(tenant=rep.tenant):
        assert VisitPhoto.objects.count() == 1


def test_a_viewer_cannot_write(api_as, viewer, today):
    assert api_as(viewer).post(PLANS, {"day": today.isoformat()}, format="json").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_plans_sync_incrementally(api_as, rep, today, committed_horizon):
    client = api_as(rep)
    client.post(PLANS, {"day": today.isoformat(), "items": [{"prospect_name": "x"}]}, format="json")
    first = client.get(PLANS, {"updated_since": 0}).json()
    assert len(first["results"]) == 1 and first["sync_token"]
    assert client.get(PLANS, {"updated_since": first["sync_token"]}).json()["results"] == []


def test_photo_list_is_no_sync_feed_and_shows_only_visible_photos(api_as, rep, peer, manager, today):
    mine = VisitPhotoFactory(tenant=rep.tenant, visit=VisitFactory(tenant=rep.tenant, rep=rep, day=today))
    theirs = VisitPhotoFactory(tenant=rep.tenant, visit=VisitFactory(tenant=rep.tenant, rep=peer, day=today))
    assert [p["id"] for p in api_as(rep).get("/api/v1/visit-photos/").json()["results"]] == [mine.pk]
    listed = {p["id"] for p in api_as(manager).get("/api/v1/visit-photos/").json()["results"]}
    assert listed == {mine.pk, theirs.pk}
    assert api_as(rep).get("/api/v1/visit-photos/", {"updated_since": 0}).status_code == 400


def test_a_put_repeating_the_planned_fields_may_record_the_outcome_of_an_approved_plan(
    api_as, rep, shop, today
):
    plan = VisitPlanFactory(tenant=rep.tenant, rep=rep, day=today, status="approved")
    visit = VisitFactory(tenant=rep.tenant, rep=rep, day=today, plan=plan, customer=shop, area="East")
    body = {"customer": shop.pk, "area": "East", "purpose": visit.purpose, "outcome": "not_met"}
    assert api_as(rep).put(visit_url(visit), body, format="json").status_code == 200
    assert api_as(rep).put(visit_url(visit), {**body, "area": "West"}, format="json").status_code == 400
