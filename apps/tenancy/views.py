from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render


@login_required
def home(request):
    """Send the user to the organisation they used last, or let them choose."""
    memberships = list(
        request.user.memberships.select_related("tenant").filter(is_active=True, tenant__is_active=True)
    )
    if len(memberships) == 1:
        return redirect("dashboard", tenant_slug=memberships[0].tenant.slug)
    last = request.session.get("tenant_id")
    for m in memberships:
        if m.tenant_id == last:
            return redirect("dashboard", tenant_slug=m.tenant.slug)
    return render(request, "tenancy/choose_tenant.html", {"choices": memberships})


@login_required
def dashboard(request, tenant_slug):
    return render(request, "tenancy/dashboard.html", {})
