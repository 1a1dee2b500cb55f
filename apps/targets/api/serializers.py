from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.customers.models import Customer
from apps.org.models import Region, Team
from apps.org.selectors import restrict_to_viewer
from apps.sales.models import Product, ProductCategory
from apps.targets.metrics import DIMENSIONS
from apps.targets.models import (
    GRAIN_CHOICES,
    TARGET_FIELDS,
    Appraisal,
    AppraisalCycle,
    AppraisalLine,
    CustomMetric,
    ImprovementAction,
    SeasonalProfile,
    Target,
    TargetChange,
)
from apps.targets.selectors import TreeNode, appraisal_list, target_list
from apps.tenancy.api.fields import TenantRelatedField
from apps.tenancy.models import Membership


class CustomMetricIn(serializers.ModelSerializer):
    class Meta:
        model = CustomMetric
        fields = ["code", "name", "base", "filters", "description"]
        validators: list = []  # code uniqueness per tenant is checked by the service


class CustomMetricOut(serializers.ModelSerializer):
    class Meta:
        model = CustomMetric
        fields = [
            "id",
            "code",
            "name",
            "base",
            "filters",
            "description",
            "created_at",
            "updated_at",
            "sync_xid",
        ]


class MetricOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="aggregate, repeat, ratio or custom")
    unit = serializers.CharField()
    additive = serializers.BooleanField()
    base = serializers.CharField(allow_null=True)
    filters = serializers.DictField()
    dimensions = serializers.ListField(child=serializers.CharField())


class IdList(serializers.CharField):
    """ "1,2,3" -> [1, 2, 3]"""

    def to_internal_value(self, data):
        try:
            return [int(v) for v in super().to_internal_value(data).split(",") if v.strip()]
        except ValueError:
            raise serializers.ValidationError("A comma-separated list of ids.") from None


class ValuesQuery(serializers.Serializer):
    metrics = serializers.CharField(help_text="Comma-separated metric codes (built-in or custom).")
    grain = serializers.ChoiceField(choices=GRAIN_CHOICES, default="month")
    start = serializers.DateField()
    end = serializers.DateField()
    by = serializers.ChoiceField(choices=DIMENSIONS, default="rep")
    rep_ids = IdList(required=False)
    category_ids = IdList(required=False)
    product_ids = IdList(required=False)
    region_ids = IdList(required=False, help_text="Regions, each with its subtree.")
    customer_ids = IdList(required=False)
    segment = serializers.CharField(required=False)
    key_account = serializers.BooleanField(required=False, allow_null=True, default=None)

    MAX_DAYS = 366 * 5

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": "The end is before the start."})
        if (attrs["end"] - attrs["start"]).days > self.MAX_DAYS:
            raise serializers.ValidationError({"end": "At most five years per call."})
        attrs["metrics"] = [m.strip() for m in attrs["metrics"].split(",") if m.strip()]
        if not attrs["metrics"] or len(attrs["metrics"]) > 20:
            raise serializers.ValidationError({"metrics": "Between 1 and 20 metric codes."})
        return attrs


class ValueRow(serializers.Serializer):
    key = serializers.IntegerField()
    period_start = serializers.DateField()
    values = serializers.DictField(child=serializers.FloatField(allow_null=True))


class ValuesOut(serializers.Serializer):
    grain = serializers.CharField()
    by = serializers.CharField()
    metrics = serializers.ListField(child=serializers.CharField())
    rows = ValueRow(many=True)


# ---- targets --------------------------------------------------------------------------------


def _visible_members(qs, membership):
    return restrict_to_viewer(qs, membership, "id")


def _visible_targets(qs, membership):
    return target_list(tenant=membership.tenant, viewer=membership)


class TargetOut(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = [
            "id",
            *TARGET_FIELDS,
            "achievability_warning",
            "status",
            "version",
            "created_by",
            "approved_by",
            "created_at",
            "updated_at",
            "sync_xid",
        ]
        read_only_fields = fields


def target_tree_data(node: TreeNode) -> dict:
    """The API's nested breakdown tree from target_tree_nodes' root, each target serialized; decimals
    as strings, like every other money/value field of the API."""
    return {
        "id": node.target.pk,
        "value": str(node.target.value),
        "children_sum": None if node.children_sum is None else str(node.children_sum),
        "mismatch": None if node.mismatch is None else str(node.mismatch),
        "target": TargetOut(node.target).data,
        "children": [target_tree_data(child) for child in node.children],
    }


class TargetIn(serializers.ModelSerializer):
    team = TenantRelatedField(model=Team, required=False, allow_null=True)
    rep = TenantRelatedField(model=Membership, restrict=_visible_members, required=False, allow_null=True)
    category = TenantRelatedField(model=ProductCategory, required=False, allow_null=True)
    product = TenantRelatedField(model=Product, required=False, allow_null=True)
    region = TenantRelatedField(model=Region, required=False, allow_null=True)
    customer = TenantRelatedField(model=Customer, required=False, allow_null=True)
    # Not Field.parent: the serializer metaclass moves declared fields out of the class attributes.
    parent = TenantRelatedField(model=Target, restrict=_visible_targets, required=False, allow_null=True)  # type: ignore[assignment]
    seasonal_profile = TenantRelatedField(model=SeasonalProfile, required=False, allow_null=True)
    reason = serializers.CharField(
        required=False, allow_blank=True, write_only=True, help_text="Why a locked target changes."
    )

    class Meta:
        model = Target
        fields = [*TARGET_FIELDS, "reason"]

    def to_representation(self, instance):
        return TargetOut(instance, context=self.context).data


class TransitionIn(serializers.Serializer):
    justification = serializers.CharField(required=False, allow_blank=True)


@extend_schema_field(OpenApiTypes.INT)
class IdField(TenantRelatedField):
    """A tenant row by id in a serializer without a model (the schema cannot derive its type)."""


class DecomposeChild(serializers.Serializer):
    rep = IdField(model=Membership, restrict=_visible_members, required=False)
    team = IdField(model=Team, required=False)
    category = IdField(model=ProductCategory, required=False)
    product = IdField(model=Product, required=False)
    region = IdField(model=Region, required=False)
    customer = IdField(model=Customer, required=False)
    grain = serializers.ChoiceField(choices=GRAIN_CHOICES, required=False)
    period_start = serializers.DateField(required=False)
    statement = serializers.CharField(required=False, allow_blank=True)


class DecomposeIn(serializers.Serializer):
    allocation = serializers.ChoiceField(
        choices=["equal", "history", "seasonal", "manual"],
        default="equal",
        help_text="equal split, by last year's share, by a monthly seasonal profile, or by hand (values).",
    )
    children = DecomposeChild(many=True)
    profile = serializers.ListField(child=serializers.FloatField(min_value=0), required=False)
    seasonal_profile = IdField(model=SeasonalProfile, required=False)
    values = serializers.ListField(
        child=serializers.DecimalField(max_digits=16, decimal_places=4), required=False
    )


class TargetChangeOut(serializers.ModelSerializer):
    class Meta:
        model = TargetChange
        fields = ["version", "changed_by", "reason", "changes", "created_at"]


class TreeOut(serializers.Serializer):
    id = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=16, decimal_places=4)
    children_sum = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True)
    mismatch = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True)
    target = TargetOut()
    children = serializers.ListField(child=serializers.DictField(), help_text="Nodes of the same shape.")


