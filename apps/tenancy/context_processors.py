from django.utils.functional import SimpleLazyObject

from .context import user_memberships
from .notifications import unread_count


def tenancy(request):
    membership = getattr(request, "membership", None)
    memberships = []
    if request.user.is_authenticated and membership is not None:
        memberships = user_memberships(request.user)
    return {
        "tenant": getattr(request, "tenant", None),
        "membership": membership,
        "my_memberships": memberships,
        # one COUNT on the partial unread index, only when a page shows the badge
        "unread_notifications": SimpleLazyObject(lambda: unread_count(recipient=membership))
        if membership is not None
        else 0,
    }
