from rest_framework import serializers

from apps.tenancy.models import Membership, Tombstone


class MemberOut(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "name", "role", "team", "reports_to", "employee_no", "is_active"]


class TombstoneOut(serializers.ModelSerializer):
    class Meta:
        model = Tombstone
        fields = ["id", "model", "object_id", "created_at", "sync_xid"]
