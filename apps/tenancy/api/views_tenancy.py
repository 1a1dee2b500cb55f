from django_filters import rest_framework as filters
from django_scopes import scopes_disabled
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.org.selectors import member_list
from apps.tenancy.models import Membership, Tombstone

from .serializers import MemberOut, TombstoneOut
from .views import TenantAPIMixin, TenantReadOnlyViewSet

with scopes_disabled():

    class MemberFilter(filters.FilterSet):
        class Meta:
            model = Membership
            fields = ["role", "team", "reports_to"]


class MemberViewSet(TenantAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The members of the organisation the caller may see (a rep: themself; a manager: their line)."""

    serializer_class = MemberOut
    filterset_class = MemberFilter
    queryset = Membership.objects.none()

    def get_queryset(self):
        return member_list(tenant=self.request.tenant, viewer=self.membership)

    @extend_schema(responses=MemberOut)
    @action(detail=False)
    def me(self, request):
        return Response(MemberOut(self.membership).data)


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
