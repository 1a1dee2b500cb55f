from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.org import services
from apps.org.filters import MemberFilter
from apps.org.models import Invitation, Region, Team
from apps.org.selectors import invitation_list, member_list, people_rights
from apps.tenancy.api.views import (
    IDEMPOTENCY_HEADER,
    IdempotentCreateMixin,
    ServiceWriteMixin,
    TenantAPIMixin,
    TenantReadOnlyViewSet,
)
from apps.tenancy.models import Membership

from .serializers import InvitationIn, InvitationOut, MemberOut, RegionOut, TeamOut


class MemberViewSet(TenantAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The members of the organisation the caller may see (a rep: themself; a manager: their line)."""

    serializer_class = MemberOut
    filterset_class = MemberFilter
    queryset = Membership.objects.none()

    def get_queryset(self):
        return member_list(tenant=self.request.tenant, viewer=self.membership)

    @extend_schema(responses=MemberOut)
    @action(detail=False)
    def me(self, request):
        return Response(MemberOut(self.membership).data)


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
