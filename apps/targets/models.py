"""Tenant-defined KPIs. Targets, decomposition and appraisals join here in later slices."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.org.models import Team
from apps.tenancy.models import Membership, SyncModel, TenantModel

from .fact_filters import custom_metric_validate


class CustomMetric(SyncModel):
    """A tenant's own KPI: a built-in metric narrowed by filters, e.g. "revenue of category X" or
    "new customers in region Y" (region filters include the region's subtree).

    `filters` keys: category_ids, product_ids, region_ids (lists of ids of this tenant), segment
    (a customer segment), key_account (true/false). Validated by services.custom_metric_validate.
    """

    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    base = models.CharField(_("base metric"), max_length=60)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("custom KPI")
        verbose_name_plural = _("custom KPIs")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="custommetric_unique_code"),
            models.UniqueConstraint(fields=["tenant", "id"], name="custommetric_tenant_id_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        custom_metric_validate(tenant_id=self.tenant_id, code=self.code, base=self.base, filters=self.filters)


class SeasonalProfile(SyncModel):
    """A tenant's monthly distribution (twelve non-negative weights, January first), used to split a
    target into sub-periods and to say how much of a target is expected by a given day."""

    name = models.CharField(_("name"), max_length=120)
    weights = models.JSONField(_("monthly weights"))

    class Meta:
        verbose_name = _("seasonal profile")
        verbose_name_plural = _("seasonal profiles")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="seasonalprofile_unique_name"),
            models.UniqueConstraint(fields=["tenant", "id"], name="seasonalprofile_tenant_id_key"),
        ]

    def __str__(self) -> str:
        return self.name


GRAIN_CHOICES = [
    ("week", _("Week")),
    ("month", _("Month")),
    ("quarter", _("Quarter")),
    ("year", _("Year")),
]


# The fields a writer (service, form, API) may set on a target; the rest are the workflow's.
TARGET_FIELDS = (
    "metric",
    "owner_kind",
    "team",
    "rep",
    "grain",
    "period_start",
    "dimension",
    "category",
    "product",
    "region",
    "customer",
    "value",
    "statement",
    "parent",
    "justification",
    "seasonal_profile",
)


class Target(SyncModel):
    """A SMART target: metric × owner (tenant, team or rep) × period × optional dimension × value.

    Draft → proposed → approved (by the manager above) → locked at period start. Edits after lock are
    versioned in TargetChange, with who and why.
    """

    class OwnerKind(models.TextChoices):
        TENANT = "tenant", _("Organisation")
        TEAM = "team", _("Team")
        REP = "rep", _("Account manager")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        LOCKED = "locked", _("Locked")

    class Dimension(models.TextChoices):
        NONE = "", _("None")
        CATEGORY = "category", _("Product category")
        PRODUCT = "product", _("Product")
        REGION = "region", _("Region")
        CUSTOMER = "customer", _("Customer")

    metric = models.CharField(_("metric"), max_length=60)
    owner_kind = models.CharField(_("owner"), max_length=10, choices=OwnerKind.choices)
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
        db_constraint=False,
    )
    rep = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account manager"),
        db_constraint=False,
    )
    grain = models.CharField(_("period"), max_length=10, choices=GRAIN_CHOICES)
    period_start = models.DateField(_("period start"))
    dimension = models.CharField(
        _("dimension"), max_length=10, choices=Dimension.choices, blank=True, default=""
    )
    category = models.ForeignKey(
        "sales.ProductCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product category"),
        db_constraint=False,
    )
    product = models.ForeignKey(
        "sales.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
        db_constraint=False,
    )
    region = models.ForeignKey(
        "org.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        db_constraint=False,
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
        db_constraint=False,
    )
    value = models.DecimalField(_("target value"), max_digits=16, decimal_places=4)
    statement = models.TextField(_("specific statement"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("serves target"),
        db_constraint=False,
    )
    seasonal_profile = models.ForeignKey(
        SeasonalProfile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seasonal profile"),
        help_text=_("Expected-by-now follows this profile instead of a straight line."),
        db_constraint=False,
    )
    achievability_warning = models.CharField(_("achievability warning"), max_length=300, blank=True)
    justification = models.TextField(_("justification"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        db_constraint=False,
    )
    approved_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id"], name="target_tenant_id_key"),
            models.CheckConstraint(
                name="target_owner_matches_kind",
                condition=(
                    models.Q(owner_kind="tenant", team__isnull=True, rep__isnull=True)
                    | models.Q(owner_kind="team", team__isnull=False, rep__isnull=True)
                    | models.Q(owner_kind="rep", team__isnull=True, rep__isnull=False)
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "rep", "period_start"]),
            models.Index(fields=["tenant", "team", "period_start"]),
            models.Index(fields=["tenant", "parent"]),
        ]

    def __str__(self) -> str:
        return f"{self.metric} · {self.get_grain_display()} · {self.period_start.isoformat()}"

    @property
    def owner_id(self) -> int:
        # owner_kind names the one owner column that is set (a check constraint).
        return {"tenant": self.tenant_id, "team": self.team_id, "rep": self.rep_id}[self.owner_kind]  # type: ignore[return-value]

    @property
    def dimension_id(self) -> int | None:
        return getattr(self, f"{self.dimension}_id") if self.dimension else None


class TargetChange(TenantModel):
    """One versioned change to a locked target: what changed, who changed it and why."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="changes", db_constraint=False)
    version = models.PositiveIntegerField()
    changed_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, related_name="+", db_constraint=False
    )
    reason = models.TextField(_("reason"))
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["target", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "target", "version"], name="targetchange_unique_version"
            )
        ]


