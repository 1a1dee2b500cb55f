"""Forms of the people pages and the invitation page. Every choice of a team or a person comes from
what the viewer may use (apps.org.selectors.people), built in __init__, so a foreign or forbidden id
is a form error, never a lookup elsewhere; the services check the same rules again."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import scopes_disabled

from apps.tenancy.models import Membership, Role

from .handover import handover_participants
from .models import Invitation, Team
from .selectors.people import PeopleRights, handover_recipients, manager_choices, team_choices

STATUS_CHOICES = [
    ("active", _("Active")),
    ("deactivated", _("Deactivated")),
    ("all", pgettext_lazy("people filter", "All")),
]
INVITATION_STATUS_CHOICES = [
    ("pending", pgettext_lazy("invitation status", "Pending")),
    ("expired", _("Expired")),
    ("accepted", _("Accepted")),
    ("revoked", _("Revoked")),
    ("", pgettext_lazy("people filter", "All")),
]


# Field declarations build empty querysets at import time, outside any tenant; __init__ sets the real ones.
with scopes_disabled():

    class PersonChoiceField(forms.ModelChoiceField):
        def label_from_instance(self, obj: Membership) -> str:
            return obj.name

    class PeopleFilterForm(forms.Form):
        fields: dict[str, Any]

        q = forms.CharField(
            label=_("Search"),
            required=False,
            widget=forms.TextInput(
                attrs={"type": "search", "placeholder": _("Name, e-mail or employee number")}
            ),
        )
        role = forms.ChoiceField(label=_("Role"), required=False)
        team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
        status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)

        def __init__(self, *args, rights: PeopleRights, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["role"].choices = [("", pgettext_lazy("people filter", "All")), *Role.choices]
            self.fields["team"].queryset = team_choices(rights)
            self.fields["team"].empty_label = pgettext_lazy("people filter", "All")

        def filters(self) -> dict:
            if not self.is_valid():
                return {}
            data = self.cleaned_data
            return {
                "q": data.get("q") or "",
                "role": data.get("role") or "",
                "team": data.get("team"),
                "status": data.get("status") or "active",
            }

    class PlacementForm(forms.Form):
        """Role, team, manager and employee number, offered as the viewer may set them."""

        fields: dict[str, Any]

        role = forms.ChoiceField(label=_("Role"))
        team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
        reports_to = PersonChoiceField(
            label=_("Reports to"), queryset=Membership.objects.none(), required=False
        )
        employee_no = forms.CharField(label=_("Employee number"), max_length=30, required=False)

        def __init__(self, *args, rights: PeopleRights, member: Membership | None = None, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["role"].choices = [(r, label) for r, label in Role.choices if rights.may_give_role(r)]
            self.fields["team"].queryset = team_choices(rights)
            self.fields["reports_to"].queryset = manager_choices(rights, exclude=member)
            if not rights.everyone:
                # A manager's people always report to someone of the line: no "nobody".
                self.fields["reports_to"].required = True
                self.fields["reports_to"].empty_label = None

    class InviteForm(PlacementForm):
        email = forms.EmailField(label=_("E-mail"), max_length=254)

        field_order = ["email", "role", "team", "reports_to", "employee_no"]

        def __init__(self, *args, rights: PeopleRights, **kwargs):
            super().__init__(*args, rights=rights, **kwargs)
            self.fields["role"].initial = Role.REP
            if not rights.everyone:
                self.fields["reports_to"].initial = rights.viewer.pk

    class MemberForm(PlacementForm):
        """The person page's edit form, filled from the membership."""

        def __init__(self, *args, rights: PeopleRights, member: Membership, **kwargs):
            initial = {
                "role": member.role,
                "team": member.team_id,
                "reports_to": member.reports_to_id,
                "employee_no": member.employee_no,
            }
            super().__init__(*args, rights=rights, member=member, initial=initial, **kwargs)
            if member.role not in dict(self.fields["role"].choices):  # shown, not offered
                self.fields["role"].choices = [(member.role, member.get_role_display())]
                self.fields["role"].disabled = True

        def changed(self) -> dict:
            """Only the fields the user changed, so an untouched field is never re-checked."""
            return {name: self.cleaned_data[name] for name in self.changed_data if name in self.cleaned_data}

    class InvitationFilterForm(forms.Form):
        status = forms.ChoiceField(label=_("Status"), choices=INVITATION_STATUS_CHOICES, required=False)

        def status_value(self) -> str:
            if "status" not in self.data:
                return Invitation.Status.PENDING
            return self.cleaned_data.get("status", "") if self.is_valid() else Invitation.Status.PENDING

    class HandoverForm(forms.Form):
        fields: dict[str, Any]

        to = PersonChoiceField(label=_("Hand over to"), queryset=Membership.objects.none())
        parts = forms.MultipleChoiceField(
            label=_("What moves"), widget=forms.CheckboxSelectMultiple, required=True
        )

        def __init__(self, *args, rights: PeopleRights, source: Membership, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["to"].queryset = handover_recipients(rights, source=source)
            choices = [(p.code, p.label) for p in handover_participants()]
            self.fields["parts"].choices = choices
            self.fields["parts"].initial = [code for code, _label in choices]


class NewPersonForm(forms.Form):
    """The invitation page for someone without an account: their name and a password."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return cleaned
