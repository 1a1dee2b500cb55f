"""Sales facts the KPIs measure: products, orders with lines, and collections."""

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.customers.models import Customer
from apps.tenancy.models import Membership, SyncModel, TenantModel

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class ProductCategory(SyncModel):
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="category_unique_code"),
            models.UniqueConstraint(fields=["tenant", "id"], name="category_tenant_id_key"),
        ]

    def __str__(self) -> str:
        return self.name


class Product(SyncModel):
    sku = models.CharField(_("SKU"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        ProductCategory,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("category"),
        db_constraint=False,
    )
    unit = models.CharField(_("unit"), max_length=20, default="pcs")
    list_price = models.DecimalField(_("list price"), validators=[MinValueValidator(0)], **MONEY)
    unit_cost = models.DecimalField(_("unit cost"), validators=[MinValueValidator(0)], **MONEY)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "sku"], name="product_unique_sku"),
            models.UniqueConstraint(fields=["tenant", "id"], name="product_tenant_id_key"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class Order(SyncModel):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("order number"), max_length=40)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("customer"),
        db_constraint=False,
    )
    rep = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("account manager"),
        db_constraint=False,
    )
    order_date = models.DateField(_("order date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    # Derived from the lines by the sales services; stored so lists and KPIs need no join.
    amount = models.DecimalField(_("amount"), default=Decimal("0"), editable=False, **MONEY)
    cost = models.DecimalField(_("cost"), default=Decimal("0"), editable=False, **MONEY)
    gross_margin = models.DecimalField(_("gross margin"), default=Decimal("0"), editable=False, **MONEY)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="order_unique_number"),
            models.UniqueConstraint(fields=["tenant", "id"], name="order_tenant_id_key"),
        ]
        indexes = [
            models.Index(fields=["tenant", "rep", "order_date"]),
            models.Index(fields=["tenant", "customer", "order_date"]),
            models.Index(fields=["tenant", "order_date"]),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(TenantModel):
    """One product on an order. Carries the order's date, rep and customer so the KPI engine reads
    a single fact table instead of joining orders for every grouped query."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", db_constraint=False)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"), db_constraint=False
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)
    cost = models.DecimalField(_("cost"), **MONEY)
    order_date = models.DateField()
    rep = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+", db_constraint=False)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "order"]),
            models.Index(fields=["tenant", "order_date", "rep"]),
        ]
        constraints = [models.UniqueConstraint(fields=["tenant", "id"], name="orderline_tenant_id_key")]

    @property
    def gross_margin(self) -> Decimal:
        return self.amount - self.cost


class Payment(SyncModel):
    class Method(models.TextChoices):
        TRANSFER = "transfer", _("Bank transfer")
        CASH = "cash", _("Cash")
        CHEQUE = "cheque", _("Cheque")
        MOBILE = "mobile", _("Mobile payment")
        OTHER = "other", _("Other")

    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("customer"),
        db_constraint=False,
    )
    rep = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("account manager"),
        db_constraint=False,
    )
    order = models.ForeignKey(
        Order,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("order"),
        db_constraint=False,
    )
    received_on = models.DateField(_("received on"))
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, default=Method.TRANSFER)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    # What the allocations to invoices leave of the amount, kept by the services.
    unallocated = models.DecimalField(_("unallocated"), default=Decimal("0"), editable=False, **MONEY)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [
            models.Index(fields=["tenant", "rep", "received_on"]),
            models.Index(fields=["tenant", "customer", "received_on"]),
        ]
        constraints = [models.UniqueConstraint(fields=["tenant", "id"], name="payment_tenant_id_key")]

    def __str__(self) -> str:
        values = {"amount": self.amount, "day": self.received_on, "reference": self.reference}
        if self.reference:
            return _("Collection %(reference)s: %(amount)s on %(day)s") % values
        return _("Collection of %(amount)s on %(day)s") % values


class OrderLineDay(TenantModel):
    """The lines of confirmed orders summed per (rep, local day): the KPI engine's pre-aggregate for
    revenue and margin where no line-level filter applies, so a dashboard sums a few rows per rep and
    day instead of every line. Kept exact by database triggers on order lines (insert, update,
    delete) and on an order's cancellation or reinstatement (migration 0003); the app never writes it."""

    rep = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    day = models.DateField()
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    cost = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "rep", "day"], name="orderlineday_unique")]
        indexes = [
            models.Index(fields=["tenant", "day"], name="orderlineday_tenant_day"),
            # Dashboards sum a line's reps over a period: an index-only scan with the sums included
            # reads a year for 50 reps in ~5 ms instead of ~15 ms through the heap.
            models.Index(
                fields=["tenant", "rep", "day"], include=["amount", "cost"], name="orderlineday_rep_day_sums"
            ),
        ]


