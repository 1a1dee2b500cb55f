"""FilterSets of the org endpoints (declared unscoped: their querysets are built at import)."""

from django_filters import rest_framework as filters
from django_scopes import scopes_disabled

from apps.tenancy.models import Membership

with scopes_disabled():

    class MemberFilter(filters.FilterSet):
        is_active = filters.BooleanFilter(
            help_text="false: the deactivated members only. Left out, a list shows the active ones."
        )

        class Meta:
            model = Membership
            fields = ["role", "team", "reports_to", "is_active"]
