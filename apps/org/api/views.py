from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.org.filters import MemberFilter
from apps.org.models import Region, Team
from apps.org.selectors import member_list
from apps.tenancy.api.views import TenantAPIMixin, TenantReadOnlyViewSet
from apps.tenancy.models import Membership

from .serializers import MemberOut, RegionOut, TeamOut


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


class TeamViewSet(TenantReadOnlyViewSet):
    """The team tree; every member of the organisation may read it."""

    serializer_class = TeamOut
    queryset = Team.objects.none()
    filterset_fields = ["parent"]

    def get_queryset(self):
        return Team.objects.filter(tenant=self.request.tenant)


class RegionViewSet(TenantReadOnlyViewSet):
    serializer_class = RegionOut
    queryset = Region.objects.none()
    filterset_fields = ["parent", "code"]

    def get_queryset(self):
        return Region.objects.filter(tenant=self.request.tenant)
