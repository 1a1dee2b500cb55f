"""Reads of daily and market reports, by tenant and restricted to the viewer (rep: own; manager:
their reporting subtree; admin and viewer: all). Lists prefetch what they show: no query per row."""

from django.db.models import Prefetch, QuerySet

from apps.customers.selectors import apply_filters
from apps.org.selectors import restrict_to_viewer
from apps.tenancy.models import Membership, Tenant

from ..filters import DailyReportFilter, MarketReportFilter
from ..models import DailyReport, MarketReport, ReportOrder, ReportPayment, Visit

# Oldest day first; id last makes it total, so the API's cursor pages neither repeat nor skip a report.
REVIEW_QUEUE_ORDER = ("day", "rep_id", "id")


def daily_report_list(
    *, tenant: Tenant, viewer: Membership, filters: dict | None = None
) -> QuerySet[DailyReport]:
    qs = (
        DailyReport.objects.filter(tenant=tenant)
        .select_related("rep__user", "reviewed_by__user")
        .prefetch_related(
            Prefetch(
                "visits",
                queryset=Visit.objects.filter(tenant=tenant)
                .select_related("customer")
                .order_by("position", "id"),
            ),
            Prefetch(
                "report_orders", queryset=ReportOrder.objects.filter(tenant=tenant).select_related("order")
            ),
            Prefetch(
                "report_payments",
                queryset=ReportPayment.objects.filter(tenant=tenant).select_related("payment"),
            ),
        )
    )
    return apply_filters(DailyReportFilter, restrict_to_viewer(qs, viewer, "rep"), filters)


def review_queue(*, tenant: Tenant, viewer: Membership) -> QuerySet[DailyReport]:
    """Submitted reports of the people the viewer signs off (their subtree, not themself), oldest day first."""
    qs = daily_report_list(tenant=tenant, viewer=viewer).filter(status=DailyReport.Status.SUBMITTED)
    return qs.exclude(rep=viewer).order_by(*REVIEW_QUEUE_ORDER)


def market_report_list(
    *, tenant: Tenant, viewer: Membership, filters: dict | None = None
) -> QuerySet[MarketReport]:
    qs = MarketReport.objects.filter(tenant=tenant).select_related(
        "rep__user", "customer", "region", "acknowledged_by__user"
    )
    return apply_filters(MarketReportFilter, restrict_to_viewer(qs, viewer, "rep"), filters)
