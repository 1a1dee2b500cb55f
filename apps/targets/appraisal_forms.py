"""Forms of the appraisal pages. Choices of related rows come from tenant- and viewer-scoped querysets
built in __init__, so a foreign or invisible id is a form error, never a lookup elsewhere."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from apps.customers.selectors import assignable_members
from apps.tenancy.models import Membership

from .models import Appraisal, AppraisalCycle, ImprovementAction, Target

RATINGS = [(str(n), str(n)) for n in range(1, 6)]

# Field declarations build empty querysets at import time, outside any tenant; __init__ sets the real ones.
with scopes_disabled():

    class MemberChoiceField(forms.ModelChoiceField):
        def label_from_instance(self, obj: Membership) -> str:
            return obj.name

    class AppraisalFilterForm(forms.Form):
        """The list's filter bar: cycle and status."""

        cycle = forms.ModelChoiceField(
            label=_("Review cycle"), queryset=AppraisalCycle.objects.none(), required=False
        )
        status = forms.ChoiceField(label=_("Status"), required=False)

        def __init__(self, *args, tenant, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["cycle"].queryset = AppraisalCycle.objects.filter(tenant=tenant).order_by(
                "-period_start", "id"
            )
            self.fields["cycle"].empty_label = _("All")
            self.fields["status"].choices = [("", _("All")), *Appraisal.Status.choices]

        def filters(self) -> dict:
            if not self.is_valid():
                return {}
            out = {}
            if self.cleaned_data.get("cycle"):
                out["cycle"] = self.cleaned_data["cycle"]
            if self.cleaned_data.get("status"):
                out["status"] = self.cleaned_data["status"]
            return out

    class GenerateForm(forms.Form):
        cycle = forms.ModelChoiceField(label=_("Review cycle"), queryset=AppraisalCycle.objects.none())

        def __init__(self, *args, tenant, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["cycle"].queryset = AppraisalCycle.objects.filter(
                tenant=tenant, status=AppraisalCycle.Status.OPEN
            ).order_by("-period_start", "id")

    class TargetChoiceField(forms.ModelChoiceField):
        def __init__(self, *args, metric_names: dict | None = None, **kwargs):
            self.metric_names = metric_names or {}
            super().__init__(*args, **kwargs)

        def label_from_instance(self, obj: Target) -> str:
            name = self.metric_names.get(obj.metric, obj.metric)
            return f"{name} · {obj.period_start:%Y-%m-%d} · {obj.value.normalize():f}"

    class LineForm(forms.Form):
        """One weighted KPI line: a KPI (or one of the rep's targets, which names its KPI), a weight."""

        fields: dict[str, Any]  # __init__ sets querysets and choices the base Field lacks

        target = TargetChoiceField(label=_("Target"), queryset=Target.objects.none(), required=False)
        metric = forms.ChoiceField(label=_("KPI"), required=False)
        weight = forms.DecimalField(
            label=_("Weight"), max_digits=5, decimal_places=2, min_value=0, max_value=100
        )
        note = forms.CharField(label=_("Note"), required=False, max_length=500)

        def __init__(self, *args, targets, metrics: list[dict], **kwargs):
            super().__init__(*args, **kwargs)
            names = {m["code"]: m["name"] for m in metrics}
            self.fields["target"].queryset = targets
            self.fields["target"].metric_names = names
            self.fields["target"].empty_label = _("No target")
            self.fields["metric"].choices = [("", "—"), *names.items()]
            self.fields["weight"].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})

        def clean(self):
            data = super().clean()
            if not data.get("target") and not data.get("metric"):
                raise forms.ValidationError(_("Choose a KPI or a target."))
            return data

    class BaseLineFormSet(forms.BaseFormSet):
        def __init__(self, *args, targets, metrics, **kwargs):
            self.targets, self.metrics = targets, metrics
            super().__init__(*args, **kwargs)

        def get_form_kwargs(self, index):
            return {"targets": self.targets, "metrics": self.metrics}

        @property
        def empty_form(self):
            return self.form(
                auto_id=self.auto_id,
                prefix=self.add_prefix("__prefix__"),
                empty_permitted=True,
                use_required_attribute=False,
                targets=self.targets,
                metrics=self.metrics,
            )

        def lines(self) -> list[dict]:
            return [
                {
                    "target": f.cleaned_data.get("target"),
                    "metric": f.cleaned_data.get("metric") or "",
                    "weight": f.cleaned_data["weight"],
                    "note": f.cleaned_data.get("note") or "",
                }
                for f in self.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]

    # The stubs type the factory's class as BaseFormSet; it is a subclass of BaseLineFormSet.
    LineFormSet = cast(
        "type[BaseLineFormSet]",
        forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=2, can_delete=True),
    )

    class SubmitForm(forms.Form):
        rating = forms.TypedChoiceField(label=_("Rating"), choices=RATINGS, coerce=int)
        feedback = forms.CharField(
            label=_("Feedback"), required=False, widget=forms.Textarea(attrs={"rows": 4})
        )

    class AcknowledgeForm(forms.Form):
        comment = forms.CharField(
            label=_("Your comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )

    class ActionForm(forms.ModelForm):
        fields: dict[str, Any]  # __init__ sets querysets and choices the base Field lacks

        owner = MemberChoiceField(label=_("Owner"), queryset=Membership.objects.none())

        class Meta:
            model = ImprovementAction
            fields = ["description", "owner", "due_date"]
            widgets = {
                "description": forms.Textarea(attrs={"rows": 2}),
                "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            }

        def __init__(self, *args, viewer: Membership, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["owner"].queryset = assignable_members(
                Membership.objects.select_related("user"), viewer
            ).order_by("display_name", "user__username")

    class CycleForm(forms.ModelForm):
        """A review cycle (考核周期): its name, cadence, period and whether appraisals may still start."""

        class Meta:
            model = AppraisalCycle
            fields = ["name", "cadence", "period_start", "period_end", "status"]
            widgets = {
                "period_start": forms.DateInput(attrs={"type": "date"}),
                "period_end": forms.DateInput(attrs={"type": "date"}),
            }

        def clean(self):
            # The table's check constraint says this too, but Django shows a constraint's message
            # above the form: on the end date, the user sees which date to correct.
            data = super().clean()
            start, end = data.get("period_start"), data.get("period_end")
            if start and end and end < start:
                self.add_error("period_end", _("The period ends before it starts."))
            return data
