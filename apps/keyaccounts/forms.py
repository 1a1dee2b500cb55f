"""Forms of the key-account plan pages. Related rows come from tenant- and viewer-scoped querysets
built in __init__; the stage rules (apps/keyaccounts/rules.py) show on their fields before a save."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from apps.customers.forms import MemberChoiceField
from apps.customers.models import Customer
from apps.customers.selectors import member_choices
from apps.tenancy.models import Membership

from .models import KeyAccountPlan, PlanStage
from .rules import SCORE_MAX, period_errors, stage_errors
from .selectors import key_account_choices


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


with scopes_disabled():

    class PlanFilterForm(forms.Form):
        """The list's filter bar; its cleaned data is the `filters` dict the selector understands."""

        fields: dict[str, Any]

        q = forms.CharField(
            label=_("Search"),
            required=False,
            widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title or customer")}),
        )
        owner = MemberChoiceField(
            label=_("Account manager"), queryset=Membership.objects.none(), required=False
        )
        status = forms.ChoiceField(label=_("Status"), required=False)
        due = forms.BooleanField(label=_("Review due"), required=False)

        def __init__(self, *args, viewer: Membership, today, **kwargs):
            super().__init__(*args, **kwargs)
            self.today = today
            self.fields["owner"].queryset = member_choices(viewer=viewer).order_by(
                "display_name", "user__username"
            )
            self.fields["owner"].empty_label = _("All")
            self.fields["status"].choices = [("", _("All")), *KeyAccountPlan.Status.choices]
            if viewer.role == "rep":
                del self.fields["owner"]

        def filters(self) -> dict:
            if not self.is_valid():
                return {}
            data = self.cleaned_data
            out: dict[str, Any] = {"q": data.get("q") or ""}
            if data.get("owner"):
                out["owner"] = data["owner"].pk
            if data.get("status"):
                out["status"] = data["status"]
            if data.get("due"):
                out["review_due_by"] = self.today.isoformat()
            return {k: v for k, v in out.items() if v not in ("", None)}

    class CustomerChoiceField(forms.ModelChoiceField):
        def label_from_instance(self, obj: Customer) -> str:
            return f"{obj.code} {obj.name}" + (" ★" if obj.is_key_account else "")

    class PlanForm(forms.ModelForm):
        fields: dict[str, Any]

        customer = CustomerChoiceField(label=_("Customer"), queryset=Customer.objects.none())
        owner = MemberChoiceField(
            label=_("Account manager"),
            queryset=Membership.objects.none(),
            required=False,
            help_text=_("Leave empty for the customer's account manager."),
        )

        class Meta:
            model = KeyAccountPlan
            fields = [
                "customer",
                "owner",
                "title",
                "starts_on",
                "ends_on",
                "review_interval_days",
                "next_review_on",
                "needs",
                "decision_makers",
                "our_position",
                "competitors",
            ]
            widgets = {
                "starts_on": _date_input(),
                "ends_on": _date_input(),
                "next_review_on": _date_input(),
                "needs": forms.Textarea(attrs={"rows": 4}),
                "decision_makers": forms.Textarea(attrs={"rows": 3}),
                "our_position": forms.Textarea(attrs={"rows": 3}),
                "competitors": forms.Textarea(attrs={"rows": 3}),
            }
            help_texts = {
                "needs": _("The customer's business, what they need from us, their pain points."),
                "decision_makers": _("Who decides, who influences, who uses: names and roles."),
                "our_position": _("Our share of their purchases, strengths and weak spots."),
            }

        def __init__(self, *args, viewer: Membership, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["customer"].queryset = key_account_choices(viewer=viewer).select_related(None)
            self.fields["owner"].queryset = member_choices(viewer=viewer).order_by(
                "display_name", "user__username"
            )
            if self.instance.pk:
                self.fields["owner"].required = True
                if self.instance.status != KeyAccountPlan.Status.DRAFT:
                    del self.fields["customer"]  # only a draft moves to another customer

        def clean(self) -> dict:
            super().clean()
            data = self.cleaned_data
            for field, message in period_errors(data.get("starts_on"), data.get("ends_on")).items():
                self.add_error(field, message)
            if not data.get("owner"):
                data.pop("owner", None)
            return data

        def validate_unique(self) -> None:
            """The model's constraints are the rules above and the service's (one plan in work per
            customer), each shown on its field; Django's check would repeat them above the form."""

    class StageForm(forms.ModelForm):
        fields: dict[str, Any]

        class Meta:
            model = PlanStage
            fields = ["name", "starts_on", "ends_on", "revenue_goal", "satisfaction_goal", "goals"]
            widgets = {
                "starts_on": _date_input(),
                "ends_on": _date_input(),
                "goals": forms.Textarea(attrs={"rows": 3}),
            }
            help_texts = {
                "revenue_goal": _("The customer's sales in the stage's dates, e.g. this quarter's."),
                "satisfaction_goal": _("A score from 0 to 5."),
            }

        def __init__(self, *args, plan: KeyAccountPlan, **kwargs):
            super().__init__(*args, **kwargs)
            self.plan = plan
            self.fields["satisfaction_goal"].widget.attrs.update({"min": 0, "max": SCORE_MAX, "step": "0.1"})
            self.fields["revenue_goal"].widget.attrs.update({"min": 0})

        def clean(self) -> dict:
            super().clean()
            data = self.cleaned_data
            errors = stage_errors(
                plan_starts_on=self.plan.starts_on,
                plan_ends_on=self.plan.ends_on,
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
                revenue_goal=data.get("revenue_goal"),
                satisfaction_goal=data.get("satisfaction_goal"),
            )
            for field, message in errors.items():
                if field not in self.errors:
                    self.add_error(field, message)
            return data

        def validate_unique(self) -> None:
            """The model's constraints are the rules above and the service's (one plan in work per
            customer), each shown on its field; Django's check would repeat them above the form."""

    class ReviewForm(forms.Form):
        fields: dict[str, Any]

        reviewed_on = forms.DateField(label=_("Reviewed on"), widget=_date_input())
        note = forms.CharField(
            label=_("Note"),
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("What was seen: progress against the goals, what changed at the customer."),
        )
        stage = forms.ModelChoiceField(
            label=_("Stage"),
            queryset=PlanStage.objects.none(),
            required=False,
            empty_label=_("Current stage"),
        )
        satisfaction_actual = forms.DecimalField(
            label=_("Satisfaction reached"),
            required=False,
            min_value=0,
            max_value=SCORE_MAX,
            max_digits=3,
            decimal_places=1,
            help_text=_("A score from 0 to 5, until satisfaction surveys provide it."),
        )
        next_review_on = forms.DateField(
            label=_("Next review"),
            required=False,
            widget=_date_input(),
            help_text=_("Leave empty for one review interval on."),
        )

        def __init__(self, *args, plan: KeyAccountPlan, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["stage"].queryset = PlanStage.objects.filter(
                tenant_id=plan.tenant_id, plan=plan
            ).order_by("starts_on", "position", "id")


with scopes_disabled():

    class StageTaskForm(forms.Form):
        """A stage's task and the person responsible for it."""

        fields: dict[str, Any]

        title = forms.CharField(label=_("Task"), max_length=200)
        owner = MemberChoiceField(
            label=_("Responsible"),
            queryset=Membership.objects.none(),
            required=False,
            help_text=_("Leave empty to take it yourself."),
        )
        due_on = forms.DateField(label=_("Due on"), required=False, widget=_date_input())
        notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

        def __init__(self, *args, viewer: Membership, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["owner"].queryset = member_choices(viewer=viewer).order_by(
                "display_name", "user__username"
            )

        def clean(self) -> dict:
            super().clean()
            data = self.cleaned_data
            if not data.get("owner"):
                data.pop("owner", None)
            return data
