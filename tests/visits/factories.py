"""Factories for the visits app (the isolation probe finds routed models' factories here)."""

import datetime as dt
import zoneinfo

import factory

from apps.visits.models import (
    DailyReport,
    MarketReport,
    PlanSuggestion,
    ReportOrder,
    ReportPayment,
    Visit,
    VisitPhoto,
    VisitPlan,
)
from tests.factories import (
    CustomerFactory,
    MembershipFactory,
    OrderFactory,
    PaymentFactory,
    TenantFactory,
    UnscopedFactory,
)

DAY = dt.date(2026, 11, 2)


class VisitPlanFactory(UnscopedFactory):
    class Meta:
        model = VisitPlan

    tenant = factory.SubFactory(TenantFactory)
    rep = factory.SubFactory(MembershipFactory, tenant=factory.SelfAttribute("..tenant"))
    day = DAY


class VisitFactory(UnscopedFactory):
    """An unplanned visit to one of the rep's customers; pass plan=… (and planned=True) for a plan item."""

    class Meta:
        model = Visit

    tenant = factory.SubFactory(TenantFactory)
    rep = factory.SubFactory(MembershipFactory, tenant=factory.SelfAttribute("..tenant"))
    day = DAY
    plan = None
    planned = factory.LazyAttribute(lambda v: v.plan is not None)
    customer = factory.SubFactory(
        CustomerFactory, tenant=factory.SelfAttribute("..tenant"), owner=factory.SelfAttribute("..rep")
    )
    purpose = Visit.Purpose.SERVICE


class VisitPhotoFactory(UnscopedFactory):
    class Meta:
        model = VisitPhoto

    tenant = factory.SubFactory(TenantFactory)
    visit = factory.SubFactory(VisitFactory, tenant=factory.SelfAttribute("..tenant"))
    uploaded_by = factory.SelfAttribute("visit.rep")
    image = factory.django.FileField(filename="shop.jpg", data=b"\xff\xd8\xff\xe0 not a real jpeg")
    content_type = "image/jpeg"
    size = factory.LazyAttribute(lambda p: p.image.size)


def _deadline(report) -> dt.datetime:
    tz = zoneinfo.ZoneInfo(report.tenant.timezone)
    return dt.datetime.combine(report.day, dt.time(20, 0), tzinfo=tz)


class DailyReportFactory(UnscopedFactory):
    class Meta:
        model = DailyReport

    tenant = factory.SubFactory(TenantFactory)
    rep = factory.SubFactory(MembershipFactory, tenant=factory.SelfAttribute("..tenant"))
    day = DAY
    deadline_at = factory.LazyAttribute(_deadline)


class ReportOrderFactory(UnscopedFactory):
    class Meta:
        model = ReportOrder

    tenant = factory.SubFactory(TenantFactory)
    report = factory.SubFactory(DailyReportFactory, tenant=factory.SelfAttribute("..tenant"))
    visit = None
    order = factory.SubFactory(
        OrderFactory,
        customer__tenant=factory.SelfAttribute("...tenant"),
        customer__owner=factory.SelfAttribute("...report.rep"),
    )


class ReportPaymentFactory(UnscopedFactory):
    class Meta:
        model = ReportPayment

    tenant = factory.SubFactory(TenantFactory)
    report = factory.SubFactory(DailyReportFactory, tenant=factory.SelfAttribute("..tenant"))
    visit = None
    payment = factory.SubFactory(
        PaymentFactory,
        customer__tenant=factory.SelfAttribute("...tenant"),
        customer__owner=factory.SelfAttribute("...report.rep"),
    )


class MarketReportFactory(UnscopedFactory):
    class Meta:
        model = MarketReport

    tenant = factory.SubFactory(TenantFactory)
    rep = factory.SubFactory(MembershipFactory, tenant=factory.SelfAttribute("..tenant"))
    raised_at = factory.LazyFunction(lambda: dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC))
    title = factory.Sequence(lambda n: f"Competitor price cut {n}")
    body = "A rival cut its list price by 10% in the east district."


class PlanSuggestionFactory(UnscopedFactory):
    """A pending suggestion of one of the rep's customers for the rep's plan of DAY."""

    class Meta:
        model = PlanSuggestion

    tenant = factory.SubFactory(TenantFactory)
    rep = factory.SubFactory(MembershipFactory, tenant=factory.SelfAttribute("..tenant"))
    day = DAY
    customer = factory.SubFactory(
        CustomerFactory, tenant=factory.SelfAttribute("..tenant"), owner=factory.SelfAttribute("..rep")
    )
    score = 60
    reasons = factory.LazyFunction(
        lambda: [
            {
                "code": "follow_up",
                "score": 60,
                "detail": {"due": DAY.isoformat(), "count": 1, "subject": "Call back"},
            }
        ]
    )
