"""Customer pages: list with filters, detail with its timeline, create and edit. Reads go through the
selectors (tenant + viewer restricted), writes through the services; views only parse and render."""

import copy

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.tenancy.dates import tenant_today
from apps.tenancy.form_pages import button_action, record_form_page
from apps.tenancy.http import TenantRequest
from apps.tenancy.views import refusal_shown, tenant_page

from .. import services
from ..forms import ContactForm, CustomerFilterForm, CustomerForm, InteractionForm
from ..models import Contact, Customer
from ..panels import customer_panels
from ..selectors import customer_list, interaction_list, visible_contacts

PAGE_SIZE = 25
TIMELINE_PAGE_SIZE = 20
RECENT = 10
RECORD_TEMPLATE = "customers/record_form.html"  # a contact's or an interaction's page


def _visible_customer(request: TenantRequest, customer_id: int) -> Customer:
    """Another tenant's id, or a customer of someone the viewer may not see, is a 404 alike."""
    return get_object_or_404(customer_list(tenant=request.tenant, viewer=request.membership), pk=customer_id)


@tenant_page
def customer_list_view(request: TenantRequest) -> HttpResponse:
    form = CustomerFilterForm(request.GET or None, tenant=request.tenant, viewer=request.membership)
    qs = customer_list(tenant=request.tenant, viewer=request.membership, filters=form.filters())
    page = Paginator(qs.order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "customers": page.object_list,
        "filtered": bool(form.filters()),
        "can_create": request.membership.can_write,
    }
    if request.htmx and request.htmx.target == "customer-results":
        return render(request, "customers/_results.html", context)
    return render(request, "customers/list.html", context)


@tenant_page
def customer_detail_view(request: TenantRequest, customer_id: int) -> HttpResponse:
    customer = _visible_customer(request, customer_id)
    timeline = (
        interaction_list(tenant=request.tenant, viewer=request.membership, filters={"customer": customer.pk})
        .select_related(None)
        .select_related("rep__user", "contact")
    )
    timeline_page = Paginator(timeline, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "customer": customer,
        "contacts": customer.contacts.order_by("-is_primary", "name"),
        "timeline": timeline_page,
        "page_obj": timeline_page,
        # Reverse relations, so this app needs no import of sales (which depends on customers).
        "orders": customer.orders.filter(tenant=request.tenant)
        .select_related("rep__user")
        .order_by("-order_date", "-id")[:RECENT],
        "payments": customer.payments.filter(tenant=request.tenant)
        .select_related("rep__user", "order")
        .order_by("-received_on", "-id")[:RECENT],
        "can_edit": request.membership.can_write,
    }
    if request.htmx and request.htmx.target == "timeline":
        return render(request, "customers/_timeline.html", context)
    today = tenant_today(request.tenant)
    context["today"] = today
    # What the apps above this one know about the customer (apps/customers/panels.py).
    context["panels"] = customer_panels(customer=customer, membership=request.membership, today=today)
    return render(request, "customers/detail.html", context)


def _not_saved(request: TenantRequest) -> None:
    messages.error(request, _("The customer was not saved. Please correct the errors below."))


@tenant_page
def customer_create_view(request: TenantRequest) -> HttpResponse:
    if not request.membership.can_write:
        raise Http404
    form = CustomerForm(request.POST or None, tenant=request.tenant, viewer=request.membership)
    if request.method == "POST":
        if form.is_valid():
            # A rule the service enforces comes back as errors on the re-rendered form.
            with refusal_shown(form) as outcome:
                customer = services.customer_create(
                    tenant=request.tenant, by=request.membership, **form.cleaned_data
                )
            if not outcome.refused:
                messages.success(request, _("Customer %(name)s was created.") % {"name": customer.name})
                return redirect("customers:detail", tenant_slug=request.tenant.slug, customer_id=customer.pk)
        _not_saved(request)
    return render(request, "customers/form.html", {"form": form, "customer": None})


@tenant_page
def customer_edit_view(request: TenantRequest, customer_id: int) -> HttpResponse:
    customer = _visible_customer(request, customer_id)
    if not request.membership.can_write:
        raise Http404
    # The form edits a copy: the service compares the stored row with the new data to audit the change.
    form = CustomerForm(
        request.POST or None, instance=copy.copy(customer), tenant=request.tenant, viewer=request.membership
    )
    if request.method == "POST":
        if form.is_valid():
            with refusal_shown(form) as outcome:
                saved = services.customer_update(
                    customer=customer, by=request.membership, **form.cleaned_data
                )
            if not outcome.refused:
                messages.success(request, _("Customer %(name)s was saved.") % {"name": saved.name})
                return redirect("customers:detail", tenant_slug=request.tenant.slug, customer_id=saved.pk)
        _not_saved(request)
    return render(request, "customers/form.html", {"form": form, "customer": customer})


