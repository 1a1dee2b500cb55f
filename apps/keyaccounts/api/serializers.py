"""Key-account plans over REST: a plan with its stages (goal and actual), stages, reviews."""

from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.customers.api.serializers import CustomerField, MemberField
from apps.customers.models import Task
from apps.customers.selectors import assignable_members
from apps.keyaccounts.models import KeyAccountPlan, PlanReview, PlanStage, StageTask
from apps.keyaccounts.rules import SCORE_MAX
from apps.keyaccounts.selectors import revenue_of_plans, revenue_of_stages, visible_plans, visible_stages
from apps.tenancy.api.fields import TenantRelatedField
from apps.tenancy.models import Membership


@extend_schema_field(OpenApiTypes.INT)
class _IdField(TenantRelatedField):
    """A row's id (typed for the schema where the serializer has no model to derive it from)."""


def PlanField(**kwargs) -> TenantRelatedField:
    """A plan the caller may see (a rep: their own); anything else is 'does not exist'."""
    return _IdField(model=KeyAccountPlan, restrict=visible_plans, **kwargs)


def StageField(**kwargs) -> TenantRelatedField:
    """A stage of a plan the caller may see."""
    return _IdField(model=PlanStage, restrict=visible_stages, **kwargs)


STAGE_OUT_FIELDS = [
    "id",
    "plan",
    "position",
    "name",
    "starts_on",
    "ends_on",
    "revenue_goal",
    "revenue_actual",
    "satisfaction_goal",
    "satisfaction_actual",
    "goals",
]


class _RevenueListSerializer(serializers.ListSerializer):
    """Reads the actual revenue of every stage on the page in one aggregate, before the rows."""

    def revenue(self, rows: list) -> dict[int, Decimal]:
        raise NotImplementedError

    def to_representation(self, data):
        rows = list(data.all() if hasattr(data, "all") else data)
        child: Any = self.child
        child.context["revenue"] = self.revenue(rows)
        return super().to_representation(rows)


class _StageRevenueList(_RevenueListSerializer):
    def revenue(self, rows: list) -> dict[int, Decimal]:
        return revenue_of_stages(rows)


class _PlanRevenueList(_RevenueListSerializer):
    def revenue(self, rows: list) -> dict[int, Decimal]:
        return revenue_of_plans(rows)


class KeyAccountStageOut(serializers.ModelSerializer):
    revenue_actual = serializers.SerializerMethodField(
        help_text="The customer's confirmed sales within the stage's dates."
    )

    class Meta:
        model = PlanStage
        fields = STAGE_OUT_FIELDS
        read_only_fields = fields
        list_serializer_class = _StageRevenueList

    def get_revenue_actual(self, stage) -> str:
        revenue = self.context.get("revenue")
        if revenue is None or stage.pk not in revenue:
            revenue = revenue_of_stages([stage])
        return str(revenue[stage.pk])


