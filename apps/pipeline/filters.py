"""FilterSets for opportunities (used by the API and by the list page's selector)."""

from django.db.models import Q
from django_filters import rest_framework as filters
from django_scopes import scopes_disabled

from apps.org.models import TeamClosure

from .models import Opportunity

with scopes_disabled():

    class OpportunityFilter(filters.FilterSet):
        q = filters.CharFilter(method="filter_q", label="Search title, customer or prospect")
        owner = filters.NumberFilter(field_name="owner_id")
        team = filters.NumberFilter(method="filter_team", label="Team (with its sub-teams)")
        customer = filters.NumberFilter(field_name="customer_id")
        stage = filters.NumberFilter(field_name="stage_id")
        status = filters.ChoiceFilter(choices=Opportunity.Status.choices)
        source = filters.ChoiceFilter(choices=Opportunity.Source.choices)
        close_from = filters.DateFilter(field_name="expected_close", lookup_expr="gte")
        close_to = filters.DateFilter(field_name="expected_close", lookup_expr="lte")

        class Meta:
            model = Opportunity
            fields = ["q", "owner", "team", "customer", "stage", "status", "source", "close_from", "close_to"]

        def filter_q(self, queryset, name, value):
            value = value.strip()
            if not value:
                return queryset
            return queryset.filter(
                Q(name__icontains=value)
                | Q(customer__name__icontains=value)
                | Q(prospect_name__icontains=value)
            )

        def filter_team(self, queryset, name, value):
            # A team means its whole subtree: one closure subquery, no recursion.
            sub = TeamClosure.objects.filter(ancestor_id=value).values("descendant_id")
            return queryset.filter(owner__team_id__in=sub)
