"""Pages of the shell: choosing an organisation, preferences, and the decorator every tenant page uses."""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import navigation
from .context import user_memberships
from .dates import tenant_today
from .forms import LanguageForm
from .home import card_for, home_cards, home_scripts, home_url
from .http import AuthenticatedRequest, TenantRequest, rendered_in_tenant_zone
from .models import UserProfile
from .notifications import notification_list, notification_mark_read
from .signals import SESSION_LANGUAGE


def tenant_page(view: Callable | None = None, *, roles: Iterable[str] | None = None):
    """Wrap a page under /t/<slug>/: member only, optional role check, rendered in the tenant's time zone.

    The middleware has already resolved request.tenant and request.membership (404 for non-members);
    this makes the view refuse to run without them, and drops the slug argument the view never needs.
    A role outside `roles` gets 404 like an object it may not see, so pages cannot be probed.
    """
    allowed = set(roles) if roles else None

    def decorate(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(request: HttpRequest, *args, tenant_slug: str | None = None, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            tenant, membership = getattr(request, "tenant", None), getattr(request, "membership", None)
            if tenant is None or membership is None:
                raise Http404
            if allowed is not None and membership.role not in allowed:
                raise Http404
            return rendered_in_tenant_zone(tenant, lambda: func(request, *args, **kwargs))

        return wrapper

    return decorate(view) if view is not None else decorate


# ---- a service's refusal on a page: the one way page views show a ValidationError or PermissionDenied


def refusal_lines(error: Any) -> list[str]:
    """A refusal as flat, readable lines: a ValidationError (field errors labelled with their
    field), a PermissionDenied, or a serializer's nested `errors` (labelled with their path)."""
    if isinstance(error, PermissionDenied):
        return [str(error) or str(_("You may not make this change."))]
    if isinstance(error, ValidationError):
        error = error.message_dict if hasattr(error, "error_dict") else error.messages
    out: list[str] = []

    def walk(value: Any, path: list[str]) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(sub, [*path, str(key)])
        elif isinstance(value, list):
            for n, sub in enumerate(value):
                walk(sub, [*path, str(n + 1)] if isinstance(sub, dict | list) else path)
        else:
            label = " › ".join(p for p in path if p not in ("non_field_errors", "__all__"))
            out.append(f"{label}: {value}" if label else str(value))

    walk(error, [])
    return out


def refusal_text(error: ValidationError | PermissionDenied) -> str:
    """A refusal as one sentence, without field names (for a message beside the thing refused)."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or str(_("You may not make this change."))


def show_refusal(form: Any, error: ValidationError | PermissionDenied) -> None:
    """A refusal on the form it came from: each field's errors on that field when the form has it,
    the rest (and a PermissionDenied) above the form."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, refusal_text(error))
        return
    for field, errors in (
        error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    ):
        form.add_error(field if field in form.fields else None, errors)


class refusal_shown:  # noqa: N801 - used as a statement, `with refusal_shown(form) as outcome:`
    """Run a service call in a `with` block; a ValidationError or PermissionDenied it raises is
    shown where the page shows errors, and the block ends there instead of failing the request:

    - a form → on its fields (`show_refusal`);
    - the request → one flash message (`refusal_text`), for POST-then-redirect pages;
    - a list → extended with `refusal_lines`, for pages that list errors above the form;
    - a form written out in its template (`apps.tenancy.form_pages.PostedForm`) → beside its fields;
    - nothing → only caught, for a page that shows `outcome.error` its own way.

    `outcome.refused` says whether it happened, so the view redirects only on success:

        with refusal_shown(form) as outcome:
            services.appraisal_submit(appraisal=appraisal, by=request.membership, **form.cleaned_data)
        if not outcome.refused:
            return redirect(...)
    """

    def __init__(self, target: Any = None) -> None:
        self.target = target
        self.error: ValidationError | PermissionDenied | None = None

    def __enter__(self) -> "refusal_shown":
        return self

    @property
    def refused(self) -> bool:
        return self.error is not None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: Any) -> bool:
        if not isinstance(error, ValidationError | PermissionDenied):
            return False
        self.error = error
        if self.target is None:
            pass
        elif isinstance(self.target, HttpRequest):
            messages.error(self.target, refusal_text(error))
        elif isinstance(self.target, list):
            self.target.extend(refusal_lines(error))
        elif hasattr(self.target, "add_refusal"):  # a PostedForm (it imports this module)
            self.target.add_refusal(error)
        else:
            show_refusal(self.target, error)
        return True


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Send the user to the organisation they used last, or let them choose."""
    memberships = user_memberships(request.user)
    if len(memberships) == 1:
        return redirect("dashboard", tenant_slug=memberships[0].tenant.slug)
    last = request.session.get("tenant_id")
    for m in memberships:
        if m.tenant_id == last:
            return redirect("dashboard", tenant_slug=m.tenant.slug)
    return render(request, "tenancy/choose_tenant.html", {"choices": memberships})


@login_required
def choose_tenant(request: AuthenticatedRequest) -> HttpResponse:
    """The tenant switcher: every organisation the user belongs to, always listed (no redirect)."""
    return render(request, "tenancy/choose_tenant.html", {"choices": user_memberships(request.user)})


def _save_language(request: AuthenticatedRequest, language: str) -> None:
    UserProfile.objects.update_or_create(user=request.user, defaults={"language": language})
    request.session[SESSION_LANGUAGE] = language
    translation.activate(language)
    request.LANGUAGE_CODE = language


@login_required
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    profile = UserProfile.objects.filter(user=request.user).first()
    initial = {"language": (profile and profile.language) or translation.get_language()}
    form = LanguageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        _save_language(request, form.cleaned_data["language"])
        messages.success(request, _("Your preferences have been saved."))
        return redirect("preferences")
    return render(request, "tenancy/preferences.html", {"form": form})


@login_required
@require_POST
def set_language(request: AuthenticatedRequest) -> HttpResponse:
    """The language switch in the page header: saved for the user, then back where they were."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    if form.is_valid():
        _save_language(request, form.cleaned_data["language"])
    return redirect(target)


@tenant_page
def notifications(request: TenantRequest) -> HttpResponse:
    """The member's own notifications, newest first; POST marks one (`id`) or all of them read."""
    if request.method == "POST":
        raw = request.POST.get("id")
        ids = [int(raw)] if raw and raw.isdigit() else None
        notification_mark_read(recipient=request.membership, ids=ids)
        return redirect("notifications", tenant_slug=request.tenant.slug)
    page = Paginator(notification_list(recipient=request.membership), 25).get_page(request.GET.get("page"))
    return render(request, "tenancy/notifications.html", {"page_obj": page, "items": page.object_list})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: a page refused to this user, in the product's layout and the user's language
    (Django's own is a bare English "403 Forbidden"), with the refusal's reason when it gives one."""
    reason = str(exception) if exception is not None else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: most refusals are a form left open past its session (or a sign-out in
    another tab), so say that in the user's language instead of Django's bare 403."""
    return render(request, "403_csrf.html", status=403)


@tenant_page
@require_GET
def nav_counts(request: TenantRequest) -> HttpResponse:
    """The top bar's badges: what waits for the member (apps.tenancy.navigation.nav_counts), fetched
    once after each page so that no page pays for them, each swapped into its badge out of band.
    Rendered without the request's context processors: only the counts' own queries run."""
    counts = navigation.nav_counts(membership=request.membership)
    html = render_to_string("includes/nav_counts.html", {"counts": counts.items()})
    response = HttpResponse(html)
    response["Cache-Control"] = "no-store"
    return response


@tenant_page
def dashboard(request: TenantRequest) -> HttpResponse:
    """The member's home (工作台), where their day starts: the cards their role shows, in order, each
    from the app that owns the work (apps.tenancy.home). This view knows no app."""
    today = tenant_today(request.tenant)
    cards = home_cards(membership=request.membership, today=today)
    context = {
        "cards": cards,
        "scripts": home_scripts(cards),
        "today": today,
        # Kept for the cards that load their body with htmx (a period or page asked for on the home).
        "query": request.GET.urlencode(),
    }
    return render(request, "home/home.html", context)


@tenant_page
def home_card(request: TenantRequest, code: str) -> HttpResponse:
    """One card of the member's home, as the home's placeholder fetches it with htmx (a lazy card);
    404 for a card the member's role does not show, the home itself for a request without htmx, and
    an empty answer (the placeholder goes) when the card has nothing to show."""
    card = card_for(code=code, role=request.membership.role)
    if card is None:
        raise Http404
    if not request.htmx:
        return redirect(home_url(tenant_slug=request.tenant.slug, query=request.GET.urlencode()))
    today = tenant_today(request.tenant)
    data = card.selector()(request.membership, today)
    if data is None:
        return HttpResponse("")
    context = {"card": card, "data": data, "today": today, "query": request.GET.urlencode()}
    return render(request, card.template, context)
