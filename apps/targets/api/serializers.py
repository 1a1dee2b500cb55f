from rest_framework import serializers

from apps.targets.metrics import DIMENSIONS, GRAINS
from apps.targets.models import CustomMetric


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
    grain = serializers.ChoiceField(choices=GRAINS, default="month")
    start = serializers.DateField()
    end = serializers.DateField()
    by = serializers.ChoiceField(choices=DIMENSIONS, default="rep")
    rep_ids = IdList(required=False)
    category_ids = IdList(required=False)
    product_ids = IdList(required=False)
    region_ids = IdList(required=False, help_text="Regions, each with its subtree.")
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