class KeyAccountPlanOut(serializers.ModelSerializer):
    customer_code = serializers.CharField(source="customer.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    stages = serializers.SerializerMethodField()

    class Meta:
        model = KeyAccountPlan
        fields = [
            "id",
            "customer",
            "customer_code",
            "customer_name",
            "owner",
            "owner_name",
            "title",
            "starts_on",
            "ends_on",
            "status",
            "needs",
            "decision_makers",
            "our_position",
            "competitors",
            "review_interval_days",
            "next_review_on",
            "stages",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        list_serializer_class = _PlanRevenueList

    @extend_schema_field(KeyAccountStageOut(many=True))
    def get_stages(self, plan) -> list[dict]:
        stages = list(plan.stages.all())
        revenue = self.context.get("revenue")
        if revenue is None or any(stage.pk not in revenue for stage in stages):
            revenue = revenue_of_plans([plan])
        context = {**self.context, "revenue": revenue}
        return [KeyAccountStageOut(stage, context=context).data for stage in stages]


class KeyAccountPlanIn(serializers.ModelSerializer):
    customer = CustomerField()
    owner = MemberField(required=False, help_text="Defaults to the customer's account manager.")

    class Meta:
        model = KeyAccountPlan
        fields = [
            "customer",
            "owner",
            "title",
            "starts_on",
            "ends_on",
            "needs",
            "decision_makers",
            "our_position",
            "competitors",
            "review_interval_days",
            "next_review_on",
        ]
        # one plan in work per customer is the service's rule (with a message naming the open plan)
        validators: list = []


class KeyAccountStageIn(serializers.ModelSerializer):
    plan = PlanField()
    revenue_goal = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    satisfaction_goal = serializers.DecimalField(
        max_digits=3, decimal_places=1, min_value=0, max_value=SCORE_MAX, required=False, allow_null=True
    )

    class Meta:
        model = PlanStage
        fields = [
            "plan",
            "position",
            "name",
            "starts_on",
            "ends_on",
            "revenue_goal",
            "satisfaction_goal",
            "goals",
        ]
        extra_kwargs = {"position": {"required": False}}


class KeyAccountReviewOut(serializers.ModelSerializer):
    reviewer_name = serializers.CharField(source="reviewer.name", read_only=True)
    stage_name = serializers.CharField(source="stage.name", read_only=True, default=None, allow_null=True)
    adjustments = serializers.JSONField(
        read_only=True, help_text="[{stage, stage_name, field, before, after}] — what the review changed."
    )

    class Meta:
        model = PlanReview
        fields = [
            "id",
            "plan",
            "reviewed_on",
            "reviewer",
            "reviewer_name",
            "note",
            "stage",
            "stage_name",
            "satisfaction_actual",
            "adjustments",
            "next_review_on",
            "created_at",
        ]
        read_only_fields = fields


class KeyAccountAdjustmentIn(serializers.Serializer):
    """A stage's goals or dates as the review changes them; fields left out stay as they are."""

    stage = StageField()
    name = serializers.CharField(max_length=120, required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
    revenue_goal = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    satisfaction_goal = serializers.DecimalField(
        max_digits=3, decimal_places=1, min_value=0, max_value=SCORE_MAX, required=False, allow_null=True
    )
    goals = serializers.CharField(required=False, allow_blank=True)


class KeyAccountReviewIn(serializers.Serializer):
    plan = PlanField()
    reviewed_on = serializers.DateField()
    note = serializers.CharField()
    satisfaction_actual = serializers.DecimalField(
        max_digits=3, decimal_places=1, min_value=0, max_value=SCORE_MAX, required=False, allow_null=True
    )
    stage = StageField(
        required=False,
        allow_null=True,
        help_text="The stage the satisfaction is on; defaults to the current.",
    )
    next_review_on = serializers.DateField(required=False, help_text="Defaults to one interval on.")
    adjustments = KeyAccountAdjustmentIn(many=True, required=False)


class KeyAccountTaskOut(serializers.ModelSerializer):
    """A stage's task: the shared task's fields with its stage."""

    id = serializers.IntegerField(source="task_id", read_only=True, help_text="The task's id.")
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    title = serializers.CharField(source="task.title", read_only=True)
    owner = serializers.IntegerField(
        source="task.owner_id", read_only=True, help_text="The person responsible."
    )
    owner_name = serializers.CharField(source="task.owner.name", read_only=True)
    due_on = serializers.DateField(source="task.due_on", read_only=True, allow_null=True)
    priority = serializers.CharField(source="task.priority", read_only=True)
    status = serializers.CharField(source="task.status", read_only=True)
    notes = serializers.CharField(source="task.notes", read_only=True)
    done_at = serializers.DateTimeField(source="task.done_at", read_only=True, allow_null=True)
    done_note = serializers.CharField(source="task.done_note", read_only=True)

    class Meta:
        model = StageTask
        fields = [
            "id",
            "stage",
            "stage_name",
            "title",
            "owner",
            "owner_name",
            "due_on",
            "priority",
            "status",
            "notes",
            "done_at",
            "done_note",
        ]
        read_only_fields = fields


class KeyAccountTaskIn(serializers.Serializer):
    stage = StageField(help_text="A stage of this plan.")
    title = serializers.CharField(max_length=200)
    owner = _IdField(
        model=Membership,
        restrict=assignable_members,
        required=False,
        help_text="The person responsible; defaults to the caller.",
    )
    due_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    priority = serializers.ChoiceField(choices=Task.Priority.choices, required=False)


class KeyAccountTaskDoneIn(serializers.Serializer):
    task = serializers.IntegerField(help_text="The id of one of the plan's tasks.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
