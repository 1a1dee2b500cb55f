"""The hand-over page (客户交接): choose who takes over and what moves, see the preview (counts and
lists), confirm. GET with `to` shows the preview; POST moves everything in one transaction."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.tenancy.http import TenantRequest
from apps.tenancy.views import refusal_shown, tenant_page

from .. import selectors, services
from ..forms import HandoverForm
from .people import managed_person, page_rights


@tenant_page
def handover_view(request: TenantRequest, member_id: int) -> HttpResponse:
    rights = page_rights(request)
    source = managed_person(request, rights, member_id)
    data = request.POST if request.method == "POST" else (request.GET if "to" in request.GET else None)
    form = HandoverForm(data, rights=rights, source=source)
    preview = None
    if data is not None and form.is_valid():
        target, parts = form.cleaned_data["to"], form.cleaned_data["parts"]
        if request.method == "POST":
            with refusal_shown(form) as outcome:
                moved = services.handover_execute(
                    source=source, target=target, by=request.membership, parts=parts
                )
            if not outcome.refused:
                messages.success(
                    request,
                    _("%(source)s's work was handed over to %(target)s: %(count)d records moved.")
                    % {
                        "source": source.name,
                        "target": target.name,
                        "count": sum(len(v) for v in moved.values()),
                    },
                )
                return redirect("people:detail", tenant_slug=request.tenant.slug, member_id=source.pk)
        else:
            with refusal_shown(form):
                preview = selectors.handover_preview(rights=rights, source=source, target=target, parts=parts)
    return render(
        request,
        "org/handover.html",
        {
            "member": source,
            "form": form,
            "preview": preview,
            "nothing": preview is not None and not any(p.count for p in preview),
        },
    )
