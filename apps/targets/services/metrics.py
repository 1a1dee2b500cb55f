"""Writes for the KPI definitions a tenant owns."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.tenancy.audit import audit_log, diff
from apps.tenancy.models import Membership, Tenant

from ..fact_filters import custom_metric_validate
from ..models import CustomMetric


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
