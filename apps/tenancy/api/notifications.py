"""The caller's own notifications: list (newest first, `?unread=true`), read one, mark read."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.tenancy.models import Notification, Role
from apps.tenancy.notifications import notification_list, notification_mark_read, unread_count

from .views import TenantGenericViewSet


class NotificationOut(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class MarkedOut(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread ones.")]
    )
)
class NotificationViewSet(TenantGenericViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Notifications addressed to the caller; nobody sees another member's."""

    serializer_class = NotificationOut
    write_roles = tuple(Role)  # marking one's own notifications read is open to viewers too
    queryset = Notification.objects.none()

    def get_queryset(self):
        qs = notification_list(recipient=self.membership)
        if self.action == "list" and self.request.query_params.get("unread") in ("1", "true", "True"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    def _marked(self, count: int) -> Response:
        return Response({"marked": count, "unread": unread_count(recipient=self.membership)})

    @extend_schema(request=None, responses=MarkedOut)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        return self._marked(notification_mark_read(recipient=self.membership, ids=[self.get_object().pk]))

    @extend_schema(request=None, responses=MarkedOut)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return self._marked(notification_mark_read(recipient=self.membership))
