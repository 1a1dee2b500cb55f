"""FilterSets for weekly progress (API list and sync)."""

from django_filters import rest_framework as filters
from django_scopes import scopes_disabled

from apps.org.models import TeamClosure
from apps.tenancy.dates import parse_week_key
from apps.tenancy.models import Membership

from .models import WeeklyProgress

with scopes_disabled():

    class WeeklyProgressFilter(filters.FilterSet):
        week = filters.CharFilter(method="filter_week", help_text="An ISO week, e.g. 2026-W47.")
        scope = filters.ChoiceFilter(choices=WeeklyProgress.Scope.choices)
        team = filters.NumberFilter(
            method="filter_team",
            help_text="Rows of this team's subtree: its teams' rows and the rows of their members.",
        )
        rep = filters.NumberFilter(field_name="rep_id")
        week_from = filters.DateFilter(field_name="week_start", lookup_expr="gte")
        week_to = filters.DateFilter(field_name="week_start", lookup_expr="lte")

        class Meta:
            model = WeeklyProgress
            fields = ["week", "scope", "team", "rep", "week_from", "week_to"]

        def filter_week(self, qs, name, value):
            iso_year, iso_week = parse_week_key(value)  # a malformed week answers 400
            return qs.filter(iso_year=iso_year, iso_week=iso_week)

        def filter_team(self, qs, name, value):
            request = self.request
            tenant_id = request.tenant.pk
            subtree = TeamClosure.objects.filter(tenant_id=tenant_id, ancestor_id=value).values(
                "descendant_id"
            )
            members = Membership.objects.filter(tenant_id=tenant_id, team__in=subtree).values("id")
            return qs.filter(team__in=subtree) | qs.filter(rep__in=members)
