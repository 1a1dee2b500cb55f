from rest_framework import serializers

from apps.org.models import Region, Team


class TeamOut(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "parent", "lead", "created_at", "updated_at"]


class RegionOut(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "parent", "created_at", "updated_at"]
