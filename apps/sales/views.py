"""Sales pages: orders and collections, and the team card of the home. Reads go through the
selectors (tenant + viewer restricted) and aggregate in the database: no query per row."""

from decimal import Decimal
from urllib.parse import urlencode

import pandas as pd
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.customers.models import Customer
from apps.customers.selectors import customer_list
from apps.tenancy.dates import month_bounds, tenant_today
from apps.tenancy.exports import Sheet, Table, sheets_to_response
from apps.tenancy.form_pages import button_action, record_form_page
from apps.tenancy.home import card_link, home_url
from apps.tenancy.http import TenantRequest
from apps.tenancy.models import Role
from apps.tenancy.templatetags.salesui import money
from apps.tenancy.views import refusal_shown, tenant_page

from . import services
from .forms import (
    AgeingForm,
    AllocationForm,
    CustomerCreditForm,
    OrderFilterForm,
    PaymentFilterForm,
    PaymentTermForm,
)
from .models import Invoice, Payment, PaymentTerm
from .selectors import (
    ageing,
    allocation_list,
    customer_credit_list,
    invoice_list,
    order_list,
    payment_list,
    payment_term_list,
    payment_term_rows,
    product_pick,
    team_figures,
    team_members,
)

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


# ---- receivables ----------------------------------------------------------------------------

NEXT_LEVEL = {"company": "team", "team": "rep", "rep": "customer", "customer": None}


def _ageing_params(request: TenantRequest) -> tuple[AgeingForm, dict]:
    form = AgeingForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    params = {
        "as_of": data.get("as_of") or tenant_today(request.tenant),
        "level": data.get("level") or "company",
        "team": data.get("team"),
        "rep": data.get("rep"),
        "customer": data.get("customer"),
    }
    return form, params


@tenant_page
def ageing_view(request: TenantRequest) -> HttpResponse:
    """The ageing (账龄) of what the viewer sees: the company, then drilled to teams, reps and customers
    (each row links one level down, narrowed to it). Two queries after the member's own."""
    form, params = _ageing_params(request)
    rows = ageing(tenant=request.tenant, viewer=request.membership, **params)
    down = NEXT_LEVEL[params["level"]]
    for row in rows:
        if down:
            query = {k: v for k, v in params.items() if v and k not in ("as_of", "level")}
            if params["level"] != "company":
                query[params["level"]] = row["key"]
            query.update({"as_of": params["as_of"].isoformat(), "level": down})
            row["drill"] = "?" + urlencode(query)
    context = {
        "form": form,
        "rows": rows,
        "params": params,
        "buckets": BUCKET_LABELS,
        "xlsx_query": request.GET.urlencode(),
    }
    return render(request, "sales/ageing.html", context)


BUCKET_LABELS = [
    ("not_due", _("Not due")),
    ("d1_30", _("1–30 days")),
    ("d31_60", _("31–60 days")),
    ("d61_90", _("61–90 days")),
    ("over_90", _("Over 90 days")),
]


@tenant_page
def ageing_xlsx(request: TenantRequest) -> HttpResponse:
    """The same ageing as the page, as an XLSX sheet (apps.tenancy.exports)."""
    _form, params = _ageing_params(request)
    rows = ageing(tenant=request.tenant, viewer=request.membership, **params)
    columns = (
        [("label", str(_("Name")))]
        + [(k, str(v)) for k, v in BUCKET_LABELS]
        + [
            ("overdue", str(_("Overdue"))),
            ("total", str(_("Open balance"))),
        ]
    )
    frame = pd.DataFrame(
        [
            {title: (row[key] if key == "label" else float(row[key])) for key, title in columns}
            for row in rows
        ],
        columns=[title for _k, title in columns],
    )
    heading = [str(_("Receivables ageing")), f"{request.tenant.name} · {params['as_of']:%Y-%m-%d}"]
    sheet = Sheet(title=str(_("Ageing")), tables=[Table(frame=frame)], heading=heading)
    return sheets_to_response([sheet], filename=f"ageing-{params['as_of']:%Y%m%d}.xlsx")


