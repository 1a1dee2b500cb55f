"""Reads of daily and market reports, by tenant and restricted to the viewer (rep: own; manager:
their reporting subtree; admin and viewer: all). Lists prefetch what they show: no query per row."""

import datetime as dt

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.customers.models import Customer
from apps.customers.selectors import apply_filters, visible_customers
from apps.org.models import Region, ReportingClosure
from apps.org.selectors import restrict_to_viewer
from apps.tenancy.models import Membership, Role, Tenant

from ..filters import DailyReportFilter, MarketReportFilter
from ..models import DailyReport, MarketReport, ReportOrder, ReportPayment, Visit
from .plans import review_visits

# Oldest day first; id last makes it total, so the API's cursor pages neither repeat nor skip a report.
REVIEW_QUEUE_ORDER = ("day", "rep_id", "id")


def _report_parts(*, tenant: Tenant, visits: QuerySet[Visit]) -> tuple[Prefetch, ...]:
    """What a report shows besides itself: its visits (read by `visits`), orders and collections."""
    return (
        Prefetch("visits", queryset=visits),
        Prefetch("report_orders", queryset=ReportOrder.objects.filter(tenant=tenant).select_related("order")),
        Prefetch(
            "report_payments", queryset=ReportPayment.objects.filter(tenant=tenant).select_related("payment")
        ),
    )


def daily_report_list(
    *, tenant: Tenant, viewer: Membership, filters: dict | None = None
) -> QuerySet[DailyReport]:
    visits = Visit.objects.filter(tenant=tenant).select_related("customer").order_by("position", "id")
    qs = (
        DailyReport.objects.filter(tenant=tenant)
        .select_related("rep__user", "reviewed_by__user")
        .prefetch_related(*_report_parts(tenant=tenant, visits=visits))
    )
    return apply_filters(DailyReportFilter, restrict_to_viewer(qs, viewer, "rep"), filters)


def review_queue(*, tenant: Tenant, viewer: Membership) -> QuerySet[DailyReport]:
    """Submitted reports of the people the viewer signs off (their subtree, not themself), oldest day first."""
    qs = daily_report_list(tenant=tenant, viewer=viewer).filter(status=DailyReport.Status.SUBMITTED)
    return qs.exclude(rep=viewer).order_by(*REVIEW_QUEUE_ORDER)


def _with_evidence_counts(qs: QuerySet[DailyReport], *, tenant: Tenant) -> QuerySet[DailyReport]:
    """Reports with how many of their visits were checked in beyond the organisation's check-in radius
    (`far_visits`) and how many were done without a check-in (`unchecked_visits`): subqueries the
    planner runs only for the rows returned, through the index on the visit's report."""
    visits = Visit.objects.filter(tenant=tenant, report=OuterRef("pk")).order_by().values("report")

    def count(of: QuerySet) -> Coalesce:
        return Coalesce(Subquery(of.annotate(n=Count("id")).values("n")[:1]), 0)

    return qs.annotate(
        far_visits=count(visits.filter(check_in_distance_m__gt=tenant.checkin_radius_m)),
        unchecked_visits=count(visits.filter(outcome=Visit.Outcome.DONE, check_in_at__isnull=True)),
    )


def daily_report_review(*, tenant: Tenant, viewer: Membership) -> QuerySet[DailyReport]:
    """Reports as the page that shows one, where the manager writes the 批示, reads them: with their
    visits' evidence (check-in, distance from the customer, far flag, photos; see review_visits) and
    its counts (see _with_evidence_counts)."""
    qs = (
        daily_report_list(tenant=tenant, viewer=viewer)
        .prefetch_related(None)
        .prefetch_related(*_report_parts(tenant=tenant, visits=review_visits(tenant=tenant)))
    )
    return _with_evidence_counts(qs, tenant=tenant)


def review_queue_page(*, tenant: Tenant, viewer: Membership) -> QuerySet[DailyReport]:
    """The review queue as its page lists it: each report with its evidence counts (see
    _with_evidence_counts), read with the page's rows."""
    return _with_evidence_counts(
        review_queue(tenant=tenant, viewer=viewer).prefetch_related(None), tenant=tenant
    )


