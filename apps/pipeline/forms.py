"""Forms of the pipeline pages. Every related row comes from a tenant- and viewer-scoped queryset
built in __init__, so a foreign or invisible id is a form error."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from apps.customers.forms import MemberChoiceField
from apps.customers.models import Customer
from apps.customers.selectors import member_choices, visible_customers
from apps.org.models import Team
from apps.sales.models import Order, Product, ProductCategory
from apps.tenancy.models import Membership, Role

from .models import Opportunity, Stage

LINES = 3  # product lines on the form; the API takes any number

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

with scopes_disabled():

    class OpportunityFilterForm(forms.Form):
        """The list's filter bar; its cleaned data is the `filters` dict the selector understands."""

        fields: dict[str, Any]

        q = forms.CharField(
            label=_("Search"),
            required=False,
            widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, customer or prospect")}),
        )
        owner = MemberChoiceField(
            label=_("Account manager"), queryset=Membership.objects.none(), required=False
        )
        stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.none(), required=False)
        status = forms.ChoiceField(label=_("Status"), required=False)
        close_from = forms.DateField(label=_("Closing from"), required=False, widget=DATE)
        close_to = forms.DateField(label=_("Closing until"), required=False, widget=DATE)

        def __init__(self, *args, tenant, viewer: Membership, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["owner"].queryset = member_choices(viewer=viewer).order_by(
                "display_name", "user__username"
            )
            self.fields["owner"].empty_label = _("All")
            self.fields["stage"].queryset = Stage.objects.filter(tenant=tenant).order_by("order", "id")
            self.fields["stage"].empty_label = _("All")
            self.fields["status"].choices = [("", _("All")), *Opportunity.Status.choices]
            if viewer.role == Role.REP:
                del self.fields["owner"]

        def filters(self) -> dict:
            if not self.is_valid():
                return {}
            out: dict[str, Any] = {}
            for key, value in self.cleaned_data.items():
                if value in ("", None):
                    continue
                out[key] = value.pk if hasattr(value, "pk") else value
            return out

    class OpportunityForm(forms.ModelForm):
        """An opportunity with up to LINES product lines (line_<n>_product / _category / _amount):
        cleaned_data["lines"] is the list the services take."""

        fields: dict[str, Any]

        owner = MemberChoiceField(label=_("Account manager"), queryset=Membership.objects.none())
        customer = forms.ModelChoiceField(
            label=_("Customer"), queryset=Customer.objects.none(), required=False
        )
        stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.none())
        probability = forms.IntegerField(
            label=_("Probability (%)"),
            min_value=0,
            max_value=100,
            required=False,
            help_text=_("Empty: the stage's default."),
        )

        class Meta:
            model = Opportunity
            fields = [
                "name",
                "customer",
                "prospect_name",
                "prospect_contact",
                "prospect_phone",
                "owner",
                "stage",
                "amount",
                "probability",
                "expected_close",
                "source",
                "competitors",
                "next_step",
                "next_step_on",
            ]
            widgets = {"expected_close": DATE, "next_step_on": DATE}

        def __init__(self, *args, tenant, viewer: Membership, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["owner"].queryset = member_choices(viewer=viewer).order_by(
                "display_name", "user__username"
            )
            self.fields["customer"].queryset = visible_customers(Customer.objects.all(), viewer).order_by(
                "name"
            )
            self.fields["customer"].help_text = _("Or, for a new prospect, its name and contact below.")
            self.fields["amount"].required = False
            self.fields["amount"].help_text = _("With product lines, their sum.")
            stages = Stage.objects.filter(tenant=tenant).order_by("order", "id")
            self.fields["stage"].queryset = stages.filter(kind=Stage.Kind.OPEN)
            if self.instance.pk:
                del self.fields["stage"]  # a stage changes by a move, which keeps the history
            if not self.is_bound and not self.instance.pk:
                self.initial.setdefault("owner", viewer.pk)
            products = Product.objects.filter(tenant=tenant, is_active=True).order_by("sku")
            categories = ProductCategory.objects.filter(tenant=tenant).order_by("code")
            existing = list(self.instance.lines.all()) if self.instance.pk else []
            for n in range(1, LINES + 1):
                line = existing[n - 1] if n <= len(existing) else None
                self.fields[f"line_{n}_product"] = forms.ModelChoiceField(
                    label=_("Product %(n)s") % {"n": n},
                    queryset=products,
                    required=False,
                    initial=line.product_id if line else None,
                )
                self.fields[f"line_{n}_category"] = forms.ModelChoiceField(
                    label=_("or category %(n)s") % {"n": n},
                    queryset=categories,
                    required=False,
                    initial=line.category_id if line and not line.product_id else None,
                )
                self.fields[f"line_{n}_amount"] = forms.DecimalField(
                    label=_("Expected amount %(n)s") % {"n": n},
                    min_value=0,
                    max_digits=14,
                    decimal_places=2,
                    required=False,
                    initial=line.amount if line else None,
                )

        def clean(self) -> dict[str, Any]:
            data = super().clean() or {}
            lines = []
            for n in range(1, LINES + 1):
                product, category = data.pop(f"line_{n}_product", None), data.pop(f"line_{n}_category", None)
                amount = data.pop(f"line_{n}_amount", None)
                if product is None and category is None and amount is None:
                    continue
                if product is None and category is None:
                    self.add_error(f"line_{n}_product", _("Choose a product or a category for this amount."))
                    continue
                if amount is None:
                    self.add_error(f"line_{n}_amount", _("Enter the expected amount of this line."))
                    continue
                lines.append({"product": product, "category": category, "amount": amount})
            if lines or self.instance.pk:
                data["lines"] = lines
            if not data.get("amount"):
                data.pop("amount", None)
            if data.get("probability") is None:
                data.pop("probability", None)
            return data

    class MoveForm(forms.Form):
        """The board's move (and a visit's): a stage, and what it may require on the way."""

        fields: dict[str, Any]

        stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.none())
        amount = forms.DecimalField(
            label=_("Expected amount"), min_value=0, max_digits=14, decimal_places=2, required=False
        )
        next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
        next_step_on = forms.DateField(label=_("Next step on"), required=False, widget=DATE)
        expected_close = forms.DateField(label=_("Expected close"), required=False, widget=DATE)

        def __init__(self, *args, tenant, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["stage"].queryset = Stage.objects.filter(
                tenant=tenant, kind=Stage.Kind.OPEN
            ).order_by("order", "id")

        def changes(self) -> dict[str, Any]:
            """Only the fields posted with a value change on the way (a drag posts the stage alone)."""
            return {f: v for f, v in self.cleaned_data.items() if f != "stage" and v not in ("", None)}

    class WonForm(forms.Form):
        fields: dict[str, Any]

        ORDER_CHOICES = [
            ("none", _("No order yet")),
            ("create", _("Create the order from the product lines")),
            ("link", _("Link an existing order")),
        ]
        order_action = forms.ChoiceField(
            label=_("Order"), choices=ORDER_CHOICES, initial="none", widget=forms.RadioSelect
        )
        order = forms.ModelChoiceField(
            label=_("Existing order"), queryset=Order.objects.none(), required=False
        )
        note = forms.CharField(label=_("Note"), max_length=300, required=False)

        def __init__(self, *args, opportunity: Opportunity, **kwargs):
            super().__init__(*args, **kwargs)
            qs = Order.objects.none()
            if opportunity.customer_id:
                qs = Order.objects.filter(
                    tenant_id=opportunity.tenant_id, customer_id=opportunity.customer_id
                ).order_by("-order_date", "-id")[:50]
                qs = Order.objects.filter(pk__in=[o.pk for o in qs]).order_by("-order_date", "-id")
            self.fields["order"].queryset = qs

        def clean(self) -> dict[str, Any]:
            data = super().clean() or {}
            if data.get("order_action") == "link" and not data.get("order"):
                self.add_error("order", _("Choose the order."))
            return data

    class LostForm(forms.Form):
        fields: dict[str, Any]

        reason = forms.ChoiceField(label=_("Reason"), choices=Opportunity.LostReason.choices)
        note = forms.CharField(
            label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
        )

    class StageForm(forms.ModelForm):
        class Meta:
            model = Stage
            fields = [
                "name",
                "order",
                "probability",
                "kind",
                "requires_amount",
                "requires_expected_close",
                "requires_next_step",
            ]

    class BoardScopeForm(forms.Form):
        """Whose board: one account manager, or a team (with its sub-teams)."""

        fields: dict[str, Any]

        owner = MemberChoiceField(
            label=_("Account manager"), queryset=Membership.objects.none(), required=False
        )
        team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)

        def __init__(self, *args, tenant, viewer: Membership, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["owner"].queryset = member_choices(viewer=viewer).order_by(
                "display_name", "user__username"
            )
            self.fields["owner"].empty_label = _("Everyone I see")
            self.fields["team"].queryset = Team.objects.filter(tenant=tenant).order_by("name")
            self.fields["team"].empty_label = _("All teams")

    class OpportunityTaskForm(forms.Form):
        """A task for the opportunity: what, by when (its owner is the opportunity's)."""

        title = forms.CharField(label=_("Task"), max_length=200)
        due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE)
        notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
