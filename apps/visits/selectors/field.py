"""Reads of the rep's day in the field (the Today page): the day's visits with what was taken at
each, and whether a day is over for the carrying over of its unfinished visits."""

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from apps.tenancy.models import Membership, Tenant

from ..models import ReportOrder, ReportPayment, Visit
from .plans import visit_list


def today_visits(*, tenant: Tenant, rep: Membership, day: dt.date) -> QuerySet[Visit]:
    """The rep's visits of `day` as the Today page shows them, the plan's items first, then visits
    made outside the plan; each with its photos and the orders and collections taken at it (the
    daily report's own lines, so the page and the report never disagree). Four queries, whatever
    the number of visits."""
    return (
        visit_list(tenant=tenant, viewer=rep)
        .filter(rep=rep, day=day)
        .prefetch_related(
            Prefetch(
                "visit_orders",
                queryset=ReportOrder.objects.filter(tenant=tenant).select_related("order").order_by("id"),
            ),
            Prefetch(
                "visit_payments",
                queryset=ReportPayment.objects.filter(tenant=tenant).select_related("payment").order_by("id"),
            ),
        )
        .order_by("-planned", "position", "id")
    )


def day_is_over(tenant: Tenant, day: dt.date, now: dt.datetime | None = None) -> bool:
    """Whether the organisation's working day `day` is over at `now`: a day gone by is; today is once
    its working hours have ended (until then a visit still pending may yet be made today)."""
    local = timezone.localtime(now or timezone.now(), tenant.tzinfo)
    if day != local.date():
        return day < local.date()
    end = tenant.work_end
    if isinstance(end, str):  # an unsaved tenant still holds the field's default text
        end = dt.time.fromisoformat(end)
    return local.time() >= end
