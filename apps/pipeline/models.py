"""The sales pipeline (商机): the tenant's stages, opportunities with their product lines, and every
stage change kept, so that time in stage and stage-to-stage conversion are facts."""

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.customers.models import Customer, Task
from apps.sales.models import Order, Product, ProductCategory
from apps.tenancy.models import Membership, TenantModel

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Stage(TenantModel):
    """One step of the tenant's sales process (计划 → 寻找 → 接近 → 介绍 → 成交 …), in `order`."""

    class Kind(models.TextChoices):
        OPEN = "open", pgettext_lazy("opportunity", "Open")
        WON = "won", pgettext_lazy("opportunity", "Won")
        LOST = "lost", pgettext_lazy("opportunity", "Lost")

    # What a stage may require of an opportunity before it enters it (field names of Opportunity).
    REQUIREMENTS = ("amount", "expected_close", "next_step")

    name = models.CharField(_("name"), max_length=80)
    order = models.PositiveSmallIntegerField(pgettext_lazy("sequence", "order"), default=0)
    probability = models.PositiveSmallIntegerField(_("default probability (%)"), validators=PERCENT)
    kind = models.CharField(
        pgettext_lazy("stage", "kind"), max_length=10, choices=Kind.choices, default=Kind.OPEN
    )
    requires_amount = models.BooleanField(_("requires an amount"), default=False)
    requires_expected_close = models.BooleanField(_("requires an expected close date"), default=False)
    requires_next_step = models.BooleanField(_("requires a next step"), default=False)

    class Meta:
        verbose_name = _("pipeline stage")
        verbose_name_plural = _("pipeline stages")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="pipeline_stage_unique_name"),
            models.UniqueConstraint(fields=["tenant", "id"], name="pipeline_stage_tenant_id_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def required_fields(self) -> list[str]:
        return [f for f in self.REQUIREMENTS if getattr(self, f"requires_{f}")]


class Opportunity(TenantModel):
    """A deal being worked on: a customer's, or a new prospect's that becomes a customer when won."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("opportunity", "Open")
        WON = "won", pgettext_lazy("opportunity", "Won")
        LOST = "lost", pgettext_lazy("opportunity", "Lost")

    class Source(models.TextChoices):
        VISIT = "visit", _("Field visit")
        REFERRAL = "referral", _("Referral")
        INBOUND = "inbound", _("Inbound enquiry")
        EXISTING = "existing", _("Existing customer")
        EXHIBITION = "exhibition", _("Trade show")
        OTHER = "other", _("Other")

    class LostReason(models.TextChoices):
        PRICE = "price", _("Price too high")
        COMPETITOR = "competitor", _("Chose a competitor")
        NO_BUDGET = "no_budget", _("No budget")
        NO_DECISION = "no_decision", _("No decision")
        TIMING = "timing", _("Timing")
        OTHER = "other", _("Other")

    name = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("customer"),
        db_constraint=False,
    )
    prospect_name = models.CharField(_("name of the prospect"), max_length=200, blank=True)
    prospect_contact = models.CharField(_("prospect contact"), max_length=120, blank=True)
    prospect_phone = models.CharField(_("prospect phone"), max_length=40, blank=True)
    owner = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("account manager"),
        db_constraint=False,
    )
    stage = models.ForeignKey(
        Stage,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("stage"),
        db_constraint=False,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, editable=False
    )
    # The sum of the lines when there are lines; else as entered.
    amount = models.DecimalField(
        _("expected amount"), default=Decimal("0"), validators=[MinValueValidator(0)], **MONEY
    )
    probability = models.PositiveSmallIntegerField(_("probability (%)"), validators=PERCENT)
    expected_close = models.DateField(_("expected close"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.VISIT)
    competitors = models.CharField(_("competitors involved"), max_length=300, blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_on = models.DateField(_("next step on"), null=True, blank=True)
    # The tenant's local day the opportunity was opened and closed: the KPI engine places them by these.
    opened_on = models.DateField(_("opened on"), editable=False)
    stage_entered_at = models.DateTimeField(_("in this stage since"), editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    order = models.ForeignKey(
        Order,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("order"),
        db_constraint=False,
        editable=False,
    )
    lost_reason = models.CharField(
        _("lost reason"), max_length=20, choices=LostReason.choices, blank=True, editable=False
    )
    lost_note = models.CharField(_("lost note"), max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id"], name="pipeline_opportunity_tenant_id_key"),
            models.CheckConstraint(
                condition=~models.Q(customer__isnull=True, prospect_name=""),
                name="pipeline_opportunity_customer_or_prospect",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "owner", "status"]),
            models.Index(fields=["tenant", "customer"]),
            # the board's columns: the first cards of each stage, by next step
            models.Index(fields=["tenant", "stage", "next_step_on", "id"], name="pipeline_opp_board"),
            # the board's column sums: an index-only scan of the open ones, whoever's line
            models.Index(
                fields=["tenant", "status", "stage", "owner"],
                include=["amount", "probability"],
                name="pipeline_opp_column_sums",
            ),
            models.Index(fields=["tenant", "status", "expected_close"]),
            models.Index(fields=["tenant", "status", "closed_on"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def account_name(self) -> str:
        return self.customer.name if self.customer_id else self.prospect_name  # type: ignore[union-attr]

    @property
    def weighted_amount(self) -> Decimal:
        return (self.amount * self.probability / 100).quantize(Decimal("0.01"))


class OpportunityLine(TenantModel):
    """An expected amount on a product, or on a whole category when the product is not known yet."""

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("opportunity"),
        db_constraint=False,
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
        db_constraint=False,
    )
    category = models.ForeignKey(
        ProductCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
        db_constraint=False,
    )
    amount = models.DecimalField(_("expected amount"), validators=[MinValueValidator(0)], **MONEY)

    class Meta:
        verbose_name = _("opportunity line")
        verbose_name_plural = _("opportunity lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id"], name="pipeline_line_tenant_id_key"),
            models.CheckConstraint(
                condition=models.Q(product__isnull=False) | models.Q(category__isnull=False),
                name="pipeline_line_product_or_category",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "opportunity"])]


class StageChange(TenantModel):
    """One move of an opportunity (its creation has no `from_stage`): who, when, and from where.

    `owner` is the opportunity's owner at the time, so the KPI engine slices history by rep, team and
    line; `advanced` is true for a move to a later open stage or to a won stage (stage conversion)."""

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.CASCADE,
        related_name="history",
        verbose_name=_("opportunity"),
        db_constraint=False,
    )
    from_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_constraint=False
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    owner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False
    )
    at = models.DateTimeField(_("moved at"))
    days_in_previous = models.PositiveIntegerField(_("days in the previous stage"), null=True, blank=True)
    advanced = models.BooleanField(default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "id"], name="pipeline_change_tenant_id_key")]
        indexes = [
            models.Index(fields=["tenant", "opportunity", "at"]),
            models.Index(fields=["tenant", "at"]),
        ]


class OpportunityTask(TenantModel):
    """A task (apps.customers.Task, source "pipeline.opportunity") done for an opportunity."""

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.CASCADE,
        related_name="task_links",
        verbose_name=_("opportunity"),
        db_constraint=False,
    )
    # One opportunity per task by (tenant, task), not a key of the task alone: a per-tenant key
    # names the tenant first (tests/test_schema_tenant_keys.py).
    task = models.ForeignKey(
        Task,
        on_delete=models.CASCADE,
        related_name="opportunity_links",
        verbose_name=_("task"),
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("opportunity task")
        verbose_name_plural = _("opportunity tasks")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "task"], name="pipeline_task_unique_task"),
            models.UniqueConstraint(fields=["tenant", "id"], name="pipeline_task_tenant_id_key"),
        ]
        indexes = [models.Index(fields=["tenant", "opportunity"])]
