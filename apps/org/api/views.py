from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.org import services
from apps.org.filters import MemberFilter
from apps.org.models import Invitation, Region, Team
from apps.org.selectors import handover_preview, invitation_list, member_list, people_rights
from apps.tenancy.api.views import (
    IDEMPOTENCY_HEADER,
    IdempotentCreateMixin,
    ServiceWriteMixin,
    TenantAPIMixin,
    TenantReadOnlyViewSet,
)
from apps.tenancy.models import Membership

from .serializers import (
    HandoverIn,
    HandoverOut,
    HandoverPartOut,
    InvitationIn,
    InvitationOut,
    MemberIn,
    MemberOut,
    RegionOut,
    TeamOut,
)


@extend_schema_view(partial_update=extend_schema(request=MemberIn, responses=MemberOut))
class MemberViewSet(TenantAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The members of the organisation the caller may see (a rep: themself; a manager: their line).

    Lists show the active members unless `?is_active=false`; a deactivated member stays readable by
    id. An admin (and a manager for their own line, where the organisation allows it) changes a
    member's role, team, manager and employee number with PATCH, deactivates and reactivates them,
    and hands their work over to someone else (客户交接): GET previews, POST moves."""

    serializer_class = MemberOut
    filterset_class = MemberFilter
    queryset = Membership.objects.none()

    def get_queryset(self):
        qs = member_list(tenant=self.request.tenant, viewer=self.membership, include_inactive=True)
        if self.action == "list" and "is_active" not in self.request.query_params:
            qs = qs.filter(is_active=True)
        return qs

    def answer(self, member: Membership) -> Response:
        return Response(MemberOut(self.get_queryset().filter(pk=member.pk).first() or member).data)

    @extend_schema(responses=MemberOut)
    @action(detail=False)
    def me(self, request):
        return Response(MemberOut(self.membership).data)

    def partial_update(self, request, *args, **kwargs):
        member = self.get_object()
        data = MemberIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return self.answer(
            services.membership_update(member=member, by=self.membership, **data.validated_data)
        )

    @extend_schema(request=None, responses=MemberOut)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """They can no longer sign in to this organisation; their API tokens are revoked; the people
        who reported to them report to their manager. Their history stays."""
        return self.answer(services.membership_deactivate(member=self.get_object(), by=self.membership))

    @extend_schema(request=None, responses=MemberOut)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        return self.answer(services.membership_reactivate(member=self.get_object(), by=self.membership))

    @extend_schema(
        methods=["GET"],
        parameters=[
            OpenApiParameter("to", OpenApiTypes.INT, required=True, description="Who takes over."),
            OpenApiParameter("parts", OpenApiTypes.STR, many=True, description="Which parts (default: all)."),
        ],
        responses=HandoverPartOut(many=True),
        description="What a hand-over to `to` would move: per part, the count and the first rows.",
    )
    @extend_schema(
        methods=["POST"],
        request=HandoverIn,
        responses=HandoverOut,
        description="Move the member's customers, planned visits and open targets in one step.",
    )
    @action(detail=True, methods=["get", "post"])
    def handover(self, request, pk=None):
        source = self.get_object()
        if request.method == "GET":
            query = {"to": request.query_params.get("to")}
            if "parts" in request.query_params:
                query["parts"] = request.query_params.getlist("parts")
            data = HandoverIn(data=query, context=self.get_serializer_context())
        else:
            data = HandoverIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        target, parts = data.validated_data["to"], data.validated_data.get("parts")
        if request.method == "GET":
            preview = handover_preview(
                rights=people_rights(self.membership), source=source, target=target, parts=parts
            )
            return Response(HandoverPartOut(preview, many=True).data)
        moved = services.handover_execute(source=source, target=target, by=self.membership, parts=parts)
        return Response(HandoverOut({"moved": moved}).data)


class TeamViewSet(TenantReadOnlyViewSet):
    """The team tree; every member of the organisation may read it."""

    serializer_class = TeamOut
    queryset = Team.objects.none()
    filterset_fields = ["parent"]

    def get_queryset(self):
        return Team.objects.filter(tenant=self.request.tenant)


class RegionViewSet(TenantReadOnlyViewSet):
    serializer_class = RegionOut
    queryset = Region.objects.none()
    filterset_fields = ["parent", "code"]

    def get_queryset(self):
        return Region.objects.filter(tenant=self.request.tenant)


@extend_schema_view(
    create=extend_schema(
        request=InvitationIn, responses={201: InvitationOut}, parameters=[IDEMPOTENCY_HEADER]
    )
)
class InvitationViewSet(
    ServiceWriteMixin,
    TenantAPIMixin,
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Invitations by mail: an admin sees and sends all; a sales manager those of their own line where
    the organisation lets managers manage people; anyone else sees none. `?status=` filters by the
    status a reader sees (pending, expired, accepted, revoked)."""

    queryset = Invitation.objects.none()
    serializer_class = InvitationOut
    input_serializer_class = InvitationIn

    def get_queryset(self):
        status = self.request.query_params.get("status", "") if self.action == "list" else ""
        if status not in Invitation.Status.values:
            status = ""
        return invitation_list(rights=people_rights(self.membership), status=status)

    def create_object(self, data):
        return services.invitation_create(tenant=self.request.tenant, by=self.membership, **data)

    @extend_schema(request=None, responses=InvitationOut)
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        """A new link by mail; the old one stops working."""
        return self.answer(services.invitation_resend(invitation=self.get_object(), by=self.membership))

    @extend_schema(request=None, responses=InvitationOut)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self.answer(services.invitation_revoke(invitation=self.get_object(), by=self.membership))