class AppraisalCycle(TenantModel):
    """A tenant's appraisal period (monthly, quarterly or annual); appraisals are made per rep in it."""

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        ANNUAL = "annual", _("Annual")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("appraisal cycle status", "Open")
        CLOSED = "closed", pgettext_lazy("appraisal cycle status", "Closed")

    name = models.CharField(_("name"), max_length=120)
    cadence = models.CharField(_("cadence"), max_length=10, choices=Cadence.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        verbose_name = _("appraisal cycle")
        verbose_name_plural = _("appraisal cycles")
        ordering = ["-period_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="appraisalcycle_unique_name"),
            models.UniqueConstraint(fields=["tenant", "id"], name="appraisalcycle_tenant_id_key"),
            models.CheckConstraint(
                name="appraisalcycle_period_order",
                condition=models.Q(period_end__gte=models.F("period_start")),
                violation_error_message=_("The period ends before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Appraisal(TenantModel):
    """One rep's appraisal in a cycle: weighted KPI lines, the manager's rating and feedback,
    improvement actions, and the rep's acknowledgement. Draft → submitted → acknowledged → closed;
    once acknowledged nothing in it changes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        CLOSED = "closed", _("Closed")

    cycle = models.ForeignKey(
        AppraisalCycle,
        on_delete=models.PROTECT,
        related_name="appraisals",
        verbose_name=_("appraisal cycle"),
        db_constraint=False,
    )
    rep = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("account manager"),
        db_constraint=False,
    )
    manager = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("manager"), db_constraint=False
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    rep_comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["cycle", "rep"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "cycle", "rep"], name="appraisal_unique_rep"),
            models.UniqueConstraint(fields=["tenant", "id"], name="appraisal_tenant_id_key"),
            models.CheckConstraint(
                name="appraisal_rating_1_5",
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rep.name} · {self.cycle.name}"

    @property
    def is_frozen(self) -> bool:
        return self.status in (self.Status.ACKNOWLEDGED, self.Status.CLOSED)


class AppraisalLine(TenantModel):
    """A weighted KPI line of an appraisal; actual, attainment and score come from target progress."""

    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.CASCADE, related_name="lines", db_constraint=False
    )
    metric = models.CharField(_("metric"), max_length=60)
    target = models.ForeignKey(
        Target,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target"),
        db_constraint=False,
    )
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    actual = models.DecimalField(_("actual"), max_digits=16, decimal_places=4, null=True, blank=True)
    attainment = models.DecimalField(_("attainment"), max_digits=10, decimal_places=4, null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=10, decimal_places=4, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["appraisal", "id"]
        constraints = [
            models.CheckConstraint(
                name="appraisalline_weight_range", condition=models.Q(weight__gte=0, weight__lte=100)
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.weight}"


class ImprovementAction(TenantModel):
    """An improvement action agreed in an appraisal, with an owner and a due date."""

    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.CASCADE, related_name="actions", db_constraint=False
    )
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"), db_constraint=False
    )
    due_date = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["appraisal", "due_date", "id"]

    def __str__(self) -> str:
        return self.description[:60]
