"""A visit's outcome on an opportunity (商机): the rep moves one of the visited customer's open
opportunities, or sets its next step, from the visit."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.tenancy.form_pages import record_form_page
from apps.tenancy.http import TenantRequest
from apps.tenancy.views import tenant_page

from .. import services
from ..opportunity_forms import VisitOpportunityForm
from .plans import FIELD_ROLES, _own_visit, _today_url


@tenant_page(roles=FIELD_ROLES)
def visit_opportunity_view(request: TenantRequest, visit_id: int) -> HttpResponse:
    visit = _own_visit(request, visit_id)
    form = VisitOpportunityForm(
        request.POST or None,
        initial={"opportunity": request.GET.get("opportunity")},
        visit=visit,
        viewer=request.membership,
    )

    def save(data: dict) -> object:
        changes = form.changes()
        changes.pop("opportunity", None)
        return services.visit_opportunity_advance(
            visit=visit,
            by=request.membership,
            opportunity=data["opportunity"],
            stage=data["stage"],
            **changes,
        )

    return record_form_page(
        request,
        form,
        save=save,
        saved=_("The opportunity was updated from the visit."),
        done=_today_url(request, visit.day) + f"#visit-{visit.pk}",
        template="visits/opportunity_form.html",
        context={
            "visit": visit,
            "new_url": reverse("pipeline:create", kwargs={"tenant_slug": request.tenant.slug})
            + f"?customer={visit.customer_id or ''}",
        },
    )
