"""Forms of the target pages. Related rows come from tenant-scoped querysets set in __init__."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from .models import SeasonalProfile
from .selectors import BREAKDOWNS

ALLOCATIONS = [
    ("equal", _("Equal split")),
    ("history", _("By last year's share")),
    ("seasonal", _("By seasonal profile")),
    ("manual", _("By hand")),
]
VALUE_FIELD: dict[str, Any] = {"max_digits": 16, "decimal_places": 4, "min_value": 0}

with scopes_disabled():

    class BreakdownForm(forms.Form):
        """How to break a target down: into what, and how to allocate its value (then editable)."""

        fields: dict[str, Any]  # __init__ sets querysets and choices the base Field lacks

        split = forms.ChoiceField(label=_("Break down into"))
        allocation = forms.ChoiceField(label=_("Allocation"), choices=ALLOCATIONS, initial="equal")
        seasonal_profile = forms.ModelChoiceField(
            label=_("Seasonal profile"), queryset=SeasonalProfile.objects.none(), required=False
        )

        def __init__(self, *args, tenant, splits: list[str], **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["split"].choices = [(s, BREAKDOWNS[s]) for s in splits]
            self.fields["seasonal_profile"].queryset = SeasonalProfile.objects.filter(tenant=tenant).order_by(
                "name"
            )
            self.fields["seasonal_profile"].empty_label = _("Choose a profile")

        def clean(self):
            data = super().clean()
            if data.get("allocation") == "seasonal" and not data.get("seasonal_profile"):
                self.add_error("seasonal_profile", _("Choose the seasonal profile to split by."))
            return data

    class BreakdownValuesForm(forms.Form):
        """One value per child, prefilled with the allocation and editable before saving."""

        def __init__(self, *args, labels: list[str], **kwargs):
            super().__init__(*args, **kwargs)
            for i, label in enumerate(labels):
                self.fields[f"value_{i}"] = forms.DecimalField(label=label, **VALUE_FIELD)

        def values(self) -> list:
            return [self.cleaned_data[f"value_{i}"] for i in range(len(self.fields))]

    class TargetValueForm(forms.Form):
        """The tree's inline edit of one target's value."""

        value = forms.DecimalField(label=_("Target value"), **VALUE_FIELD)
