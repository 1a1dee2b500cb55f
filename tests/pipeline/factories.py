"""Factories for the pipeline (the isolation probe finds routed models' factories here)."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from apps.pipeline.models import Opportunity, OpportunityLine, Stage, StageChange
from tests.factories import CustomerFactory, MembershipFactory, ProductFactory, TenantFactory, UnscopedFactory


class StageFactory(UnscopedFactory):
    class Meta:
        model = Stage

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Stage {n}")
    order = factory.Sequence(lambda n: n * 10)
    probability = 20
    kind = Stage.Kind.OPEN


class OpportunityFactory(UnscopedFactory):
    """An open opportunity on one of the owner's customers (no history row: services write those)."""

    class Meta:
        model = Opportunity

    tenant = factory.SubFactory(TenantFactory)
    owner = factory.SubFactory(MembershipFactory, tenant=factory.SelfAttribute("..tenant"))
    customer = factory.SubFactory(
        CustomerFactory, tenant=factory.SelfAttribute("..tenant"), owner=factory.SelfAttribute("..owner")
    )
    stage = factory.SubFactory(StageFactory, tenant=factory.SelfAttribute("..tenant"))
    name = factory.Sequence(lambda n: f"Deal {n}")
    amount = Decimal("10000.00")
    probability = factory.LazyAttribute(lambda o: o.stage.probability)
    opened_on = dt.date(2026, 11, 2)
    stage_entered_at = factory.LazyFunction(timezone.now)


class OpportunityLineFactory(UnscopedFactory):
    class Meta:
        model = OpportunityLine

    tenant = factory.SubFactory(TenantFactory)
    opportunity = factory.SubFactory(OpportunityFactory, tenant=factory.SelfAttribute("..tenant"))
    product = factory.SubFactory(ProductFactory, tenant=factory.SelfAttribute("..tenant"))
    amount = Decimal("5000.00")


class StageChangeFactory(UnscopedFactory):
    class Meta:
        model = StageChange

    tenant = factory.SubFactory(TenantFactory)
    opportunity = factory.SubFactory(OpportunityFactory, tenant=factory.SelfAttribute("..tenant"))
    to_stage = factory.SelfAttribute("opportunity.stage")
    owner = factory.SelfAttribute("opportunity.owner")
    at = factory.LazyFunction(timezone.now)
