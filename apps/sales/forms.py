"""Filter bars of the order and collection lists; their cleaned data is the selectors' `filters` dict."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from apps.customers.forms import MemberChoiceField
from apps.customers.selectors import member_choices
from apps.tenancy.models import Membership

from .models import Order, Payment, PaymentTerm

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