class OrderLineMonth(TenantModel):
    """OrderLineDay summed per (rep, calendar month): a quarter or a year of a rep reads a dozen rows
    instead of a row per day. Derived from OrderLineDay by database triggers on it (migration 0006),
    so it is exactly the sum of that month's days; the app never writes it. `month` is the month's
    first day."""

    rep = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    month = models.DateField()
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    cost = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "rep", "month"], include=["amount", "cost"], name="orderlinemonth_unique"
            )
        ]
        # A tenant's (or a large line's) months in a range, as the dashboards' team and trend figures
        # read them: an index-only range scan of those rows instead of every tenant's.
        indexes = [
            models.Index(
                fields=["tenant", "month"],
                include=["rep", "amount", "cost"],
                name="orderlinemonth_tenant_month",
            )
        ]


# ---- receivables (应收账款) -------------------------------------------------------------------
# An invoice per confirmed order (or posted by a REST client as an opening balance), due on the day
# its payment term gives; payments are allocated to invoices. The services keep `open_amount` of an
# invoice and `unallocated` of a payment equal to what the allocations leave, so the ageing reads one
# table (apps/sales/receivables.py has the rules, docs/receivables.md the definitions).

TERM_DAYS_MAX = 3650


class PaymentTerm(SyncModel):
    """A tenant's payment term: `days` counted from the invoice date, or from the end of the
    invoice's month ("month end + 60"). One of them may be the tenant's default."""

    class Basis(models.TextChoices):
        INVOICE_DATE = "invoice_date", _("From the invoice date")
        MONTH_END = "month_end", _("From the end of the invoice's month")

    name = models.CharField(_("name"), max_length=80)
    days = models.IntegerField(_("days"), default=30)
    basis = models.CharField(_("counted"), max_length=20, choices=Basis.choices, default=Basis.INVOICE_DATE)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("payment term")
        verbose_name_plural = _("payment terms")
        ordering = ["days", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="paymentterm_unique_name"),
            models.UniqueConstraint(fields=["tenant", "id"], name="paymentterm_tenant_id_key"),
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(is_default=True), name="paymentterm_one_default"
            ),
            models.CheckConstraint(
                condition=models.Q(days__gte=0, days__lte=TERM_DAYS_MAX), name="paymentterm_days_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CustomerCredit(SyncModel):
    """The sales side of a customer: its payment term (None: the tenant's default) and credit limit
    (None: no limit). One row per customer, kept here because customers may not import sales."""

    # Unique per tenant (customercredit_unique_customer), not a OneToOneField's global unique index.
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("customer"),
        db_constraint=False,
    )
    payment_term = models.ForeignKey(
        PaymentTerm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("payment term"),
        db_constraint=False,
    )
    credit_limit = models.DecimalField(
        _("credit limit"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )

    class Meta:
        verbose_name = _("customer credit")
        verbose_name_plural = _("customer credit")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "customer"], name="customercredit_unique_customer"),
            models.UniqueConstraint(fields=["tenant", "id"], name="customercredit_tenant_id_key"),
        ]


class Invoice(SyncModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("invoice number"), max_length=40)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer"), db_constraint=False
    )
    rep = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("account manager"),
        db_constraint=False,
    )
    # One invoice per order, unique per tenant (invoice_unique_order).
    order = models.ForeignKey(
        Order,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("order"),
        db_constraint=False,
    )
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(0)], **MONEY)
    # amount minus the allocations, kept by the services (0 once paid or cancelled)
    open_amount = models.DecimalField(_("open amount"), default=Decimal("0"), editable=False, **MONEY)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="invoice_unique_number"),
            models.UniqueConstraint(fields=["tenant", "order"], name="invoice_unique_order"),
            models.UniqueConstraint(fields=["tenant", "id"], name="invoice_tenant_id_key"),
            models.CheckConstraint(
                condition=models.Q(open_amount__gte=0, open_amount__lte=models.F("amount")),
                name="invoice_open_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "customer", "due_on"]),
            models.Index(fields=["tenant", "rep", "due_on"]),
            # The ageing reads open invoices only: a small partial index with what it sums.
            models.Index(
                fields=["tenant", "due_on"],
                include=["customer", "rep", "issued_on", "open_amount"],
                condition=models.Q(status="open"),
                name="invoice_open_ageing",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Allocation(TenantModel):
    """Part of a payment applied to an invoice. Carries the payment's day, the invoice's dates, rep and
    customer, so the receivables metrics read one fact table."""

    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="allocations", db_constraint=False
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="allocations", db_constraint=False
    )
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    paid_on = models.DateField()
    issued_on = models.DateField()
    due_on = models.DateField()
    rep = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+", db_constraint=False)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id"], name="allocation_tenant_id_key"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["tenant", "invoice"]),
            models.Index(fields=["tenant", "payment"]),
            models.Index(fields=["tenant", "paid_on", "rep"]),
        ]

    def __str__(self) -> str:
        return f"{self.amount}"
