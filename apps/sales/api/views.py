from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.sales import services
from apps.sales.filters import OrderFilter, PaymentFilter, ProductCategoryFilter, ProductFilter
from apps.sales.models import Order, Payment, Product, ProductCategory
from apps.sales.selectors import category_list, order_list, payment_list, product_list
from apps.tenancy.api.views import IDEMPOTENCY_HEADER, ServiceViewSet, service_schema
from apps.tenancy.models import Role

from .serializers import (
    BulkOut,
    OrderBulkIn,
    OrderBulkRow,
    OrderIn,
    OrderOut,
    PaymentBulkIn,
    PaymentBulkRow,
    PaymentIn,
    PaymentOut,
    ProductCategoryIn,
    ProductCategoryOut,
    ProductIn,
    ProductOut,
)


def validate_rows(request, row_serializer_class) -> tuple[list[dict | None], dict[int, dict]]:
    """Field-validate every row of {"rows": [...]} with one serializer instance (no queries).

    Returns the validated rows (None for a bad row) and {row index: field errors}.
    """
    rows = request.data.get("rows") if isinstance(request.data, dict) else None
    if not isinstance(rows, list) or not rows:
        raise serializers.ValidationError({"rows": [_("A non-empty list of rows is required.")]})
    if len(rows) > settings.BULK_MAX_ROWS:
        raise serializers.ValidationError(
            {"rows": [_("At most %(n)d rows per call.") % {"n": settings.BULK_MAX_ROWS}]}
        )
    child = row_serializer_class(context={"request": request})
    validated: list[dict | None] = []
    errors: dict[int, dict] = {}
    for i, row in enumerate(rows):
        try:
            validated.append(child.run_validation(row))
        except serializers.ValidationError as exc:
            validated.append(None)
            errors[i] = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
    return validated, errors


class BulkRowsInvalid(exceptions.APIException):
    """400 {"errors": [{"row": 3, "errors": {...}}]}: kept as built (row stays a number)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, errors: list[dict]):
        # Assigned, not passed to super(): DRF would turn the row numbers into strings.
        self.detail = {"errors": errors}  # type: ignore[dict-item]


class BulkCreateMixin:
    """POST .../bulk/ {"rows": [...]}: all rows or none, with Idempotency-Key like a create."""

    bulk_row_serializer_class: type[serializers.Serializer[Any]] | None = None
    bulk_service: Callable[..., list[Any]] | None = None

    def bulk_create_response(self, request):
        rows, errors = validate_rows(request, self.bulk_row_serializer_class)
        try:
            objs = self.bulk_service(tenant=request.tenant, by=self.membership, rows=rows, errors=errors)
        except services.BulkValidationError as exc:
            raise BulkRowsInvalid(exc.errors)
        results = [
            {"row": i, "id": obj.id, **({"number": obj.number} if obj.number else {})}
            for i, obj in enumerate(objs)
        ]
        return Response({"count": len(objs), "results": results}, status=status.HTTP_201_CREATED)

    def bulk(self, request):
        return self.run_idempotent(request, lambda: self.bulk_create_response(request))


@service_schema(ProductCategoryOut, ProductCategoryIn)
class ProductCategoryViewSet(ServiceViewSet):
    """Product categories: every member reads them; administrators and managers change them."""

    queryset = ProductCategory.objects.none()
    serializer_class = ProductCategoryOut
    input_serializer_class = ProductCategoryIn
    filterset_class = ProductCategoryFilter
    write_roles = (Role.ADMIN, Role.MANAGER)

    def get_queryset(self):
        return category_list(tenant=self.request.tenant, viewer=self.membership)

    def create_object(self, data):
        return services.category_create(tenant=self.request.tenant, by=self.membership, **data)

    def update_object(self, instance, data):
        return services.category_update(category=instance, by=self.membership, **data)

    def delete_object(self, instance):
        services.category_delete(category=instance, by=self.membership)


@service_schema(ProductOut, ProductIn)
class ProductViewSet(ServiceViewSet):
    """The product catalogue: every member reads it; administrators and managers change it."""

    queryset = Product.objects.none()
    serializer_class = ProductOut
    input_serializer_class = ProductIn
    filterset_class = ProductFilter
    write_roles = (Role.ADMIN, Role.MANAGER)

    def get_queryset(self):
        return product_list(tenant=self.request.tenant, viewer=self.membership)

    def create_object(self, data):
        return services.product_create(tenant=self.request.tenant, by=self.membership, **data)

    def update_object(self, instance, data):
        return services.product_update(product=instance, by=self.membership, **data)

    def delete_object(self, instance):
        services.product_delete(product=instance, by=self.membership)


@service_schema(OrderOut, OrderIn)
class OrderViewSet(BulkCreateMixin, ServiceViewSet):
    """Orders with their lines: a rep their own, a manager their line's, an admin all."""

    queryset = Order.objects.none()
    serializer_class = OrderOut
    input_serializer_class = OrderIn
    filterset_class = OrderFilter
    bulk_row_serializer_class = OrderBulkRow
    bulk_service = staticmethod(services.order_bulk_create)

    def get_queryset(self):
        return order_list(tenant=self.request.tenant, viewer=self.membership)

    def create_object(self, data):
        return services.order_create(tenant=self.request.tenant, by=self.membership, **data)

    def update_object(self, instance, data):
        return services.order_update(order=instance, by=self.membership, **data)

    def delete_object(self, instance):
        services.order_delete(order=instance, by=self.membership)

    @extend_schema(request=None, responses=OrderOut)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.answer(services.order_cancel(order=self.get_object(), by=self.membership))

    @extend_schema(request=OrderBulkIn, responses={201: BulkOut}, parameters=[IDEMPOTENCY_HEADER])
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Create up to BULK_MAX_ROWS orders at once; one bad row fails the call and is named."""
        return super().bulk(request)


@service_schema(PaymentOut, PaymentIn)
class PaymentViewSet(BulkCreateMixin, ServiceViewSet):
    """Collections: a rep their own, a manager their line's, an admin all."""

    queryset = Payment.objects.none()
    serializer_class = PaymentOut
    input_serializer_class = PaymentIn
    filterset_class = PaymentFilter
    bulk_row_serializer_class = PaymentBulkRow
    bulk_service = staticmethod(services.payment_bulk_create)

    def get_queryset(self):
        return payment_list(tenant=self.request.tenant, viewer=self.membership)

    def create_object(self, data):
        return services.payment_create(tenant=self.request.tenant, by=self.membership, **data)

    def update_object(self, instance, data):
        return services.payment_update(payment=instance, by=self.membership, **data)

    def delete_object(self, instance):
        services.payment_delete(payment=instance, by=self.membership)

    @extend_schema(request=PaymentBulkIn, responses={201: BulkOut}, parameters=[IDEMPOTENCY_HEADER])
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Create up to BULK_MAX_ROWS payments at once; one bad row fails the call and is named."""
        return super().bulk(request)
