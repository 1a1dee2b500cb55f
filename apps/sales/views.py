"""Sales pages: the dashboard, the team overview, orders and collections. Reads go through the
selectors (tenant + viewer restricted), which aggregate in the database: no query per row."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from apps.customers.models import Customer
from apps.customers.selectors import customer_list
from apps.tenancy.dates import month_bounds, tenant_today
from apps.tenancy.http import TenantRequest
from apps.tenancy.views import tenant_page

from .forms import OrderFilterForm, PaymentFilterForm
from .selectors import dashboard_figures, order_list, order_list_recent, payment_list, team_figures

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
    context = {
        "month_start": start,
        **dashboard_figures(tenant=tenant, viewer=viewer, start=start, end=end),
        "recent_orders": order_list_recent(tenant=tenant, viewer=viewer, limit=RECENT),
    }
    return render(request, "sales/dashboard.html", context)


@tenant_page(roles=("manager", "admin"))
def team(request: TenantRequest) -> HttpResponse:
    """The members the viewer supervises with this month's numbers (team_figures: four queries)."""
    tenant, viewer = request.tenant, request.membership
    start, end = month_bounds(tenant_today(tenant))  # [first of this month, of the next)
    rows = team_figures(tenant=tenant, viewer=viewer, start=start, end=end)
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
