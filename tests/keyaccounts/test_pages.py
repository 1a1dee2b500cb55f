"""The plan pages: list restricted to the viewer, detail with a pinned query count that does not grow
with stages, forms that re-render typed values with field errors, the review form, the workflow
buttons, the customer page's panel and the home card."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from apps.keyaccounts.models import KeyAccountPlan, PlanReview
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory

from .factories import KeyAccountPlanFactory, PlanReviewFactory, PlanStageFactory

pytestmark = pytest.mark.django_db


def test_the_list_shows_a_rep_only_their_own_plans(client_as, url, rep, peer, plan, tenant):
    theirs = KeyAccountPlanFactory(customer=CustomerFactory(tenant=tenant, owner=peer), title="Peer plan")
    html = client_as(rep).get(url("keyaccounts:list")).content.decode()
    assert plan.title in html and theirs.title not in html
    assert client_as(rep).get(url("keyaccounts:detail", plan_id=theirs.pk)).status_code == 404


def test_the_list_filters_plans_due_for_review(client_as, url, manager, plan, tenant, rep):
    later = KeyAccountPlanFactory(
        customer=CustomerFactory(tenant=tenant, owner=rep),
        title="Later plan",
        next_review_on=dt.date(2027, 1, 1),
    )
    html = client_as(manager).get(url("keyaccounts:list") + "?due=on").content.decode()
    assert plan.title in html and later.title not in html


def _detail_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_detail_page_query_count_is_pinned_and_does_not_grow(
    client_as, url, rep, plan, key_account, django_assert_max_num_queries
):
    client = client_as(rep)
    path = url("keyaccounts:detail", plan_id=plan.pk)
    PlanStageFactory(plan=plan)
    PlanReviewFactory(plan=plan)
    client.get(path)
    few = _detail_queries(client, path)
    for month in (1, 2, 3):
        PlanStageFactory(plan=plan, starts_on=dt.date(2027, month, 1), ends_on=dt.date(2027, month, 25))
        PlanReviewFactory(plan=plan)
        OrderLineFactory(order=OrderFactory(customer=key_account, order_date=dt.date(2027, month, 2)))
    assert _detail_queries(client, path) == few
    with django_assert_max_num_queries(12):
        client.get(path)


def test_the_detail_page_shows_goal_against_actual(client_as, url, rep, plan, key_account):
    PlanStageFactory(plan=plan, name="Q4 push", revenue_goal=Decimal("400"))
    OrderLineFactory(
        order=OrderFactory(customer=key_account, order_date=dt.date(2026, 11, 2)), amount=Decimal("100")
    )
    html = client_as(rep).get(url("keyaccounts:detail", plan_id=plan.pk)).content.decode()
    assert "Q4 push" in html and "25%" in html


def test_a_stage_outside_the_period_re_renders_with_typed_values_and_field_errors(client_as, url, rep, plan):
    data = {"name": "Too late", "starts_on": "2027-03-01", "ends_on": "2027-05-01", "revenue_goal": "-3"}
    response = client_as(rep).post(url("keyaccounts:stage-create", plan_id=plan.pk), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="Too late"' in html and 'value="2027-05-01"' in html
    assert "within the plan&#x27;s period" in html or "within the plan's period" in html
    assert "cannot be negative" in html or "greater than or equal to 0" in html


def test_a_plan_form_with_an_end_before_its_start_says_so_on_the_field(client_as, url, rep, key_account):
    data = {"customer": key_account.pk, "title": "FY", "starts_on": "2026-12-01", "ends_on": "2026-11-01",
            "review_interval_days": "30"}  # fmt: skip
    response = client_as(rep).post(url("keyaccounts:create"), data)
    assert response.status_code == 400
    assert "The end must be after the start." in response.content.decode()
    with scope(tenant=rep.tenant):
        assert not KeyAccountPlan.objects.exists()


def test_a_start_too_late_for_a_first_review_is_a_field_error_not_a_500(client_as, url, rep, key_account):
    data = {"customer": key_account.pk, "title": "FY", "starts_on": "9999-12-20", "ends_on": "9999-12-31",
            "review_interval_days": "30"}  # fmt: skip
    response = client_as(rep).post(url("keyaccounts:create"), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "The first review would fall beyond the calendar" in text and 'value="9999-12-20"' in text
    with scope(tenant=rep.tenant):
        assert not KeyAccountPlan.objects.exists()


def test_creating_a_plan_from_the_page_goes_to_its_detail(client_as, url, rep, key_account):
    data = {"customer": key_account.pk, "title": "FY", "starts_on": "2026-10-01", "ends_on": "2027-03-31",
            "review_interval_days": "30", "needs": "Steady supply"}  # fmt: skip
    response = client_as(rep).post(url("keyaccounts:create"), data)
    assert response.status_code == 302
    with scope(tenant=rep.tenant):
        plan = KeyAccountPlan.objects.get()
    assert (plan.owner_id, plan.needs, plan.status) == (rep.pk, "Steady supply", "draft")


def test_activating_a_plan_without_stages_is_refused_with_the_reason(client_as, url, rep, plan):
    with scope(tenant=rep.tenant):
        KeyAccountPlan.objects.filter(pk=plan.pk).update(status="draft")
    client = client_as(rep)
    response = client.post(url("keyaccounts:activate", plan_id=plan.pk), follow=True)
    assert "Add at least one stage before activating the plan." in response.content.decode()


def test_the_review_form_records_the_review_and_the_stage_changes(client_as, url, manager, plan):
    stage = PlanStageFactory(plan=plan, name="Q4", revenue_goal=Decimal("1000.00"), goals="Renew")
    prefix = f"stage-{stage.pk}"
    data = {
        "reviewed_on": "2026-11-20",
        "note": "Going well",
        "satisfaction_actual": "4.4",
        f"{prefix}-name": "Q4",
        f"{prefix}-starts_on": "2026-10-01",
        f"{prefix}-ends_on": "2026-12-31",
        f"{prefix}-revenue_goal": "1300.00",
        f"{prefix}-satisfaction_goal": "4.0",
        f"{prefix}-goals": "Renew",
    }
    response = client_as(manager).post(url("keyaccounts:review", plan_id=plan.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    with scope(tenant=manager.tenant):
        review = PlanReview.objects.get()
    assert [(a["field"], a["before"], a["after"]) for a in review.adjustments] == [
        ("revenue_goal", "1000.00", "1300.00")
    ]
    html = client_as(manager).get(url("keyaccounts:detail", plan_id=plan.pk)).content.decode()
    assert "1000.00 → 1300.00" in html


def test_a_refused_review_keeps_what_was_typed(client_as, url, rep, plan):
    stage = PlanStageFactory(plan=plan, name="Q4")
    prefix = f"stage-{stage.pk}"
    data = {"reviewed_on": "2026-11-20", "note": "Typed note", f"{prefix}-name": "Q4",
            f"{prefix}-starts_on": "2026-10-01", f"{prefix}-ends_on": "2028-01-01"}  # fmt: skip
    response = client_as(rep).post(url("keyaccounts:review", plan_id=plan.pk), data)
    html = response.content.decode()
    assert response.status_code == 400 and "Typed note" in html and 'value="2028-01-01"' in html


def test_the_customer_page_shows_the_plan(client_as, url, rep, plan, key_account):
    PlanStageFactory(plan=plan, name="Q4 push")
    html = client_as(rep).get(url("customers:detail", customer_id=key_account.pk)).content.decode()
    assert "Big Buyer FY plan" in html and "Q4 push" in html


def test_a_key_account_without_a_plan_offers_one(client_as, url, rep, key_account):
    html = client_as(rep).get(url("customers:detail", customer_id=key_account.pk)).content.decode()
    assert f"key-accounts/new/?customer={key_account.pk}" in html


def test_the_home_card_lists_plans_due(client_as, url, rep, plan):
    html = client_as(rep).get(url("dashboard")).content.decode()
    assert "card-plan-reviews" in html and plan.title in html
