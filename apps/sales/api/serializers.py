from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from apps.customers.api.serializers import CustomerField, CustomerRepLabelOut, MemberField
from apps.sales.models import MONEY, Order, OrderLine, Payment, Product, ProductCategory
from apps.sales.selectors import visible_orders
from apps.tenancy.api.fields import TenantRelatedField

QUANTITY: dict[str, Any] = {"max_digits": 12, "decimal_places": 3, "min_value": Decimal("0.001")}

# ---- catalogue ------------------------------------------------------------------------------


class ProductCategoryOut(serializers.ModelSerializer):
    class Meta:
        model = ProductCategory
        fields = ["id", "code", "name", "created_at", "updated_at"]
        read_only_fields = fields


class ProductCategoryIn(serializers.ModelSerializer):
    class Meta:
        model = ProductCategory
        fields = ["code", "name"]
        validators: list = []  # code is unique per tenant: checked by the service


class ProductOut(serializers.ModelSerializer):
    category_code = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "name",
            "category",
            "category_code",
            "category_name",
            "unit",
            "list_price",
            "unit_cost",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProductIn(serializers.ModelSerializer):
    category = TenantRelatedField(model=ProductCategory)

    class Meta:
        model = Product
        fields = ["sku", "name", "category", "unit", "list_price", "unit_cost", "is_active"]
        validators: list = []  # SKU is unique per tenant: checked by the service


# ---- orders ---------------------------------------------------------------------------------


class OrderLineOut(serializers.ModelSerializer):
    product_sku = serializers.CharField(source="product.sku", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = OrderLine
        fields = ["id", "product", "product_sku", "product_name", "quantity", "unit_price", "amount", "cost"]
        read_only_fields = fields


class OrderOut(CustomerRepLabelOut):
    lines = OrderLineOut(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "customer",
            "customer_code",
            "customer_name",
            "rep",
            "rep_name",
            "order_date",
            "status",
            "amount",
            "cost",
            "gross_margin",
            "note",
            "lines",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OrderLineIn(serializers.Serializer):
    """A line as written: the product id is resolved for all lines of the order in one query."""

    product = serializers.IntegerField(min_value=1)
    quantity = serializers.DecimalField(**QUANTITY)
    unit_price = serializers.DecimalField(
        **MONEY,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        help_text="Defaults to the product's list price.",
    )


class OrderIn(serializers.ModelSerializer):
    number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="Generated when left out."
    )
    customer = CustomerField()
    rep = MemberField(required=False, help_text="Defaults to the caller.")
    lines = OrderLineIn(many=True, allow_empty=False)

    class Meta:
        model = Order
        fields = ["number", "customer", "rep", "order_date", "status", "note", "lines"]
        validators: list = []  # number is unique per tenant: checked by the service

    def validate_lines(self, lines):
        request = self.context["request"]
        ids = {line["product"] for line in lines}
        products = Product.objects.filter(tenant=request.tenant, pk__in=ids).in_bulk()
        # Keyed by line position, like DRF's own errors for a list of nested objects.
        errors = {
            i: {"product": [_unknown(line["product"])]}
            for i, line in enumerate(lines)
            if line["product"] not in products
        }
        if errors:
            raise serializers.ValidationError(errors)
        return [{**line, "product": products[line["product"]]} for line in lines]


def _unknown(pk) -> str:
    return _('Invalid pk "%(pk)s" - object does not exist.') % {"pk": pk}


class OrderBulkRow(serializers.Serializer):
    """One order of a bulk call: foreign keys as ids, resolved for the whole batch at once."""

    number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    customer = serializers.IntegerField(min_value=1)
    rep = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    order_date = serializers.DateField()
    status = serializers.ChoiceField(choices=Order.Status.choices, required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    lines = OrderLineIn(many=True, allow_empty=False)


class OrderBulkIn(serializers.Serializer):
    rows = OrderBulkRow(many=True)


class BulkCreated(serializers.Serializer):
    row = serializers.IntegerField()
    id = serializers.IntegerField()
    number = serializers.CharField(required=False)


class BulkOut(serializers.Serializer):
    count = serializers.IntegerField()
    results = BulkCreated(many=True)


# ---- payments -------------------------------------------------------------------------------


class PaymentOut(CustomerRepLabelOut):
    order_number = serializers.CharField(source="order.number", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "customer",
            "customer_code",
            "customer_name",
            "rep",
            "rep_name",
            "order",
            "order_number",
            "received_on",
            "amount",
            "method",
            "reference",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PaymentIn(serializers.ModelSerializer):
    customer = CustomerField()
    rep = MemberField(required=False, help_text="Defaults to the caller.")
    order = TenantRelatedField(model=Order, restrict=visible_orders, required=False, allow_null=True)

    class Meta:
        model = Payment
        fields = ["customer", "rep", "order", "received_on", "amount", "method", "reference"]
        # "The order must be the customer's" is the services' rule (payment_create / _update).


class PaymentBulkRow(serializers.Serializer):
    customer = serializers.IntegerField(min_value=1)
    rep = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    order = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    received_on = serializers.DateField()
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))
    method = serializers.ChoiceField(choices=Payment.Method.choices, required=False)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)


class PaymentBulkIn(serializers.Serializer):
    rows = PaymentBulkRow(many=True)
