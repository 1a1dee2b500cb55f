"""What a hand-over would move (客户交接), read from every registered participant, and the rules
that refuse one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from apps.tenancy.dates import tenant_today
from apps.tenancy.models import Membership, Role

from ..handover import handover_participants
from .people import PeopleRights


@dataclass
class PartPreview:
    code: str
    label: str
    count: int
    rows: list[str] = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.rows))


def handover_refusal(*, rights: PeopleRights, source: Membership, target: Membership | None) -> None:
    """Raise the reason a hand-over from `source` to `target` is refused, if it is: the caller must
    manage the source (an admin anyone, a manager their line where allowed), and the target must be
    another active person of the same organisation whom the caller manages or is."""
    if not rights.any or not rights.may_manage(source):
        raise PermissionDenied(_("You may only hand over the work of people you manage."))
    if target is None:
        raise ValidationError({"to": _("Choose who takes over.")})
    if target.tenant_id != source.tenant_id:
        raise ValidationError({"to": _("A hand-over stays inside one organisation.")})
    if target.pk == source.pk:
        raise ValidationError({"to": _("A hand-over goes to someone else.")})
    if not target.is_active:
        raise ValidationError(
            {"to": _("%(name)s is deactivated; hand over to an active person.") % {"name": target.name}}
        )
    if target.role == Role.VIEWER:
        raise ValidationError({"to": _("A viewer cannot take over customers or plans.")})
    if not (rights.everyone or target.pk == rights.viewer.pk or target.pk in rights.line_ids):
        raise ValidationError({"to": _("You may only hand over to yourself or someone of your line.")})


def handover_preview(
    *,
    rights: PeopleRights,
    source: Membership,
    target: Membership | None,
    parts: list[str] | None = None,
    today: dt.date | None = None,
) -> list[PartPreview]:
    """Per participant, how many rows would move and the first of them; refused like the hand-over."""
    handover_refusal(rights=rights, source=source, target=target)
    assert target is not None  # handover_refusal refuses a missing target
    tenant = source.tenant
    today = today or tenant_today(tenant)
    out = []
    for participant in handover_participants(parts):
        items = participant.preview(tenant=tenant, source=source, target=target, today=today)
        out.append(PartPreview(participant.code, str(participant.label), items.count, list(items.rows)))
    return out
