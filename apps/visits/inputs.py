"""Input serializers of daily and market reports, shared by the REST API (apps.visits.api.reports)
and the report pages (apps.visits.views.reports): a page validates its form post with the same
serializer as the API validates JSON, so both refuse the same things and pass the services the same
data. Below both layers, so neither imports the other."""

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from apps.customers.api.serializers import CustomerField
from apps.org.models import Region
from apps.sales.models import MONEY, Payment
from apps.tenancy.api.fields import TenantRelatedField

from .models import DailyReport, MarketReport, Visit

MAX_VISITS = 100  # a day's visits; more is a client bug, refused before anything is read
QUANTITY: dict[str, Any] = {"max_digits": 12, "decimal_places": 3, "min_value": Decimal("0.001")}


# ---- daily reports --------------------------------------------------------------------------


class ReportLineIn(serializers.Serializer):
    product = serializers.IntegerField(min_value=1)
    quantity = serializers.DecimalField(**QUANTITY)
    unit_price = serializers.DecimalField(required=False, allow_null=True, min_value=Decimal("0"), **MONEY)


class ReportOrderIn(serializers.Serializer):
    lines = ReportLineIn(many=True, allow_empty=False, max_length=100)  # type: ignore[call-arg]  # many=True: ListSerializer takes it
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReportPaymentIn(serializers.Serializer):
    amount = serializers.DecimalField(min_value=Decimal("0.01"), **MONEY)
    method = serializers.ChoiceField(choices=Payment.Method.choices, required=False)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ReportVisitIn(serializers.Serializer):
    id = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="A visit of the rep's day (a plan item); omit for an unplanned visit.",
    )
    customer = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    prospect_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    area = serializers.CharField(max_length=120, required=False, allow_blank=True)
    purpose = serializers.ChoiceField(choices=Visit.Purpose.choices, required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    outcome = serializers.ChoiceField(choices=Visit.Outcome.choices, required=False)
    result_note = serializers.CharField(required=False, allow_blank=True)
    effective = serializers.BooleanField(required=False, allow_null=True)
    cost = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False)
    orders = ReportOrderIn(many=True, required=False, max_length=20)  # type: ignore[call-arg]  # many=True: ListSerializer takes it
    payments = ReportPaymentIn(many=True, required=False, max_length=20)  # type: ignore[call-arg]  # many=True: ListSerializer takes it


class DailyReportIn(serializers.ModelSerializer):
    visits = ReportVisitIn(many=True, required=False, max_length=MAX_VISITS)  # type: ignore[call-arg]  # many=True: ListSerializer takes it

    class Meta:
        model = DailyReport
        fields = [
            "day",
            "attendance",
            "complaints_handled",
            "competitor_info",
            "customer_feedback",
            "learnings",
            "visits",
        ]
        validators: list = []  # one report per rep and day: checked by the service


def as_service_data(data: dict) -> dict:
    """Serializer output → the service's plain dicts (ids stay ids)."""
    visits = data.get("visits")
    if visits is not None:
        data["visits"] = [dict(v) for v in visits]
        for v in data["visits"]:
            v["orders"] = [{**o, "lines": [dict(line) for line in o["lines"]]} for o in v.get("orders") or []]
            v["payments"] = [dict(p) for p in v.get("payments") or []]
    return data


# ---- market reports -------------------------------------------------------------------------


class MarketReportIn(serializers.ModelSerializer):
    customer = CustomerField(required=False, allow_null=True)
    region = TenantRelatedField(model=Region, required=False, allow_null=True)

    class Meta:
        model = MarketReport
        fields = ["title", "body", "category", "urgency", "customer", "region"]
