"""Reads of the sales facts, always by tenant; orders and payments restricted to the viewer by rep."""

from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from apps.customers.selectors import apply_filters, customer_list, member_choices
from apps.org.selectors import restrict_to_viewer
from apps.tenancy.models import Membership, Tenant

from .filters import OrderFilter, PaymentFilter, ProductCategoryFilter, ProductFilter
from .models import Order, OrderLine, Payment, Product, ProductCategory


def category_list(
    *, tenant: Tenant, viewer: Membership, filters: dict | None = None
) -> QuerySet[ProductCategory]:
    """The catalogue is visible to every member."""
    return apply_filters(ProductCategoryFilter, ProductCategory.objects.filter(tenant=tenant), filters)


def product_list(*, tenant: Tenant, viewer: Membership, filters: dict | None = None) -> QuerySet[Product]:
    qs = Product.objects.filter(tenant=tenant).select_related("category")
    return apply_filters(ProductFilter, qs, filters)


def visible_orders(qs: QuerySet[Order], viewer: Membership) -> QuerySet[Order]:
    return restrict_to_viewer(qs.filter(tenant_id=viewer.tenant_id), viewer, "rep")


def order_list(*, tenant: Tenant, viewer: Membership, filters: dict | None = None) -> QuerySet[Order]:
    """Orders with customer, rep and lines (with products) loaded: two queries for any page."""
    lines = OrderLine.objects.filter(tenant=tenant).select_related("product").order_by("id")
    qs = (
        Order.objects.filter(tenant=tenant)
        .select_related("customer", "rep__user")
        .prefetch_related(Prefetch("lines", queryset=lines))
    )
    return apply_filters(OrderFilter, restrict_to_viewer(qs, viewer, "rep"), filters)


def payment_list(*, tenant: Tenant, viewer: Membership, filters: dict | None = None) -> QuerySet[Payment]:
    qs = Payment.objects.filter(tenant=tenant).select_related("customer", "rep__user", "order")
    return apply_filters(PaymentFilter, restrict_to_viewer(qs, viewer, "rep"), filters)


# ---- the dashboard and the team page: figures of one period, aggregated in the database ------


def order_list_recent(*, tenant: Tenant, viewer: Membership, limit: int) -> QuerySet[Order]:
    """The viewer's latest orders, newest first, without their lines (a table of orders)."""
    return (
        order_list(tenant=tenant, viewer=viewer).prefetch_related(None).order_by("-order_date", "-id")[:limit]
    )


def dashboard_figures(
    *, tenant: Tenant, viewer: Membership, start: date, end: date
) -> dict[str, dict[str, Any]]:
    """The dashboard's cards over what the viewer may see, for the days [start, end): customers
    (`total`, `key_accounts`), confirmed orders (`count`, `amount`, `margin`) and payments received
    (`count`, `amount`). One aggregate query each; a sum over no rows is None."""
    customers = customer_list(tenant=tenant, viewer=viewer).aggregate(
        total=Count("id"), key_accounts=Count("id", filter=Q(is_key_account=True))
    )
    orders = (
        order_list(tenant=tenant, viewer=viewer)
        .prefetch_related(None)
        .filter(order_date__gte=start, order_date__lt=end, status=Order.Status.CONFIRMED)
        .aggregate(count=Count("id"), amount=Sum("amount"), margin=Sum("gross_margin"))
    )
    collections = (
        payment_list(tenant=tenant, viewer=viewer)
        .filter(received_on__gte=start, received_on__lt=end)
        .aggregate(count=Count("id"), amount=Sum("amount"))
    )
    return {"customers": customers, "month_orders": orders, "collections": collections}


def team_figures(*, tenant: Tenant, viewer: Membership, start: date, end: date) -> list[dict[str, Any]]:
    """One row per member the viewer may assign work to (a manager their line, an admin everyone),
    by name: the `member` (with their team), their `customers`, and the `orders` (count), `revenue`
    and `collections` of the days [start, end). Four queries whatever the number of members."""
    members = list(member_choices(viewer=viewer).select_related("team").order_by("display_name", "id"))
    customers = dict(
        customer_list(tenant=tenant, viewer=viewer)
        .values("owner_id")
        .annotate(n=Count("id"))
        .values_list("owner_id", "n")
        .order_by()
    )
    orders: dict[int, Any] = {
        row["rep_id"]: row
        for row in order_list(tenant=tenant, viewer=viewer)
        .prefetch_related(None)
        .filter(order_date__gte=start, order_date__lt=end, status=Order.Status.CONFIRMED)
        .values("rep_id")
        .annotate(count=Count("id"), amount=Sum("amount"))
        .order_by()
    }
    paid = dict(
        payment_list(tenant=tenant, viewer=viewer)
        .filter(received_on__gte=start, received_on__lt=end)
        .values("rep_id")
        .annotate(amount=Sum("amount"))
        .values_list("rep_id", "amount")
        .order_by()
    )
    return [
        {
            "member": m,
            "customers": customers.get(m.pk, 0),
            "orders": orders.get(m.pk, {}).get("count", 0),
            "revenue": orders.get(m.pk, {}).get("amount"),
            "collections": paid.get(m.pk),
        }
        for m in members
    ]
