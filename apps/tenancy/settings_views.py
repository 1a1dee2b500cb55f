"""The organisation settings page (admins) and the organisation's logo (every member)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import services
from .http import TenantRequest
from .models import TIMEZONE_CHOICES, Role
from .selectors import settings_trail_rows, tenant_settings_trail
from .settings_forms import HolidayFormSet, OrganisationSettingsForm, holiday_initial
from .views import refusal_shown, show_refusal, tenant_page

TRAIL_PAGE_SIZE = 10


@tenant_page(roles=[Role.ADMIN])
def organisation_settings(request: TenantRequest) -> HttpResponse:
    """Edit the organisation's settings; below the form, who changed which setting when."""
    tenant = request.tenant
    holiday_errors: list[str] = []
    if request.method == "POST":
        form = OrganisationSettingsForm(request.POST, request.FILES)
        holidays = HolidayFormSet(request.POST, prefix="holidays")
        if form.is_valid() and holidays.is_valid():
            with refusal_shown() as outcome:
                services.tenant_settings_update(
                    tenant=tenant,
                    by=request.membership,
                    **form.settings_changed(),
                    holidays=holidays.holidays(),
                )
            if not outcome.refused:
                messages.success(request, _("The organisation's settings were saved."))
                return redirect("organisation-settings", tenant_slug=tenant.slug)
            holiday_errors = _show_refusal(outcome.error, form)
        messages.error(request, _("The settings were not saved. Please correct the errors below."))
    else:
        form = OrganisationSettingsForm(initial=OrganisationSettingsForm.initial_for(tenant))
        holidays = HolidayFormSet(initial=holiday_initial(tenant), prefix="holidays")
    trail = Paginator(tenant_settings_trail(tenant=tenant), TRAIL_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tenancy/settings_organisation.html",
        {
            "form": form,
            "holidays": holidays,
            "holiday_errors": holiday_errors,
            "timezones": [tz for tz, _label in TIMEZONE_CHOICES],
            "page_obj": trail,
            "trail": settings_trail_rows(list(trail.object_list)),
        },
    )


def _show_refusal(
    error: ValidationError | PermissionDenied | None, form: OrganisationSettingsForm
) -> list[str]:
    """The service's refusal on the settings form's fields; what it says about the holidays (by
    date, under one key) is returned, for the holiday table."""
    if isinstance(error, ValidationError) and "holidays" in getattr(error, "error_dict", {}):
        holidays = ValidationError(error.error_dict["holidays"]).messages
        rest = {key: errors for key, errors in error.error_dict.items() if key != "holidays"}
        if rest:
            show_refusal(form, ValidationError(rest))
        return holidays
    if error is not None:
        show_refusal(form, error)
    return []


@tenant_page
def organisation_logo(request: TenantRequest) -> HttpResponseBase:
    """The logo, for the organisation's own members only (the file's name is never published)."""
    logo = request.tenant.logo
    if not logo:
        raise Http404
    try:
        handle = logo.open("rb")
    except FileNotFoundError:
        raise Http404
    extension = (logo.name or "").rsplit(".", 1)[-1].lower()
    response = FileResponse(handle, content_type=services.LOGO_CONTENT_TYPES.get(extension, "image/png"))
    # Each upload gets a new name and the page links it with ?v=<name>, so a long cache is safe.
    response["Cache-Control"] = "private, max-age=604800"
    return response
