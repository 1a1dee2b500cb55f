"""Factories of the key-account plans (the isolation probe finds them by module name)."""

import datetime as dt
from decimal import Decimal

import factory

from apps.keyaccounts.models import KeyAccountPlan, PlanReview, PlanStage
from tests.factories import CustomerFactory, UnscopedFactory


class KeyAccountPlanFactory(UnscopedFactory):
    class Meta:
        model = KeyAccountPlan

    customer = factory.SubFactory(CustomerFactory, is_key_account=True)
    tenant = factory.SelfAttribute("customer.tenant")
    owner = factory.SelfAttribute("customer.owner")
    title = factory.Sequence(lambda n: f"Plan {n}")
    starts_on = dt.date(2026, 10, 1)
    ends_on = dt.date(2027, 3, 31)
    status = KeyAccountPlan.Status.ACTIVE
    review_interval_days = 30
    next_review_on = dt.date(2026, 11, 15)


class PlanStageFactory(UnscopedFactory):
    class Meta:
        model = PlanStage

    plan = factory.SubFactory(KeyAccountPlanFactory)
    tenant = factory.SelfAttribute("plan.tenant")
    name = factory.Sequence(lambda n: f"Stage {n}")
    position = factory.Sequence(lambda n: n)
    starts_on = dt.date(2026, 10, 1)
    ends_on = dt.date(2026, 12, 31)
    revenue_goal = Decimal("1000.00")
    satisfaction_goal = Decimal("4.0")


class PlanReviewFactory(UnscopedFactory):
    class Meta:
        model = PlanReview

    plan = factory.SubFactory(KeyAccountPlanFactory)
    tenant = factory.SelfAttribute("plan.tenant")
    reviewer = factory.SelfAttribute("plan.owner")
    reviewed_on = dt.date(2026, 11, 1)
    note = "On track."
    next_review_on = dt.date(2026, 12, 1)
