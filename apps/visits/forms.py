"""Forms of the visit pages. The customer of an item comes from a queryset scoped to the tenant and to
the plan's rep, built in __init__, so a foreign or invisible id is a form error; so do the products
of an order taken at a visit (one query for all its lines)."""

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from apps.customers.models import Customer
from apps.customers.selectors import visible_customers
from apps.sales.models import MONEY, Payment, Product
from apps.tenancy.models import Membership, Tenant

from .models import Visit

with scopes_disabled():

    class PlanItemForm(forms.Form):
        fields: dict[str, Any]  # __init__ sets querysets and choices the base Field lacks

        customer = forms.ModelChoiceField(
            label=_("Customer"), queryset=Customer.objects.none(), required=False, widget=forms.HiddenInput
        )
        prospect_name = forms.CharField(label=_("Or a prospect"), max_length=200, required=False)
        area = forms.CharField(label=_("Area"), max_length=120, required=False)
        planned_time = forms.TimeField(
            label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
        )
        purpose = forms.ChoiceField(
            label=_("Purpose"), choices=Visit.Purpose.choices, initial=Visit.Purpose.SERVICE
        )
        note = forms.CharField(label=_("Note"), max_length=500, required=False)

        def __init__(self, *args, viewer: Membership, rep: Membership, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["customer"].queryset = visible_customers(
                visible_customers(Customer.objects.all(), viewer), rep
            )

        def clean(self):
            data = super().clean()
            if not data.get("customer") and not (data.get("prospect_name") or "").strip():
                raise forms.ValidationError(_("Choose a customer or enter a prospect's name."))
            return data


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class SignOffForm(forms.Form):
    """The manager's 批示 on a daily report; the service says what else it needs (form errors beside
    the field, the comment kept as typed)."""

    comment = forms.CharField(
        label=_("Manager's comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your comment (批示) before signing off.")},
    )


# ---- an order and a collection taken at a visit (the Today page's visit card) -----------------

SALE_LINES_MAX = 20  # an order's lines on the phone; the daily report allows more
SALE_LINE_FIELD = re.compile(r"^lines-(\d{1,3})-(?:product|quantity|unit_price)$")


class SaleLineForm(forms.Form):
    """One line of the order: a product from the picker, a quantity, a price (the list price if blank)."""

    product = forms.IntegerField(label=_("Product"), min_value=1, required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=12, decimal_places=3, min_value=Decimal("0.001"), required=False
    )
    unit_price = forms.DecimalField(label=_("Unit price"), min_value=Decimal("0"), required=False, **MONEY)

    def __init__(self, data: Any = None, *, index: int, auto_id: str | bool = "id_%s"):
        super().__init__(data, prefix=f"lines-{index}", auto_id=auto_id)
        self.index = index
        self.product_label = ""

    @property
    def blank(self) -> bool:
        return not self.is_bound or not any(
            (self.data.get(self.add_prefix(name)) or "").strip() for name in self.fields
        )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("product") and data.get("quantity") is None and "quantity" not in self.errors:
            self.add_error("quantity", _("Enter the quantity."))
        if not data.get("product") and "product" not in self.errors:
            self.add_error("product", _("Choose a product from the list."))
        return data


class VisitSaleForm(forms.Form):
    """What the rep took at a visit: an order (lines) and/or a collection. Field names are the visit
    card's (`lines-<n>-product|quantity|unit_price`, `amount`, `method`, `reference`); ids carry the
    visit so that every card of the page has its own."""

    amount = forms.DecimalField(
        label=_("Amount collected"), min_value=Decimal("0.01"), required=False, **MONEY
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=Payment.Method.choices, initial=Payment.Method.TRANSFER, required=False
    )
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)

    def __init__(self, data: Any = None, *, tenant: Tenant, visit: Visit):
        auto_id = f"id_v{visit.pk}-%s"
        super().__init__(data, auto_id=auto_id)
        self.tenant, self.visit = tenant, visit
        indices = (
            sorted({int(m[1]) for key in data if (m := SALE_LINE_FIELD.match(key))})[:SALE_LINES_MAX]
            if data is not None
            else []
        )
        self.lines = [SaleLineForm(data, index=j, auto_id=auto_id) for j in indices or [0]]
        self.products: dict[int, Product] = {}

    @property
    def next_line(self) -> int:
        return self.lines[-1].index + 1

    @property
    def taken_lines(self) -> list[SaleLineForm]:
        return [line for line in self.lines if not line.blank]

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        lines = self.taken_lines
        for line in lines:
            line.full_clean()
        ids = {line.cleaned_data["product"] for line in lines if line.cleaned_data.get("product")}
        if ids:
            self.products = Product.objects.filter(tenant=self.tenant, pk__in=ids).in_bulk()
        for line in lines:
            product = self.products.get(line.cleaned_data.get("product") or 0)
            if product is not None:
                line.product_label = f"{product.sku} {product.name}"
            elif line.cleaned_data.get("product"):
                line.add_error("product", _("Choose a product from the list."))
        if not lines and self.cleaned_data.get("amount") is None and "amount" not in self.errors:
            self.add_error(None, _("Enter an order line or the amount collected."))

    def is_valid(self) -> bool:
        return super().is_valid() and all(not line.errors for line in self.taken_lines)

    def orders(self) -> list[dict]:
        """The order as the daily report takes it (one order of the lines entered), or none."""
        lines = [
            {
                "product": line.cleaned_data["product"],
                "quantity": line.cleaned_data["quantity"],
                "unit_price": line.cleaned_data.get("unit_price"),
            }
            for line in self.taken_lines
        ]
        return [{"lines": lines}] if lines else []

    def payments(self) -> list[dict]:
        data = self.cleaned_data
        if data.get("amount") is None:
            return []
        return [
            {
                "amount": data["amount"],
                "method": data.get("method") or Payment.Method.TRANSFER,
                "reference": data.get("reference", ""),
            }
        ]
