"""FilterSets for targets (API lists and progress)."""

from django_filters import rest_framework as filters
from django_scopes import scopes_disabled

from .models import GRAIN_CHOICES, ImprovementAction, Target

with scopes_disabled():

    class TargetFilter(filters.FilterSet):
        metric = filters.CharFilter()
        owner_kind = filters.ChoiceFilter(choices=Target.OwnerKind.choices)
        grain = filters.ChoiceFilter(choices=GRAIN_CHOICES)
        status = filters.ChoiceFilter(choices=Target.Status.choices)
        rep = filters.NumberFilter(field_name="rep_id")
        team = filters.NumberFilter(field_name="team_id")
        parent = filters.NumberFilter(field_name="parent_id")
        period_from = filters.DateFilter(field_name="period_start", lookup_expr="gte")
        period_to = filters.DateFilter(field_name="period_start", lookup_expr="lte")

        class Meta:
            model = Target
            fields = [
                "metric",
                "owner_kind",
                "grain",
                "status",
                "rep",
                "team",
                "parent",
                "period_from",
                "period_to",
            ]

    class ImprovementActionFilter(filters.FilterSet):
        appraisal = filters.NumberFilter(field_name="appraisal_id")
        owner = filters.NumberFilter(field_name="owner_id")
        status = filters.ChoiceFilter(choices=[("open", "open"), ("done", "done")], method="filter_status")

        class Meta:
            model = ImprovementAction
            fields = ["appraisal", "owner", "status"]

        def filter_status(self, queryset, name, value):
            return queryset.filter(done=value == "done")
