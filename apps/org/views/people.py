"""The people pages: the list, one person (role, team, manager, employee number, deactivation), and
inviting. Open to an administrator, and to a sales manager for their own line where the organisation
allows it; anyone else gets 404, like a page that does not exist."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.tenancy.form_pages import button_action
from apps.tenancy.http import TenantRequest
from apps.tenancy.views import refusal_shown, tenant_page

from .. import selectors, services
from ..forms import InviteForm, MemberForm, PeopleFilterForm

PAGE_SIZE = 25


def page_rights(request: TenantRequest) -> selectors.PeopleRights:
    """The viewer's rights over people; 404 for someone who may manage nobody."""
    rights = selectors.people_rights(request.membership)
    if not rights.any:
        raise Http404
    return rights


def managed_person(request: TenantRequest, rights: selectors.PeopleRights, member_id: int):
    """Another tenant's id, or someone the viewer may not manage, is a 404 alike."""
    return get_object_or_404(
        selectors.manageable_people(rights).select_related("user", "team", "reports_to__user"), pk=member_id
    )


@tenant_page
def people_list_view(request: TenantRequest) -> HttpResponse:
    rights = page_rights(request)
    form = PeopleFilterForm(request.GET or None, rights=rights)
    filters = form.filters() if request.GET else {}
    qs = selectors.people_list(rights=rights, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "org/people_list.html",
        {
            "form": form,
            "page_obj": page,
            "people": page.object_list,
            "filtered": any(v for k, v in filters.items() if k != "status")
            or filters.get("status", "active") != "active",
            "pending_invitations": selectors.pending_invitation_count(rights=rights),
        },
    )


@tenant_page
def person_view(request: TenantRequest, member_id: int) -> HttpResponse:
    rights = page_rights(request)
    member = managed_person(request, rights, member_id)
    form = MemberForm(request.POST or None, rights=rights, member=member)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as outcome:
            services.membership_update(member=member, by=request.membership, **form.changed())
        if not outcome.refused:
            messages.success(request, _("%(name)s was saved.") % {"name": member.name})
            return redirect("people:detail", tenant_slug=request.tenant.slug, member_id=member.pk)
    return render(
        request,
        "org/person.html",
        {
            "member": member,
            "form": form,
            "reports": selectors.direct_reports(member),
            "history": selectors.member_history(member),
            "is_self": member.pk == request.membership.pk,
        },
    )


@tenant_page
def person_deactivate_view(request: TenantRequest, member_id: int) -> HttpResponse:
    """GET asks for confirmation (saying who will report to whom); POST deactivates."""
    rights = page_rights(request)
    member = managed_person(request, rights, member_id)
    if request.method == "POST":
        with refusal_shown(request) as outcome:
            services.membership_deactivate(member=member, by=request.membership)
        if not outcome.refused:
            messages.success(
                request, _("%(name)s was deactivated and can no longer sign in here.") % {"name": member.name}
            )
        return redirect("people:detail", tenant_slug=request.tenant.slug, member_id=member.pk)
    return render(
        request,
        "org/person_deactivate.html",
        {"member": member, "reports": selectors.direct_reports(member)},
    )


@tenant_page
def person_reactivate_view(request: TenantRequest, member_id: int) -> HttpResponse:
    rights = page_rights(request)
    member = managed_person(request, rights, member_id)
    return button_action(
        request,
        act=lambda: services.membership_reactivate(member=member, by=request.membership),
        success=_("%(name)s was reactivated.") % {"name": member.name},
        done=reverse("people:detail", kwargs={"tenant_slug": request.tenant.slug, "member_id": member.pk}),
    )


@tenant_page
def invite_view(request: TenantRequest) -> HttpResponse:
    rights = page_rights(request)
    form = InviteForm(request.POST or None, rights=rights)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as outcome:
            invitation = services.invitation_create(
                tenant=request.tenant, by=request.membership, **form.cleaned_data
            )
        if not outcome.refused:
            messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
            return redirect("people:invitations", tenant_slug=request.tenant.slug)
    return render(request, "org/invite.html", {"form": form})
