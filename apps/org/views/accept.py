"""The invitation page, public (outside /t/<slug>/): the link from the mail leads here.

A new person sets their name and password and is signed in; a person with an account signs in
(or is signed in) and joins. A forged, altered, expired, used, revoked or replaced link gets a page
saying so, in the visitor's language, never an error. The link is looked up only in the organisation
it was signed for, so it can admit to that organisation and no other.
"""

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from apps.tenancy.context import tenant_context
from apps.tenancy.models import Tenant
from apps.tenancy.signals import SESSION_LANGUAGE
from apps.tenancy.throttling import rate_limited
from apps.tenancy.views import refusal_shown

from .. import selectors, services
from ..forms import NewPersonForm
from ..selectors import LinkProblem
from ..tokens import read_link_token

# Gone for links that worked once (used, revoked, expired, replaced); 404 for what never was one.
STATUS = {LinkProblem.INVALID: 404}


def _language(request: HttpRequest, tenant: Tenant | None) -> None:
    """The visitor's own choice (session or language cookie) wins; else the organisation's
    language, the one the invitation mail was written in."""
    if tenant is None or request.session.get(SESSION_LANGUAGE):
        return
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return
    translation.activate(tenant.default_language)
    request.LANGUAGE_CODE = tenant.default_language


def _problem(request: HttpRequest, problem: LinkProblem, tenant: Tenant | None) -> HttpResponse:
    return render(
        request,
        "org/invitation_problem.html",
        {"problem": problem.value, "org": tenant},
        status=STATUS.get(problem, 410),
    )


@rate_limited("invitation", credential="token", methods=("GET", "POST"))
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    parsed = read_link_token(token)
    tenant = Tenant.objects.filter(pk=parsed.tenant_id, is_active=True).first() if parsed else None
    _language(request, tenant)
    if parsed is None or tenant is None:
        return _problem(request, LinkProblem.INVALID, None)
    with tenant_context(tenant):
        state = selectors.invitation_for_link(tenant=tenant, token=parsed)
        if not state.usable:
            assert state.problem is not None
            return _problem(request, state.problem, tenant if state.invitation else None)
        invitation = state.invitation
        assert invitation is not None
        user = request.user
        here = reverse("invitation-accept", kwargs={"token": token})
        context = {"invitation": invitation, "org": tenant, "here": here}
        if user.is_authenticated:
            refusal = selectors.membership_refusal(tenant=tenant, user=user)
            errors: list[str] = [refusal] if refusal else []
            if request.method == "POST" and not refusal:
                with refusal_shown(errors) as outcome:
                    services.invitation_accept(invitation=invitation, user=user)
                if not outcome.refused:
                    return redirect("dashboard", tenant_slug=tenant.slug)
            return render(request, "org/invitation_join.html", {**context, "errors": errors})
        login_url = f"{reverse('login')}?{urlencode({'next': here})}"
        if selectors.account_exists(invitation.email):
            return render(request, "org/invitation_sign_in.html", {**context, "login_url": login_url})
        form = NewPersonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with refusal_shown(form) as outcome:
                member = services.invitation_accept_new_person(
                    invitation=invitation,
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password"],
                )
            if not outcome.refused:
                login(request, member.user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect("dashboard", tenant_slug=tenant.slug)
        return render(
            request, "org/invitation_new_person.html", {**context, "form": form, "login_url": login_url}
        )