# ---------------------------------------------------------------- contacts and the timeline


def _writable_customer(request: TenantRequest, customer_id: int) -> Customer:
    """A customer the viewer sees and may write on (a viewer role may not): 404 otherwise."""
    customer = _visible_customer(request, customer_id)
    if not request.membership.can_write:
        raise Http404
    customer.tenant = request.tenant  # the request's: links and services read it (no query)
    return customer


def _detail_url(customer: Customer, anchor: str) -> str:
    return (
        reverse("customers:detail", kwargs={"tenant_slug": customer.tenant.slug, "customer_id": customer.pk})
        + anchor
    )


@tenant_page
def contact_create_view(request: TenantRequest, customer_id: int) -> HttpResponse:
    customer = _writable_customer(request, customer_id)
    return record_form_page(
        request,
        ContactForm(request.POST or None),
        save=lambda data: services.contact_create(
            tenant=request.tenant, by=request.membership, customer=customer, **data
        ),
        saved=_("The contact was added."),
        done=_detail_url(customer, "#contacts"),
        template=RECORD_TEMPLATE,
        context={"customer": customer, "title": _("New contact")},
    )


@tenant_page
def contact_edit_view(request: TenantRequest, contact_id: int) -> HttpResponse:
    contact = get_object_or_404(
        visible_contacts(Contact.objects.select_related("customer"), request.membership),
        pk=contact_id,
    )
    customer = _writable_customer(request, contact.customer_id)
    return record_form_page(
        request,
        # The form edits a copy: the service compares the stored row with the new data to audit the change.
        ContactForm(request.POST or None, instance=copy.copy(contact)),
        save=lambda data: services.contact_update(contact=contact, by=request.membership, **data),
        saved=_("The contact was saved."),
        delete=lambda: services.contact_delete(contact=contact, by=request.membership),
        deleted=_("The contact was removed."),
        done=_detail_url(customer, "#contacts"),
        template=RECORD_TEMPLATE,
        context={"customer": customer, "title": contact.name, "record": contact},
    )


@tenant_page
def interaction_create_view(request: TenantRequest, customer_id: int) -> HttpResponse:
    customer = _writable_customer(request, customer_id)
    initial = {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = InteractionForm(
        request.POST or None, initial=initial, customer=customer, viewer=request.membership
    )
    return record_form_page(
        request,
        form,
        save=lambda data: services.interaction_create(
            tenant=request.tenant, by=request.membership, customer=customer, **data
        ),
        saved=_("The interaction was logged."),
        done=_detail_url(customer, "#timeline"),
        template=RECORD_TEMPLATE,
        context={"customer": customer, "title": _("Log an interaction")},
    )


@tenant_page
def interaction_edit_view(request: TenantRequest, interaction_id: int) -> HttpResponse:
    interaction = get_object_or_404(
        interaction_list(tenant=request.tenant, viewer=request.membership), pk=interaction_id
    )
    customer = _writable_customer(request, interaction.customer_id)
    form = InteractionForm(
        request.POST or None, instance=copy.copy(interaction), customer=customer, viewer=request.membership
    )
    return record_form_page(
        request,
        form,
        save=lambda data: services.interaction_update(interaction=interaction, by=request.membership, **data),
        saved=_("The interaction was saved."),
        delete=lambda: services.interaction_delete(interaction=interaction, by=request.membership),
        deleted=_("The interaction was removed."),
        done=_detail_url(customer, "#timeline"),
        template=RECORD_TEMPLATE,
        context={"customer": customer, "title": interaction.subject, "record": interaction},
    )


@tenant_page
def follow_up_done_view(request: TenantRequest, interaction_id: int) -> HttpResponse:
    """The home card's "Done" on a follow-up (POST; an id the member may not see is 404 first)."""
    interaction = get_object_or_404(
        interaction_list(tenant=request.tenant, viewer=request.membership), pk=interaction_id
    )
    return button_action(
        request,
        act=lambda: services.interaction_follow_up_done(interaction=interaction, by=request.membership),
        success=_("Follow-up done: %(subject)s (%(customer)s).")
        % {"subject": interaction.subject, "customer": interaction.customer.name},
        done=reverse("dashboard", kwargs={"tenant_slug": request.tenant.slug}) + "#card-my-tasks",
    )
