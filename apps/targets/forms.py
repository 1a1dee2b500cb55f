"""Forms of the target pages. Related rows come from tenant-scoped querysets set in __init__."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from apps.org.models import Team
from apps.tenancy.dates import YEARS, period_floor
from apps.tenancy.models import Membership

from .models import GRAIN_CHOICES, SeasonalProfile, Target
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

    class TargetCreateForm(forms.Form):
        """A new target, usually the top of a breakdown: the organisation's or a team's (or one account
        manager's). The period is any day in it; the form turns it into the period's first day."""

        fields: dict[str, Any]

        metric = forms.ChoiceField(label=_("KPI"))
        owner_kind = forms.ChoiceField(label=_("Owner"), choices=Target.OwnerKind.choices)
        team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
        rep = forms.ModelChoiceField(
            label=_("Account manager"), queryset=Membership.objects.none(), required=False
        )
        grain = forms.ChoiceField(label=_("Period"), choices=GRAIN_CHOICES, initial="year")
        period_start = forms.DateField(
            label=_("Any day in the period"), widget=forms.DateInput(attrs={"type": "date"})
        )
        value = forms.DecimalField(label=_("Target value"), **VALUE_FIELD)
        statement = forms.CharField(
            label=_("SMART statement"),
            max_length=500,
            required=False,
            help_text=_("What, how much, by when — e.g. “East region sales of 12 million yuan in 2027”."),
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        seasonal_profile = forms.ModelChoiceField(
            label=_("Seasonal profile"), queryset=SeasonalProfile.objects.none(), required=False
        )

        def __init__(self, *args, tenant, metrics: list[tuple[str, str]], teams, reps, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["metric"].choices = metrics
            self.fields["team"].queryset = teams
            self.fields["rep"].queryset = reps
            self.fields["seasonal_profile"].queryset = SeasonalProfile.objects.filter(tenant=tenant).order_by(
                "name"
            )

        def clean(self):
            data = super().clean()
            day, grain = data.get("period_start"), data.get("grain")
            if day and day.year not in YEARS:
                self.add_error(
                    "period_start",
                    _("Choose a day between %(first)d and %(last)d.")
                    % {"first": YEARS.start, "last": YEARS.stop - 1},
                )
            elif day and grain:
                data["period_start"] = period_floor(day, grain)
            kind = data.get("owner_kind")
            if kind == Target.OwnerKind.TEAM and not data.get("team"):
                self.add_error("team", _("A team target names its team."))
            if kind == Target.OwnerKind.REP and not data.get("rep"):
                self.add_error("rep", _("A rep target names its account manager."))
            return data
