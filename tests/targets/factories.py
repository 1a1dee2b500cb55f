"""Factories for the targets app (the isolation probe finds routed models' factories here)."""

import factory

from apps.targets.models import CustomMetric
from tests.factories import TenantFactory, UnscopedFactory


class CustomMetricFactory(UnscopedFactory):
    class Meta:
        model = CustomMetric

    tenant = factory.SubFactory(TenantFactory)
    code = factory.Sequence(lambda n: f"custom-{n}")
    name = factory.Sequence(lambda n: f"Custom KPI {n}")
    base = "revenue"
    filters = factory.LazyFunction(dict)
