"""Filter bars of the order and collection lists (their cleaned data is the selectors' `filters`
dict), and the receivables' forms: a customer's credit, a payment term, a payment's allocation."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from apps.customers.forms import MemberChoiceField
from apps.customers.selectors import member_choices
from apps.tenancy.models import Membership

from .models import TERM_DAYS_MAX, Invoice, Order, Payment, PaymentTerm

# Field declarations build empty querysets at import time, outside any tenant; __init__ sets the real,
# tenant- and viewer-scoped ones.
with scopes_disabled():

    class _SalesFilterForm(forms.Form):
        fields: dict[str, Any]  # __init__ sets querysets and choices the base Field lacks

        # The customer arrives as an id (from a customer's page): a select of every customer would not scale.
        customer = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
        rep = MemberChoiceField(
            label=_("Account manager"), queryset=Membership.objects.none(), required=False
        )
        date_from = forms.DateField(
            label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        date_to = forms.DateField(
            label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )

        def __init__(self, *args, viewer: Membership, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["rep"].queryset = member_choices(viewer=viewer).order_by(
                "display_name", "user__username"
            )
            self.fields["rep"].empty_label = _("All")
            if viewer.role == "rep":
                del self.fields["rep"]

        def clean(self):
            data = super().clean()
            if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
                raise forms.ValidationError(_("The start date must not be after the end date."))
            return data

        def filters(self) -> dict:
            if not self.is_valid():
                return {}
            out = {}
            for key, value in self.cleaned_data.items():
                if value in (None, ""):
                    continue
                out[key] = value.pk if hasattr(value, "pk") else value
            return out

    class OrderFilterForm(_SalesFilterForm):
        number = forms.CharField(
            label=_("Order number"), required=False, widget=forms.TextInput(attrs={"type": "search"})
        )
        status = forms.ChoiceField(label=_("Status"), required=False)
        field_order = ["number", "customer", "rep", "status", "date_from", "date_to"]

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["status"].choices = [("", _("All")), *Order.Status.choices]

    class PaymentFilterForm(_SalesFilterForm):
        method = forms.ChoiceField(label=_("Method"), required=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["method"].choices = [("", _("All")), *Payment.Method.choices]


with scopes_disabled():

    class CustomerCreditForm(forms.Form):
        """A customer's payment term and credit limit (apps.sales.services.customer_credit_save)."""

        payment_term = forms.ModelChoiceField(
            label=_("Payment term"), queryset=PaymentTerm.objects.none(), required=False
        )
        credit_limit = forms.DecimalField(
            label=_("Credit limit"),
            required=False,
            max_digits=14,
            decimal_places=2,
            help_text=_("Leave empty for no limit."),
        )

        def __init__(self, *args, tenant, **kwargs):
            super().__init__(*args, **kwargs)
            field = self.fields["payment_term"]
            field.queryset = PaymentTerm.objects.filter(tenant=tenant).order_by("days", "name")  # type: ignore[attr-defined]
            field.empty_label = _("The organisation's default")  # type: ignore[attr-defined]


class AgeingForm(forms.Form):
    """The ageing page's day and level; ids of the team, rep or customer drilled into."""

    as_of = forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    level = forms.ChoiceField(
        label=_("By"),
        required=False,
        choices=[
            ("company", _("Company")),
            ("team", _("Team")),
            ("rep", _("Account manager")),
            ("customer", _("Customer")),
        ],
    )
    team = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    rep = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    customer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class PaymentTermForm(forms.Form):
    """A payment term on the settings page (apps.sales.services.payment_term_create/update, which
    also refuse a duplicate name on `name`)."""

    name = forms.CharField(label=_("Name"), max_length=80)
    days = forms.IntegerField(
        label=_("Days"),
        min_value=0,
        max_value=TERM_DAYS_MAX,
        help_text=_("0 to %(max)d days.") % {"max": TERM_DAYS_MAX},
    )
    basis = forms.ChoiceField(label=_("Counted"), choices=PaymentTerm.Basis.choices)
    is_default = forms.BooleanField(
        label=_("The organisation's default"),
        required=False,
        help_text=_("Customers without a term of their own use it."),
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the term a name."))
        return name


class AllocationForm(forms.Form):
    """A payment's unallocated money spread over open invoices of its customer: one amount field per
    invoice (`invoice_<id>`), pre-filled oldest first. An amount above the invoice's open amount, or
    one that takes the total above what is left of the payment, is an error on that row's field."""

    def __init__(self, *args, payment: Payment, invoices: list[Invoice], **kwargs):
        super().__init__(*args, **kwargs)
        self.payment, self.invoices = payment, invoices
        left = payment.unallocated
        for invoice in invoices:  # the view gives them oldest first (due, issued, id)
            share = min(invoice.open_amount, left)
            left -= share
            self.fields[self.field_name(invoice)] = forms.DecimalField(
                label=invoice.number,
                required=False,
                min_value=Decimal("0"),
                max_digits=14,
                decimal_places=2,
                initial=share if share > 0 else None,
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            )

    @staticmethod
    def field_name(invoice: Invoice) -> str:
        return f"invoice_{invoice.pk}"

    def rows(self) -> list[tuple[Invoice, forms.BoundField]]:
        return [(invoice, self[self.field_name(invoice)]) for invoice in self.invoices]

    def clean(self):
        data = super().clean()
        left, total = self.payment.unallocated, Decimal("0")
        for invoice in self.invoices:
            name = self.field_name(invoice)
            amount = data.get(name)
            if not amount:
                continue
            if amount > invoice.open_amount:
                self.add_error(
                    name,
                    _("Invoice %(number)s has %(open)s open: allocate at most that.")
                    % {"number": invoice.number, "open": invoice.open_amount},
                )
                continue
            total += amount
            if total > left:
                self.add_error(
                    name,
                    _("Only %(left)s of this payment is left to allocate.") % {"left": left},
                )
        if not self.errors and total == 0:
            raise forms.ValidationError(_("Enter an amount on at least one invoice."))
        return data

    def allocations(self) -> list[dict[str, Any]]:
        """The service's `allocations`: [{"invoice", "amount"}] of the rows with an amount."""
        return [
            {"invoice": invoice, "amount": self.cleaned_data[self.field_name(invoice)]}
            for invoice in self.invoices
            if self.cleaned_data.get(self.field_name(invoice))
        ]
