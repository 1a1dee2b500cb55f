"""Forms of the visit pages. The customer of an item comes from a queryset scoped to the tenant and to
the plan's rep, built in __init__, so a foreign or invisible id is a form error."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from apps.customers.models import Customer
from apps.customers.selectors import visible_customers
from apps.tenancy.models import Membership

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
