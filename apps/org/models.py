"""Team tree, region tree and the reporting line, each with a closure table (ancestor, descendant, depth)."""

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.tenancy.models import Membership, Role, SyncModel, TenantModel


class Team(SyncModel):
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent team"),
        db_constraint=False,
    )
    lead = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team lead"),
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "parent", "name"], name="team_unique_name_per_parent"),
            models.UniqueConstraint(fields=["tenant", "id"], name="team_tenant_id_key"),
        ]

    def __str__(self) -> str:
        return self.name


class Region(SyncModel):
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("code"), max_length=30)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent region"),
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="region_unique_code"),
            models.UniqueConstraint(fields=["tenant", "id"], name="region_tenant_id_key"),
        ]

    def __str__(self) -> str:
        return self.name


class TeamClosure(TenantModel):
    ancestor = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    descendant = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    depth = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "ancestor", "descendant"], name="team_closure_pk")
        ]
        indexes = [models.Index(fields=["tenant", "descendant"])]


class RegionClosure(TenantModel):
    ancestor = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    descendant = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    depth = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "ancestor", "descendant"], name="region_closure_pk")
        ]
        indexes = [models.Index(fields=["tenant", "descendant"])]


class ReportingClosure(TenantModel):
    """Who is below whom in the reporting line; depth 0 is the member themself."""

    ancestor = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    descendant = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    depth = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "ancestor", "descendant"], name="reporting_closure_pk")
        ]
        indexes = [models.Index(fields=["tenant", "descendant"])]


class Invitation(TenantModel):
    """An invitation to join the organisation, sent by mail as a signed, expiring, single-use link.

    Only a hash of the link's random part is stored; resending replaces it (the old link dies). A
    pending invitation past `expires_at` counts as expired even before the daily job marks it so.
    """

    # Set in memory by the services that send a link (create, resend); never stored.
    accept_url: str

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("invitation status", "Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    email = models.EmailField(_("e-mail"), max_length=254)
    # Role and employee number are the membership's own fields, which the invitation becomes: the
    # same names (and translations), taken from there.
    role = models.CharField(
        Membership._meta.get_field("role").verbose_name, max_length=10, choices=Role.choices, default=Role.REP
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
        db_constraint=False,
    )
    reports_to = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reports to"),
        db_constraint=False,
    )
    employee_no = models.CharField(
        Membership._meta.get_field("employee_no").verbose_name, max_length=30, blank=True
    )
    token_hash = models.CharField(max_length=64, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
        db_constraint=False,
    )
    expires_at = models.DateTimeField(_("expires at"))
    sent_count = models.PositiveSmallIntegerField(_("times sent"), default=1)
    last_sent_at = models.DateTimeField(_("last sent at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted as"),
        db_constraint=False,
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id"], name="invitation_tenant_id_key"),
            models.UniqueConstraint(fields=["tenant", "token_hash"], name="invitation_unique_token"),
            # One open invitation per address and organisation: a second one is a resend.
            models.UniqueConstraint(
                "tenant",
                Lower("email"),
                condition=models.Q(status="pending"),
                name="invitation_one_pending_per_email",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "status", "expires_at"])]

    def __str__(self) -> str:
        return self.email

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.EXPIRED or (
            self.status == self.Status.PENDING and self.expires_at <= timezone.now()
        )

    @property
    def current_status(self) -> str:
        """The status as a reader should see it: pending past its expiry is expired."""
        return self.Status.EXPIRED if self.is_expired else self.status

    def get_current_status_display(self) -> str:
        return str(self.Status(self.current_status).label)
