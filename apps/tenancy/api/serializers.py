from rest_framework import serializers

from apps.tenancy.models import Tombstone


class TombstoneOut(serializers.ModelSerializer):
    class Meta:
        model = Tombstone
        fields = ["id", "model", "object_id", "created_at", "sync_xid"]
