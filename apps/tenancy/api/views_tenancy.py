"""Tenancy's own endpoint: the tombstones a sync client reads to learn what was deleted."""

from django_filters import rest_framework as filters
from django_scopes import scopes_disabled

from apps.tenancy.models import Tombstone

from .serializers import TombstoneOut
from .views import TenantReadOnlyViewSet

with scopes_disabled():

    class TombstoneFilter(filters.FilterSet):
        class Meta:
            model = Tombstone
            fields = ["model"]


class DeletionViewSet(TenantReadOnlyViewSet):
    """Rows deleted from synced tables (tombstones). Page with ?updated_since= like any sync feed."""

    serializer_class = TombstoneOut
    queryset = Tombstone.objects.none()
    filterset_class = TombstoneFilter

    def get_queryset(self):
        return Tombstone.objects.filter(tenant=self.request.tenant)
