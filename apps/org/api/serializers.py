from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.org.handover import handover_participants
from apps.org.models import Invitation, Region, Team
from apps.tenancy.api.fields import TenantRelatedField
from apps.tenancy.models import Membership, Role


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


# ---- invitations, people, hand-over -----------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class IdField(TenantRelatedField):
    """A tenant row by id in a serializer without a model (the schema cannot derive its type)."""


def _same_tenant(qs, membership):
    return qs.filter(tenant_id=membership.tenant_id)


def _active_members(qs, membership):
    return qs.filter(tenant_id=membership.tenant_id, is_active=True)


class InvitationOut(serializers.ModelSerializer):
    status = serializers.ChoiceField(
        source="current_status",
        choices=Invitation.Status.choices,
        read_only=True,
        help_text="A pending invitation past its expiry reads as expired.",
    )

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "team",
            "reports_to",
            "employee_no",
            "status",
            "invited_by",
            "expires_at",
            "sent_count",
            "last_sent_at",
            "accepted_at",
            "accepted_by",
            "revoked_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class InvitationIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)
    team = IdField(model=Team, required=False, allow_null=True, default=None)
    reports_to = IdField(
        model=Membership,
        restrict=_active_members,
        required=False,
        allow_null=True,
        default=None,
        help_text="A manager's invitee reports to the manager when this is left out.",
    )
    employee_no = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class MemberIn(serializers.Serializer):
    """A person's role, team, manager and employee number; only the fields sent change."""

    role = serializers.ChoiceField(choices=Role.choices, required=False)
    team = IdField(model=Team, required=False, allow_null=True)
    reports_to = IdField(model=Membership, restrict=_active_members, required=False, allow_null=True)
    employee_no = serializers.CharField(max_length=30, required=False, allow_blank=True)


class HandoverIn(serializers.Serializer):
    to = IdField(
        model=Membership, restrict=_same_tenant, help_text="The member who takes over (active, of your line)."
    )
    parts = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        allow_empty=False,
        help_text="Which participants move (default: all of them): customers, visits, targets.",
    )

    def validate_parts(self, value: list[str]) -> list[str]:
        known = {p.code for p in handover_participants()}
        unknown = sorted(set(value) - known)
        if unknown:
            raise serializers.ValidationError(
                _("Unknown part: %(parts)s. Known: %(known)s.")
                % {"parts": ", ".join(unknown), "known": ", ".join(sorted(known))}
            )
        return value


class HandoverPartOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="label")
    count = serializers.IntegerField()
    rows = serializers.ListField(child=serializers.CharField(), help_text="The first rows, readable.")


class HandoverOut(serializers.Serializer):
    moved = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField()), help_text="Ids moved, per participant."
    )
