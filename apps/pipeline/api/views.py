from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from apps.pipeline import selectors, services
from apps.pipeline.filters import OpportunityFilter
from apps.pipeline.models import Opportunity, Stage
from apps.tenancy.api.views import ServiceViewSet, service_schema
from apps.tenancy.models import Tenant

from .serializers import (
    LostIn,
    MoveIn,
    OpportunityIn,
    OpportunityOut,
    OpportunityTaskIn,
    StageIn,
    StageOut,
    WonIn,
)


class PipelineViewSet(ServiceViewSet):
    @property
    def tenant(self) -> Tenant:
        # Set on the request by TenantAPIMixin.initial from the token's membership.
        return self.request.tenant  # type: ignore[attr-defined]


@service_schema(StageOut, StageIn)
class StageViewSet(PipelineViewSet):
    """The organisation's pipeline stages, in order; only an administrator changes them, and a stage
    an opportunity is in or has been in cannot be deleted (400)."""

    queryset = Stage.objects.none()
    serializer_class = StageOut
    input_serializer_class = StageIn

    def get_queryset(self):
        return selectors.stage_list(tenant=self.tenant)

    def create_object(self, data):
        return services.stage_create(tenant=self.tenant, by=self.membership, **data)

    def update_object(self, instance, data):
        return services.stage_update(stage=instance, by=self.membership, **data)

    def delete_object(self, instance):
        services.stage_delete(stage=instance, by=self.membership)


@service_schema(OpportunityOut, OpportunityIn)
class OpportunityViewSet(PipelineViewSet):
    """Opportunities (商机) the caller may see — a rep their own, a manager their line's, an admin and
    a viewer all — each with its product lines and stage history."""

    queryset = Opportunity.objects.none()
    serializer_class = OpportunityOut
    input_serializer_class = OpportunityIn
    filterset_class = OpportunityFilter

    def get_queryset(self):
        return selectors.opportunity_list(tenant=self.tenant, viewer=self.membership).prefetch_related(
            "lines__product", "lines__category", selectors.history_prefetch(), "task_links__task"
        )

    def create_object(self, data):
        return services.opportunity_create(tenant=self.tenant, by=self.membership, **data)

    def update_object(self, instance, data):
        return services.opportunity_update(opportunity=instance, by=self.membership, **data)

    def delete_object(self, instance):
        services.opportunity_delete(opportunity=instance, by=self.membership)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(request=MoveIn, responses=OpportunityOut)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move to another open stage, setting on the way what it requires (400 names the field)."""
        opportunity = self.get_object()
        data = self._input(MoveIn)
        services.opportunity_move(opportunity=opportunity, by=self.membership, **data)
        return self.answer(opportunity)

    @extend_schema(request=WonIn, responses=OpportunityOut)
    @action(detail=True, methods=["post"])
    def won(self, request, pk=None):
        """Close as won: a prospect becomes a customer; link an order or create it from the lines."""
        return self.answer(
            services.opportunity_win(opportunity=self.get_object(), by=self.membership, **self._input(WonIn))
        )

    @extend_schema(request=LostIn, responses=OpportunityOut)
    @action(detail=True, methods=["post"])
    def lost(self, request, pk=None):
        """Close as lost, with a reason and a note."""
        return self.answer(
            services.opportunity_lose(
                opportunity=self.get_object(), by=self.membership, **self._input(LostIn)
            )
        )

    @extend_schema(request=OpportunityTaskIn, responses=OpportunityOut)
    @action(detail=True, methods=["post"])
    def tasks(self, request, pk=None):
        """Add a task for the opportunity (a Task of source "pipeline.opportunity", at its customer)."""
        opportunity = self.get_object()
        services.opportunity_task_create(
            opportunity=opportunity, by=self.membership, **self._input(OpportunityTaskIn)
        )
        return self.answer(opportunity)
