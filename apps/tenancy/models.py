"""Tenants, memberships and the cross-cutting rows every tenant app shares (audit, tokens, sync)."""

import datetime as dt
import hashlib
import secrets
import zoneinfo
from typing import ClassVar, Self

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

TIMEZONE_CHOICES = sorted((tz, tz) for tz in zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(tz)s"), params={"tz": value})


class Weekday(models.IntegerChoices):
    """ISO weekdays (Monday = 1), as `date.isoweekday()` returns them."""

    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


def default_working_days() -> list[int]:
    return [1, 2, 3, 4, 5]


def tenant_logo_path(instance: "Tenant", filename: str) -> str:
    # One directory per organisation; the file is served through the membership-checked logo view.
    return f"logos/{instance.pk}/{filename}"


class Tenant(models.Model):
    """An organisation using the product. Global: every other business row points at one."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=50,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9][a-z0-9-]*$", _("Lowercase letters, digits and dashes."))],
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_timezone]
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    country = models.CharField(
        _("country"),
        max_length=2,
        default="CN",
        help_text=_("Phone numbers without a country code are read as this country writes them."),
    )
    default_language = models.CharField(
        _("default language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    report_deadline = models.TimeField(_("daily report deadline"), default="20:00")
    plan_cutoff = models.TimeField(_("visit plan cut-off"), default="09:30")
    checkin_radius_m = models.PositiveIntegerField(_("check-in radius (m)"), default=500)
    logo = models.ImageField(_("logo"), upload_to=tenant_logo_path, max_length=300, blank=True)
    working_days = ArrayField(
        models.PositiveSmallIntegerField(choices=Weekday.choices),
        verbose_name=_("working days"),
        default=default_working_days,
        blank=True,
        size=7,
    )
    work_start = models.TimeField(_("working hours start"), default="09:00")
    work_end = models.TimeField(_("working hours end"), default="18:00")
    # [{"date": "2026-10-01", "name": "National Day"}, …], sorted by date; written by
    # apps.tenancy.services.tenant_settings_update, which validates it.
    holidays = models.JSONField(_("holidays"), default=list, blank=True)
    managers_manage_people = models.BooleanField(
        _("managers manage people"),
        default=False,
        help_text=_("Managers may invite and manage the people of their own line."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def works_on(self, day: dt.date) -> bool:
        """Whether `day` (a local date) is a working day here: one of its working weekdays and not
        one of its holidays."""
        if day.isoweekday() not in self.working_days:
            return False
        today = day.isoformat()
        return not any(isinstance(h, dict) and h.get("date") == today for h in self.holidays)


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Sales manager")
    REP = "rep", _("Account manager")
    VIEWER = "viewer", _("Viewer")


class TenantModel(models.Model):
    """Base of every tenant-owned table: its own indexed tenant column and a scoped manager."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, verbose_name=_("organisation"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager[Self]] = ScopedManager(tenant="tenant")

    class Meta:
        abstract = True


class SyncModel(TenantModel):
    """A tenant table that REST clients sync incrementally.

    `sync_xid` is written by a database trigger with the id of the writing transaction; the sync
    endpoints deliver rows below the oldest transaction still running, so a row whose transaction
    commits late is never skipped (see apps.tenancy.sync).
    """

    sync_xid = models.BigIntegerField(default=0, editable=False, db_index=True)

    class Meta:
        abstract = True


class Membership(models.Model):
    """A user's seat in one tenant, with a role, a team and the person they report to."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.REP)
    team = models.ForeignKey(
        "org.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
        db_constraint=False,
    )
    reports_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("reports to"),
        db_constraint=False,
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    employee_no = models.CharField(_("employee number"), max_length=30, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user_per_tenant"),
            models.UniqueConstraint(fields=["tenant", "id"], name="membership_tenant_id_key"),
        ]
        indexes = [models.Index(fields=["tenant", "role"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.user.get_full_name() or self.user.get_username()

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def can_write(self) -> bool:
        return self.role != Role.VIEWER


class UserProfile(models.Model):
    """Per-user preferences that are not tenant-specific."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    last_tenant = models.ForeignKey(Tenant, on_delete=models.SET_NULL, null=True, blank=True)


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A REST token bound to one membership (so to one tenant and role). Only its hash is stored."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")

    @classmethod
    def issue(cls, *, membership: Membership, name: str = "") -> tuple["ApiToken", str]:
        key = secrets.token_hex(20)
        token = cls.objects.create(membership=membership, key_hash=_hash_key(key), prefix=key[:8], name=name)
        return token, key

    @classmethod
    def lookup(cls, key: str) -> "ApiToken | None":
        return (
            cls.objects.select_related("membership__user", "membership__tenant")
            .filter(key_hash=_hash_key(key))
            .first()
        )


