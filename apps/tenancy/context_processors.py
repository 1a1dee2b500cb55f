from django.utils.functional import SimpleLazyObject
from django_scopes import scopes_disabled

from .notifications import unread_count


def tenancy(request):
    membership = getattr(request, "membership", None)
    memberships = []
    if request.user.is_authenticated and membership is not None:
        with scopes_disabled():  # the tenant switcher lists the user's own memberships in every tenant
            memberships = list(
                request.user.memberships.select_related("tenant").filter(
                    is_active=True, tenant__is_active=True
                )
            )
    return {
        "tenant": getattr(request, "tenant", None),
        "membership": membership,
        "my_memberships": memberships,
        # one COUNT on the partial unread index, only when a page shows the badge
        "unread_notifications": SimpleLazyObject(lambda: unread_count(recipient=membership))
        if membership is not None
        else 0,
    }
