from django.contrib.auth import authenticate
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.tenancy.context import user_membership
from apps.tenancy.models import ApiToken, Tenant
from apps.tenancy.throttling import PUBLIC_THROTTLES


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


class ErrorOut(serializers.Serializer):
    detail = serializers.CharField()


class ObtainTokenView(APIView):
    """Exchange username, password and organisation slug for a token bound to that membership.

    Limited per client address and per username; after repeated wrong passwords the username is
    locked out from that address for a while, as on the sign-in form. Both answer 429 with
    Retry-After.
    """

    # Rates `token` (per address) and `token_credential` (per username); wrong passwords count
    # toward django-axes' lock-out, whose answer here is JSON (apps.tenancy.security.lockout_response).
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = PUBLIC_THROTTLES
    throttle_scope = "token"
    throttle_credential = "username"

    @extend_schema(
        request=TokenIn,
        responses={
            201: TokenOut,
            # Field errors ({"username": [...]}) or non_field_errors for bad credentials.
            400: OpenApiTypes.OBJECT,
            404: ErrorOut,
            # Too many requests from this address or for this username, or the username is locked
            # out from this address after failed passwords; Retry-After says when to try again.
            429: ErrorOut,
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
        membership = user_membership(user, tenant_id=tenant.pk) if user is not None else None
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
