from apps.org.models import Region, Team
from apps.tenancy.api.views import TenantReadOnlyViewSet

from .serializers import RegionOut, TeamOut


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
