from django.utils.translation import gettext as _
from rest_framework import serializers

from apps.customers.api.serializers import CustomerField, MemberField
from apps.pipeline.models import Opportunity, OpportunityLine, Stage, StageChange
from apps.sales.models import Order, Product, ProductCategory
from apps.tenancy.api.fields import TenantRelatedField


class StageOut(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = [
            "id",
            "name",
            "order",
            "probability",
            "kind",
            "requires_amount",
            "requires_expected_close",
            "requires_next_step",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class StageIn(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = [
            "name",
            "order",
            "probability",
            "kind",
            "requires_amount",
            "requires_expected_close",
            "requires_next_step",
        ]
        validators: list = []  # the name's uniqueness per tenant is checked by the service


class LineOut(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True, default=None, allow_null=True)
    category_name = serializers.CharField(
        source="category.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = OpportunityLine
        fields = ["id", "product", "product_name", "category", "category_name", "amount"]
        read_only_fields = fields


class LineIn(serializers.Serializer):
    product = TenantRelatedField(model=Product, required=False, allow_null=True)
    category = TenantRelatedField(model=ProductCategory, required=False, allow_null=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)

    def validate(self, attrs):
        if not attrs.get("product") and not attrs.get("category"):
            raise serializers.ValidationError({"product": _("Each line names a product or a category.")})
        return attrs


class StageChangeOut(serializers.ModelSerializer):
    from_stage_name = serializers.CharField(
        source="from_stage.name", read_only=True, default=None, allow_null=True
    )
    to_stage_name = serializers.CharField(source="to_stage.name", read_only=True)
    by_name = serializers.CharField(source="by.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = StageChange
        fields = [
            "id",
            "from_stage",
            "from_stage_name",
            "to_stage",
            "to_stage_name",
            "by",
            "by_name",
            "at",
            "days_in_previous",
            "advanced",
            "note",
        ]
        read_only_fields = fields


class OpportunityTaskOut(serializers.Serializer):
    id = serializers.IntegerField(source="task.id", read_only=True)
    title = serializers.CharField(source="task.title", read_only=True)
    owner = serializers.IntegerField(source="task.owner_id", read_only=True)
    due_on = serializers.DateField(source="task.due_on", read_only=True, allow_null=True)
    status = serializers.CharField(source="task.status", read_only=True)


class OpportunityOut(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    customer_name = serializers.CharField(
        source="customer.name", read_only=True, default=None, allow_null=True
    )
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    weighted_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    lines = LineOut(many=True, read_only=True)
    stage_history = StageChangeOut(source="history", many=True, read_only=True)
    tasks = OpportunityTaskOut(
        source="task_links", many=True, read_only=True, help_text="Its tasks (the shared Task)."
    )

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "name",
            "customer",
            "customer_name",
            "prospect_name",
            "prospect_contact",
            "prospect_phone",
            "owner",
            "owner_name",
            "stage",
            "stage_name",
            "status",
            "amount",
            "probability",
            "weighted_amount",
            "expected_close",
            "source",
            "competitors",
            "next_step",
            "next_step_on",
            "opened_on",
            "stage_entered_at",
            "closed_on",
            "order",
            "lost_reason",
            "lost_note",
            "lines",
            "stage_history",
            "tasks",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OpportunityIn(serializers.ModelSerializer):
    customer = CustomerField(required=False, allow_null=True)
    owner = MemberField(required=False, help_text="Defaults to the caller.")
    stage = TenantRelatedField(model=Stage, help_text="An open stage; on update, move with the move action.")
    probability = serializers.IntegerField(
        min_value=0, max_value=100, required=False, help_text="Defaults to the stage's."
    )
    lines = LineIn(many=True, required=False, help_text="Product lines; their sum is the amount.")

    class Meta:
        model = Opportunity
        fields = [
            "name",
            "customer",
            "prospect_name",
            "prospect_contact",
            "prospect_phone",
            "owner",
            "stage",
            "amount",
            "probability",
            "expected_close",
            "source",
            "competitors",
            "next_step",
            "next_step_on",
            "lines",
        ]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:  # the stage changes by a move, which keeps the history
            fields.pop("stage")
        return fields


class MoveIn(serializers.Serializer):
    stage = TenantRelatedField(model=Stage)
    probability = serializers.IntegerField(min_value=0, max_value=100, required=False)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, help_text="Only without product lines."
    )
    expected_close = serializers.DateField(required=False, allow_null=True)
    next_step = serializers.CharField(max_length=300, required=False, allow_blank=True)
    next_step_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class WonIn(serializers.Serializer):
    order = TenantRelatedField(
        model=Order, required=False, allow_null=True, help_text="An existing order of the customer."
    )
    create_order = serializers.BooleanField(
        default=False, help_text="Create the order from the product lines."
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class LostIn(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Opportunity.LostReason.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class OpportunityTaskIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_on = serializers.DateField(required=False, allow_null=True)
    owner = MemberField(required=False, help_text="Defaults to the opportunity's owner.")
    notes = serializers.CharField(required=False, allow_blank=True)
