"""Factories for the targets app (the isolation probe finds routed models' factories here)."""

import datetime as dt
from decimal import Decimal

import factory

from apps.targets.models import CustomMetric, SeasonalProfile, Target
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
