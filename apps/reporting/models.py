"""Weekly progress control (周进度): a materialised rollup per rep and per team per ISO week, and the
manager's notes on the weekly report (周销售管理报告)."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.org.models import Team
from apps.tenancy.models import Membership, SyncModel

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2, "default": 0}
RATE: dict[str, Any] = {"max_digits": 9, "decimal_places": 4, "null": True, "blank": True}


class WeeklyProgress(SyncModel):
    """One row per (tenant, ISO week in the tenant's time zone, scope, subject), written only by
    services.rollup_week (a whole week at a time, upserted on that key, stale rows deleted).

    A team row covers every rep whose team lies in the team's subtree (through the team closure).
    Rates are divided after summing (a team's effective-visit rate is its effective visits over its
    done visits, never an average of its reps' rates). Target and attainment: see services.
    """

    class Scope(models.TextChoices):
        REP = "rep", _("Account manager")
        TEAM = "team", _("Team")

    iso_year = models.PositiveSmallIntegerField(_("ISO year"))
    iso_week = models.PositiveSmallIntegerField(_("ISO week"))
    week_start = models.DateField(_("week starting"))
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    # The member's or the team's id: the unique key's subject, whichever the scope.
    subject_id = models.BigIntegerField(pgettext_lazy("whom a report is about", "subject"))
    rep = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account manager"),
        db_constraint=False,
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
        db_constraint=False,
    )
    reps = models.PositiveIntegerField(_("account managers"), default=0)
    revenue = models.DecimalField(_("revenue"), **MONEY)
    gross_margin = models.DecimalField(_("gross margin"), **MONEY)
    collections = models.DecimalField(_("collections"), **MONEY)
    orders = models.PositiveIntegerField(pgettext_lazy("number of", "orders"), default=0)
    new_customers = models.PositiveIntegerField(_("new customers"), default=0)
    active_customers = models.PositiveIntegerField(_("active customers"), default=0)
    visits_done = models.PositiveIntegerField(_("visits made"), default=0)
    visits_effective = models.PositiveIntegerField(_("effective visits"), default=0)
    visits_with_deal = models.PositiveIntegerField(_("visits with a deal"), default=0)
    effective_visit_rate = models.DecimalField(_("effective-visit rate"), **RATE)
    deal_rate = models.DecimalField(_("deal rate"), **RATE)
    reports_submitted = models.PositiveIntegerField(_("reports submitted"), default=0)
    reports_on_time = models.PositiveIntegerField(_("reports on time"), default=0)
    target_revenue = models.DecimalField(
        _("revenue target"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    attainment = models.DecimalField(_("attainment"), **RATE)
    # A stock, not a flow: what was overdue at the week's end (its Sunday: invoices due before that
    # day less what had been allocated to them by then), and its change since the previous Sunday.
    overdue_receivables = models.DecimalField(_("overdue receivables"), **MONEY)
    overdue_change = models.DecimalField(_("change in overdue receivables"), **MONEY)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("weekly progress")
        verbose_name_plural = _("weekly progress")
        ordering = ["-week_start", "scope", "subject_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "iso_year", "iso_week", "scope", "subject_id"],
                name="weeklyprogress_unique_subject_week",
            ),
            models.UniqueConstraint(fields=["tenant", "id"], name="weeklyprogress_tenant_id_key"),
            models.CheckConstraint(
                name="weeklyprogress_subject_matches_scope",
                condition=(
                    models.Q(scope="rep", rep__isnull=False, team__isnull=True)
                    | models.Q(scope="team", team__isnull=False, rep__isnull=True)
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "week_start", "scope"]),
            models.Index(fields=["tenant", "rep", "week_start"]),
            models.Index(fields=["tenant", "team", "week_start"]),
        ]

    def __str__(self) -> str:
        return f"{self.iso_year}-W{self.iso_week:02d} {self.scope} {self.subject_id}"

    @property
    def week(self) -> str:
        return f"{self.iso_year}-W{self.iso_week:02d}"


class WeeklyReportNote(SyncModel):
    """Next week's goals for a team, written by its manager on the weekly report."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="+", verbose_name=_("team"), db_constraint=False
    )
    week_start = models.DateField(_("week starting"))
    next_week_goals = models.TextField(_("next week's goals"), blank=True)
    author = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("weekly report note")
        verbose_name_plural = _("weekly report notes")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "team", "week_start"], name="weeklyreportnote_unique_week"
            ),
            models.UniqueConstraint(fields=["tenant", "id"], name="weeklyreportnote_tenant_id_key"),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.week_start}"
