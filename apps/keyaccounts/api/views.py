from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apps.customers.services import task_complete
from apps.keyaccounts import services
from apps.keyaccounts.filters import PlanFilter, ReviewFilter, StageFilter
from apps.keyaccounts.models import KeyAccountPlan, PlanReview, PlanStage
from apps.keyaccounts.selectors import (
    plan_list,
    plan_task,
    plan_task_rows,
    plans_with_stages,
    review_list,
    stage_list,
)
from apps.tenancy.api.views import (
    IdempotentCreateMixin,
    ServiceViewSet,
    ServiceWriteMixin,
    TenantAPIMixin,
    service_schema,
)

from .serializers import (
    KeyAccountPlanIn,
    KeyAccountPlanOut,
    KeyAccountReviewIn,
    KeyAccountReviewOut,
    KeyAccountStageIn,
    KeyAccountStageOut,
    KeyAccountTaskDoneIn,
    KeyAccountTaskIn,
    KeyAccountTaskOut,
)


def _valid(serializer_class, request, context) -> dict:
    serializer = serializer_class(data=request.data, context=context)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@service_schema(KeyAccountPlanOut, KeyAccountPlanIn)
class KeyAccountPlanViewSet(ServiceViewSet):
    """Key-account plans (大客户计划) with their stages, each stage's goals against the customer's
    actual sales in its dates: a rep their own, a manager their line's, admin and viewer all."""

    queryset = KeyAccountPlan.objects.none()
    serializer_class = KeyAccountPlanOut
    input_serializer_class = KeyAccountPlanIn
    filterset_class = PlanFilter

    def get_queryset(self):
        return plans_with_stages(plan_list(tenant=self.membership.tenant, viewer=self.membership))

    def create_object(self, data):
        return services.plan_create(tenant=self.membership.tenant, by=self.membership, **data)

    def update_object(self, instance, data):
        return services.plan_update(plan=instance, by=self.membership, **data)

    def delete_object(self, instance):
        services.plan_delete(plan=instance, by=self.membership)

    @extend_schema(request=None, responses=KeyAccountPlanOut)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Draft → active; 400 without a stage."""
        return self.answer(services.plan_activate(plan=self.get_object(), by=self.membership))

    @extend_schema(request=None, responses=KeyAccountPlanOut)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Active → closed."""
        return self.answer(services.plan_close(plan=self.get_object(), by=self.membership))

    @extend_schema(methods=["get"], request=None, responses=KeyAccountTaskOut(many=True))
    @extend_schema(methods=["post"], request=KeyAccountTaskIn, responses={201: KeyAccountTaskOut})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def tasks(self, request, pk=None):
        """The plan's tasks by stage (GET), or a new task of one of its stages for a responsible person
        (POST): a shared task (source "keyaccounts.plan") at the plan's customer."""
        plan = self.get_object()
        if request.method == "GET":
            return Response(KeyAccountTaskOut(plan_task_rows(plan), many=True).data)

        def handler():
            data = _valid(KeyAccountTaskIn, request, self.get_serializer_context())
            stage = data.pop("stage")
            if stage.plan_id != plan.pk:
                raise ValidationError({"stage": [_("This stage belongs to another plan.")]})
            stage.plan = plan
            link = services.stage_task_create(stage=stage, by=self.membership, **data)
            row = plan_task_rows(plan).get(pk=link.pk)
            return Response(KeyAccountTaskOut(row).data, status=status.HTTP_201_CREATED)

        return self.run_idempotent(request, handler)

    @extend_schema(request=KeyAccountTaskDoneIn, responses=KeyAccountTaskOut)
    @action(detail=True, methods=["post"], url_path="complete-task", url_name="complete-task")
    def complete_task(self, request, pk=None):
        """Mark one of the plan's tasks done, with an optional note; 400 when it is done already."""
        plan = self.get_object()
        data = _valid(KeyAccountTaskDoneIn, request, self.get_serializer_context())
        task = plan_task(plan, data["task"])
        if task is None:
            raise ValidationError({"task": [_("Not a task of this plan.")]})
        task_complete(task=task, by=self.membership, note=data.get("note", ""))
        return Response(KeyAccountTaskOut(plan_task_rows(plan).get(task_id=task.pk)).data)


@service_schema(KeyAccountStageOut, KeyAccountStageIn)
class PlanStageViewSet(ServiceViewSet):
    """The stages of the plans the caller may see; dates inside the plan's period, goals not negative."""

    queryset = PlanStage.objects.none()
    serializer_class = KeyAccountStageOut
    input_serializer_class = KeyAccountStageIn
    filterset_class = StageFilter

    def get_queryset(self):
        return stage_list(tenant=self.membership.tenant, viewer=self.membership)

    def create_object(self, data):
        plan = data.pop("plan")
        return services.stage_create(plan=plan, by=self.membership, **data)

    def update_object(self, instance, data):
        return services.stage_update(stage=instance, by=self.membership, **data)

    def delete_object(self, instance):
        services.stage_delete(stage=instance, by=self.membership)


@extend_schema_view(create=extend_schema(request=KeyAccountReviewIn, responses={201: KeyAccountReviewOut}))
class PlanReviewViewSet(
    ServiceWriteMixin,
    TenantAPIMixin,
    IdempotentCreateMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A plan's reviews, newest first. A POST records one (active plans only) with the stage changes
    it decided; reviews are the plan's history, never edited or removed."""

    queryset = PlanReview.objects.none()
    serializer_class = KeyAccountReviewOut
    input_serializer_class = KeyAccountReviewIn
    filterset_class = ReviewFilter

    def get_queryset(self):
        return review_list(tenant=self.membership.tenant, viewer=self.membership)

    def create_object(self, data):
        plan = data.pop("plan")
        data["adjustments"] = [dict(item) for item in data.get("adjustments", [])]
        return services.plan_review(plan=plan, by=self.membership, **data)
