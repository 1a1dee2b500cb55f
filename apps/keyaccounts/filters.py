"""FilterSets for key-account plans, stages and reviews (the API and the list page's selector).

Foreign keys are filtered by id: the querysets are already tenant- and viewer-restricted."""

from django.db.models import Q
from django_filters import rest_framework as filters
from django_scopes import scopes_disabled

from .models import KeyAccountPlan, PlanReview, PlanStage

with scopes_disabled():

    class PlanFilter(filters.FilterSet):
        q = filters.CharFilter(method="filter_q", label="Search title or customer")
        owner = filters.NumberFilter(field_name="owner_id")
        customer = filters.NumberFilter(field_name="customer_id")
        status = filters.ChoiceFilter(choices=KeyAccountPlan.Status.choices)
        review_due_by = filters.DateFilter(
            method="filter_review_due_by", label="Active plans whose next review is on or before this day"
        )

        class Meta:
            model = KeyAccountPlan
            fields = ["q", "owner", "customer", "status", "review_due_by"]

        def filter_q(self, queryset, name, value):
            value = value.strip()
            if not value:
                return queryset
            return queryset.filter(
                Q(title__icontains=value)
                | Q(customer__name__icontains=value)
                | Q(customer__code__icontains=value)
            )

        def filter_review_due_by(self, queryset, name, value):
            return queryset.filter(status=KeyAccountPlan.Status.ACTIVE, next_review_on__lte=value)

    class StageFilter(filters.FilterSet):
        plan = filters.NumberFilter(field_name="plan_id")

        class Meta:
            model = PlanStage
            fields = ["plan"]

    class ReviewFilter(filters.FilterSet):
        plan = filters.NumberFilter(field_name="plan_id")

        class Meta:
            model = PlanReview
            fields = ["plan"]
