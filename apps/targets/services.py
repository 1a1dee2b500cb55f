"""Writes for the KPI definitions a tenant owns."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.tenancy.audit import audit_log, diff
from apps.tenancy.models import Membership, Tenant

from .fact_filters import filters_validate
from .metrics import RatioMetric, registry
from .models import CustomMetric


def custom_metric_validate(*, tenant_id: int, code: str, base: str, filters: dict) -> dict:
    """A custom metric narrows a built-in by filters its facts can carry; returns the clean filters."""
    if code in registry:
        raise ValidationError({"code": _("This code belongs to a built-in metric.")})
    metric = registry.get(base)
    if metric is None:
        raise ValidationError({"base": _("Unknown metric: %(code)s") % {"code": base}})
    sources = {registry.sources[leaf.source] for leaf in registry.leaves(metric)}
    clean: dict = {}
    for source in sources:
        clean = filters_validate(tenant_id=tenant_id, filters=filters, source=source)
    if isinstance(metric, RatioMetric) and not sources:  # pragma: no cover - a ratio always has leaves
        raise ValidationError({"base": _("Unknown metric: %(code)s") % {"code": base}})
    return clean


@transaction.atomic
def custom_metric_save(
    *, tenant: Tenant, by: Membership | None, metric: CustomMetric | None = None, **fields
) -> CustomMetric:
    metric = metric or CustomMetric(tenant=tenant)
    created = metric.pk is None
    changes = {} if created else diff(metric, fields)
    for name, value in fields.items():
        setattr(metric, name, value)
    metric.filters = custom_metric_validate(
        tenant_id=tenant.pk, code=metric.code, base=metric.base, filters=metric.filters or {}
    )
    metric.clean_fields(exclude=["tenant", "filters"])
    if CustomMetric.objects.filter(tenant=tenant, code=metric.code).exclude(pk=metric.pk).exists():
        raise ValidationError({"code": _("A metric with this code already exists.")})
    metric.save()
    audit_log(
        metric, "targets.metric.created" if created else "targets.metric.updated", actor=by, changes=changes
    )
    return metric


@transaction.atomic
def custom_metric_delete(*, metric: CustomMetric, by: Membership | None) -> None:
    audit_log(metric, "targets.metric.deleted", actor=by)
    metric.delete()


# Target writes live in targets.py (the bigger half of this app's services); one import path for callers.
from .targets import (  # noqa: E402
    decompose_amounts,
    seasonal_profile_delete,
    seasonal_profile_save,
    target_create,
    target_decompose,
    target_delete,
    target_transition,
    target_update,
    targets_lock_due,
)

__all__ = [
    "decompose_amounts",
    "seasonal_profile_delete",
    "seasonal_profile_save",
    "custom_metric_delete",
    "custom_metric_save",
    "custom_metric_validate",
    "target_create",
    "target_decompose",
    "target_delete",
    "target_transition",
    "target_update",
    "targets_lock_due",
]
