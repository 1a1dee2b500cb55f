from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.reporting import selectors, services
from apps.reporting.filters import WeeklyProgressFilter
from apps.reporting.models import WeeklyProgress
from apps.tenancy.api.views import TenantReadOnlyViewSet

from .serializers import RollupIn, RollupOut, WeeklyProgressOut


class WeeklyProgressViewSet(TenantReadOnlyViewSet):
    """Weekly progress (周进度) per account manager and per team, read-only and sync-able
    (`updated_since`); rows are written by the weekly rollup. A rep reads their own rows, a manager
    their line's and their team subtree's, an admin all. `rollup` recomputes one week on demand."""

    queryset = WeeklyProgress.objects.none()
    serializer_class = WeeklyProgressOut
    filterset_class = WeeklyProgressFilter

    def get_queryset(self):
        return selectors.weekly_progress_list(tenant=self.request.tenant, viewer=self.membership)

    @extend_schema(request=RollupIn, responses=RollupOut)
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def rollup(self, request):
        data = RollupIn(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.rollup_on_demand(
            tenant=request.tenant, by=self.membership, period=data.validated_data["week"]
        )
        return Response(RollupOut({"week": data.validated_data["week"].strip(), **result.as_dict()}).data)
