"""Forms of the organisation settings page. They parse what the browser sends (times, dates, the
weekday boxes, the holiday rows); the rules — bounds, ranges, duplicates — are the service's
(apps.tenancy.services.tenant_settings_update), so the page and the API refuse the same things."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .currencies import currency_choices
from .models import Tenant, Weekday
from .phones import country_choices
from .services import (
    CHECKIN_RADIUS_MAX,
    CHECKIN_RADIUS_MIN,
    HOLIDAY_NAME_MAX,
    HOLIDAYS_MAX,
    LOGO_CONTENT_TYPES,
)


def _label(name: str) -> Any:
    return capfirst(Tenant._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class OrganisationSettingsForm(forms.Form):
    name = forms.CharField(label=_label("name"), max_length=200)
    logo = forms.ImageField(
        label=_label("logo"),
        required=False,
        help_text=_("PNG, JPEG, WebP or GIF, at most 1 MB and 2000 × 2000 pixels; shown in the top bar."),
        # A plain file input: the current logo is shown as an image above it (its file is served to
        # members only, so Django's "currently: <link to MEDIA_URL>" would point nowhere).
        widget=forms.FileInput(attrs={"accept": ",".join(LOGO_CONTENT_TYPES.values())}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    timezone = forms.CharField(
        label=_label("timezone"),
        max_length=64,
        help_text=_("Type to search, e.g. Asia/Shanghai."),
        widget=forms.TextInput(attrs={"list": "timezone-list", "autocomplete": "off", "spellcheck": "false"}),
    )
    currency = forms.ChoiceField(label=_label("currency"), choices=currency_choices)
    country = forms.ChoiceField(
        label=_label("country"),
        choices=country_choices,
        help_text=Tenant._meta.get_field("country").help_text,
    )
    default_language = forms.ChoiceField(label=_label("default_language"), choices=settings.LANGUAGES)
    working_days = forms.TypedMultipleChoiceField(
        label=_label("working_days"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one working day.")},
    )
    work_start = forms.TimeField(label=_label("work_start"), widget=TIME)
    work_end = forms.TimeField(label=_label("work_end"), widget=TIME)
    plan_cutoff = forms.TimeField(
        label=_label("plan_cutoff"),
        widget=TIME,
        help_text=_("Account managers without a submitted visit plan are reminded then."),
    )
    report_deadline = forms.TimeField(
        label=_label("report_deadline"),
        widget=TIME,
        help_text=_("Daily reports submitted later count as late."),
    )
    checkin_radius_m = forms.IntegerField(
        label=_label("checkin_radius_m"), min_value=CHECKIN_RADIUS_MIN, max_value=CHECKIN_RADIUS_MAX
    )
    managers_manage_people = forms.BooleanField(
        label=_("Managers may invite and manage the people of their own line"), required=False
    )

    SECTIONS = (
        (_("Organisation"), ("name", "logo", "timezone", "currency", "country", "default_language")),
        (
            _("Working time"),
            ("working_days", "work_start", "work_end", "plan_cutoff", "report_deadline", "checkin_radius_m"),
        ),
        (_("People"), ("managers_manage_people",)),
    )

    @classmethod
    def initial_for(cls, tenant: Tenant) -> dict[str, Any]:
        return {
            name: getattr(tenant, name) for name in cls.base_fields if name not in ("logo", "remove_logo")
        }

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def settings_changed(self) -> dict[str, Any]:
        """The cleaned settings for the service: the logo only when one was uploaded or cleared."""
        data = dict(self.cleaned_data)
        remove = data.pop("remove_logo", False)
        if not data.get("logo"):  # no upload: the logo stays, unless the box says to remove it
            data.pop("logo", None)
            if remove:
                data["logo"] = None
        return data


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Holiday"), max_length=HOLIDAY_NAME_MAX, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date") and not (data.get("name") or "").strip():
            self.add_error("name", _("Give the holiday a name."))
        if (data.get("name") or "").strip() and not data.get("date") and "date" not in self.errors:
            self.add_error("date", _("Give the holiday's date."))
        return data


class BaseHolidayFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        seen: set = set()
        for form in self.forms:
            if form.cleaned_data.get("DELETE"):
                continue
            day = form.cleaned_data.get("date")
            if day and day in seen:
                form.add_error("date", _("This date is listed twice."))
            seen.add(day)

    def holidays(self) -> list[dict[str, Any]]:
        """The rows kept (filled in, not marked for removal), for the service."""
        return [
            {"date": form.cleaned_data["date"], "name": form.cleaned_data["name"]}
            for form in self.forms
            if form.cleaned_data.get("date") and not form.cleaned_data.get("DELETE")
        ]


HolidayFormSet: type[BaseHolidayFormSet] = forms.formset_factory(  # type: ignore[assignment]
    HolidayForm,
    formset=BaseHolidayFormSet,
    extra=3,
    can_delete=True,
    max_num=HOLIDAYS_MAX,
    validate_max=True,
    absolute_max=HOLIDAYS_MAX + 10,
)


def holiday_initial(tenant: Tenant) -> list[dict[str, Any]]:
    return [{"date": h.get("date"), "name": h.get("name")} for h in tenant.holidays if isinstance(h, dict)]
