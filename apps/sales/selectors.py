"""Reads of the sales facts, always by tenant; orders and payments restricted to the viewer by rep."""

from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from apps.customers.selectors import apply_filters, customer_list, member_choices
from apps.org.selectors import restrict_to_viewer
from apps.tenancy.dates import month_bounds
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


# ---- the home's month and team cards: figures of one period, aggregated in the database ------


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


def team_members(*, viewer: Membership) -> QuerySet[Membership]:
    """The members the viewer may assign work to (a manager their line, an admin everyone), by name,
    with their team: the rows of the team's figures."""
    return member_choices(viewer=viewer).select_related("team").order_by("display_name", "id")


def team_figures(
    *, tenant: Tenant, viewer: Membership, start: date, end: date, members: list[Membership] | None = None
) -> list[dict[str, Any]]:
    """One row per member of `members` (a page of team_members; all of them by default): the
    `member` (with their team), their `customers`, and the `orders` (count), `revenue` and
    `collections` of the days [start, end). Three grouped queries whatever the number of members,
    reading the given members' facts only (and one for the members when none are given)."""
    if members is None:
        members = list(team_members(viewer=viewer))
    ids = [m.pk for m in members]
    customers = dict(
        customer_list(tenant=tenant, viewer=viewer)
        .filter(owner__in=ids)
        .values("owner_id")
        .annotate(n=Count("id"))
        .values_list("owner_id", "n")
        .order_by()
    )
    orders: dict[int, Any] = {
        row["rep_id"]: row
        for row in order_list(tenant=tenant, viewer=viewer)
        .prefetch_related(None)
        .filter(rep__in=ids, order_date__gte=start, order_date__lt=end, status=Order.Status.CONFIRMED)
        .values("rep_id")
        .annotate(count=Count("id"), amount=Sum("amount"))
        .order_by()
    }
    paid = dict(
        payment_list(tenant=tenant, viewer=viewer)
        .filter(rep__in=ids, received_on__gte=start, received_on__lt=end)
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


# ---- on the role homes (apps.tenancy.home; registered in SalesConfig.ready()) ------------------


def month_card(membership: Membership, today: date) -> dict[str, Any]:
    """This month's figures over what the member sees (dashboard_figures: their customers and key
    accounts, confirmed orders, revenue and margin, collections). Three aggregate queries."""
    start, end = month_bounds(today)  # [first of this month, of the next)
    return {
        "month_start": start,
        **dashboard_figures(tenant=membership.tenant, viewer=membership, start=start, end=end),
    }


def team_card(membership: Membership, today: date) -> dict[str, Any]:
    """The team's table loads itself with htmx (sales:team-card): nothing to read here."""
    return {}
