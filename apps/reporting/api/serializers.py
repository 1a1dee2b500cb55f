from rest_framework import serializers

from apps.reporting.models import WeeklyProgress


class WeeklyProgressOut(serializers.ModelSerializer):
    week = serializers.CharField(read_only=True)
    rep_name = serializers.SerializerMethodField()
    team_name = serializers.SerializerMethodField()

    class Meta:
        model = WeeklyProgress
        fields = [
            "id",
            "week",
            "iso_year",
            "iso_week",
            "week_start",
            "scope",
            "subject_id",
            "rep",
            "rep_name",
            "team",
            "team_name",
            "reps",
            "revenue",
            "gross_margin",
            "collections",
            "orders",
            "new_customers",
            "active_customers",
            "visits_done",
            "visits_effective",
            "visits_with_deal",
            "effective_visit_rate",
            "deal_rate",
            "reports_submitted",
            "reports_on_time",
            "target_revenue",
            "attainment",
            "overdue_receivables",
            "overdue_change",
            "computed_at",
            "updated_at",
        ]

    def get_rep_name(self, obj) -> str | None:
        return obj.rep.name if obj.rep_id else None

    def get_team_name(self, obj) -> str | None:
        return obj.team.name if obj.team_id else None


class RollupIn(serializers.Serializer):
    week = serializers.CharField(help_text="The ISO week to recompute, e.g. 2026-W47.")


class RollupOut(serializers.Serializer):
    week = serializers.CharField()
    weeks = serializers.IntegerField()
    rows = serializers.IntegerField(help_text="Rows inserted or changed.")
    deleted = serializers.IntegerField(help_text="Rows of that week no longer produced.")
