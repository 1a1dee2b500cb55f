import math

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.customers.api.views import ServiceViewSet, service_schema
from apps.targets import selectors, services
from apps.targets.models import CustomMetric
from apps.tenancy.models import Role

from .serializers import CustomMetricIn, CustomMetricOut, MetricOut, ValuesOut, ValuesQuery

FILTER_PARAMS = ("rep_ids", "category_ids", "product_ids", "region_ids", "segment", "key_account")


@service_schema(CustomMetricOut, CustomMetricIn)
class CustomMetricViewSet(ServiceViewSet):
    """Tenant-defined KPIs (a built-in narrowed by filters): every member reads them, admins define them.

    `catalogue` lists every metric, built-in and custom; `values` computes them per dimension and period.
    """

    queryset = CustomMetric.objects.none()
    serializer_class = CustomMetricOut
    input_serializer_class = CustomMetricIn
    write_roles = (Role.ADMIN,)

    def get_queryset(self):
        return selectors.custom_metric_list(tenant=self.request.tenant)

    def create_object(self, data):
        return services.custom_metric_save(tenant=self.request.tenant, by=self.membership, **data)

    def update_object(self, instance, data):
        return services.custom_metric_save(
            tenant=self.request.tenant, by=self.membership, metric=instance, **data
        )

    def delete_object(self, instance):
        services.custom_metric_delete(metric=instance, by=self.membership)

    @extend_schema(responses=MetricOut(many=True))
    @action(detail=False, pagination_class=None, filter_backends=[])
    def catalogue(self, request):
        return Response(MetricOut(selectors.metric_catalogue(tenant=request.tenant), many=True).data)

    @extend_schema(parameters=[ValuesQuery], responses=ValuesOut)
    @action(detail=False, pagination_class=None, filter_backends=[])
    def values(self, request):
        query = ValuesQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        filters = {k: q[k] for k in FILTER_PARAMS if q.get(k) not in (None, "", [])}
        frame = selectors.kpi_values(
            tenant=request.tenant,
            viewer=self.membership,
            metrics=q["metrics"],
            grain=q["grain"],
            start=q["start"],
            end=q["end"],
            by=q["by"],
            filters=filters,
        )
        rows = [
            {
                "key": int(key),
                "period_start": period,
                "values": {
                    c: (None if math.isnan(v) else v) for c, v in zip(frame.columns, values, strict=True)
                },
            }
            for (key, period), values in zip(frame.index, frame.itertuples(index=False), strict=True)
        ]
        return Response(
            ValuesOut({"grain": q["grain"], "by": q["by"], "metrics": list(frame.columns), "rows": rows}).data
        )
