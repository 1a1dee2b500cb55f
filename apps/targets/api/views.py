import math

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.org.selectors import restrict_to_viewer
from apps.targets import selectors, services
from apps.targets.exports import progress_frame
from apps.targets.filters import ImprovementActionFilter, TargetFilter
from apps.targets.models import (
    Appraisal,
    AppraisalCycle,
    CustomMetric,
    ImprovementAction,
    SeasonalProfile,
    Target,
)
from apps.tenancy.api.views import ServiceViewSet, TenantReadOnlyViewSet, service_schema
from apps.tenancy.dates import tenant_today
from apps.tenancy.exports import FORMATS, frame_to_response
from apps.tenancy.models import Role

from .serializers import (
    AppraisalAcknowledgeIn,
    AppraisalCycleIn,
    AppraisalCycleOut,
    AppraisalGenerateIn,
    AppraisalOut,
    AppraisalSetLinesIn,
    AppraisalSubmitIn,
    CustomMetricIn,
    CustomMetricOut,
    DecomposeIn,
    ImprovementActionIn,
    ImprovementActionOut,
    MetricOut,
    ProgressQuery,
    ProgressRow,
    SeasonalProfileIn,
    SeasonalProfileOut,
    TargetChangeOut,
    TargetIn,
    TargetOut,
    TransitionIn,
    TreeOut,
    ValuesOut,
    ValuesQuery,
    target_tree_data,
)

FILTER_PARAMS = (
    "rep_ids",
    "category_ids",
    "product_ids",
    "region_ids",
    "customer_ids",
    "segment",
    "key_account",
)


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


class ProgressExportQuery(ProgressQuery):
    # `format` is DRF's renderer override (URL_FORMAT_OVERRIDE): a file type goes in `fmt` instead.
    fmt = serializers.ChoiceField(choices=FORMATS, help_text="xlsx or csv.")


def _progress_rows(targets, frame) -> list[dict]:
    def num(v):
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)

    rows = []
    for t in targets:
        p = frame.loc[t.pk]
        rows.append(
            {
                "target": t.pk,
                "metric": t.metric,
                "value": float(t.value),
                **{k: num(p[k]) for k in ("actual", "attainment", "expected", "forecast", "gap", "elapsed")},
                "status": p["status"],
            }
        )
    return rows