class ProgressRow(serializers.Serializer):
    target = serializers.IntegerField()
    metric = serializers.CharField()
    value = serializers.FloatField()
    actual = serializers.FloatField()
    attainment = serializers.FloatField(allow_null=True)
    expected = serializers.FloatField()
    forecast = serializers.FloatField(allow_null=True)
    gap = serializers.FloatField()
    elapsed = serializers.FloatField()
    status = serializers.CharField()


class ProgressQuery(serializers.Serializer):
    today = serializers.DateField(
        required=False, help_text="Progress as of this day (default: today, local)."
    )


class SeasonalProfileIn(serializers.ModelSerializer):
    weights = serializers.ListField(child=serializers.FloatField(min_value=0), min_length=12, max_length=12)

    class Meta:
        model = SeasonalProfile
        fields = ["name", "weights"]
        validators: list = []  # name uniqueness per tenant is checked by the service

    def to_representation(self, instance):
        return SeasonalProfileOut(instance, context=self.context).data


class SeasonalProfileOut(serializers.ModelSerializer):
    weights = serializers.ListField(child=serializers.FloatField())

    class Meta:
        model = SeasonalProfile
        fields = ["id", "name", "weights", "created_at", "updated_at", "sync_xid"]
        read_only_fields = fields


# ---------------------------------------------------------------- appraisals


class AppraisalCycleIn(serializers.ModelSerializer):
    class Meta:
        model = AppraisalCycle
        fields = ["name", "cadence", "period_start", "period_end", "status"]
        validators: list = []  # name uniqueness per tenant is enforced by the table

    def to_representation(self, instance):
        return AppraisalCycleOut(instance, context=self.context).data


class AppraisalCycleOut(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="open or closed")

    class Meta:
        model = AppraisalCycle
        fields = ["id", "name", "cadence", "period_start", "period_end", "status", "created_at", "updated_at"]
        read_only_fields = fields


class AppraisalLineOut(serializers.ModelSerializer):
    class Meta:
        model = AppraisalLine
        fields = ["id", "metric", "target", "weight", "actual", "attainment", "score", "note"]
        read_only_fields = fields


class ImprovementActionOut(serializers.ModelSerializer):
    status = serializers.SerializerMethodField(help_text="open or done")

    class Meta:
        model = ImprovementAction
        fields = [
            "id",
            "appraisal",
            "description",
            "owner",
            "due_date",
            "done",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_status(self, obj) -> str:
        return "done" if obj.done else "open"


class AppraisalOut(serializers.ModelSerializer):
    lines = AppraisalLineOut(many=True, read_only=True)
    actions = ImprovementActionOut(many=True, read_only=True)
    status = serializers.CharField(read_only=True, help_text="draft, submitted, acknowledged or closed")

    class Meta:
        model = Appraisal
        fields = [
            "id",
            "cycle",
            "rep",
            "manager",
            "status",
            "rating",
            "feedback",
            "rep_comment",
            "submitted_at",
            "acknowledged_at",
            "lines",
            "actions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AppraisalGenerateIn(serializers.Serializer):
    cycle = IdField(model=AppraisalCycle)


class AppraisalLineIn(serializers.Serializer):
    metric = serializers.CharField(max_length=60, required=False, allow_blank=True)
    target = IdField(model=Target, required=False, allow_null=True)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AppraisalSetLinesIn(serializers.Serializer):
    lines = AppraisalLineIn(many=True)


class AppraisalSubmitIn(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    feedback = serializers.CharField(required=False, allow_blank=True, default="")


class AppraisalAcknowledgeIn(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


def _visible_appraisals(qs, membership):
    return appraisal_list(tenant=membership.tenant, viewer=membership)


class ImprovementActionIn(serializers.ModelSerializer):
    appraisal = TenantRelatedField(model=Appraisal, restrict=_visible_appraisals)
    owner = TenantRelatedField(
        model=Membership, restrict=_visible_members, help_text="A member the author can see."
    )

    class Meta:
        model = ImprovementAction
        fields = ["appraisal", "description", "owner", "due_date"]

    def to_representation(self, instance):
        return ImprovementActionOut(instance, context=self.context).data