def market_report_list(
    *, tenant: Tenant, viewer: Membership, filters: dict | None = None
) -> QuerySet[MarketReport]:
    qs = MarketReport.objects.filter(tenant=tenant).select_related(
        "rep__user", "customer", "region", "acknowledged_by__user"
    )
    return apply_filters(MarketReportFilter, restrict_to_viewer(qs, viewer, "rep"), filters)


# ---- the report forms ------------------------------------------------------------------------


def daily_report_visits(
    *, tenant: Tenant, rep: Membership, day: dt.date, report: DailyReport | None
) -> QuerySet[Visit]:
    """The rep's visits of `day` that the report lists: those already in it and those in no report
    yet (the ones the service links to it when it is saved)."""
    qs = Visit.objects.filter(tenant=tenant, rep=rep, day=day).select_related("customer")
    qs = (
        qs.filter(report__isnull=True) | qs.filter(report=report)
        if report
        else qs.filter(report__isnull=True)
    )
    return qs.order_by("position", "id")


def customer_choices(*, tenant: Tenant, viewer: Membership) -> QuerySet[Customer]:
    """Customers a report may name: those the viewer may see, by name."""
    return (
        visible_customers(Customer.objects.filter(tenant=tenant), viewer).order_by("name").only("id", "name")
    )


def region_choices(*, tenant: Tenant) -> QuerySet[Region]:
    return Region.objects.filter(tenant=tenant).order_by("code")


# ---- counts of what waits, for the top bar (apps/tenancy/navigation.py) --------------------------
# Each is one COUNT query at most, and 0 without a query for the roles it does not concern.


def review_queue_count(membership: Membership) -> int:
    """How many submitted daily reports wait for the member's 批示."""
    if membership.role not in (Role.MANAGER, Role.ADMIN):
        return 0
    return review_queue(tenant=membership.tenant, viewer=membership).count()


def market_report_waiting_count(membership: Membership) -> int:
    """How many market reports are still open for the member to acknowledge: those of the people
    below a manager in the reporting line (whom they may act on), for an admin every other one."""
    if membership.role not in (Role.MANAGER, Role.ADMIN):
        return 0
    qs = MarketReport.objects.filter(tenant_id=membership.tenant_id, status=MarketReport.Status.OPEN)
    if membership.role == Role.MANAGER:
        below = ReportingClosure.objects.filter(
            tenant_id=membership.tenant_id, ancestor_id=membership.pk, depth__gt=0
        ).values("descendant_id")
        return qs.filter(rep_id__in=below).count()
    return qs.exclude(rep_id=membership.pk).count()


def daily_report_due_days(*, tenant: Tenant, since: dt.date, now: dt.datetime | None = None) -> list[dt.date]:
    """The days whose daily report is overdue if not yet submitted, at `now` in the tenant's time:
    the previous working day (its deadline has passed) and today once today's deadline has passed
    (the rule of the evening reminder: the tenant's working days and not its holidays, the tenant's
    report_deadline on the day).
    Days before `since` (the member joined) are not owed."""
    local = timezone.localtime(now or timezone.now(), tenant.tzinfo)
    today = local.date()
    # The last working day before today, within a month (after a month off nothing older is owed).
    earlier = (today - dt.timedelta(days=n) for n in range(1, 32))
    previous = next((day for day in earlier if tenant.works_on(day)), None)
    days = [] if previous is None else [previous]
    deadline = tenant.report_deadline
    if isinstance(deadline, str):  # an unsaved tenant still holds the field's default text
        deadline = dt.time.fromisoformat(deadline)
    if tenant.works_on(today) and local.time() >= deadline:
        days.append(today)
    return [day for day in days if day >= since]


def daily_report_overdue_count(membership: Membership) -> int:
    """How many of the rep's own daily reports are overdue (see daily_report_due_days): 0, 1 or 2,
    from one COUNT of those submitted. Only reps are reminded of their reports, so only reps count."""
    if membership.role != Role.REP:
        return 0
    tenant = membership.tenant
    days = daily_report_due_days(
        tenant=tenant, since=timezone.localdate(membership.created_at, tenant.tzinfo)
    )
    if not days:
        return 0
    filed = DailyReport.objects.filter(
        tenant_id=tenant.pk,
        rep_id=membership.pk,
        day__in=days,
        status__in=[DailyReport.Status.SUBMITTED, DailyReport.Status.REVIEWED],
    ).count()
    return len(days) - filed
