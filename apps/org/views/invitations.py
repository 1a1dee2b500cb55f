"""The invitations of the organisation (or of a manager's line): filter by status, resend, revoke."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.tenancy.form_pages import button_action
from apps.tenancy.http import TenantRequest
from apps.tenancy.views import tenant_page

from .. import selectors, services
from ..forms import InvitationFilterForm
from .people import PAGE_SIZE, page_rights


@tenant_page
def invitation_list_view(request: TenantRequest) -> HttpResponse:
    rights = page_rights(request)
    form = InvitationFilterForm(request.GET)
    status = form.status_value()
    qs = selectors.invitation_list(rights=rights, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "org/invitations.html",
        {"form": form, "status": status, "page_obj": page, "invitations": page.object_list},
    )


def _visible_invitation(request: TenantRequest, invitation_id: int):
    rights = page_rights(request)
    return get_object_or_404(selectors.invitation_list(rights=rights), pk=invitation_id)


@tenant_page
def invitation_resend_view(request: TenantRequest, invitation_id: int) -> HttpResponse:
    invitation = _visible_invitation(request, invitation_id)
    return button_action(
        request,
        act=lambda: services.invitation_resend(invitation=invitation, by=request.membership),
        success=_("A new link was sent to %(email)s; the old one no longer works.")
        % {"email": invitation.email},
        done=reverse("people:invitations", kwargs={"tenant_slug": request.tenant.slug}),
    )


@tenant_page
def invitation_revoke_view(request: TenantRequest, invitation_id: int) -> HttpResponse:
    invitation = _visible_invitation(request, invitation_id)
    return button_action(
        request,
        act=lambda: services.invitation_revoke(invitation=invitation, by=request.membership),
        success=_("The invitation to %(email)s was revoked.") % {"email": invitation.email},
        done=reverse("people:invitations", kwargs={"tenant_slug": request.tenant.slug}),
    )
