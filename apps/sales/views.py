"""Sales pages: orders and collections, and the team card of the home. Reads go through the
selectors (tenant + viewer restricted) and aggregate in the database: no query per row."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from apps.customers.models import Customer
from apps.customers.selectors import customer_list
from apps.tenancy.dates import month_bounds, tenant_today
from apps.tenancy.home import card_link, home_url
from apps.tenancy.http import TenantRequest
from apps.tenancy.views import tenant_page

from .forms import OrderFilterForm, PaymentFilterForm
from .selectors import order_list, payment_list, product_pick, team_figures, team_members

PAGE_SIZE = 25
PICKER_OPTIONS = 20


def _filter_customer(request: TenantRequest, form) -> Customer | None:
    """The customer named in the filter, when the viewer may see it (shown as a removable chip)."""
    customer_id = form.filters().get("customer")
    if not customer_id:
        return None
    return customer_list(tenant=request.tenant, viewer=request.membership).filter(pk=customer_id).first()


# The home's card the team page became (templates/sales/cards/team.html).
TEAM_CARD = "team-figures"
TEAM_PAGE_SIZE = 50


@tenant_page
def team(request: TenantRequest) -> HttpResponse:
    """The team page's old address: its table is a card on the home now, so the address leads there."""
    return redirect(
        home_url(tenant_slug=request.tenant.slug, anchor=TEAM_CARD, query=request.GET.urlencode())
    )


@tenant_page(roles=("manager", "admin"))
def team_card_view(request: TenantRequest) -> HttpResponse:
    """The home's team card (htmx): the members the viewer supervises with this month's numbers, a page
    at a time (`team_page`); any other request goes to the card on the home. Five queries whatever
    the number of members."""
    slug = request.tenant.slug
    if not request.htmx:
        return redirect(home_url(tenant_slug=slug, anchor=TEAM_CARD, query=request.GET.urlencode()))
    tenant, viewer = request.tenant, request.membership
    start, end = month_bounds(tenant_today(tenant))  # [first of this month, of the next)
    page = Paginator(team_members(viewer=viewer), TEAM_PAGE_SIZE).get_page(request.GET.get("team_page"))
    rows = team_figures(tenant=tenant, viewer=viewer, start=start, end=end, members=list(page.object_list))
    card_url = reverse("sales:team-card", kwargs={"tenant_slug": slug})

    def link(number: int) -> dict[str, str]:
        query = request.GET.copy()
        query["team_page"] = str(number)
        return card_link(tenant_slug=slug, card_url=card_url, anchor=TEAM_CARD, query=query.urlencode())

    context = {
        "rows": rows,
        "month_start": start,
        "page_obj": page,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "next": link(page.next_page_number()) if page.has_next() else None,
    }
    return render(request, "sales/cards/_team_table.html", context)


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


@tenant_page(roles=("rep", "manager", "admin"))
def product_picker_view(request: TenantRequest) -> HttpResponse:
    """The product picker's options (htmx; templates/sales/_product_picker.html): active products
    matching `q` by name, SKU or category, the member's usual ones first; without `q`, only those.
    Two queries after the member's own."""
    q = request.GET.get("q", "")[:100].strip()
    products = product_pick(tenant=request.tenant, rep=request.membership, q=q, limit=PICKER_OPTIONS)
    return render(request, "sales/_product_options.html", {"products": products, "q": q})
