"""Key-account plans: the workflow, the stage rules, reviews with their adjustments kept as
before → after, the revenue actual read from the sales facts, and the reminder of reviews due."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope

from apps.keyaccounts import selectors, services
from apps.keyaccounts.models import KeyAccountPlan, PlanReview
from apps.sales.models import Order
from apps.tenancy.models import AuditLog, Notification
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory

from .conftest import TODAY
from .factories import KeyAccountPlanFactory, PlanStageFactory

pytestmark = pytest.mark.django_db
D = dt.date


def _create(rep, customer, **extra):
    fields = {"title": "FY plan", "starts_on": D(2026, 10, 1), "ends_on": D(2027, 3, 31), **extra}
    return services.plan_create(tenant=rep.tenant, by=rep, customer=customer, **fields)


def test_a_plan_starts_as_a_draft_owned_by_the_customers_manager_with_its_first_review(rep, key_account):
    with scope(tenant=rep.tenant):
        plan = _create(rep, key_account)
        assert (plan.status, plan.owner, plan.next_review_on) == ("draft", rep, D(2026, 10, 31))
        assert AuditLog.objects.filter(action="keyaccounts.plan.created", object_id=plan.pk).exists()


def test_a_period_that_ends_before_it_starts_is_a_field_error(rep, key_account):
    with scope(tenant=rep.tenant), pytest.raises(ValidationError) as err:
        _create(rep, key_account, ends_on=D(2026, 9, 1))
    assert "ends_on" in err.value.message_dict


def test_a_customer_has_one_plan_in_work_at_a_time(rep, plan, key_account):
    with scope(tenant=rep.tenant), pytest.raises(ValidationError) as err:
        _create(rep, key_account)
    assert "Close it first" in err.value.message_dict["customer"][0]


def test_a_rep_cannot_plan_for_a_peers_customer(rep, peer, tenant):
    theirs = CustomerFactory(tenant=tenant, owner=peer, is_key_account=True)
    with scope(tenant=tenant), pytest.raises(PermissionDenied):
        _create(rep, theirs)


def test_a_viewer_may_not_write(viewer, key_account):
    with scope(tenant=viewer.tenant), pytest.raises(PermissionDenied):
        _create(viewer, key_account)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"starts_on": D(2026, 9, 1), "ends_on": D(2026, 12, 31)}, "starts_on"),
        ({"starts_on": D(2027, 1, 1), "ends_on": D(2027, 4, 30)}, "ends_on"),
        ({"starts_on": D(2026, 12, 1), "ends_on": D(2026, 11, 1)}, "ends_on"),
        ({"revenue_goal": Decimal("-1")}, "revenue_goal"),
        ({"satisfaction_goal": Decimal("6")}, "satisfaction_goal"),
    ],
    ids=["starts-before-plan", "ends-after-plan", "end-before-start", "negative-goal", "score-above-5"],
)
def test_stage_rules_are_field_errors(rep, plan, fields, field):
    values = {"name": "Q4", "starts_on": D(2026, 10, 1), "ends_on": D(2026, 12, 31), **fields}
    with scope(tenant=rep.tenant), pytest.raises(ValidationError) as err:
        services.stage_create(plan=plan, by=rep, **values)
    assert field in err.value.message_dict


def test_activation_needs_a_stage_and_says_so(rep, key_account):
    with scope(tenant=rep.tenant):
        plan = _create(rep, key_account)
        with pytest.raises(ValidationError, match="at least one stage"):
            services.plan_activate(plan=plan, by=rep)
        services.stage_create(plan=plan, by=rep, name="Q4", starts_on=D(2026, 10, 1), ends_on=D(2026, 12, 31))
        assert services.plan_activate(plan=plan, by=rep).status == "active"
        assert services.plan_close(plan=plan, by=rep).status == "closed"
        with pytest.raises(ValidationError, match="closed"):
            services.plan_update(plan=plan, by=rep, title="Again")


def test_the_period_cannot_shrink_past_a_stage(rep, plan):
    PlanStageFactory(plan=plan, name="Q1", starts_on=D(2027, 1, 1), ends_on=D(2027, 3, 31))
    with scope(tenant=rep.tenant), pytest.raises(ValidationError) as err:
        services.plan_update(plan=plan, by=rep, ends_on=D(2026, 12, 31))
    assert "Q1" in err.value.message_dict["ends_on"][0]


def test_a_review_keeps_its_adjustments_and_moves_the_next_review_on(rep, manager, plan):
    q4 = PlanStageFactory(plan=plan, name="Q4", revenue_goal=Decimal("1000.00"))
    with scope(tenant=rep.tenant):
        review = services.plan_review(
            plan=plan,
            by=manager,
            reviewed_on=TODAY,
            note="Raise the goal",
            satisfaction_actual=Decimal("4.5"),
            adjustments=[{"stage": q4, "revenue_goal": Decimal("1500.00"), "goals": ""}],
        )
        q4.refresh_from_db()
        plan.refresh_from_db()
    assert review.adjustments == [
        {"stage": q4.pk, "stage_name": "Q4", "field": "revenue_goal", "before": "1000.00", "after": "1500.00"}
    ]
    assert (q4.revenue_goal, q4.satisfaction_actual, review.stage_id) == (
        Decimal("1500.00"),
        Decimal("4.5"),
        q4.pk,
    )
    assert plan.next_review_on == TODAY + dt.timedelta(days=30)


def test_a_refused_adjustment_changes_nothing(rep, plan):
    q4 = PlanStageFactory(plan=plan, name="Q4")
    with scope(tenant=rep.tenant):
        with pytest.raises(ValidationError) as err:
            services.plan_review(
                plan=plan,
                by=rep,
                reviewed_on=TODAY,
                note="x",
                adjustments=[{"stage": q4, "ends_on": D(2028, 1, 1)}],
            )
        assert "adjustments" in err.value.message_dict
        assert not PlanReview.objects.exists()
        plan.refresh_from_db()
        assert plan.next_review_on == D(2026, 11, 15)


def test_a_draft_or_future_review_is_refused_with_the_reason(rep, key_account):
    with scope(tenant=rep.tenant):
        plan = _create(rep, key_account)
        with pytest.raises(ValidationError, match="activate it first"):
            services.plan_review(plan=plan, by=rep, reviewed_on=TODAY, note="x")
        plan.status = KeyAccountPlan.Status.ACTIVE
        plan.save()
        with pytest.raises(ValidationError) as err:
            services.plan_review(plan=plan, by=rep, reviewed_on=TODAY + dt.timedelta(days=1), note="x")
        assert "reviewed_on" in err.value.message_dict


def test_stage_revenue_is_the_customers_confirmed_sales_in_the_stage_dates(rep, plan, key_account):
    q4 = PlanStageFactory(plan=plan, starts_on=D(2026, 10, 1), ends_on=D(2026, 12, 31))
    q1 = PlanStageFactory(plan=plan, starts_on=D(2027, 1, 1), ends_on=D(2027, 3, 31))
    OrderLineFactory(
        order=OrderFactory(customer=key_account, order_date=D(2026, 11, 2)), amount=Decimal("300")
    )
    OrderLineFactory(order=OrderFactory(customer=key_account, order_date=D(2027, 1, 5)), amount=Decimal("50"))
    OrderLineFactory(
        order=OrderFactory(customer=key_account, order_date=D(2026, 11, 3), status=Order.Status.CANCELLED),
        amount=Decimal("999"),
    )
    OrderLineFactory(
        order=OrderFactory(customer=CustomerFactory(tenant=rep.tenant, owner=rep)), amount=Decimal("7")
    )
    with scope(tenant=rep.tenant):
        rows = selectors.stages_with_actuals(plan)
    assert {row["stage"].pk: row["revenue"] for row in rows} == {q4.pk: Decimal("300"), q1.pk: Decimal("50")}
    assert rows[0]["revenue_share"] == Decimal("30")


def test_stage_revenue_is_one_query_whatever_the_number_of_stages(rep, plan, django_assert_num_queries):
    for month in range(1, 4):
        PlanStageFactory(plan=plan, starts_on=D(2027, month, 1), ends_on=D(2027, month, 20))
    with scope(tenant=rep.tenant), django_assert_num_queries(2):
        selectors.stages_with_actuals(plan)


def test_reviews_due_notify_the_owner_and_their_manager_once(rep, manager, plan, tenant):
    KeyAccountPlanFactory(customer=CustomerFactory(tenant=tenant, owner=rep), next_review_on=D(2026, 12, 1))
    with scope(tenant=tenant):
        assert services.remind_reviews_due(tenant=tenant, day=TODAY) == 2
        assert services.remind_reviews_due(tenant=tenant, day=TODAY) == 0
        recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {rep.pk, manager.pk}


def test_the_home_card_lists_own_plans_for_a_rep_and_the_line_for_a_manager(
    rep, peer, manager, outsider_rep, plan, tenant
):
    KeyAccountPlanFactory(customer=CustomerFactory(tenant=tenant, owner=peer))
    KeyAccountPlanFactory(customer=CustomerFactory(tenant=tenant, owner=outsider_rep))
    with scope(tenant=tenant):
        assert selectors.reviews_due_card(rep, TODAY)["total"] == 1
        assert selectors.reviews_due_card(manager, TODAY)["total"] == 2
