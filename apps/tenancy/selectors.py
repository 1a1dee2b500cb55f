"""Reads of the organisation itself: the trail of its settings, as the settings page shows it."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import AuditLog, Tenant, Weekday
from .starter import starter_label

SETTINGS_ACTIONS = ("tenancy.settings.updated", "tenancy.starter_data.loaded", "tenancy.organisation.created")


def tenant_settings_trail(*, tenant: Tenant) -> QuerySet[AuditLog]:
    """The changes to the organisation's settings (and its starter data), newest first."""
    return (
        AuditLog.objects.filter(
            tenant=tenant,
            object_type=Tenant._meta.label_lower,
            object_id=tenant.pk,
            action__in=SETTINGS_ACTIONS,
        )
        .select_related("actor__user")
        .order_by("-id")
    )


@dataclass(frozen=True)
class ChangeLine:
    field: str
    label: str
    old: str | None
    new: str | None


def _weekdays(value: str | None) -> str | None:
    if not value:
        return value
    names = dict(Weekday.choices)
    return ", ".join(str(names.get(int(day), day)) for day in value.split(",") if day.isdigit())


def _yes_no(value: str | None) -> str | None:
    return {"True": _("Yes"), "False": _("No")}.get(value or "", value)


def _file(value: str | None) -> str | None:
    # Uploads are stored under a random name: a short part of it tells two images apart.
    return _("image %(ref)s") % {"ref": value.rsplit("/", 1)[-1][:6]} if value else value


SHOWN = {"working_days": _weekdays, "managers_manage_people": _yes_no, "logo": _file}


def starter_set_shown(entry: AuditLog) -> str:
    """The starter data set an entry "tenancy.starter_data.loaded" names, as people read it."""
    name = entry.changes.get("set", "") if isinstance(entry.changes, dict) else ""
    return capfirst(starter_label(str(name)))


def settings_change_lines(entry: AuditLog) -> list[ChangeLine]:
    """One audit entry of the settings as lines "field: old → new", labels in the reader's language."""
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    if entry.action != "tenancy.settings.updated":
        return []
    lines = []
    for field, pair in changes.items():
        try:
            label = capfirst(Tenant._meta.get_field(field).verbose_name)  # type: ignore[union-attr]
        except FieldDoesNotExist:  # a field since removed: show its name as it was
            label = field
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        shown = SHOWN.get(field, lambda v: v)
        lines.append(ChangeLine(field=field, label=str(label), old=shown(old), new=shown(new)))
    return lines


@dataclass(frozen=True)
class TrailRow:
    entry: AuditLog
    lines: list[ChangeLine]  # a settings change, field by field
    starter_set: str  # the starter data set loaded, as people read it


def settings_trail_rows(entries: list[AuditLog]) -> list[TrailRow]:
    """A page of the trail, each entry ready to show."""
    return [
        TrailRow(
            entry=entry,
            lines=settings_change_lines(entry),
            starter_set=starter_set_shown(entry) if entry.action == "tenancy.starter_data.loaded" else "",
        )
        for entry in entries
    ]
