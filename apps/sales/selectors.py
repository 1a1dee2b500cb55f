"""Reads of the sales facts, always by tenant; orders and payments restricted to the viewer by rep."""

from django.db.models import Prefetch, QuerySet

from apps.customers.selectors import apply_filters
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
