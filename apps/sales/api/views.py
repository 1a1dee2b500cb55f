from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.sales import services
from apps.sales.filters import OrderFilter, PaymentFilter, ProductCategoryFilter, ProductFilter
from apps.sales.models import (
    Allocation,
    CustomerCredit,
    Invoice,
    Order,
    Payment,
    PaymentTerm,
    Product,
    ProductCategory,
)
from apps.sales.selectors import (
    ageing,
    allocation_list,
    category_list,
    credit_warning,
    customer_credit_list,
    invoice_list,
    order_list,
    payment_list,
    payment_term_list,
    product_list,
)
from apps.tenancy.api.views import (
    IDEMPOTENCY_HEADER,
    IdempotentCreateMixin,
    ServiceUpdateMixin,
    ServiceViewSet,
    ServiceWriteMixin,
    SyncListMixin,
    TenantAPIMixin,
    service_schema,
)
from apps.tenancy.dates import tenant_today
from apps.tenancy.models import Role

from .serializers import (
    AgeingOut,
    AgeingQuery,
    AllocationIn,
    AllocationOut,
    BulkOut,
    CustomerCreditIn,
    CustomerCreditOut,
    InvoiceIn,
    InvoiceOut,
    OrderBulkIn,
    OrderBulkRow,
    OrderIn,
    OrderOut,
    PaymentBulkIn,
    PaymentBulkRow,
    PaymentIn,
    PaymentOut,
    PaymentTermIn,
    PaymentTermOut,
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
        order = services.order_create(tenant=self.request.tenant, by=self.membership, **data)
        if order.status == Order.Status.CONFIRMED:
            self.credit_warning = credit_warning(
                customer=order.customer, amount=order.amount, exclude_order=order.pk
            )
        return order

    def answer(self, obj, status_code=status.HTTP_200_OK):
        """A new order that takes its customer over the credit limit is created, and the answer says
        so in `warnings` (docs/receivables.md: a warning, not a refusal)."""
        response = super().answer(obj, status_code)
        warning = getattr(self, "credit_warning", None)
        if warning:
            response.data = {
                **response.data,
                "warnings": [
                    {
                        "code": "credit_limit",
                        "detail": _(
                            "This order takes the customer's open balance to %(after)s, over its credit limit of %(limit)s."
                        )
                        % warning,
                        **{k: str(v) for k, v in warning.items()},
                    }
                ],
            }
        return response

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
        data.pop("allocations", None)  # allocations of a recorded payment: /allocations/
        return services.payment_update(payment=instance, by=self.membership, **data)

    def delete_object(self, instance):
        services.payment_delete(payment=instance, by=self.membership)

    @extend_schema(request=PaymentBulkIn, responses={201: BulkOut}, parameters=[IDEMPOTENCY_HEADER])
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Create up to BULK_MAX_ROWS payments at once; one bad row fails the call and is named."""
        return super().bulk(request)


# ---- receivables ----------------------------------------------------------------------------


@service_schema(PaymentTermOut, PaymentTermIn)
class PaymentTermViewSet(ServiceViewSet):
    """Payment terms: every member reads them; administrators change them. Days outside 0–3650 or an
    unknown basis are a 400 naming the field; a term customers use cannot be deleted."""

    queryset = PaymentTerm.objects.none()
    serializer_class = PaymentTermOut
    input_serializer_class = PaymentTermIn
    write_roles = (Role.ADMIN,)

    def get_queryset(self):
        return payment_term_list(tenant=self.request.tenant, viewer=self.membership)

    def create_object(self, data):
        return services.payment_term_create(tenant=self.request.tenant, by=self.membership, **data)

    def update_object(self, instance, data):
        return services.payment_term_update(term=instance, by=self.membership, **data)

    def delete_object(self, instance):
        services.payment_term_delete(term=instance, by=self.membership)


@extend_schema_view(  # PUT only: no PATCH (a credit row is set whole)
    create=extend_schema(request=CustomerCreditIn, responses={201: CustomerCreditOut}),
    update=extend_schema(request=CustomerCreditIn, responses=CustomerCreditOut),
)
class CustomerCreditViewSet(
    ServiceWriteMixin,
    ServiceUpdateMixin,
    TenantAPIMixin,
    IdempotentCreateMixin,
    SyncListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A customer's payment term and credit limit: POST sets them (creating the row or replacing its
    values); administrators and sales managers write, everyone reads the customers they see."""

    queryset = CustomerCredit.objects.none()
    serializer_class = CustomerCreditOut
    input_serializer_class = CustomerCreditIn
    # Reps are refused by the service (403) after the lookup, so a peer's row stays a 404.

    def get_queryset(self):
        return customer_credit_list(tenant=self.request.tenant, viewer=self.membership)

    def create_object(self, data):
        return services.customer_credit_save(
            customer=data["customer"],
            by=self.membership,
            payment_term=data.get("payment_term"),
            credit_limit=data.get("credit_limit"),
        )

    def update_object(self, instance, data):
        return services.customer_credit_save(
            customer=data.get("customer", instance.customer),
            by=self.membership,
            payment_term=data.get("payment_term", instance.payment_term),
            credit_limit=data.get("credit_limit", instance.credit_limit),
        )


class InvoiceViewSet(
    ServiceWriteMixin,
    TenantAPIMixin,
    IdempotentCreateMixin,
    SyncListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Invoices: a rep their own, a manager their line's, an admin all. An order's invoice is written
    with the order; POST creates one without an order (an opening balance from an ERP), DELETE
    removes such an invoice while nothing is allocated to it. `?customer=`, `?status=`,
    `?overdue_on=YYYY-MM-DD` (open and due before that day) filter the list."""

    queryset = Invoice.objects.none()
    serializer_class = InvoiceOut
    input_serializer_class = InvoiceIn

    @extend_schema(request=InvoiceIn, responses={201: InvoiceOut}, parameters=[IDEMPOTENCY_HEADER])
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def get_queryset(self):
        query = FilterQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return invoice_list(
            tenant=self.request.tenant, viewer=self.membership, filters=query.validated_data
        ).order_by("due_on", "id")

    def create_object(self, data):
        return services.invoice_create(tenant=self.request.tenant, by=self.membership, **data)

    def delete_object(self, instance):
        services.invoice_delete(invoice=instance, by=self.membership)


class FilterQuery(serializers.Serializer):
    customer = serializers.IntegerField(min_value=1, required=False)
    status = serializers.ChoiceField(choices=Invoice.Status.choices, required=False)
    overdue_on = serializers.DateField(required=False)
    payment = serializers.IntegerField(min_value=1, required=False)
    invoice = serializers.IntegerField(min_value=1, required=False)


class AllocationViewSet(
    ServiceWriteMixin,
    TenantAPIMixin,
    IdempotentCreateMixin,
    SyncListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Allocations of payments to invoices. POST allocates part of a payment to an invoice of the same
    customer (above the invoice's open amount or what is left of the payment: 400 on `amount`);
    DELETE undoes one. `?payment=`, `?invoice=`, `?customer=` filter the list."""

    queryset = Allocation.objects.none()
    serializer_class = AllocationOut
    input_serializer_class = AllocationIn

    @extend_schema(request=AllocationIn, responses={201: AllocationOut}, parameters=[IDEMPOTENCY_HEADER])
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def get_queryset(self):
        query = FilterQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return allocation_list(
            tenant=self.request.tenant, viewer=self.membership, filters=query.validated_data
        ).order_by("id")

    def create_object(self, data):
        made = services.payment_allocate(
            payment=data["payment"],
            by=self.membership,
            allocations=[{"invoice": data["invoice"], "amount": data["amount"]}],
        )
        return made[0]

    def delete_object(self, instance):
        services.allocation_delete(allocation=instance, by=self.membership)


class AgeingView(TenantAPIMixin, APIView):
    """GET /api/v1/receivables/ageing/: open receivables by age on `as_of` (default today), for the
    company or per team, rep or customer (`level`), narrowed by `team`, `rep`, `customer`; restricted
    to what the caller sees. Buckets: not due, 1–30, 31–60, 61–90, over 90 days past the due day."""

    @extend_schema(parameters=[AgeingQuery], responses=AgeingOut)
    def get(self, request):
        query = AgeingQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = dict(query.validated_data)
        as_of = params.pop("as_of", None) or tenant_today(request.tenant)
        rows = ageing(tenant=request.tenant, viewer=self.membership, as_of=as_of, **params)
        return Response(AgeingOut({"as_of": as_of, "level": params["level"], "results": rows}).data)
