"""Reads of tomorrow's plan, suggested: the next working day, and the suggestions a viewer may see."""

import datetime as dt

from django.db.models import QuerySet

from apps.customers.selectors import apply_filters
from apps.org.selectors import restrict_to_viewer
from apps.tenancy.models import Membership, Tenant

from ..filters import PlanSuggestionFilter
from ..models import PlanSuggestion
from ..suggestions import reason_text

# A long holiday (Spring Festival) is at most a couple of weeks: beyond that, the next calendar day.
WORKING_DAY_LOOKAHEAD = 21


def next_working_day(tenant: Tenant, day: dt.date) -> dt.date:
    """The organisation's first working day after `day` (its weekdays, not its holidays)."""
    for n in range(1, WORKING_DAY_LOOKAHEAD + 1):
        candidate = day + dt.timedelta(days=n)
        if tenant.works_on(candidate):
            return candidate
    return day + dt.timedelta(days=1)


def plan_suggestion_list(
    *, tenant: Tenant, viewer: Membership, filters: dict | None = None
) -> QuerySet[PlanSuggestion]:
    """Suggestions the viewer may see (a rep their own, a manager their line's, admin and viewer all),
    pending ones of a rep and day in the order the rep keeps them. Two joins, one query."""
    qs = PlanSuggestion.objects.filter(tenant=tenant).select_related("customer", "rep__user")
    return apply_filters(PlanSuggestionFilter, restrict_to_viewer(qs, viewer, "rep"), filters).order_by(
        "day", "rep_id", "position", "-score", "id"
    )


def plan_suggestions_for(*, tenant: Tenant, rep: Membership, day: dt.date) -> list[PlanSuggestion]:
    """The rep's pending suggestions of `day`, in order (the Today page of that day), each with its
    reasons as the rep reads them (`reason_texts`). One query."""
    rows = list(
        PlanSuggestion.objects.filter(tenant=tenant, rep=rep, day=day, status=PlanSuggestion.Status.PENDING)
        .select_related("customer")
        .order_by("position", "-score", "id")
    )
    for row in rows:
        row.reason_texts = [reason_text(r) for r in row.reasons]  # type: ignore[attr-defined]  # display attribute
    return rows


def plan_suggestions_exist(*, tenant: Tenant, rep: Membership, day: dt.date) -> bool:
    """Whether the pass has left anything (pending or decided) for the rep's `day`."""
    return PlanSuggestion.objects.filter(tenant=tenant, rep=rep, day=day).exists()