@service_schema(TargetOut, TargetIn)
class TargetViewSet(ServiceViewSet):
    """SMART targets: a rep sees their own, a manager their line's and team subtree's, an admin all.

    Transitions are POSTs on the target (propose, return, approve, reopen, lock); `decompose` splits it
    into draft children; `tree` shows it with its descendants and whether additive children sum up;
    `progress` gives actual, attainment, expected, forecast, gap and status for the filtered list.
    """

    queryset = Target.objects.none()
    serializer_class = TargetOut
    input_serializer_class = TargetIn
    filterset_class = TargetFilter

    def get_queryset(self):
        return selectors.target_list(tenant=self.request.tenant, viewer=self.membership)

    def create_object(self, data):
        data.pop("reason", None)
        return services.target_create(tenant=self.request.tenant, by=self.membership, **data)

    def update_object(self, instance, data):
        reason = data.pop("reason", "")
        return services.target_update(target=instance, by=self.membership, reason=reason, **data)

    def delete_object(self, instance):
        services.target_delete(target=instance, by=self.membership)

    def _transition(self, request, action_name):
        body = TransitionIn(data=request.data)
        body.is_valid(raise_exception=True)
        target = services.target_transition(
            target=self.get_object(),
            by=self.membership,
            action=action_name,
            justification=body.validated_data.get("justification", ""),
        )
        return Response(TargetOut(target).data)

    @extend_schema(request=TransitionIn, responses=TargetOut)
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        return self._transition(request, "propose")

    @extend_schema(request=TransitionIn, responses=TargetOut)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_to_draft(self, request, pk=None):
        return self._transition(request, "return")

    @extend_schema(request=TransitionIn, responses=TargetOut)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._transition(request, "approve")

    @extend_schema(request=TransitionIn, responses=TargetOut)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._transition(request, "reopen")

    @extend_schema(request=TransitionIn, responses=TargetOut)
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        return self._transition(request, "lock")

    @extend_schema(request=DecomposeIn, responses={201: TargetOut(many=True)})
    @action(detail=True, methods=["post"])
    def decompose(self, request, pk=None):
        parent = self.get_object()
        body = DecomposeIn(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["method"] = data.pop("allocation")
        children = services.target_decompose(parent=parent, by=self.membership, **data)
        return Response(TargetOut(children, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=TreeOut)
    @action(detail=True, pagination_class=None, filter_backends=[])
    def tree(self, request, pk=None):
        root = self.get_object()
        return Response(target_tree_data(selectors.target_tree_nodes(root=root, viewer=self.membership)[0]))

    @extend_schema(responses=TargetChangeOut(many=True))
    @action(detail=True, pagination_class=None, filter_backends=[])
    def changes(self, request, pk=None):
        target = self.get_object()
        return Response(TargetChangeOut(target.changes.all(), many=True).data)

    @extend_schema(parameters=[ProgressQuery], responses=ProgressRow(many=True))
    @action(detail=False, pagination_class=None)
    def progress(self, request):
        targets, frame, _ = self._progress(request, ProgressQuery)
        return Response(ProgressRow(_progress_rows(targets, frame), many=True).data)

    def _progress(self, request, query_class, queryset=None):
        """The visible, filtered targets and their progress frame, for `progress` and its export."""
        query = query_class(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        today = q.get("today") or tenant_today(request.tenant)
        qs = self.filter_queryset(self.get_queryset() if queryset is None else queryset)
        targets = list(qs[: self.MAX_PROGRESS])
        return targets, selectors.target_progress(tenant=request.tenant, targets=targets, today=today), q

    @extend_schema(
        parameters=[ProgressExportQuery],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
        },
    )
    @action(detail=False, pagination_class=None, url_path="progress/export", url_name="progress-export")
    def progress_export(self, request):
        """The progress table as an XLSX or CSV attachment (`?fmt=xlsx|csv`), same filters as `progress`."""
        queryset = self.get_queryset().select_related("category", "product", "region", "customer")
        targets, frame, q = self._progress(request, ProgressExportQuery, queryset)
        names = {m["code"]: m["name"] for m in selectors.metric_catalogue(tenant=request.tenant)}
        df, number_formats = progress_frame(targets, frame, tenant=request.tenant, metric_names=names)
        today = tenant_today(request.tenant)
        return frame_to_response(
            df,
            filename=f"{request.tenant.slug}-target-progress-{today.isoformat()}",
            fmt=q["fmt"],
            number_formats=number_formats,
        )

    MAX_PROGRESS = 5000


@service_schema(SeasonalProfileOut, SeasonalProfileIn)
class SeasonalProfileViewSet(ServiceViewSet):
    """Monthly distributions for splitting targets and for expected-by-now: all read, admins write."""

    queryset = SeasonalProfile.objects.none()
    serializer_class = SeasonalProfileOut
    input_serializer_class = SeasonalProfileIn
    write_roles = (Role.ADMIN,)

    def get_queryset(self):
        return selectors.seasonal_profile_list(tenant=self.request.tenant)

    def create_object(self, data):
        return services.seasonal_profile_save(tenant=self.request.tenant, by=self.membership, **data)

    def update_object(self, instance, data):
        return services.seasonal_profile_save(
            tenant=self.request.tenant, by=self.membership, profile=instance, **data
        )

    def delete_object(self, instance):
        services.seasonal_profile_delete(profile=instance, by=self.membership)


@service_schema(AppraisalCycleOut, AppraisalCycleIn)
class AppraisalCycleViewSet(ServiceViewSet):
    """Appraisal cycles (monthly, quarterly, annual): every member reads them, admins define them."""

    queryset = AppraisalCycle.objects.none()
    serializer_class = AppraisalCycleOut
    input_serializer_class = AppraisalCycleIn
    write_roles = (Role.ADMIN,)

    def get_queryset(self):
        return AppraisalCycle.objects.filter(tenant=self.request.tenant).order_by("-period_start", "id")

    def create_object(self, data):
        return services.appraisal_cycle_save(tenant=self.request.tenant, by=self.membership, **data)

    def update_object(self, instance, data):
        return services.appraisal_cycle_save(
            tenant=self.request.tenant, by=self.membership, cycle=instance, **data
        )

    def delete_object(self, instance):
        services.appraisal_cycle_delete(cycle=instance, by=self.membership)


class AppraisalViewSet(TenantReadOnlyViewSet):
    """Appraisals: a rep sees their own, a manager their line's, an admin all.

    `generate` makes a draft for every rep in the caller's line in a cycle; `set-lines` replaces a
    draft's weighted KPI lines (weights sum to 100); `submit` (the manager above), `acknowledge`
    (the rep, with a comment) and `close` move it on. Acknowledged and closed appraisals never change.
    """

    queryset = Appraisal.objects.none()
    serializer_class = AppraisalOut

    def get_queryset(self):
        qs = Appraisal.objects.filter(tenant=self.request.tenant).prefetch_related("lines", "actions")
        return restrict_to_viewer(qs, self.membership, "rep").order_by("-cycle__period_start", "rep_id", "id")

    def _out(self, appraisal):
        return Response(AppraisalOut(self.get_queryset().get(pk=appraisal.pk)).data)

    @extend_schema(request=AppraisalGenerateIn, responses={201: AppraisalOut(many=True)})
    @action(detail=False, methods=["post"])
    def generate(self, request):
        body = AppraisalGenerateIn(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        made = services.appraisal_create_for_cycle(cycle=body.validated_data["cycle"], by=self.membership)
        rows = self.get_queryset().filter(pk__in=[a.pk for a in made])
        return Response(AppraisalOut(rows, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AppraisalSetLinesIn, responses=AppraisalOut)
    @action(detail=True, methods=["post"], url_path="set-lines", url_name="set-lines")
    def set_lines(self, request, pk=None):
        appraisal = self.get_object()
        body = AppraisalSetLinesIn(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        lines = [dict(line) for line in body.validated_data["lines"]]
        return self._out(services.appraisal_set_lines(appraisal=appraisal, by=self.membership, lines=lines))

    @extend_schema(request=AppraisalSubmitIn, responses=AppraisalOut)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        appraisal = self.get_object()
        body = AppraisalSubmitIn(data=request.data)
        body.is_valid(raise_exception=True)
        return self._out(
            services.appraisal_submit(appraisal=appraisal, by=self.membership, **body.validated_data)
        )

    @extend_schema(request=AppraisalAcknowledgeIn, responses=AppraisalOut)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        appraisal = self.get_object()
        body = AppraisalAcknowledgeIn(data=request.data)
        body.is_valid(raise_exception=True)
        return self._out(
            services.appraisal_acknowledge(appraisal=appraisal, by=self.membership, **body.validated_data)
        )

    @extend_schema(request=None, responses=AppraisalOut)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._out(services.appraisal_close(appraisal=self.get_object(), by=self.membership))


@service_schema(ImprovementActionOut, ImprovementActionIn)
class ImprovementActionViewSet(ServiceViewSet):
    """Improvement actions agreed in appraisals, each with an owner and a due date.

    Readable by whoever may read the appraisal, and by the action's owner; filter with `?appraisal=`.
    The manager above the rep adds, edits and deletes them while the appraisal is a draft or
    submitted; once acknowledged they stay as signed. `done` and `reopen` (the owner or the manager)
    move the status between open and done until the appraisal is closed.
    """

    queryset = ImprovementAction.objects.none()
    serializer_class = ImprovementActionOut
    input_serializer_class = ImprovementActionIn
    filterset_class = ImprovementActionFilter
    write_roles = (Role.ADMIN, Role.MANAGER, Role.REP)

    def get_queryset(self):
        qs = selectors.improvement_action_list(tenant=self.request.tenant, viewer=self.membership)
        return qs.order_by("due_date", "id")

    def create_object(self, data):
        return services.improvement_action_create(by=self.membership, **data)

    def update_object(self, instance, data):
        return services.improvement_action_update(action=instance, by=self.membership, **data)

    def delete_object(self, instance):
        services.improvement_action_delete(action=instance, by=self.membership)

    @extend_schema(request=None, responses=ImprovementActionOut)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        return self._set_done(True)

    @extend_schema(request=None, responses=ImprovementActionOut)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._set_done(False)

    def _set_done(self, done: bool):
        action_ = services.improvement_action_set_done(
            action=self.get_object(), by=self.membership, done=done
        )
        return Response(ImprovementActionOut(self.reload(action_)).data)
