"""The audit trail: who did what to which row, and what each action code reads as.

Services write an AuditLog row with an action code ("visits.plan.approved"); the code is for
machines (filters, tests, the API). People read its label: each app registers the labels of the
codes it writes in its AppConfig.ready(), with `register_audit_actions`, and the tenant admin, the
person page and the settings trail show `audit_action_label(code)`. The tenant admin's own saves
("<app>.<model>.created|updated|deleted") need no registration: they read as the model's name and
the verb. A code nobody registered reads as itself, so nothing is hidden.
"""

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


# ---- what an action code reads as ------------------------------------------------------------------

_LABELS: dict[str, str | Promise] = {}

# The verbs of the generic codes "<app>.<model>.<verb>" (the tenant admin's saves, and services that
# name a model the same way): "%(thing)s" is the model's verbose name.
_VERBS: dict[str, str | Promise] = {
    "created": gettext_lazy("%(thing)s created"),
    "updated": gettext_lazy("%(thing)s changed"),
    "deleted": gettext_lazy("%(thing)s deleted"),
}


def register_audit_actions(labels: dict[str, str | Promise]) -> None:
    """Declare what action codes read as (code → lazy label); call it from an AppConfig.ready().
    Registering a code again replaces its label."""
    _LABELS.update(labels)


def audit_action_label(action: str) -> str:
    """The action code as a reader says it, in the active language; the code itself when unknown."""
    label = _LABELS.get(action)
    if label is not None:
        return str(label)
    model_label, _sep, verb = action.rpartition(".")
    if verb in _VERBS:
        model = _model(model_label)
        if model is not None:
            return str(_VERBS[verb]) % {"thing": capfirst(model._meta.verbose_name)}
    return action


def audit_object_type_label(object_type: str) -> str:
    """An audited row's type ("visits.visitplan") as its model's name; the label itself if unknown."""
    model = _model(object_type)
    return str(capfirst(model._meta.verbose_name)) if model is not None else object_type


def audit_action_codes() -> dict[str, str]:
    """Every registered code with its label in the active language (the admin's filter)."""
    return {code: str(label) for code, label in _LABELS.items()}


def audit_change_lines(entry: AuditLog) -> list[tuple[str, str]]:
    """An entry's changes as (what, how) lines: a field of the audited model by its verbose name,
    [old, new] pairs as "old → new"; other keys and values as they were written."""
    model = _model(entry.object_type)
    lines = []
    for key, value in (entry.changes or {}).items():
        label = key
        if model is not None:
            try:
                label = str(capfirst(model._meta.get_field(key).verbose_name))  # type: ignore[union-attr]
            except Exception:  # noqa: BLE001 — not a field (a count, a note): its key reads as written
                label = key
        if isinstance(value, list) and len(value) == 2:
            old, new = ("—" if v in (None, "") else str(v) for v in value)
            text = _("%(old)s → %(new)s") % {"old": old, "new": new}
        else:
            text = "—" if value is None else str(value)
        lines.append((label, text))
    return lines


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None
