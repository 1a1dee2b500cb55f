"""The key-account plan API: role checks, bad input named by field, reviews with adjustments, and
list query counts that do not grow with plans and stages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from apps.keyaccounts.models import KeyAccountPlan
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory

from .conftest import TODAY
from .factories import KeyAccountPlanFactory, PlanReviewFactory, PlanStageFactory

pytestmark = pytest.mark.django_db

PLANS = reverse("api:keyaccount-plan-list")
STAGES = reverse("api:keyaccount-stage-list")
REVIEWS = reverse("api:keyaccount-review-list")


def plan_url(plan, action=None):
    if action:
        return reverse(f"api:keyaccount-plan-{action}", kwargs={"pk": plan.pk})
    return reverse("api:keyaccount-plan-detail", kwargs={"pk": plan.pk})


def test_a_rep_creates_a_plan_and_its_stage_and_reads_goal_against_actual(api_as, rep, key_account):
    client = api_as(rep)
    response = client.post(
        PLANS,
        {"customer": key_account.pk, "title": "FY", "starts_on": "2026-10-01", "ends_on": "2027-03-31"},
        format="json",
    )
    assert response.status_code == 201, response.data
    plan_id = response.data["id"]
    stage = {
        "plan": plan_id,
        "name": "Q4",
        "starts_on": "2026-10-01",
        "ends_on": "2026-12-31",
        "revenue_goal": "500",
    }
    assert client.post(STAGES, stage, format="json").status_code == 201
    OrderLineFactory(
        order=OrderFactory(customer=key_account, order_date=dt.date(2026, 11, 2)), amount=Decimal("200")
    )
    data = client.get(f"{PLANS}{plan_id}/").json()
    assert [(s["name"], s["revenue_goal"], s["revenue_actual"]) for s in data["stages"]] == [
        ("Q4", "500.00", "200.00")
    ]
    assert client.post(f"{PLANS}{plan_id}/activate/").json()["status"] == "active"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"starts_on": "2026-09-01"}, "starts_on"),
        ({"ends_on": "2026-09-30"}, "ends_on"),
        ({"revenue_goal": "-5"}, "revenue_goal"),
        ({"satisfaction_goal": "7"}, "satisfaction_goal"),
        ({"starts_on": "not a day"}, "starts_on"),
    ],
)
def test_bad_stage_input_is_a_400_naming_the_field(api_as, rep, plan, payload, field):
    stage = {"plan": plan.pk, "name": "Q4", "starts_on": "2026-10-01", "ends_on": "2026-12-31", **payload}
    response = api_as(rep).post(STAGES, stage, format="json")
    assert response.status_code == 400 and field in response.data, response.data


def test_a_second_plan_in_work_for_the_customer_is_a_400_on_customer(api_as, rep, plan, key_account):
    payload = {
        "customer": key_account.pk,
        "title": "Again",
        "starts_on": "2026-10-01",
        "ends_on": "2027-03-31",
    }
    response = api_as(rep).post(PLANS, payload, format="json")
    assert response.status_code == 400 and "customer" in response.data


def test_a_start_too_late_for_a_first_review_is_a_400_on_starts_on(api_as, rep, key_account):
    payload = {"customer": key_account.pk, "title": "FY", "starts_on": "9999-12-20", "ends_on": "9999-12-31"}
    response = api_as(rep).post(PLANS, payload, format="json")
    assert response.status_code == 400 and "starts_on" in response.data, response.data


def test_a_peers_customer_or_plan_is_unknown_to_a_rep(api_as, rep, peer, tenant):
    theirs = KeyAccountPlanFactory(customer=CustomerFactory(tenant=tenant, owner=peer))
    client = api_as(rep)
    payload = {
        "customer": theirs.customer_id,
        "title": "x",
        "starts_on": "2026-10-01",
        "ends_on": "2027-03-31",
    }
    assert "customer" in client.post(PLANS, payload, format="json").data
    stage = {"plan": theirs.pk, "name": "x", "starts_on": "2026-10-01", "ends_on": "2026-12-31"}
    assert "plan" in client.post(STAGES, stage, format="json").data
    assert client.get(plan_url(theirs)).status_code == 404


def test_a_manager_sees_the_line_and_a_viewer_reads_but_cannot_write(
    api_as, manager, viewer, outsider_rep, plan, tenant
):
    elsewhere = KeyAccountPlanFactory(customer=CustomerFactory(tenant=tenant, owner=outsider_rep))
    ids = {row["id"] for row in api_as(manager).get(PLANS).json()["results"]}
    assert plan.pk in ids and elsewhere.pk not in ids
    client = api_as(viewer)
    assert {row["id"] for row in client.get(PLANS).json()["results"]} == {plan.pk, elsewhere.pk}
    assert client.patch(plan_url(plan), {"title": "x"}, format="json").status_code == 403
    assert client.post(plan_url(plan, "close")).status_code == 403


def test_a_review_through_the_api_records_its_adjustments(api_as, manager, plan):
    stage = PlanStageFactory(plan=plan, name="Q4", revenue_goal=Decimal("1000"))
    payload = {
        "plan": plan.pk,
        "reviewed_on": TODAY.isoformat(),
        "note": "Raise it",
        "satisfaction_actual": "4.2",
        "adjustments": [{"stage": stage.pk, "revenue_goal": "1200"}],
    }
    response = api_as(manager).post(REVIEWS, payload, format="json")
    assert response.status_code == 201, response.data
    assert response.data["adjustments"][0]["before"] == "1000.00"
    assert response.data["adjustments"][0]["after"] == "1200.00"
    assert response.data["next_review_on"] == "2026-12-20"
    bad = {**payload, "adjustments": [{"stage": stage.pk, "ends_on": "2030-01-01"}]}
    refused = api_as(manager).post(REVIEWS, bad, format="json")
    assert refused.status_code == 400 and "adjustments" in refused.data


def test_two_adjustments_of_one_stage_are_a_400_on_adjustments_and_change_nothing(api_as, rep, plan):
    # each line alone keeps the stage inside its rules; together the stage would end before it starts
    stage = PlanStageFactory(
        plan=plan, name="Q4", starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 12, 31)
    )
    payload = {
        "plan": plan.pk,
        "reviewed_on": TODAY.isoformat(),
        "note": "Move it",
        "adjustments": [
            {"stage": stage.pk, "starts_on": "2026-12-01"},
            {"stage": stage.pk, "ends_on": "2026-11-01"},
        ],
    }
    response = api_as(rep).post(REVIEWS, payload, format="json")
    assert response.status_code == 400 and "Q4 is adjusted twice" in str(response.data["adjustments"])
    with scope(tenant=rep.tenant):
        stage.refresh_from_db()
        assert (stage.starts_on, stage.ends_on) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
        assert not plan.reviews.exists()


def test_a_review_without_a_note_or_of_a_closed_plan_is_refused(api_as, rep, plan):
    client = api_as(rep)
    assert "note" in client.post(REVIEWS, {"plan": plan.pk, "reviewed_on": "2026-11-20"}, format="json").data
    with scope(tenant=rep.tenant):
        KeyAccountPlan.objects.filter(pk=plan.pk).update(status="closed")
    response = client.post(
        REVIEWS, {"plan": plan.pk, "reviewed_on": "2026-11-20", "note": "x"}, format="json"
    )
    assert response.status_code == 400 and "active" in str(response.data)


def _list_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [PLANS, STAGES, REVIEWS])
def test_lists_do_not_grow_with_plans_and_stages(
    api_as, manager, rep, peer, tenant, url, django_assert_max_num_queries
):
    def add(n):
        for owner in (rep, peer):
            for _ in range(n):
                plan = KeyAccountPlanFactory(customer=CustomerFactory(tenant=tenant, owner=owner))
                PlanStageFactory.create_batch(2, plan=plan)
                PlanReviewFactory(plan=plan)
                OrderLineFactory(order=OrderFactory(customer=plan.customer))

    client = api_as(manager)
    add(1)
    few = _list_queries(client, url)
    add(4)
    assert _list_queries(client, url) == few
    with django_assert_max_num_queries(9):
        client.get(url)


def test_a_rep_can_neither_read_nor_change_a_peers_stages_and_reviews(
    api_as, client_as, url, rep, peer, tenant
):
    # The isolation probe's peer check covers models with an owner or a customer; a stage and a review
    # belong to a person through their plan, so they are probed here.
    theirs = KeyAccountPlanFactory(customer=CustomerFactory(tenant=tenant, owner=peer))
    stage, review = PlanStageFactory(plan=theirs), PlanReviewFactory(plan=theirs)
    client = api_as(rep)
    stage_url = reverse("api:keyaccount-stage-detail", kwargs={"pk": stage.pk})
    assert client.get(stage_url).status_code == 404
    assert client.patch(stage_url, {"name": "Mine"}, format="json").status_code == 404
    assert client.delete(stage_url).status_code == 404
    assert client.get(reverse("api:keyaccount-review-detail", kwargs={"pk": review.pk})).status_code == 404
    assert stage.pk not in {row["id"] for row in client.get(STAGES).json()["results"]}
    assert review.pk not in {row["id"] for row in client.get(REVIEWS).json()["results"]}
    review_on_theirs = {"plan": theirs.pk, "reviewed_on": TODAY.isoformat(), "note": "x"}
    assert "plan" in client.post(REVIEWS, review_on_theirs, format="json").data
    pages = client_as(rep)
    assert pages.get(url("keyaccounts:stage-edit", stage_id=stage.pk)).status_code == 404
    assert pages.post(url("keyaccounts:task-create", stage_id=stage.pk), {"title": "x"}).status_code == 404
    with scope(tenant=tenant):
        stage.refresh_from_db()
        assert stage.name != "Mine" and not theirs.reviews.exclude(pk=review.pk).exists()
