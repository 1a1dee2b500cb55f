"""Tenant-defined KPIs. Targets, decomposition and appraisals join here in later slices."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.tenancy.models import SyncModel


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
        from .services import custom_metric_validate

        custom_metric_validate(tenant_id=self.tenant_id, code=self.code, base=self.base, filters=self.filters)
