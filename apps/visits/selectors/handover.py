"""What a hand-over (客户交接) moves of the visits app: the visits still to be made."""

import datetime as dt

from django.db.models import Count, QuerySet
from django.utils.formats import date_format
from django.utils.translation import ngettext

from apps.org.handover import PREVIEW_ROWS, HandoverItems
from apps.tenancy.models import Membership, Tenant

from ..models import Visit


def visits_to_hand_over(*, tenant: Tenant, source: Membership, today: dt.date) -> QuerySet[Visit]:
    """The source's planned visits from today on that nothing has happened to yet: outcome pending,
    not checked in, on no report. Visits made, missed or reported are facts and stay theirs."""
    return Visit.objects.filter(
        tenant=tenant,
        rep=source,
        day__gte=today,
        plan__isnull=False,
        outcome=Visit.Outcome.PENDING,
        check_in_at__isnull=True,
        report__isnull=True,
    )


def visit_handover_preview(
    *, tenant: Tenant, source: Membership, target: Membership, today: dt.date
) -> HandoverItems:
    by_day = list(
        visits_to_hand_over(tenant=tenant, source=source, today=today)
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    rows = [
        ngettext("%(day)s: %(count)d visit", "%(day)s: %(count)d visits", row["n"])
        % {"day": date_format(row["day"], "SHORT_DATE_FORMAT"), "count": row["n"]}
        for row in by_day[:PREVIEW_ROWS]
    ]
    return HandoverItems(count=sum(row["n"] for row in by_day), rows=rows)
