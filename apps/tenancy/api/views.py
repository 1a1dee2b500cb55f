"""Base API classes: every tenant endpoint runs inside the caller's tenant, with idempotent creates
and incremental sync."""

import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from apps.tenancy.context import tenant_context
from apps.tenancy.models import IdempotencyRecord, Membership
from apps.tenancy.sync import encode_cursor, parse_since, sync_page

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Replaying a POST with the same key returns the first response and creates nothing.",
)
SYNC_PARAMETER = OpenApiParameter(
    "updated_since",
    OpenApiTypes.INT,
    description="Incremental sync: 0 for everything, then the `sync_token` of the previous sync.",
)


class TenantAPIMixin:
    """Enters the tenant of the authenticated membership for the whole request."""

    request_tenant_scope = None

    def initial(self, request, *args, **kwargs):
        self.perform_authentication(request)
        membership = request.auth
        if isinstance(membership, Membership):
            request.membership = membership
            request.tenant = membership.tenant
            self.request_tenant_scope = tenant_context(membership.tenant)
            self.request_tenant_scope.__enter__()
        super().initial(request, *args, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        # Leave the tenant however the view ends, an unhandled error included: a scope left behind
        # would be the starting point of the next request served by this thread.
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            if self.request_tenant_scope is not None:
                self.request_tenant_scope.__exit__(None, None, None)
                self.request_tenant_scope = None

    @property
    def membership(self) -> Membership:
        # A mixin: the DRF view provides self.request; request.auth is the token's Membership.
        return self.request.auth  # type: ignore[attr-defined]


def _request_hash(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


class IdempotentCreateMixin:
    """POST with an Idempotency-Key runs once per key; a replay gets the first answer back.

    The key row is inserted first, in the creating transaction: a concurrent POST with the same key
    waits on the unique index until the first commits, then replays its stored response.
    """

    def create(self, request, *args, **kwargs):
        return self.run_idempotent(
            request, lambda: super(IdempotentCreateMixin, self).create(request, *args, **kwargs)
        )

    def run_idempotent(self, request, handler):
        """Run `handler()` (which returns a Response) at most once per Idempotency-Key.

        Used by create() and by any other creating action (bulk endpoints)."""
        key = request.headers.get("Idempotency-Key")
        if not key:
            return handler()
        if len(key) > 200:
            return Response({"Idempotency-Key": [_("At most 200 characters.")]}, status=400)
        digest = _request_hash(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        tenant=request.tenant,
                        membership=request.auth,
                        key=key,
                        path=request.path[:300],
                        request_hash=digest,
                    )
            except IntegrityError:
                record = IdempotencyRecord.objects.get(
                    tenant=request.tenant, membership=request.auth, key=key
                )
                if record.request_hash != digest:
                    return Response(
                        {"detail": _("This Idempotency-Key was already used with a different request.")},
                        status=status.HTTP_422_UNPROCESSABLE_ENTITY,
                    )
                response = Response(record.response_body, status=record.status_code)
                response["Idempotent-Replayed"] = "true"
                return response
            response = handler()
            record.status_code = response.status_code
            record.response_body = response.data
            record.save(update_fields=["status_code", "response_body", "updated_at"])
            return response


class SyncListMixin:
    """`?updated_since=<token>` turns a list into a sync feed ordered by commit, with a sync_token."""

    def list(self, request, *args, **kwargs):
        raw = request.query_params.get("updated_since")
        if raw is None:
            return super().list(request, *args, **kwargs)
        qs = self.filter_queryset(self.get_queryset())
        if not any(f.name == "sync_xid" for f in qs.model._meta.concrete_fields):
            # Not every list is a sync feed (appraisals, say): refuse plainly instead of failing on sync_xid.
            raise ValidationError({"updated_since": [_("This list is not a sync feed.")]})
        since = parse_since(raw)
        size = self.paginator.get_page_size(request) if self.paginator else 100
        rows, nxt, horizon = sync_page(
            qs, since=since, cursor=request.query_params.get("sync_cursor"), size=size
        )
        next_url = None
        if nxt:
            query = request.query_params.copy()
            query["sync_cursor"] = encode_cursor(nxt)
            next_url = request.build_absolute_uri(request.path + "?" + query.urlencode())
        return Response(
            {
                "results": self.get_serializer(rows, many=True).data,
                "next": next_url,
                "sync_token": None if nxt else horizon,
            }
        )


@extend_schema_view(
    list=extend_schema(parameters=[SYNC_PARAMETER]),
    create=extend_schema(parameters=[IDEMPOTENCY_HEADER]),
)
class TenantModelViewSet(TenantAPIMixin, IdempotentCreateMixin, SyncListMixin, viewsets.ModelViewSet):
    """CRUD inside the tenant. Subclasses give get_queryset() from a selector and write through services."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]


@extend_schema_view(list=extend_schema(parameters=[SYNC_PARAMETER]))
class TenantReadOnlyViewSet(TenantAPIMixin, SyncListMixin, viewsets.ReadOnlyModelViewSet):
    pass


class TenantGenericViewSet(TenantAPIMixin, viewsets.GenericViewSet):
    pass


__all__ = [
    "TenantAPIMixin",
    "TenantModelViewSet",
    "TenantReadOnlyViewSet",
    "TenantGenericViewSet",
    "IDEMPOTENCY_HEADER",
    "mixins",
]


class ServiceWriteMixin:
    """Reads from a selector, writes through services, answers with the output serializer.

    Subclasses set `serializer_class` (output), `input_serializer_class` (validation only), and
    implement `create_object(data)` / `update_object(instance, data)` (and `delete_object(instance)`
    where rows may be deleted). A create or update answers with the row as lists show it, so a
    client never sees a different shape after a write than after a read.
    """

    input_serializer_class: type[BaseSerializer[Any]] | None = None
    write_actions = ("create", "update", "partial_update")

    def get_serializer_class(self):
        if self.action in self.write_actions:
            return self.input_serializer_class
        return self.serializer_class

    def reload(self, obj):
        """The written row as lists show it (with its related names), in one query."""
        return self.get_queryset().filter(pk=obj.pk).first() or obj

    def answer(self, obj, status_code=status.HTTP_200_OK):
        """The row `obj` as lists show it (the output serializer): the answer of every write and action."""
        out = self.serializer_class(self.reload(obj), context=self.get_serializer_context())
        return Response(out.data, status=status_code)

    def create(self, request, *args, **kwargs):
        def handler():
            serializer = self.get_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            obj = self.create_object(dict(serializer.validated_data))
            return self.answer(obj, status.HTTP_201_CREATED)

        return self.run_idempotent(request, handler)

    def service_update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        return self.answer(self.update_object(instance, dict(serializer.validated_data)))

    def perform_destroy(self, instance):
        self.delete_object(instance)


class ServiceUpdateMixin:
    """PUT/PATCH through `update_object`, answered like ServiceWriteMixin's create. A separate mixin:
    the router exposes PUT wherever a viewset has `update`, so viewsets without edits must not get one."""

    def update(self, request, *args, **kwargs):
        return self.service_update(request, *args, **kwargs)


class ServiceViewSet(ServiceWriteMixin, ServiceUpdateMixin, TenantModelViewSet):
    """CRUD whose reads come from a selector and whose writes go through services."""


def service_schema(out, inp):
    return extend_schema_view(
        create=extend_schema(request=inp, responses={201: out}),
        update=extend_schema(request=inp, responses=out),
        partial_update=extend_schema(request=inp, responses=out),
    )
