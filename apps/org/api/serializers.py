from rest_framework import serializers

from apps.org.models import Region, Team
from apps.tenancy.models import Membership


class MemberOut(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "name", "role", "team", "reports_to", "employee_no", "is_active"]


class TeamOut(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "parent", "lead", "created_at", "updated_at"]


class RegionOut(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "parent", "created_at", "updated_at"]
