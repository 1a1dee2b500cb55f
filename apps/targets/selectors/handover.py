"""What a hand-over (客户交接) moves of the targets app: the rep's targets of periods still open.

A target whose period has begun moves whole, value unchanged, to the new rep. Progress is computed
from facts by who earned them (an order counts for its rep), so the old rep's sales before the
hand-over stay theirs, in their past targets and appraisals; the moved target counts the new rep's
facts of the whole period, including what they sold before taking over. Targets of periods that have
ended stay with the old rep, as the record of what they were measured against.
"""

import datetime as dt

from django.db.models import Q, QuerySet

from apps.org.handover import PREVIEW_ROWS, HandoverItems
from apps.tenancy.dates import period_floor
from apps.tenancy.models import Membership, Tenant

from ..metrics import registry
from ..models import GRAIN_CHOICES, CustomMetric, Target
from .breakdown import period_label


def targets_to_hand_over(*, tenant: Tenant, source: Membership, today: dt.date) -> QuerySet[Target]:
    """The source's own targets whose period ends today or later (the current one and later ones)."""
    open_periods = Q()
    for grain, _label in GRAIN_CHOICES:
        open_periods |= Q(grain=grain, period_start__gte=period_floor(today, grain))
    return Target.objects.filter(tenant=tenant, owner_kind=Target.OwnerKind.REP, rep=source).filter(
        open_periods
    )


def target_handover_preview(
    *, tenant: Tenant, source: Membership, target: Membership, today: dt.date
) -> HandoverItems:
    qs = targets_to_hand_over(tenant=tenant, source=source, today=today)
    rows = list(
        qs.order_by("period_start", "metric", "id").values("metric", "grain", "period_start", "value")[
            :PREVIEW_ROWS
        ]
    )
    names = {m.code: str(m.name) for m in registry}
    names.update(CustomMetric.objects.filter(tenant=tenant).values_list("code", "name"))
    return HandoverItems(
        count=qs.count(),
        rows=[
            f"{names.get(r['metric'], r['metric'])} · {period_label(r['grain'], r['period_start'])} · {r['value'].normalize():f}"
            for r in rows
        ],
    )
