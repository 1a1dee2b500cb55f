"""Key-account plans (大客户计划): a customer's needs analysis, its stages with goals and dates, the
stages' tasks (the shared customers.Task, linked from this side) and the periodic reviews."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.customers.models import Customer, Task
from apps.tenancy.models import Membership, TenantModel

SCORE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(5)]  # a CSAT-like score, 0 to 5


class KeyAccountPlan(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("key-account plan status", "Draft")
        ACTIVE = "active", pgettext_lazy("key-account plan status", "Active")
        CLOSED = "closed", pgettext_lazy("key-account plan status", "Closed")

    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="key_account_plans",
        verbose_name=_("customer"),
        db_constraint=False,
    )
    owner = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="key_account_plans",
        verbose_name=_("account manager"),
        db_constraint=False,
    )
    title = models.CharField(_("plan title"), max_length=200)
    starts_on = models.DateField(_("plan start"))
    ends_on = models.DateField(_("plan end"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # 需求分析, in the sections a manager asks for: what the customer needs, who decides, where we stand.
    needs = models.TextField(_("customer needs"), blank=True)
    decision_makers = models.TextField(_("decision makers"), blank=True)
    our_position = models.TextField(_("our position"), blank=True)
    competitors = models.TextField(_("competitors"), blank=True)
    review_interval_days = models.PositiveSmallIntegerField(
        _("review every (days)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    next_review_on = models.DateField(_("next review"), null=True, blank=True)

    class Meta:
        verbose_name = _("key-account plan")
        verbose_name_plural = _("key-account plans")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id"], name="keyaccountplan_tenant_id_key"),
            # one plan in work per customer: the customer page, the reviews and the tasks follow it
            models.UniqueConstraint(
                fields=["tenant", "customer"],
                name="keyaccountplan_one_open_per_customer",
                condition=~models.Q(status="closed"),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="keyaccountplan_period_order"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "owner", "status"], name="keyaccountplan_owner"),
            # the plans due for review (home card, scheduled reminder): active ones only
            models.Index(
                fields=["tenant", "next_review_on"],
                name="keyaccountplan_review_due",
                condition=models.Q(status="active"),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PlanStage(TenantModel):
    plan = models.ForeignKey(
        KeyAccountPlan,
        on_delete=models.CASCADE,
        related_name="stages",
        verbose_name=_("key-account plan"),
        db_constraint=False,
    )
    position = models.PositiveSmallIntegerField(_("order in the plan"), default=0)
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("stage start"))
    ends_on = models.DateField(_("stage end"))
    revenue_goal = models.DecimalField(
        _("revenue goal"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    satisfaction_goal = models.DecimalField(
        _("satisfaction goal"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    # entered at a review until satisfaction surveys feed it
    satisfaction_actual = models.DecimalField(
        _("satisfaction reached"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    goals = models.TextField(_("other goals"), blank=True)

    class Meta:
        verbose_name = _("plan stage")
        verbose_name_plural = _("plan stages")
        ordering = ["plan", "starts_on", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id"], name="planstage_tenant_id_key"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="planstage_dates_order"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "plan"], name="planstage_plan")]

    def __str__(self) -> str:
        return self.name


class PlanReview(TenantModel):
    """A periodic review: what was seen, and the stage goals and dates it changed (before → after)."""

    plan = models.ForeignKey(
        KeyAccountPlan,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("key-account plan"),
        db_constraint=False,
    )
    reviewed_on = models.DateField(_("reviewed on"))
    reviewer = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
        db_constraint=False,
    )
    note = models.TextField(_("note"))
    stage = models.ForeignKey(
        PlanStage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stage"),
        db_constraint=False,
    )
    satisfaction_actual = models.DecimalField(
        _("satisfaction reached"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    # [{"stage": id, "stage_name": str, "field": name, "before": str|None, "after": str|None}, …]
    adjustments = models.JSONField(_("adjustments"), default=list, blank=True)
    next_review_on = models.DateField(_("next review"))

    class Meta:
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        ordering = ["-reviewed_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "id"], name="planreview_tenant_id_key")]
        indexes = [models.Index(fields=["tenant", "plan", "reviewed_on"], name="planreview_plan")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.reviewed_on}"


class StageTask(TenantModel):
    """A stage's task: the shared customers.Task (source "keyaccounts.plan"), linked from this side so
    that the task model knows no plan."""

    stage = models.ForeignKey(
        PlanStage,
        on_delete=models.CASCADE,
        related_name="task_links",
        verbose_name=_("stage"),
        db_constraint=False,
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("task"),
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("stage task")
        verbose_name_plural = _("stage tasks")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id"], name="stagetask_tenant_id_key"),
            models.UniqueConstraint(fields=["tenant", "task"], name="stagetask_one_stage_per_task"),
        ]
        indexes = [models.Index(fields=["tenant", "stage"], name="stagetask_stage")]

    def __str__(self) -> str:
        return f"{self.stage} · {self.task_id}"
