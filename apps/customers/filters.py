"""FilterSets for customers, contacts and interactions (used by the API and by the pages' selectors).

Foreign keys are filtered by id (NumberFilter), not ModelChoiceFilter: the querysets they filter are
already tenant- and viewer-restricted, and an id needs no lookup query to validate.
"""

import datetime as dt

from django.db.models import Q
from django_filters import rest_framework as filters
from django_scopes import scopes_disabled

from apps.org.models import RegionClosure
from apps.tenancy.context import current_tenant
from apps.tenancy.dates import tenant_today

from .models import Contact, Customer, Interaction, Task

with scopes_disabled():

    class CustomerFilter(filters.FilterSet):
        q = filters.CharFilter(method="filter_q", label="Search code, name or phone")
        owner = filters.NumberFilter(field_name="owner_id")
        region = filters.NumberFilter(method="filter_region", label="Region (with its sub-regions)")
        segment = filters.ChoiceFilter(choices=Customer.Segment.choices)
        status = filters.ChoiceFilter(choices=Customer.Status.choices)
        is_key_account = filters.BooleanFilter()

        class Meta:
            model = Customer
            fields = ["q", "owner", "region", "segment", "status", "is_key_account"]

        def filter_q(self, queryset, name, value):
            value = value.strip()
            if not value:
                return queryset
            return queryset.filter(
                Q(code__icontains=value) | Q(name__icontains=value) | Q(phone__icontains=value)
            )

        def filter_region(self, queryset, name, value):
            # A region means its whole subtree: one closure subquery, no recursion.
            sub = RegionClosure.objects.filter(ancestor_id=value).values("descendant_id")
            return queryset.filter(region_id__in=sub)

    class ContactFilter(filters.FilterSet):
        customer = filters.NumberFilter(field_name="customer_id")

        class Meta:
            model = Contact
            fields = ["customer"]

    class InteractionFilter(filters.FilterSet):
        customer = filters.NumberFilter(field_name="customer_id")
        rep = filters.NumberFilter(field_name="rep_id")
        kind = filters.ChoiceFilter(choices=Interaction.Kind.choices)

        class Meta:
            model = Interaction
            fields = ["customer", "rep", "kind"]

    class TaskFilter(filters.FilterSet):
        status = filters.ChoiceFilter(choices=Task.Status.choices)
        owner = filters.NumberFilter(field_name="owner_id")
        customer = filters.NumberFilter(field_name="customer_id")
        source = filters.CharFilter(field_name="source")
        due_after = filters.DateFilter(field_name="due_on", lookup_expr="gte", label="Due on or after")
        due_before = filters.DateFilter(field_name="due_on", lookup_expr="lte", label="Due on or before")
        overdue = filters.BooleanFilter(method="filter_overdue", label="Open and due before today")

        # The tenant's today, set by the selector; the API's filter backend finds it from the request.
        today: dt.date | None = None

        class Meta:
            model = Task
            fields = ["status", "owner", "customer", "source", "due_after", "due_before", "overdue"]

        def _today(self):
            if self.today is not None:
                return self.today
            tenant = getattr(self.request, "tenant", None) or current_tenant()
            if tenant is None:  # pragma: no cover - every caller runs inside a tenant
                raise RuntimeError("the overdue filter needs the tenant's today")
            return tenant_today(tenant)

        def filter_overdue(self, queryset, name, value):
            overdue = Q(status=Task.Status.OPEN, due_on__lt=self._today())
            return queryset.filter(overdue) if value else queryset.exclude(overdue)
