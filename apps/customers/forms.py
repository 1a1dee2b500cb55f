"""Forms of the customer pages. Every choice of a related row comes from a tenant- and viewer-scoped
queryset built in __init__, so a foreign or invisible id is a form error, never a lookup elsewhere."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from apps.org.models import Region
from apps.tenancy.models import Membership

from .models import Contact, Customer, Interaction
from .selectors import member_choices

# Field declarations build empty querysets at import time, outside any tenant; __init__ sets the real,
# tenant- and viewer-scoped ones.
with scopes_disabled():

    class MemberChoiceField(forms.ModelChoiceField):
        def label_from_instance(self, obj: Membership) -> str:
            return obj.name

    class CustomerFilterForm(forms.Form):
        """The list's filter bar. Its cleaned data is the `filters` dict the selector understands."""

        fields: dict[str, Any]  # __init__ sets querysets and choices the base Field lacks

        KEY_CHOICES = [("", _("All")), ("true", _("Key accounts")), ("false", _("Other customers"))]

        q = forms.CharField(
            label=_("Search"),
            required=False,
            widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Code, name or phone")}),
        )
        owner = MemberChoiceField(
            label=_("Account manager"), queryset=Membership.objects.none(), required=False
        )
        region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)
        segment = forms.ChoiceField(label=_("Segment"), required=False)
        status = forms.ChoiceField(label=_("Status"), required=False)
        is_key_account = forms.ChoiceField(label=_("Key account"), choices=KEY_CHOICES, required=False)

        def __init__(self, *args, tenant, viewer: Membership, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["owner"].queryset = member_choices(viewer=viewer).order_by(
                "display_name", "user__username"
            )
            self.fields["owner"].empty_label = _("All")
            self.fields["region"].queryset = Region.objects.filter(tenant=tenant).order_by("code")
            self.fields["region"].empty_label = _("All")
            self.fields["segment"].choices = [("", _("All")), *Customer.Segment.choices]
            self.fields["status"].choices = [("", _("All")), *Customer.Status.choices]
            if viewer.role == "rep":  # a rep only has their own customers: the filter would be noise
                del self.fields["owner"]

        def filters(self) -> dict:
            if not self.is_valid():
                return {}
            data = self.cleaned_data
            out = {"q": data.get("q") or ""}
            if data.get("owner"):
                out["owner"] = data["owner"].pk
            if data.get("region"):
                out["region"] = data["region"].pk
            for key in ("segment", "status", "is_key_account"):
                if data.get(key):
                    out[key] = data[key]
            return {k: v for k, v in out.items() if v not in ("", None)}

    class CustomerForm(forms.ModelForm):
        fields: dict[str, Any]  # __init__ sets querysets and choices the base Field lacks

        owner = MemberChoiceField(label=_("Account manager"), queryset=Membership.objects.none())

        class Meta:
            model = Customer
            fields = [
                "code",
                "name",
                "owner",
                "region",
                "segment",
                "status",
                "is_key_account",
                "phone",
                "address",
                "notes",
            ]
            widgets = {
                "notes": forms.Textarea(attrs={"rows": 4}),
                "phone": forms.TextInput(attrs={"type": "tel"}),
            }

        def __init__(self, *args, tenant, viewer: Membership, **kwargs):
            super().__init__(*args, **kwargs)
            self.tenant = tenant
            self.fields["owner"].queryset = member_choices(viewer=viewer).order_by(
                "display_name", "user__username"
            )
            self.fields["region"].queryset = Region.objects.filter(tenant=tenant).order_by("code")
            if not self.instance.pk:
                self.fields["owner"].initial = viewer.pk

        def clean_code(self) -> str:
            code = self.cleaned_data["code"].strip()
            clash = Customer.objects.filter(tenant=self.tenant, code=code)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(_("A customer with this code already exists."))
            return code

    class ContactForm(forms.ModelForm):
        """A person at the customer (客户联系人): who they are and how to reach them."""

        class Meta:
            model = Contact
            fields = ["name", "title", "phone", "email", "birthday", "is_primary"]
            widgets = {
                "phone": forms.TextInput(attrs={"type": "tel"}),
                "birthday": forms.DateInput(attrs={"type": "date"}),
            }

    class InteractionForm(forms.ModelForm):
        """One touchpoint on the customer's timeline: a call, a visit, a meeting… with whom and when."""

        fields: dict[str, Any]

        rep = MemberChoiceField(label=_("Account manager"), queryset=Membership.objects.none())

        class Meta:
            model = Interaction
            fields = ["kind", "occurred_at", "subject", "contact", "rep", "notes", "follow_up_on"]
            widgets = {
                "occurred_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                "follow_up_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                "notes": forms.Textarea(attrs={"rows": 4}),
            }

        def __init__(self, *args, customer: Customer, viewer: Membership, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["contact"].queryset = Contact.objects.filter(
                tenant_id=customer.tenant_id, customer=customer
            ).order_by("-is_primary", "name")
            self.fields["rep"].queryset = member_choices(viewer=viewer).order_by(
                "display_name", "user__username"
            )
            if not self.instance.pk:
                self.fields["rep"].initial = viewer.pk
