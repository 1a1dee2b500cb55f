"""Daily visit plans and their visits, daily sales reports, market situation reports."""

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.customers.models import Customer
from apps.org.models import Region
from apps.pipeline.models import StageChange
from apps.sales.models import Order, Payment
from apps.tenancy.models import Membership, SyncModel, TenantModel

COORD: dict[str, Any] = {"max_digits": 9, "decimal_places": 6, "null": True, "blank": True}


class VisitPlan(SyncModel):
    """每日拜访计划: one per rep and day; its items are Visit rows."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    rep = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="visit_plans",
        verbose_name=_("account manager"),
        db_constraint=False,
    )
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField(_("note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
        db_constraint=False,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        verbose_name = _("daily visit plan")
        verbose_name_plural = _("daily visit plans")
        ordering = ["-day", "rep_id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "rep", "day"], name="visitplan_unique_rep_day"),
            models.UniqueConstraint(fields=["tenant", "id"], name="visitplan_tenant_id_key"),
        ]
        indexes = [models.Index(fields=["tenant", "status", "day"])]

    def __str__(self) -> str:
        return _("%(rep)s's visit plan for %(day)s") % {"rep": self.rep.name, "day": self.day.isoformat()}


class DailyReport(SyncModel):
    """每日销售报告 (日报): rep × day; its visits point at it, visit costs are their sum."""

    class Attendance(models.TextChoices):
        ON_DUTY = "on_duty", _("On duty")
        LEAVE = "leave", _("Leave")
        SICK = "sick", _("Sick leave")
        TRAINING = "training", _("Training")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed")

    rep = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="daily_reports",
        verbose_name=_("account manager"),
        db_constraint=False,
    )
    day = models.DateField(_("day"))
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.ON_DUTY
    )
    complaints_handled = models.TextField(_("complaints handled"), blank=True)
    competitor_info = models.TextField(_("competitor information"), blank=True)
    customer_feedback = models.TextField(_("customer feedback"), blank=True)
    learnings = models.TextField(_("learnings"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The tenant's report_deadline on `day`, in its time zone, fixed when the report is created.
    deadline_at = models.DateTimeField(_("deadline"))
    on_time = models.BooleanField(_("on time"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
        db_constraint=False,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    manager_comment = models.TextField(_("manager's comment"), blank=True)

    class Meta:
        verbose_name = _("daily sales report")
        verbose_name_plural = _("daily sales reports")
        ordering = ["-day", "rep_id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "rep", "day"], name="dailyreport_unique_rep_day"),
            models.UniqueConstraint(fields=["tenant", "id"], name="dailyreport_tenant_id_key"),
        ]
        indexes = [models.Index(fields=["tenant", "status", "day"])]

    def __str__(self) -> str:
        return _("%(rep)s's daily report for %(day)s") % {"rep": self.rep.name, "day": self.day.isoformat()}


class Visit(SyncModel):
    """A plan item, or an unplanned visit recorded later (planned=False)."""

    class Purpose(models.TextChoices):
        NEW_CUSTOMER = "new_customer", _("New customer development")
        MARKET_RESEARCH = "market_research", _("Market research")
        COLLECTION = "collection", _("Collection")
        SERVICE = "service", _("Customer service")
        COMPLAINT = "complaint", _("Complaint handling")
        ORDER = "order", _("Order taking")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        PENDING = "pending", pgettext_lazy("visit outcome", "Pending")
        DONE = "done", _("Done")
        NOT_MET = "not_met", _("Not met")
        POSTPONED = "postponed", _("Postponed")

    rep = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("account manager"),
        db_constraint=False,
    )
    day = models.DateField(_("day"))
    plan = models.ForeignKey(
        VisitPlan,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("daily visit plan"),
        db_constraint=False,
    )
    planned = models.BooleanField(_("planned"), default=True)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("customer"),
        db_constraint=False,
    )
    prospect_name = models.CharField(_("prospect name"), max_length=200, blank=True)
    area = models.CharField(_("area"), max_length=120, blank=True)
    planned_time = models.TimeField(_("planned time"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.SERVICE)
    note = models.CharField(_("note"), max_length=500, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    result_note = models.TextField(_("result"), blank=True)
    effective = models.BooleanField(_("effective visit"), null=True, blank=True)
    cost = models.DecimalField(
        pgettext_lazy("visit expense", "cost"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    check_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    check_in_lat = models.DecimalField(
        _("check-in latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)], **COORD
    )
    check_in_lng = models.DecimalField(
        _("check-in longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)], **COORD
    )
    check_in_accuracy_m = models.PositiveIntegerField(_("check-in accuracy (m)"), null=True, blank=True)
    check_in_distance_m = models.PositiveIntegerField(_("distance to customer (m)"), null=True, blank=True)
    check_in_far = models.BooleanField(_("checked in far from the customer"), default=False)
    check_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    check_out_lat = models.DecimalField(
        _("check-out latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)], **COORD
    )
    check_out_lng = models.DecimalField(
        _("check-out longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)], **COORD
    )
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("carried over from"),
        db_constraint=False,
    )
    report = models.ForeignKey(
        DailyReport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("daily sales report"),
        db_constraint=False,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["day", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id"], name="visit_tenant_id_key"),
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False) | ~models.Q(prospect_name=""),
                name="visit_customer_or_prospect",
            ),
            # An unfinished visit is carried into a later plan at most once.
            models.UniqueConstraint(
                fields=["tenant", "carried_from"],
                condition=models.Q(carried_from__isnull=False),
                name="visit_carried_once",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "rep", "day"]),
            models.Index(fields=["tenant", "day"]),
        ]

    def __str__(self) -> str:
        return _("Visit to %(who)s on %(day)s") % {"who": self.visitee, "day": self.day.isoformat()}

    @property
    def visitee(self) -> str:
        return self.customer.name if self.customer is not None else self.prospect_name


def visit_photo_path(instance: "VisitPhoto", filename: str) -> str:
    # Keyed by tenant so one tenant's files never share a directory with another's; the names are
    # never published: photos are served only through the permission-checked view.
    now = timezone.now()
    return f"visits/{now:%Y}/{now:%m}/t{instance.tenant_id}/{filename}"


class VisitPhoto(TenantModel):
    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="photos", verbose_name=_("visit"), db_constraint=False
    )
    image = models.FileField(_("photo"), upload_to=visit_photo_path, max_length=300)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "id"], name="visitphoto_tenant_id_key")]
        indexes = [models.Index(fields=["tenant", "visit"])]

    def __str__(self) -> str:
        name = (self.image.name or "").rpartition("/")[2]
        return _("Photo %(name)s of visit %(visit)s") % {"name": name, "visit": self.visit_id}


class ReportOrder(TenantModel):
    """An order taken on a visit, linked to the daily report (a visit with one counts as a deal)."""

    report = models.ForeignKey(
        DailyReport,
        on_delete=models.CASCADE,
        related_name="report_orders",
        verbose_name=_("daily sales report"),
        db_constraint=False,
    )
    visit = models.ForeignKey(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visit_orders",
        verbose_name=_("visit"),
        db_constraint=False,
    )
    # One report line per order, unique per tenant (reportorder_unique_order) rather than a
    # OneToOneField's global unique index: a unique key without tenant_id cannot be distributed.
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="+", verbose_name=_("order"), db_constraint=False
    )

    class Meta:
        verbose_name = _("order in a daily report")
        verbose_name_plural = _("orders in daily reports")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id"], name="reportorder_tenant_id_key"),
            models.UniqueConstraint(fields=["tenant", "order"], name="reportorder_unique_order"),
        ]
        indexes = [models.Index(fields=["tenant", "report"]), models.Index(fields=["tenant", "visit"])]

    def __str__(self) -> str:
        return _("Order %(order)s in daily report %(report)s") % {
            "order": self.order_id,
            "report": self.report_id,
        }


class ReportPayment(TenantModel):
    """A collection taken on a visit, linked to the daily report."""

    report = models.ForeignKey(
        DailyReport,
        on_delete=models.CASCADE,
        related_name="report_payments",
        verbose_name=_("daily sales report"),
        db_constraint=False,
    )
    visit = models.ForeignKey(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visit_payments",
        verbose_name=_("visit"),
        db_constraint=False,
    )
    # unique per tenant (reportpayment_unique_payment), as ReportOrder.order
    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="+", verbose_name=_("payment"), db_constraint=False
    )

    class Meta:
        verbose_name = _("collection in a daily report")
        verbose_name_plural = _("collections in daily reports")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id"], name="reportpayment_tenant_id_key"),
            models.UniqueConstraint(fields=["tenant", "payment"], name="reportpayment_unique_payment"),
        ]
        indexes = [models.Index(fields=["tenant", "report"]), models.Index(fields=["tenant", "visit"])]

    def __str__(self) -> str:
        return _("Collection %(payment)s in daily report %(report)s") % {
            "payment": self.payment_id,
            "report": self.report_id,
        }


class MarketReport(SyncModel):
    """市场状况反映表: an urgent market or competitor situation, escalated to the manager at once."""

    class Category(models.TextChoices):
        COMPETITOR = "competitor", _("Competitor")
        PRICE = "price", _("Price")
        PRODUCT = "product", _("Product")
        CHANNEL = "channel", _("Channel")
        POLICY = "policy", _("Policy")
        OTHER = "other", _("Other")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("market report status", "Open")
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("market report status", "Acknowledged")
        CLOSED = "closed", pgettext_lazy("market report status", "Closed")

    rep = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="market_reports",
        verbose_name=_("author"),
        db_constraint=False,
    )
    raised_at = models.DateTimeField(_("raised at"))
    customer = models.ForeignKey(
        Customer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="market_reports",
        verbose_name=_("customer"),
        db_constraint=False,
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="market_reports",
        verbose_name=_("region"),
        db_constraint=False,
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.COMPETITOR
    )
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    acknowledged_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
        db_constraint=False,
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    response = models.TextField(_("response"), blank=True)

    class Meta:
        verbose_name = _("market situation report")
        verbose_name_plural = _("market situation reports")
        ordering = ["-raised_at"]
        constraints = [models.UniqueConstraint(fields=["tenant", "id"], name="marketreport_tenant_id_key")]
        indexes = [
            models.Index(fields=["tenant", "status", "raised_at"]),
            models.Index(fields=["tenant", "rep", "raised_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class PlanSuggestion(TenantModel):
    """A visit suggested for a rep's plan of a day (tomorrow's plan, suggested), with the reasons it
    was suggested for (apps/visits/suggestions.py). Written by the suggestions pass for all reps at
    once; the rep accepts it (a plan item is added, and the suggestion remembers it in `visit`),
    drops it with an optional reason, or reorders the pending ones."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("suggestion status", "Suggested")
        ACCEPTED = "accepted", pgettext_lazy("suggestion status", "Accepted")
        DROPPED = "dropped", pgettext_lazy("suggestion status", "Dropped")

    rep = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="plan_suggestions",
        verbose_name=_("account manager"),
        db_constraint=False,
    )
    day = models.DateField(_("day"))
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="plan_suggestions",
        verbose_name=_("customer"),
        db_constraint=False,
    )
    # The customer's region when suggested: pending suggestions are grouped by it, for the route.
    area = models.CharField(_("area"), max_length=120, blank=True)
    score = models.PositiveIntegerField(pgettext_lazy("suggestion", "score"), default=0)
    # [{"code": "key_account", "score": 62, "detail": {...}}, …], strongest first
    reasons = models.JSONField(_("reasons"), default=list)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    drop_reason = models.CharField(_("reason for dropping"), max_length=200, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        db_constraint=False,
    )
    visit = models.ForeignKey(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("visit"),
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("suggested visit")
        verbose_name_plural = _("suggested visits")
        ordering = ["day", "rep_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id"], name="plansuggestion_tenant_id_key"),
            models.UniqueConstraint(
                fields=["tenant", "rep", "day", "customer"], name="plansuggestion_unique_rep_day_customer"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "day", "rep"]),
            models.Index(fields=["tenant", "visit"]),
        ]

    def __str__(self) -> str:
        return _("Suggested visit to %(who)s on %(day)s") % {
            "who": self.customer.name,
            "day": self.day.isoformat(),
        }


class VisitOpportunityMove(TenantModel):
    """A visit that advanced an opportunity: the stage change (or next step) it recorded
    (apps.visits.services.opportunities.visit_opportunity_advance)."""

    visit = models.ForeignKey(
        Visit,
        on_delete=models.CASCADE,
        related_name="opportunity_moves",
        verbose_name=_("visit"),
        db_constraint=False,
    )
    stage_change = models.ForeignKey(
        StageChange,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("stage change"),
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("opportunity moved on a visit")
        verbose_name_plural = _("opportunities moved on visits")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id"], name="visitopportunitymove_tenant_id_key")
        ]
        indexes = [models.Index(fields=["tenant", "visit"])]
