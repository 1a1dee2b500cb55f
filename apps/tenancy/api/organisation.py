"""The caller's own organisation: its settings, read by every member, changed by its admins.

`GET /api/v1/organisation/` and `PATCH /api/v1/organisation/`. There is no id in the path: a token
names one membership, so one organisation, and no other can be reached. The logo is uploaded on the
settings page; here it is only linked (`logo_url`).
"""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.tenancy.currencies import CURRENCY_CODES
from apps.tenancy.models import Role, Tenant
from apps.tenancy.services import (
    CHECKIN_RADIUS_MAX,
    CHECKIN_RADIUS_MIN,
    HOLIDAY_NAME_MAX,
    HOLIDAYS_MAX,
    SETTINGS_FIELDS,
    tenant_settings_update,
)

from .views import TenantAPIMixin


class HolidayIO(serializers.Serializer):
    date = serializers.DateField()
    name = serializers.CharField(max_length=HOLIDAY_NAME_MAX)


class OrganisationOut(serializers.ModelSerializer):
    holidays = HolidayIO(many=True, read_only=True)
    working_days = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    logo_url = serializers.SerializerMethodField()

    class Meta:
        model = Tenant
        # What the settings page edits (the logo as a link), and the organisation's id and slug.
        fields = ["id", "slug", "logo_url", *(f for f in SETTINGS_FIELDS if f != "logo")]
        read_only_fields = fields

    def get_logo_url(self, tenant: Tenant) -> str | None:
        if not tenant.logo:
            return None
        return reverse("organisation-logo", kwargs={"tenant_slug": tenant.slug})


class OrganisationIn(serializers.Serializer):
    """The settings an admin may change; send only those that change (PATCH)."""

    name = serializers.CharField(max_length=200)
    timezone = serializers.CharField(max_length=64, help_text="An IANA time zone, e.g. Asia/Shanghai.")
    currency = serializers.ChoiceField(choices=CURRENCY_CODES)
    country = serializers.CharField(
        max_length=2, help_text="ISO 3166 country code (e.g. CN): phone numbers are read as it writes them."
    )
    default_language = serializers.ChoiceField(choices=settings.LANGUAGES)
    working_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7),
        min_length=1,
        max_length=7,
        help_text="ISO weekdays worked: 1 (Monday) to 7 (Sunday), each once.",
    )
    work_start = serializers.TimeField()
    work_end = serializers.TimeField()
    holidays = serializers.ListField(
        child=HolidayIO(),
        max_length=HOLIDAYS_MAX,
        help_text="The whole list (it replaces the stored one); each date once.",
    )
    report_deadline = serializers.TimeField()
    plan_cutoff = serializers.TimeField()
    checkin_radius_m = serializers.IntegerField(min_value=CHECKIN_RADIUS_MIN, max_value=CHECKIN_RADIUS_MAX)
    managers_manage_people = serializers.BooleanField()


class OrganisationView(TenantAPIMixin, APIView):
    """The caller's organisation. Every member reads it; administrators change it (PATCH),
    each change audited."""

    write_roles = (Role.ADMIN,)

    @extend_schema(responses=OrganisationOut, operation_id="organisation_retrieve")
    def get(self, request):
        return Response(OrganisationOut(request.tenant).data)

    @extend_schema(
        request=OrganisationIn, responses=OrganisationOut, operation_id="organisation_partial_update"
    )
    def patch(self, request):
        data = OrganisationIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "holidays" in fields:
            fields["holidays"] = [dict(h) for h in fields["holidays"]]
        tenant = tenant_settings_update(tenant=request.tenant, by=self.membership, **fields)
        return Response(OrganisationOut(tenant).data)
