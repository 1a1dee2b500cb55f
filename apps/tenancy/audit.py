from django.db import models

from .models import AuditLog, Membership, Tenant


def audit_log(
    obj: models.Model, action: str, *, actor: Membership | None, changes: dict | None = None
) -> AuditLog:
    """Record who did what to which row; called by services inside their transaction. The row is a
    tenant's row, or the Tenant itself (its settings), whose trail is kept in its own log."""
    return AuditLog.objects.create(
        # every audited row has a tenant
        tenant_id=obj.pk if isinstance(obj, Tenant) else obj.tenant_id,  # type: ignore[attr-defined]
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        changes=changes or {},
    )


def diff(instance: models.Model, data: dict) -> dict:
    """The fields of `data` whose value differs from the instance, as {field: [old, new]} strings."""
    out = {}
    for field, new in data.items():
        old = getattr(instance, field, None)
        if old != new:
            out[field] = [None if old is None else str(old), None if new is None else str(new)]
    return out
