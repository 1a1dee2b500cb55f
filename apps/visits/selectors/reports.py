"""Reads of daily and market reports, by tenant and restricted to the viewer (rep: own; manager:
their reporting subtree; admin and viewer: all). Lists prefetch what they show: no query per row."""

import datetime as dt

from django.db.models import Prefetch, QuerySet

from apps.customers.models import Customer
from apps.customers.selectors import apply_filters, visible_customers
from apps.org.models import Region
from apps.org.selectors import restrict_to_viewer
from apps.sales.models import Product
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


def product_choices(*, tenant: Tenant) -> QuerySet[Product]:
    """Products an order taken on a visit may list: the active ones, by SKU."""
    return Product.objects.filter(tenant=tenant, is_active=True).order_by("sku").only("id", "sku", "name")


def region_choices(*, tenant: Tenant) -> QuerySet[Region]:
    return Region.objects.filter(tenant=tenant).order_by("code")
