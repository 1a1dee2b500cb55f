from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from apps.customers.api.serializers import CustomerField, CustomerLabelOut, CustomerRepLabelOut, MemberField
from apps.org.selectors import restrict_to_viewer
from apps.sales.models import (
    MONEY,
    TERM_DAYS_MAX,
    Allocation,
    CustomerCredit,
    Invoice,
    Order,
    OrderLine,
    Payment,
    PaymentTerm,
    Product,
    ProductCategory,
)
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
            "unallocated",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PaymentAllocationIn(serializers.Serializer):
    invoice = TenantRelatedField(model=Invoice, restrict=lambda qs, m: restrict_to_viewer(qs, m, "rep"))
    amount = serializers.DecimalField(**MONEY)


class PaymentIn(serializers.ModelSerializer):
    customer = CustomerField()
    rep = MemberField(required=False, help_text="Defaults to the caller.")
    order = TenantRelatedField(model=Order, restrict=visible_orders, required=False, allow_null=True)
    allocations = PaymentAllocationIn(
        many=True,
        required=False,
        help_text="On create: the invoices this payment pays. Left out: the order's invoice first, "
        "then the customer's open invoices oldest first.",
    )

    class Meta:
        model = Payment
        fields = ["customer", "rep", "order", "received_on", "amount", "method", "reference", "allocations"]
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


# ---- receivables ----------------------------------------------------------------------------


class PaymentTermOut(serializers.ModelSerializer):
    class Meta:
        model = PaymentTerm
        fields = ["id", "name", "days", "basis", "is_default", "created_at", "updated_at"]
        read_only_fields = fields


class PaymentTermIn(serializers.ModelSerializer):
    # The service checks the same (pages, starter data); name uniqueness is only the service's.
    days = serializers.IntegerField(min_value=0, max_value=TERM_DAYS_MAX, help_text="Counted by `basis`.")

    class Meta:
        model = PaymentTerm
        fields = ["name", "days", "basis", "is_default"]
        validators: list = []


class CustomerCreditOut(CustomerLabelOut):
    payment_term_name = serializers.CharField(
        source="payment_term.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = CustomerCredit
        fields = [
            "id",
            "customer",
            "customer_code",
            "customer_name",
            "payment_term",
            "payment_term_name",
            "credit_limit",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CustomerCreditIn(serializers.Serializer):
    customer = CustomerField()
    payment_term = TenantRelatedField(model=PaymentTerm, required=False, allow_null=True)
    credit_limit = serializers.DecimalField(
        **MONEY, required=False, allow_null=True, help_text="Empty: no limit."
    )


class InvoiceOut(CustomerRepLabelOut):
    order_number = serializers.CharField(source="order.number", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "customer",
            "customer_code",
            "customer_name",
            "rep",
            "rep_name",
            "order",
            "order_number",
            "issued_on",
            "due_on",
            "amount",
            "open_amount",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class InvoiceIn(serializers.Serializer):
    """An invoice without an order: an opening balance brought from an ERP."""

    number = serializers.CharField(max_length=40)
    customer = CustomerField()
    rep = MemberField(required=False, help_text="Defaults to the customer's account manager.")
    issued_on = serializers.DateField()
    due_on = serializers.DateField(required=False, help_text="Defaults to the customer's payment term.")
    amount = serializers.DecimalField(**MONEY)


class AllocationOut(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)

    class Meta:
        model = Allocation
        fields = [
            "id",
            "payment",
            "invoice",
            "invoice_number",
            "customer",
            "rep",
            "amount",
            "paid_on",
            "issued_on",
            "due_on",
            "created_at",
        ]
        read_only_fields = fields


class AllocationIn(serializers.Serializer):
    payment = TenantRelatedField(model=Payment, restrict=lambda qs, m: restrict_to_viewer(qs, m, "rep"))
    invoice = TenantRelatedField(model=Invoice, restrict=lambda qs, m: restrict_to_viewer(qs, m, "rep"))
    amount = serializers.DecimalField(**MONEY)


class AgeingRowOut(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(source="label")
    not_due = serializers.DecimalField(**MONEY)
    d1_30 = serializers.DecimalField(**MONEY)
    d31_60 = serializers.DecimalField(**MONEY)
    d61_90 = serializers.DecimalField(**MONEY)
    over_90 = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
    overdue = serializers.DecimalField(**MONEY)


class AgeingOut(serializers.Serializer):
    as_of = serializers.DateField()
    level = serializers.CharField()
    results = AgeingRowOut(many=True)


class AgeingQuery(serializers.Serializer):
    as_of = serializers.DateField(required=False)
    level = serializers.ChoiceField(choices=["company", "team", "rep", "customer"], default="company")
    team = serializers.IntegerField(min_value=1, required=False)
    rep = serializers.IntegerField(min_value=1, required=False)
    customer = serializers.IntegerField(min_value=1, required=False)
