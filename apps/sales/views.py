"""Sales pages: the dashboard, the team overview, orders and collections. Reads go through the
selectors (tenant + viewer restricted) and aggregate in the database: no query per row."""

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from apps.customers.models import Customer
from apps.customers.selectors import customer_list, member_choices
from apps.tenancy.dates import month_bounds, tenant_today
from apps.tenancy.http import TenantRequest
from apps.tenancy.views import tenant_page

from .forms import OrderFilterForm, PaymentFilterForm
from .models import Order
from .selectors import order_list, payment_list

PAGE_SIZE = 25
RECENT = 8


def _filter_customer(request: TenantRequest, form) -> Customer | None:
    """The customer named in the filter, when the viewer may see it (shown as a removable chip)."""
    customer_id = form.filters().get("customer")
    if not customer_id:
        return None
    return customer_list(tenant=request.tenant, viewer=request.membership).filter(pk=customer_id).first()


@tenant_page
def dashboard(request: TenantRequest) -> HttpResponse:
    tenant, viewer = request.tenant, request.membership
    start, end = month_bounds(tenant_today(tenant))  # [first of this month, of the next)
    customers = customer_list(tenant=tenant, viewer=viewer).aggregate(
        total=Count("id"), key_accounts=Count("id", filter=Q(is_key_account=True))
    )
    orders = order_list(tenant=tenant, viewer=viewer).prefetch_related(None)
    month_orders = orders.filter(
        order_date__gte=start, order_date__lt=end, status=Order.Status.CONFIRMED
    ).aggregate(count=Count("id"), amount=Sum("amount"), margin=Sum("gross_margin"))
    collections = (
        payment_list(tenant=tenant, viewer=viewer)
        .filter(received_on__gte=start, received_on__lt=end)
        .aggregate(count=Count("id"), amount=Sum("amount"))
    )
    recent = orders.order_by("-order_date", "-id")[:RECENT]
    context = {
        "month_start": start,
        "customers": customers,
        "month_orders": month_orders,
        "collections": collections,
        "recent_orders": recent,
    }
    return render(request, "sales/dashboard.html", context)


@tenant_page(roles=("manager", "admin"))
def team(request: TenantRequest) -> HttpResponse:
    """The members the viewer supervises with this month's numbers: three grouped queries in all."""
    tenant, viewer = request.tenant, request.membership
    start, end = month_bounds(tenant_today(tenant))  # [first of this month, of the next)
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
    rows = [
        {
            "member": m,
            "customers": customers.get(m.pk, 0),
            "orders": orders.get(m.pk, {}).get("count", 0),
            "revenue": orders.get(m.pk, {}).get("amount"),
            "collections": paid.get(m.pk),
        }
        for m in members
    ]
    return render(request, "sales/team.html", {"rows": rows, "month_start": start})


@tenant_page
def order_list_view(request: TenantRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET or None, viewer=request.membership)
    qs = order_list(tenant=request.tenant, viewer=request.membership, filters=form.filters())
    # The list shows no lines: drop the selector's line prefetch.
    qs = qs.prefetch_related(None).order_by("-order_date", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "orders": page.object_list,
        "filter_customer": _filter_customer(request, form),
        "filtered": bool(form.filters()),
    }
    if request.htmx and request.htmx.target == "order-results":
        return render(request, "sales/_orders.html", context)
    return render(request, "sales/orders.html", context)


@tenant_page
def order_detail_view(request: TenantRequest, order_id: int) -> HttpResponse:
    order = get_object_or_404(order_list(tenant=request.tenant, viewer=request.membership), pk=order_id)
    payments = order.payments.filter(tenant=request.tenant).order_by("-received_on", "-id")
    return render(request, "sales/order_detail.html", {"order": order, "payments": payments})


@tenant_page
def payment_list_view(request: TenantRequest) -> HttpResponse:
    form = PaymentFilterForm(request.GET or None, viewer=request.membership)
    qs = payment_list(tenant=request.tenant, viewer=request.membership, filters=form.filters())
    page = Paginator(qs.order_by("-received_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "payments": page.object_list,
        "filter_customer": _filter_customer(request, form),
        "filtered": bool(form.filters()),
    }
    if request.htmx and request.htmx.target == "payment-results":
        return render(request, "sales/_payments.html", context)
    return render(request, "sales/payments.html", context)
