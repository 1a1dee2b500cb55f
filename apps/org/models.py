"""Team tree, region tree and the reporting line, each with a closure table (ancestor, descendant, depth)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.tenancy.models import Membership, SyncModel, TenantModel


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
