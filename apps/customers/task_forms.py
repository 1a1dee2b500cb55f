"""Forms of the task pages (任务). Related rows come from tenant- and viewer-scoped querysets built in
__init__, so a foreign or invisible id is a form error, never a lookup elsewhere."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from apps.tenancy.models import Membership

from .forms import MemberChoiceField
from .models import Customer, Task
from .selectors import member_choices, visible_customers
from .task_sources import source_choices

with scopes_disabled():

    class TaskForm(forms.ModelForm):
        """A task's title, whose it is, by when, how urgent, and at which customer."""

        fields: dict[str, Any]

        owner = MemberChoiceField(label=_("Owner"), queryset=Membership.objects.none())

        class Meta:
            model = Task
            fields = ["title", "owner", "due_on", "priority", "customer", "notes"]
            widgets = {
                "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                "notes": forms.Textarea(attrs={"rows": 3}),
            }

        def __init__(self, *args, viewer: Membership, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["owner"].queryset = member_choices(viewer=viewer).order_by(
                "display_name", "user__username"
            )
            self.fields["customer"].queryset = visible_customers(Customer.objects.all(), viewer).order_by(
                "name", "id"
            )
            if not self.instance.pk:
                self.fields["owner"].initial = viewer.pk
            if self.instance.interaction_id:  # a follow-up stays at its interaction's customer
                del self.fields["customer"]

    class TaskNoteForm(forms.Form):
        note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    class TaskFilterForm(forms.Form):
        """The team's task list filter bar; its cleaned data is the `filters` dict of task_list."""

        fields: dict[str, Any]

        OVERDUE_CHOICES = [("", _("All")), ("true", _("Overdue only"))]

        status = forms.ChoiceField(label=_("Status"), required=False)
        owner = MemberChoiceField(label=_("Owner"), queryset=Membership.objects.none(), required=False)
        source = forms.ChoiceField(label=_("Made by"), required=False)
        overdue = forms.ChoiceField(label=_("Overdue"), choices=OVERDUE_CHOICES, required=False)
        customer = forms.IntegerField(required=False, widget=forms.HiddenInput)

        def __init__(self, *args, viewer: Membership, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["status"].choices = [("", _("All")), *Task.Status.choices]
            self.fields["owner"].queryset = member_choices(viewer=viewer).order_by(
                "display_name", "user__username"
            )
            self.fields["owner"].empty_label = _("All")
            self.fields["source"].choices = [("", _("All")), *source_choices()]

        def filters(self) -> dict:
            if not self.is_valid():
                return {}
            data = self.cleaned_data
            out: dict[str, Any] = {
                k: data[k] for k in ("status", "source", "overdue", "customer") if data.get(k)
            }
            if data.get("owner"):
                out["owner"] = data["owner"].pk
            return out