class AuditLog(TenantModel):
    """Who changed what, when. Written by services through apps.tenancy.audit.audit_log."""

    actor = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("who"),
        db_constraint=False,
    )
    # A code for machines ("visits.plan.approved"); people read apps.tenancy.audit.audit_action_label.
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("record type"), max_length=80)
    object_id = models.BigIntegerField(_("record id"), null=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log entries")
        indexes = [models.Index(fields=["tenant", "object_type", "object_id"])]
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.object_repr or f"{self.object_type} {self.object_id}"


class IdempotencyRecord(TenantModel):
    """The first response to a POST carrying an Idempotency-Key, replayed for later identical POSTs."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, db_constraint=False)
    key = models.CharField(max_length=200)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "membership", "key"], name="idempotency_unique_key"),
        ]


class Tombstone(TenantModel):
    """A deleted row of a synced table, written by a database trigger so cascades are seen too."""

    model = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    sync_xid = models.BigIntegerField(default=0, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "model", "sync_xid"])]


class TenantJobRun(TenantModel):
    """One run of a per-tenant scheduled job for one period ("2026-11-23", "2026-W47").

    The unique key is what makes the schedule exactly-once per (tenant, job, period): the dispatcher
    inserts the row and enqueues only when the insert was new, so two dispatchers, a dispatcher
    restarted after downtime, or a DST jump never produce a second run. Runs that were enqueued but
    never finished (the broker was down, the worker died) are enqueued again after a while; the jobs
    themselves are idempotent, so a repeat costs time, never correctness.
    """

    job = models.CharField(_("job"), max_length=60)
    period = models.CharField(pgettext_lazy("job run", "period"), max_length=20)
    enqueued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("scheduled job run")
        verbose_name_plural = _("scheduled job runs")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "job", "period"], name="tenantjobrun_unique_period"),
        ]
        indexes = [
            models.Index(
                fields=["enqueued_at"], name="tenantjobrun_unfinished", condition=models.Q(finished_at=None)
            )
        ]
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"


class Notification(TenantModel):
    """An in-app message to one member (a reminder, an escalated market report, a sign-off…).

    `dedupe_key`, when given, is unique per tenant: a job that runs twice tells nobody twice.
    """

    recipient = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        db_constraint=False,
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_unique_dedupe_key",
            ),
        ]
        indexes = [
            # the unread badge in the nav: an index-only probe per page
            models.Index(
                fields=["tenant", "recipient"], condition=models.Q(read_at__isnull=True), name="notif_unread"
            ),
            models.Index(fields=["tenant", "recipient", "-id"], name="notif_recipient_recent"),
        ]

    def __str__(self) -> str:
        return self.title


class OutboxMail(TenantModel):
    """One outgoing mail, written in the transaction that decided to send it and sent after commit
    by `apps.tenancy.tasks.send_outbox_mail` (see apps.tenancy.notifications for the delivery rules)."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("outbox status", "Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to_address = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    dedupe_key = models.CharField(_("deduplication key"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "dedupe_key"], name="outbox_unique_dedupe_key"),
        ]
        indexes = [
            models.Index(
                fields=["status", "claimed_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="outbox_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to_address}: {self.subject}"
