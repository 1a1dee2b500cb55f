"""The hand-over (客户交接): a rep's customers, open visit plans and open targets move to another rep
in one atomic, audited step.

Each app hands over its own rows through the registry in apps.org.handover; this service checks
the refusals once, locks both people, then calls every participant's transfer in one transaction.
Past facts (orders, payments, visits done, reports, appraisals) are never touched: they stay
credited to whoever earned them.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from apps.tenancy.audit import audit_log
from apps.tenancy.dates import tenant_today
from apps.tenancy.models import Membership
from apps.tenancy.notifications import notify, recipient_languages

from ..handover import handover_participants
from ..selectors.handover import handover_refusal
from ..selectors.people import people_rights


@transaction.atomic
def handover_execute(
    *,
    source: Membership,
    target: Membership | None,
    by: Membership,
    parts: list[str] | None = None,
    today: dt.date | None = None,
) -> dict[str, list[int]]:
    """Move what every participant (or only `parts`) hands over from `source` to `target`.

    Returns the ids moved per participant. All or nothing: a participant that fails rolls back the
    whole hand-over. The two memberships are locked first, so two hand-overs of one person (or a
    deactivation of the receiver) cannot interleave."""
    rights = people_rights(by)
    handover_refusal(rights=rights, source=source, target=target)
    assert target is not None  # handover_refusal refuses a missing target
    locked = {
        m.pk: m
        for m in Membership.objects.select_for_update()
        .select_related("user", "tenant")
        .filter(pk__in=[source.pk, target.pk])
        .order_by("pk")
    }
    source, target = locked[source.pk], locked[target.pk]
    handover_refusal(rights=rights, source=source, target=target)  # again, on the locked rows
    tenant = source.tenant
    today = today or tenant_today(tenant)
    moved: dict[str, list[int]] = {}
    for participant in handover_participants(parts):
        moved[participant.code] = list(
            participant.transfer(tenant=tenant, source=source, target=target, by=by, today=today)
        )
    audit_log(
        source,
        "org.handover",
        actor=by,
        changes={"to": [source.pk, target.pk], "today": today.isoformat(), "moved": moved},
    )
    total = sum(len(ids) for ids in moved.values())
    if total:
        language = recipient_languages([target])[target.pk]
        with translation.override(language):
            counts = ", ".join(
                f"{p.label}: {len(moved[p.code])}" for p in handover_participants(parts) if moved.get(p.code)
            )
            notify(
                target,
                "org.handover",
                _("%(name)s's work was handed over to you") % {"name": source.name},
                body=counts,
            )
    return moved
