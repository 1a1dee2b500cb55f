"""Reads of the sales facts, always by tenant; orders and payments restricted to the viewer by rep."""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, Count, IntegerField, Max, Prefetch, Q, QuerySet, Sum, Value, When

from apps.customers.selectors import apply_filters, customer_list, member_choices
from apps.org.selectors import restrict_to_viewer
from apps.tenancy.dates import month_bounds, tenant_today
from apps.tenancy.models import Membership, Tenant

from ..filters import OrderFilter, PaymentFilter, ProductCategoryFilter, ProductFilter
from ..models import Order, OrderLine, Payment, Product, ProductCategory


def category_list(
    *, tenant: Tenant, viewer: Membership, filters: dict | None = None
) -> QuerySet[ProductCategory]:
    """The catalogue is visible to every member."""
    return apply_filters(ProductCategoryFilter, ProductCategory.objects.filter(tenant=tenant), filters)


def product_list(*, tenant: Tenant, viewer: Membership, filters: dict | None = None) -> QuerySet[Product]:
    qs = Product.objects.filter(tenant=tenant).select_related("category")
    return apply_filters(ProductFilter, qs, filters)


# The product picker: a rep's usual products are those of their orders of the last half year.
PICK_USUAL_DAYS = 183
PICK_USUAL_MAX = 50
PICK_WORDS_MAX = 5


def product_pick(*, tenant: Tenant, rep: Membership, q: str, limit: int = 20) -> list[Product]:
    """The product picker's options: active products with every word of `q` in their name, SKU or
    category (code or name) — without `q`, the rep's usual ones only. The rep's usual products come
    first, those they ordered most often in the last half year, then the most recently ordered; the
    rest by SKU. Each carries `times` (orders of the rep with it in that time) and `last` (the day of
    the latest). Two queries, whatever the size of the catalogue or of the rep's history."""
    since = tenant_today(tenant) - timedelta(days=PICK_USUAL_DAYS)
    usage: dict[int, dict[str, Any]] = {
        row["product_id"]: dict(row)
        for row in OrderLine.objects.filter(
            tenant=tenant,
            order__rep=rep,
            order__order_date__gte=since,
            order__status=Order.Status.CONFIRMED,
        )
        .values("product_id")
        .annotate(times=Count("order_id", distinct=True), last=Max("order_date"))
        .order_by("-times", "-last", "product_id")[:PICK_USUAL_MAX]
    }
    qs = Product.objects.filter(tenant=tenant, is_active=True).select_related("category")
    words = q.split()[:PICK_WORDS_MAX]
    for word in words:
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(sku__icontains=word)
            | Q(category__name__icontains=word)
            | Q(category__code__icontains=word)
        )
    if not words:
        qs = qs.filter(pk__in=list(usage))
    if usage:
        rank = Case(
            *(When(pk=pk, then=Value(n)) for n, pk in enumerate(usage)),
            default=Value(len(usage)),
            output_field=IntegerField(),
        )
        qs = qs.annotate(usual=rank).order_by("usual", "sku", "id")
    else:
        qs = qs.order_by("sku", "id")
    products = list(qs[:limit])
    for product in products:
        row = usage.get(product.pk, {})
        product.times, product.last = row.get("times", 0), row.get("last")  # type: ignore[attr-defined]  # display attributes
    return products


def product_labels(*, tenant: Tenant, ids: Iterable[Any]) -> dict[str, str]:
    """ "SKU name" of the given products by id (as text, as a form posts it): what a product picker
    shows for a product chosen in a form shown again. One query; none without an id."""
    pks = {int(pk) for pk in ids if str(pk).isdigit()}
    if not pks:
        return {}
    return {
        str(pk): f"{sku} {name}"
        for pk, sku, name in Product.objects.filter(tenant=tenant, pk__in=pks).values_list(
            "pk", "sku", "name"
        )
    }


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
