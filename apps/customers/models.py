from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.org.models import Region
from apps.tenancy.models import Membership, SyncModel


class Customer(SyncModel):
    class Segment(models.TextChoices):
        RETAIL = "retail", _("Retail outlet")
        DEALER = "dealer", _("Dealer / distributor")
        ENTERPRISE = "enterprise", _("Enterprise")
        PUBLIC = "public", _("Public sector")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        ACTIVE = "active", _("Active")
        DORMANT = "dormant", _("Dormant")
        LOST = "lost", _("Lost")

    code = models.CharField(_("customer code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="customers",
        verbose_name=_("account manager"),
        db_constraint=False,
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
        verbose_name=_("region"),
        db_constraint=False,
    )
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices, default=Segment.RETAIL)
    is_key_account = models.BooleanField(_("key account"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    notes = models.TextField(_("notes"), blank=True)
    # Kept by the sales services: the KPI engine finds "new customers" by this, not by re-scanning lines.
    first_order_date = models.DateField(_("first order"), null=True, blank=True, editable=False)
    last_order_date = models.DateField(_("last order"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="customer_unique_code"),
            models.UniqueConstraint(fields=["tenant", "id"], name="customer_tenant_id_key"),
        ]
        indexes = [
            models.Index(fields=["tenant", "owner"]),
            models.Index(fields=["tenant", "region"]),
            models.Index(fields=["tenant", "first_order_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Contact(SyncModel):
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("customer"),
        db_constraint=False,
    )
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("title"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["tenant", "customer"])]
        constraints = [models.UniqueConstraint(fields=["tenant", "id"], name="contact_tenant_id_key")]

    def __str__(self) -> str:
        return self.name


class Interaction(SyncModel):
    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        CALL = "call", _("Phone call")
        EMAIL = "email", _("Email")
        MEETING = "meeting", _("Meeting")
        MESSAGE = "message", _("Message")
        NOTE = "note", _("Note")

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="interactions",
        verbose_name=_("customer"),
        db_constraint=False,
    )
    rep = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("account manager"),
        db_constraint=False,
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
        db_constraint=False,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.VISIT)
    occurred_at = models.DateTimeField(_("when"))
    subject = models.CharField(_("subject"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    follow_up_on = models.DateField(
        _("follow up on"),
        null=True,
        blank=True,
        help_text=_(
            "The day to get back to the customer: it waits on the account manager's home until done."
        ),
    )
    follow_up_done_at = models.DateTimeField(_("follow-up done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "customer", "occurred_at"]),
            # the open follow-ups, for the home card (few rows: only those not yet done)
            models.Index(
                fields=["tenant", "follow_up_on"],
                name="interaction_follow_up_open",
                condition=models.Q(follow_up_on__isnull=False, follow_up_done_at__isnull=True),
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["tenant", "id"], name="interaction_tenant_id_key")]

    def __str__(self) -> str:
        return self.subject


class Task(SyncModel):
    """The one to-do of the product (任务): a follow-up, a key-account plan's task, an opportunity's next
    step… Any app may create one through `services.task_create`; higher apps link their objects to
    tasks from their own side and tell the task lists what a task belongs to through
    `apps.customers.task_sources` (the `source` code)."""

    class Priority(models.TextChoices):
        LOW = "low", pgettext_lazy("task priority", "Low")
        NORMAL = "normal", pgettext_lazy("task priority", "Normal")
        HIGH = "high", pgettext_lazy("task priority", "High")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("task status", "Open")
        DONE = "done", pgettext_lazy("task status", "Done")
        CANCELLED = "cancelled", pgettext_lazy("task status", "Cancelled")

    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    owner = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("owner"),
        db_constraint=False,
    )
    due_on = models.DateField(pgettext_lazy("task", "due on"), null=True, blank=True)
    priority = models.CharField(
        pgettext_lazy("task", "priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("customer"),
        db_constraint=False,
    )
    interaction = models.ForeignKey(
        Interaction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("interaction"),
        db_constraint=False,
    )
    # Who made it, as a code registered in apps.customers.task_sources ("manual", "keyaccounts.plan"…).
    source = models.CharField(pgettext_lazy("task", "source"), max_length=40, default="manual")
    created_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        db_constraint=False,
    )
    done_at = models.DateTimeField(pgettext_lazy("task", "done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
        db_constraint=False,
    )
    done_note = models.TextField(_("note on completion"), blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "id"]
        indexes = [
            # a member's open tasks by due day (my tasks, the home cards, the nav badge, the reminder)
            models.Index(
                fields=["tenant", "owner", "due_on"],
                name="task_open_by_owner_due",
                condition=models.Q(status="open"),
            ),
            models.Index(fields=["tenant", "customer", "status"], name="task_by_customer"),
            models.Index(fields=["tenant", "interaction"], name="task_by_interaction"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id"], name="task_tenant_id_key"),
            # an interaction's follow-up is one task, created, moved and reopened with it
            models.UniqueConstraint(
                fields=["tenant", "interaction"],
                name="task_one_follow_up_per_interaction",
                condition=models.Q(source="customers.follow_up"),
            ),
        ]

    def __str__(self) -> str:
        return self.title
