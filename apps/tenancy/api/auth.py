from django.contrib.auth import authenticate
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.tenancy.models import ApiToken, Membership, Tenant


class TokenIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)
    tenant = serializers.SlugField(max_length=50, help_text=_("The organisation's slug."))
    name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text=_("A label for the token.")
    )


class TokenOut(serializers.Serializer):
    token = serializers.CharField()
    tenant = serializers.CharField()
    role = serializers.CharField()
    membership_id = serializers.IntegerField()


class ObtainTokenView(APIView):
    """Exchange username, password and organisation slug for a token bound to that membership."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenIn,
        responses={
            201: TokenOut,
            # Field errors ({"username": [...]}) or non_field_errors for bad credentials.
            400: OpenApiTypes.OBJECT,
        },
    )
    def post(self, request):
        data = TokenIn(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = Tenant.objects.filter(slug=data.validated_data["tenant"], is_active=True).first()
        if tenant is None:
            raise Http404(_("No such organisation."))
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        membership = None
        if user is not None:
            membership = Membership.objects.filter(user=user, tenant=tenant, is_active=True).first()
        if membership is None:
            return Response(
                {"non_field_errors": [_("Unable to log in with the given credentials.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        _token, key = ApiToken.issue(membership=membership, name=data.validated_data.get("name", ""))
        return Response(
            TokenOut(
                {"token": key, "tenant": tenant.slug, "role": membership.role, "membership_id": membership.pk}
            ).data,
            status=status.HTTP_201_CREATED,
        )
