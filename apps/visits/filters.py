"""FilterSets for visit plans, visits, daily and market reports (API and pages). The querysets they
filter are already tenant- and viewer-restricted; the plan and visit filters take foreign keys as
plain ids."""

from django_filters import rest_framework as filters
from django_scopes import scopes_disabled

from .models import DailyReport, MarketReport, PlanSuggestion, Visit, VisitPlan

with scopes_disabled():

    class VisitPlanFilter(filters.FilterSet):
        rep = filters.NumberFilter(field_name="rep_id")
        status = filters.ChoiceFilter(choices=VisitPlan.Status.choices)
        day = filters.DateFilter(field_name="day")
        day_from = filters.DateFilter(field_name="day", lookup_expr="gte")
        day_to = filters.DateFilter(field_name="day", lookup_expr="lte")

        class Meta:
            model = VisitPlan
            fields = ["rep", "status", "day", "day_from", "day_to"]

    class VisitFilter(filters.FilterSet):
        rep = filters.NumberFilter(field_name="rep_id")
        plan = filters.NumberFilter(field_name="plan_id")
        customer = filters.NumberFilter(field_name="customer_id")
        outcome = filters.ChoiceFilter(choices=Visit.Outcome.choices)
        purpose = filters.ChoiceFilter(choices=Visit.Purpose.choices)
        planned = filters.BooleanFilter()
        day = filters.DateFilter(field_name="day")
        day_from = filters.DateFilter(field_name="day", lookup_expr="gte")
        day_to = filters.DateFilter(field_name="day", lookup_expr="lte")

        class Meta:
            model = Visit
            fields = ["rep", "plan", "customer", "outcome", "purpose", "planned", "day", "day_from", "day_to"]

    class DailyReportFilter(filters.FilterSet):
        day_from = filters.DateFilter(field_name="day", lookup_expr="gte")
        day_to = filters.DateFilter(field_name="day", lookup_expr="lte")

        class Meta:
            model = DailyReport
            fields = ["rep", "day", "status", "on_time", "attendance"]

    class MarketReportFilter(filters.FilterSet):
        raised_from = filters.DateTimeFilter(field_name="raised_at", lookup_expr="gte")
        raised_to = filters.DateTimeFilter(field_name="raised_at", lookup_expr="lte")

        class Meta:
            model = MarketReport
            fields = ["rep", "status", "category", "urgency", "customer", "region"]

    class PlanSuggestionFilter(filters.FilterSet):
        rep = filters.NumberFilter(field_name="rep_id")
        customer = filters.NumberFilter(field_name="customer_id")
        status = filters.ChoiceFilter(choices=PlanSuggestion.Status.choices)
        day = filters.DateFilter(field_name="day")
        day_from = filters.DateFilter(field_name="day", lookup_expr="gte")
        day_to = filters.DateFilter(field_name="day", lookup_expr="lte")

        class Meta:
            model = PlanSuggestion
            fields = ["rep", "customer", "status", "day", "day_from", "day_to"]
