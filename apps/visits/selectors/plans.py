"""Reads of visit plans and visits, always by tenant and restricted to the viewer."""

import datetime as dt

from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from apps.customers.models import Customer
from apps.customers.selectors import apply_filters, visible_customers
from apps.org.models import ReportingClosure
from apps.org.selectors import restrict_to_viewer
from apps.tenancy.models import Membership, Role, Tenant

from ..filters import VisitFilter, VisitPlanFilter
from ..models import Visit, VisitPhoto, VisitPlan

# How far back "yesterday's unfinished items" may lie: over a weekend or a short leave, not longer.
CARRY_LOOKBACK_DAYS = 7


def _items() -> Prefetch:
    return Prefetch(
        "items",
        queryset=Visit.objects.select_related("customer").order_by("position", "id"),
    )


def visit_plan_list(
    *, tenant: Tenant, viewer: Membership, filters: dict | None = None
) -> QuerySet[VisitPlan]:
    qs = (
        VisitPlan.objects.filter(tenant=tenant)
        .select_related("rep__user", "reviewed_by__user")
        .prefetch_related(_items())
    )
    return apply_filters(VisitPlanFilter, restrict_to_viewer(qs, viewer, "rep"), filters)


def visit_plan_queue(*, tenant: Tenant, viewer: Membership) -> QuerySet[VisitPlan]:
    """Submitted plans the viewer may approve: a manager's reports below them, for an admin all."""
    qs = visit_plan_list(tenant=tenant, viewer=viewer).filter(status=VisitPlan.Status.SUBMITTED)
    if viewer.role == Role.ADMIN:
        return qs.order_by("day", "submitted_at", "id")
    if viewer.role != Role.MANAGER:
        return qs.none()
    below = ReportingClosure.objects.filter(tenant_id=tenant.pk, ancestor_id=viewer.pk, depth__gt=0).values(
        "descendant_id"
    )
    return qs.filter(rep_id__in=below).order_by("day", "submitted_at", "id")


def review_visits(*, tenant: Tenant) -> QuerySet[Visit]:
    """Visits as a manager signs them off (the plan queue, a daily report's review), with the evidence
    of each: check-in time and position, the distance from the customer measured at check-in, and the
    photos, prefetched (one query for the visits, one for all their photos).

    `beyond_radius` compares that distance with the organisation's check-in radius as it is set now,
    so the review follows the setting (the stored check_in_far kept the radius of the check-in day);
    `distance_km` is the same distance in kilometres, for distances written in km."""
    return (
        Visit.objects.filter(tenant=tenant)
        .select_related("customer")
        .annotate(
            beyond_radius=Case(
                When(check_in_distance_m__gt=tenant.checkin_radius_m, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            distance_km=ExpressionWrapper(
                F("check_in_distance_m") / Value(1000.0), output_field=DecimalField()
            ),
        )
        .prefetch_related(
            Prefetch("photos", queryset=VisitPhoto.objects.filter(tenant=tenant).order_by("id"))
        )
        .order_by("position", "id")
    )


def visit_plan_review_queue(*, tenant: Tenant, viewer: Membership) -> QuerySet[VisitPlan]:
    """The plan queue as the approval page shows it: each plan's items with their evidence (a plan of
    a day already begun may hold visits made: an 8 km "visit" shows where it is approved). Three
    queries for any number of plans, items and photos."""
    return (
        visit_plan_queue(tenant=tenant, viewer=viewer)
        .prefetch_related(None)
        .prefetch_related(Prefetch("items", queryset=review_visits(tenant=tenant)))
    )


def visit_plan_for(*, tenant: Tenant, rep: Membership, day: dt.date) -> VisitPlan | None:
    return (
        VisitPlan.objects.filter(tenant=tenant, rep=rep, day=day)
        .select_related("reviewed_by__user")
        .prefetch_related(_items())
        .first()
    )


def visit_list(*, tenant: Tenant, viewer: Membership, filters: dict | None = None) -> QuerySet[Visit]:
    qs = (
        Visit.objects.filter(tenant=tenant)
        .select_related("customer", "rep__user", "plan")
        .prefetch_related(Prefetch("photos", queryset=VisitPhoto.objects.order_by("id")))
    )
    return apply_filters(VisitFilter, restrict_to_viewer(qs, viewer, "rep"), filters)


def visit_photo_list(*, tenant: Tenant, viewer: Membership) -> QuerySet[VisitPhoto]:
    qs = VisitPhoto.objects.filter(tenant=tenant).select_related("visit")
    return restrict_to_viewer(qs, viewer, "visit__rep")


def carry_over_candidates(*, tenant: Tenant, rep: Membership, day: dt.date) -> QuerySet[Visit]:
    """The rep's unfinished visits (pending or postponed) of their previous working day before `day`
    — the latest earlier day with visits, within a week — that were not carried forward yet."""
    unfinished = Visit.objects.filter(
        tenant=tenant,
        rep=rep,
        day__lt=day,
        day__gte=day - dt.timedelta(days=CARRY_LOOKBACK_DAYS),
    )
    previous = unfinished.aggregate(last=Max("day"))["last"]
    if previous is None:
        return Visit.objects.none()
    return (
        unfinished.filter(
            day=previous,
            outcome__in=[Visit.Outcome.PENDING, Visit.Outcome.POSTPONED],
            check_out_at__isnull=True,
            carried_to__isnull=True,
        )
        .select_related("customer")
        .order_by("position", "id")
    )


def customer_search(*, viewer: Membership, rep: Membership, q: str, limit: int = 10) -> QuerySet[Customer]:
    """Customers a plan item may name: those the plan's rep may see (and so the viewer too)."""
    q = q.strip()
    qs = visible_customers(visible_customers(Customer.objects.all(), viewer), rep)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(address__icontains=q))
    return qs.order_by("name", "id")[:limit]


# ---- counts of what waits, for the top bar (apps/tenancy/navigation.py) --------------------------


def visit_plan_queue_count(membership: Membership) -> int:
    """How many submitted plans wait for the member's approval (one COUNT; 0 without a query for
    roles that approve none)."""
    if membership.role not in (Role.MANAGER, Role.ADMIN):
        return 0
    return visit_plan_queue(tenant=membership.tenant, viewer=membership).count()
