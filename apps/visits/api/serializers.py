from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.customers.api.serializers import CustomerField, MemberField
from apps.customers.selectors import assignable_members
from apps.tenancy.api.fields import TenantRelatedField
from apps.tenancy.models import Membership
from apps.visits.models import PlanSuggestion, Visit, VisitPhoto, VisitPlan
from apps.visits.selectors import visit_plan_list
from apps.visits.suggestions import reason_text


@extend_schema_field(OpenApiTypes.INT)
class MemberIdField(TenantRelatedField):
    """MemberField for serializers without a model, where the schema cannot infer the id type."""

    def __init__(self, **kwargs):
        super().__init__(model=Membership, restrict=assignable_members, **kwargs)


def visible_plans(qs, viewer):
    return visit_plan_list(tenant=viewer.tenant, viewer=viewer).prefetch_related(None)


class VisitPhotoOut(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Download, with the same authentication as the API.")

    class Meta:
        model = VisitPhoto
        fields = ["id", "visit", "content_type", "size", "url", "created_at"]
        read_only_fields = fields

    def get_url(self, photo) -> str:
        path = reverse("api:visit-photo-file", kwargs={"pk": photo.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


VISIT_FIELDS = [
    "id",
    "plan",
    "planned",
    "rep",
    "rep_name",
    "day",
    "position",
    "customer",
    "customer_code",
    "customer_name",
    "prospect_name",
    "area",
    "planned_time",
    "purpose",
    "note",
    "outcome",
    "result_note",
    "effective",
    "cost",
    "check_in_at",
    "check_in_lat",
    "check_in_lng",
    "check_in_accuracy_m",
    "check_in_distance_m",
    "check_in_far",
    "check_out_at",
    "check_out_lat",
    "check_out_lng",
    "carried_from",
    "report",
    "photos",
    "created_at",
    "updated_at",
]


class VisitItemOut(serializers.ModelSerializer):
    """A plan item as the plan shows it (without the rep, the day and photos, which the plan carries)."""

    customer_code = serializers.CharField(
        source="customer.code", read_only=True, default=None, allow_null=True
    )
    customer_name = serializers.CharField(
        source="customer.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Visit
        fields = [
            f
            for f in VISIT_FIELDS
            if f not in ("plan", "planned", "rep", "rep_name", "day", "report", "photos")
        ]
        read_only_fields = fields


class VisitOut(VisitItemOut):
    rep_name = serializers.CharField(source="rep.name", read_only=True)
    photos = VisitPhotoOut(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = VISIT_FIELDS
        read_only_fields = fields


class VisitPlanOut(serializers.ModelSerializer):
    rep_name = serializers.CharField(source="rep.name", read_only=True)
    reviewed_by_name = serializers.CharField(
        source="reviewed_by.name", read_only=True, default=None, allow_null=True
    )
    items = VisitItemOut(many=True, read_only=True)

    class Meta:
        model = VisitPlan
        fields = [
            "id",
            "rep",
            "rep_name",
            "day",
            "status",
            "note",
            "submitted_at",
            "reviewed_by",
            "reviewed_by_name",
            "reviewed_at",
            "review_comment",
            "items",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class VisitItemIn(serializers.ModelSerializer):
    id = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="A visit of this plan to keep (and change); leave out to add one.",
    )
    customer = CustomerField(required=False, allow_null=True)

    class Meta:
        model = Visit
        fields = ["id", "customer", "prospect_name", "area", "planned_time", "purpose", "note"]

    def validate(self, attrs):
        if attrs.get("customer") is None and not (attrs.get("prospect_name") or "").strip():
            raise serializers.ValidationError(
                {"prospect_name": [_("Choose a customer or enter a prospect's name.")]}
            )
        return attrs


class VisitPlanIn(serializers.ModelSerializer):
    rep = MemberField(required=False, help_text="Defaults to the caller; fixed once the plan exists.")
    items = VisitItemIn(
        many=True,
        required=False,
        help_text="The plan's visits, in order. Given on an update, they replace the plan's items: "
        "items with an `id` keep that visit, visits left out are removed.",
    )

    class Meta:
        model = VisitPlan
        fields = ["rep", "day", "note", "items"]
        validators: list = []  # one plan per rep and day: checked by the service


class PlanReviewIn(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PlanReturnIn(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, help_text="What the rep should change.")


class CarryOverIn(serializers.Serializer):
    day = serializers.DateField()
    rep = MemberIdField(required=False)
    visits = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, help_text="Ids of offered visits."
    )


class CarryOverQuery(serializers.Serializer):
    day = serializers.DateField(help_text="The day to carry into (usually today).")
    rep = MemberIdField(required=False, help_text="Defaults to the caller.")


class VisitIn(serializers.ModelSerializer):
    plan = TenantRelatedField(
        model=VisitPlan,
        restrict=visible_plans,
        required=False,
        allow_null=True,
        help_text="Add the visit to this plan (draft or returned); leave out for an unplanned visit.",
    )
    rep = MemberField(required=False, help_text="Unplanned visits: defaults to the caller.")
    customer = CustomerField(required=False, allow_null=True)

    class Meta:
        model = Visit
        fields = [
            "plan",
            "rep",
            "day",
            "customer",
            "prospect_name",
            "area",
            "planned_time",
            "purpose",
            "note",
            "outcome",
            "result_note",
            "effective",
            "cost",
        ]
        extra_kwargs = {"day": {"required": False}}


class PositionIn(serializers.Serializer):
    # Floats, not decimals: browsers report more decimal places than are stored (the service rounds).
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)


class CheckInIn(PositionIn):
    accuracy_m = serializers.FloatField(min_value=0, max_value=1e6, required=False, allow_null=True)


class PhotoIn(serializers.Serializer):
    image = serializers.FileField(help_text="JPEG, PNG, WebP or GIF, at most 5 MB.")


class SuggestionReasonOut(serializers.Serializer):
    code = serializers.CharField(help_text="The source: key_account, follow_up, …")
    score = serializers.IntegerField()
    detail = serializers.JSONField(help_text="What the reason text is made of (dates, intervals, counts).")
    text = serializers.CharField(help_text="The reason as the rep reads it, in the caller's language.")


class PlanSuggestionOut(serializers.ModelSerializer):
    customer_code = serializers.CharField(source="customer.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    rep_name = serializers.CharField(source="rep.name", read_only=True)
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = PlanSuggestion
        fields = [
            "id",
            "rep",
            "rep_name",
            "day",
            "customer",
            "customer_code",
            "customer_name",
            "area",
            "score",
            "reasons",
            "position",
            "status",
            "drop_reason",
            "visit",
            "decided_at",
        ]
        read_only_fields = fields

    @extend_schema_field(SuggestionReasonOut(many=True))
    def get_reasons(self, suggestion) -> list[dict]:
        return [{**r, "text": reason_text(r)} for r in suggestion.reasons]


class SuggestionDropIn(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Why not this time (optional)."
    )


class SuggestionReorderIn(serializers.Serializer):
    day = serializers.DateField()
    rep = MemberIdField(required=False, help_text="Defaults to the caller.")
    order = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        help_text="The ids of all the pending suggestions of that rep and day, in the new order.",
    )
