def tenancy(request):
    membership = getattr(request, "membership", None)
    memberships = []
    if request.user.is_authenticated and membership is not None:
        memberships = list(
            request.user.memberships.select_related("tenant").filter(is_active=True, tenant__is_active=True)
        )
    return {
        "tenant": getattr(request, "tenant", None),
        "membership": membership,
        "my_memberships": memberships,
    }
