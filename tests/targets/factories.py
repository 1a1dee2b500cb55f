"""Factories for the targets app (the isolation probe finds routed models' factories here)."""

import datetime as dt
from decimal import Decimal

import factory

from apps.targets.models import (
    Appraisal,
    AppraisalCycle,
    AppraisalLine,
    CustomMetric,
    ImprovementAction,
    SeasonalProfile,
    Target,
)
from tests.factories import MembershipFactory, TenantFactory, UnscopedFactory


class CustomMetricFactory(UnscopedFactory):
    class Meta:
        model = CustomMetric

    tenant = factory.SubFactory(TenantFactory)
    code = factory.Sequence(lambda n: f"custom-{n}")
    name = factory.Sequence(lambda n: f"Custom KPI {n}")
    base = "revenue"
    filters = factory.LazyFunction(dict)


class TargetFactory(UnscopedFactory):
    class Meta:
        model = Target

    tenant = factory.SubFactory(TenantFactory)
    metric = "revenue"
    owner_kind = Target.OwnerKind.REP
    rep = factory.SubFactory(MembershipFactory, tenant=factory.SelfAttribute("..tenant"))
    grain = "month"
    period_start = dt.date(2026, 11, 1)
    value = Decimal("1000")
    statement = "Grow November revenue"


class SeasonalProfileFactory(UnscopedFactory):
    class Meta:
        model = SeasonalProfile

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Profile {n}")
    weights = factory.LazyFunction(lambda: [1.0] * 12)


class AppraisalCycleFactory(UnscopedFactory):
    class Meta:
        model = AppraisalCycle

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Cycle {n}")
    cadence = AppraisalCycle.Cadence.MONTHLY
    period_start = dt.date(2026, 11, 1)
    period_end = dt.date(2026, 11, 30)


class AppraisalFactory(UnscopedFactory):
    class Meta:
        model = Appraisal

    tenant = factory.SubFactory(TenantFactory)
    cycle = factory.SubFactory(AppraisalCycleFactory, tenant=factory.SelfAttribute("..tenant"))
    rep = factory.SubFactory(MembershipFactory, tenant=factory.SelfAttribute("..tenant"))
    manager = factory.SubFactory(MembershipFactory, tenant=factory.SelfAttribute("..tenant"))


class AppraisalLineFactory(UnscopedFactory):
    class Meta:
        model = AppraisalLine

    tenant = factory.SubFactory(TenantFactory)
    appraisal = factory.SubFactory(AppraisalFactory, tenant=factory.SelfAttribute("..tenant"))
    metric = "revenue"
    weight = Decimal("100")


class ImprovementActionFactory(UnscopedFactory):
    class Meta:
        model = ImprovementAction

    tenant = factory.SubFactory(TenantFactory)
    appraisal = factory.SubFactory(AppraisalFactory, tenant=factory.SelfAttribute("..tenant"))
    description = "Call every key account twice a month"
    owner = factory.SubFactory(MembershipFactory, tenant=factory.SelfAttribute("..tenant"))
    due_date = dt.date(2026, 12, 31)
