from django.utils.functional import SimpleLazyObject

from .context import user_memberships
from .navigation import nav_menus
from .notifications import unread_count


def tenancy(request):
    membership = getattr(request, "membership", None)
    tenant = getattr(request, "tenant", None)
    memberships = []
    if request.user.is_authenticated and membership is not None:
        memberships = user_memberships(request.user)
    return {
        "tenant": tenant,
        "membership": membership,
        "my_memberships": memberships,
        # one COUNT on the partial unread index, only when a page uses it (the notifications page);
        # the top bar's badges come after the page, from nav/counts/
        "unread_notifications": SimpleLazyObject(lambda: unread_count(recipient=membership))
        if membership is not None
        else 0,
        # the top bar's groups and entries for this member, the current page marked: built from the
        # registry and the membership's role only (no query), and only when a page renders the bar
        "nav_menus": SimpleLazyObject(lambda: _nav_menus(request, membership, tenant))
        if membership is not None and tenant is not None
        else [],
    }


def _nav_menus(request, membership, tenant):
    match = getattr(request, "resolver_match", None)
    return nav_menus(
        membership=membership, tenant_slug=tenant.slug, view_name=match.view_name if match else None
    )