@tenant_page(roles=("manager", "admin"))
def customer_credit_view(request: TenantRequest, customer_id: int) -> HttpResponse:
    """A customer's payment term and credit limit (linked from the receivables panel)."""
    customer = get_object_or_404(
        customer_list(tenant=request.tenant, viewer=request.membership), pk=customer_id
    )
    credit = (
        customer_credit_list(tenant=request.tenant, viewer=request.membership)
        .filter(customer=customer)
        .first()
    )
    initial = {"payment_term": credit.payment_term_id, "credit_limit": credit.credit_limit} if credit else {}
    form = CustomerCreditForm(request.POST or None, tenant=request.tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as outcome:
            services.customer_credit_save(customer=customer, by=request.membership, **form.cleaned_data)
        if not outcome.refused:
            messages.success(request, _("The credit terms of %(name)s were saved.") % {"name": customer.name})
            return redirect("customers:detail", tenant_slug=request.tenant.slug, customer_id=customer.pk)
    return render(request, "sales/customer_credit.html", {"form": form, "customer": customer})


# ---- payment terms (Settings → Payment terms, administrators) --------------------------------


def _terms_url(request: TenantRequest) -> str:
    return reverse("payment-terms", kwargs={"tenant_slug": request.tenant.slug})


def _admin_term(request: TenantRequest, term_id: int) -> PaymentTerm:
    return get_object_or_404(payment_term_list(tenant=request.tenant, viewer=request.membership), pk=term_id)


@tenant_page(roles=(Role.ADMIN,))
def payment_terms_view(request: TenantRequest) -> HttpResponse:
    """The organisation's payment terms, each with the customers that use it. One query."""
    terms = list(payment_term_rows(tenant=request.tenant, viewer=request.membership))
    return render(request, "sales/payment_terms.html", {"terms": terms})


@tenant_page(roles=(Role.ADMIN,))
def payment_term_create_view(request: TenantRequest) -> HttpResponse:
    return record_form_page(
        request,
        PaymentTermForm(request.POST if request.method == "POST" else None),
        save=lambda data: services.payment_term_create(tenant=request.tenant, by=request.membership, **data),
        saved=gettext("The payment term was added."),
        done=_terms_url(request),
        template="sales/payment_term_form.html",
        context={"title": gettext("New payment term")},
    )


@tenant_page(roles=(Role.ADMIN,))
def payment_term_edit_view(request: TenantRequest, term_id: int) -> HttpResponse:
    """A term's page: changed days apply to invoices issued from now on. Delete is refused while
    customers use the term."""
    term = _admin_term(request, term_id)
    initial = {"name": term.name, "days": term.days, "basis": term.basis, "is_default": term.is_default}
    return record_form_page(
        request,
        PaymentTermForm(request.POST if request.method == "POST" else None, initial=initial),
        save=lambda data: services.payment_term_update(term=term, by=request.membership, **data),
        saved=gettext("The payment term was saved."),
        delete=lambda: services.payment_term_delete(term=term, by=request.membership),
        deleted=gettext("The payment term was deleted."),
        delete_refused=request.path,
        done=_terms_url(request),
        template="sales/payment_term_form.html",
        context={"title": term.name, "record": term},
    )


@tenant_page(roles=(Role.ADMIN,))
def payment_term_default_view(request: TenantRequest, term_id: int) -> HttpResponse:
    """The list's "Make default" button (POST)."""
    term = _admin_term(request, term_id)
    return button_action(
        request,
        act=lambda: services.payment_term_update(term=term, by=request.membership, is_default=True),
        success=gettext("%(name)s is now the default payment term.") % {"name": term.name},
        done=_terms_url(request),
    )


# ---- a payment's allocation to invoices ------------------------------------------------------


def _visible_payment(request: TenantRequest, payment_id: int) -> Payment:
    return get_object_or_404(
        payment_list(tenant=request.tenant, viewer=request.membership).prefetch_related(None),
        pk=payment_id,
    )


@tenant_page
def payment_allocate_view(request: TenantRequest, payment_id: int) -> HttpResponse:
    """Apply a payment's unallocated money to open invoices of its customer (pre-filled oldest
    first), and list what it pays already, each with an Undo button. Anyone who sees the payment
    reads the page; writers (its rep, the rep's managers, administrators) change it. Four queries
    after the member's own, whatever the number of invoices."""
    tenant, viewer = request.tenant, request.membership
    payment = _visible_payment(request, payment_id)
    invoices = list(
        invoice_list(
            tenant=tenant,
            viewer=viewer,
            filters={"customer": payment.customer_id, "status": Invoice.Status.OPEN},
        )
        .select_related(None)
        .order_by("due_on", "issued_on", "id")
    )
    posted = request.POST if request.method == "POST" else None
    form = AllocationForm(posted, payment=payment, invoices=invoices)
    if request.method == "POST":
        if form.is_valid():
            with refusal_shown(form) as outcome:
                services.payment_allocate(payment=payment, by=viewer, allocations=form.allocations())
            if not outcome.refused:
                total = sum((row["amount"] for row in form.allocations()), Decimal("0"))
                messages.success(
                    request,
                    gettext("%(amount)s of the payment was allocated.")
                    % {"amount": money(total, tenant.currency)},
                )
                return redirect(request.path)
        messages.error(request, gettext("Nothing was allocated. Please correct the errors below."))
    allocations = (
        allocation_list(tenant=tenant, viewer=viewer, filters={"payment": payment.pk})
        .select_related("invoice")
        .order_by("invoice__due_on", "invoice_id", "id")
    )
    context = {
        "payment": payment,
        "form": form,
        "allocations": list(allocations),
        "can_write": viewer.can_write,
        "today": tenant_today(tenant),
    }
    return render(request, "sales/payment_allocate.html", context, status=400 if form.errors else 200)


@tenant_page
def allocation_delete_view(request: TenantRequest, allocation_id: int) -> HttpResponse:
    """The allocation page's Undo (POST): the invoice is open again by the amount, the payment has
    it to allocate."""
    allocation = get_object_or_404(
        allocation_list(tenant=request.tenant, viewer=request.membership), pk=allocation_id
    )
    return button_action(
        request,
        act=lambda: services.allocation_delete(allocation=allocation, by=request.membership),
        success=gettext("The allocation to invoice %(number)s was undone.")
        % {"number": allocation.invoice.number},
        done=reverse(
            "sales:payment-allocate",
            kwargs={"tenant_slug": request.tenant.slug, "payment_id": allocation.payment_id},
        ),
    )
