"""Reads of customers, contacts and interactions, always by tenant and restricted to the viewer."""

import calendar
import datetime as dt

from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse

from apps.org.handover import PREVIEW_ROWS, HandoverItems
from apps.org.selectors import restrict_to_viewer, visible_member_ids
from apps.tenancy.dates import tenant_today
from apps.tenancy.home import LISTED, first_items
from apps.tenancy.models import Membership, Role, Tenant

from .filters import ContactFilter, CustomerFilter, InteractionFilter, TaskFilter
from .models import Contact, Customer, Interaction, Task


def apply_filters(filterset_class, qs: QuerySet, filters: dict | None) -> QuerySet:
    if not filters:
        return qs
    fs = filterset_class(filters, queryset=qs)
    if not fs.is_valid():  # a page with a bad filter shows everything it may, not an error
        return qs
    return fs.qs


def assignable_members(qs: QuerySet[Membership], viewer: Membership) -> QuerySet[Membership]:
    """Members the viewer may name as owner or rep of a record: a rep only themself, a manager
    their reporting subtree, an admin anyone active in the tenant."""
    qs = qs.filter(tenant_id=viewer.tenant_id, is_active=True)
    ids = visible_member_ids(viewer)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs


def member_choices(*, viewer: Membership) -> QuerySet[Membership]:
    return assignable_members(Membership.objects.select_related("user"), viewer)


def visible_customers(qs: QuerySet[Customer], viewer: Membership) -> QuerySet[Customer]:
    """Customers whose owner the viewer may see (for lists and for picking a customer on a write)."""
    return restrict_to_viewer(qs.filter(tenant_id=viewer.tenant_id), viewer, "owner")


def customer_list(*, tenant: Tenant, viewer: Membership, filters: dict | None = None) -> QuerySet[Customer]:
    qs = Customer.objects.filter(tenant=tenant).select_related("owner__user", "region")
    return apply_filters(CustomerFilter, restrict_to_viewer(qs, viewer, "owner"), filters)


def contact_list(*, tenant: Tenant, viewer: Membership, filters: dict | None = None) -> QuerySet[Contact]:
    qs = Contact.objects.filter(tenant=tenant).select_related("customer")
    return apply_filters(ContactFilter, restrict_to_viewer(qs, viewer, "customer__owner"), filters)


def visible_contacts(qs: QuerySet[Contact], viewer: Membership) -> QuerySet[Contact]:
    return restrict_to_viewer(qs.filter(tenant_id=viewer.tenant_id), viewer, "customer__owner")


def interaction_list(
    *, tenant: Tenant, viewer: Membership, filters: dict | None = None
) -> QuerySet[Interaction]:
    qs = Interaction.objects.filter(tenant=tenant).select_related("customer", "rep__user", "contact")
    return apply_filters(InteractionFilter, restrict_to_viewer(qs, viewer, "customer__owner"), filters)


def visible_interactions(qs: QuerySet[Interaction], viewer: Membership) -> QuerySet[Interaction]:
    return restrict_to_viewer(qs.filter(tenant_id=viewer.tenant_id), viewer, "customer__owner")


def task_list(*, tenant: Tenant, viewer: Membership, filters: dict | None = None) -> QuerySet[Task]:
    """Tasks whose owner the viewer may see (a rep their own, a manager their line's, admin and viewer
    all). Filters: status, owner, customer, source, due_after, due_before, overdue (open and due
    before the tenant's today); a bad filter value is ignored here (the API answers 400)."""
    qs = restrict_to_viewer(
        Task.objects.filter(tenant=tenant).select_related("owner__user", "customer"), viewer, "owner"
    )
    if not filters:
        return qs
    fs = TaskFilter(filters, queryset=qs)
    fs.today = tenant_today(tenant)
    return fs.qs if fs.is_valid() else qs


def follow_up_task_links(tenant: Tenant, task_ids: list[int]) -> dict[int, tuple[str, str]]:
    """What a follow-up task belongs to: its interaction (subject, on the customer's page). One query."""
    rows = Task.objects.filter(tenant=tenant, pk__in=task_ids, interaction__isnull=False).values_list(
        "pk", "customer_id", "interaction__subject"
    )
    return {
        pk: (
            subject,
            reverse("customers:detail", kwargs={"tenant_slug": tenant.slug, "customer_id": customer_id}),
        )
        for pk, customer_id, subject in rows
    }


# ---- hand-over (客户交接): registered with apps.org.handover in CustomersConfig.ready() ----------


def customer_handover_preview(
    *, tenant: Tenant, source: Membership, target: Membership, today
) -> HandoverItems:
    """Every customer the source owns moves, whatever its status; its timeline, orders and payments
    stay credited to whoever earned them."""
    qs = Customer.objects.filter(tenant=tenant, owner=source)
    rows = [
        f"{code} · {name}" for code, name in qs.order_by("code").values_list("code", "name")[:PREVIEW_ROWS]
    ]
    return HandoverItems(count=qs.count(), rows=rows)


# ---- on the rep's home (apps.tenancy.home; registered in CustomersConfig.ready()) ---------------

CARE_DAYS = 7  # how far ahead the home lists contacts' birthdays
CARE_READ = 100  # at most this many are read (a rep with more in a week is told "100 or more")


def _next_birthday(birthday: dt.date, today: dt.date) -> dt.date:
    """The birthday's next occurrence on or after today; 29 February is kept on the 28th in other years."""
    for year in (today.year, today.year + 1):
        day = birthday.day
        if birthday.month == 2 and day == 29 and not calendar.isleap(year):
            day = 28
        occurrence = dt.date(year, birthday.month, day)
        if occurrence >= today:
            return occurrence
    raise AssertionError("a date recurs within two years")  # pragma: no cover


def care_card(membership: Membership, today: dt.date) -> dict:
    """Customer care (客户关怀): birthdays of the contacts of the member's own customers within the
    next week, soonest first. One query."""
    match = Q()
    for n in range(CARE_DAYS):
        day = today + dt.timedelta(days=n)
        match |= Q(birthday__month=day.month, birthday__day=day.day)
        if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
            match |= Q(birthday__month=2, birthday__day=29)
    contacts = list(
        Contact.objects.filter(tenant_id=membership.tenant_id, customer__owner=membership)
        .filter(match)
        .select_related("customer")
        .only("id", "name", "title", "phone", "birthday", "customer__id", "customer__name")
        .order_by("id")[:CARE_READ]
    )
    dated = sorted(
        ((_next_birthday(c.birthday, today), c) for c in contacts if c.birthday),
        key=lambda pair: (pair[0], pair[1].customer.name, pair[1].pk),
    )
    rows = [{"contact": contact, "birthday": day} for day, contact in dated]
    return {"items": rows[:LISTED], "total": len(rows), "capped": len(contacts) == CARE_READ}


# ---- tasks (任务) on the homes, the customer page and the top bar ------------------------------

TASKS_AHEAD = 3  # the rep's card lists open tasks due within this many days, and every overdue one
DONE_RECENTLY_DAYS = 7  # "My tasks" shows what was done or cancelled in the last week


def _own_open_tasks(membership: Membership) -> QuerySet[Task]:
    return Task.objects.filter(tenant_id=membership.tenant_id, owner=membership, status=Task.Status.OPEN)


def task_card(membership: Membership, today: dt.date) -> dict:
    """The member's own open tasks due by today + TASKS_AHEAD (overdue first), whatever made them:
    follow-ups, plan tasks, tasks by hand. Two queries: the counts, and the first few."""
    qs = _own_open_tasks(membership).filter(due_on__lte=today + dt.timedelta(days=TASKS_AHEAD))
    counts = qs.aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(due_on__lt=today)),
        due_today=Count("id", filter=Q(due_on=today)),
    )
    items = list(
        qs.select_related("customer")
        .only("id", "title", "due_on", "priority", "status", "source", "customer__id", "customer__name")
        .order_by("due_on", "-priority", "id")[:LISTED]
    )
    return {"items": items, **counts}


def team_overdue_card(membership: Membership, today: dt.date) -> dict | None:
    """Overdue open tasks of the manager's line (everyone but themself; an admin's: everyone), by
    owner with counts and the oldest due day, most first. Two queries (the numbers of tasks and of
    owners, and the first few groups), aggregated in PostgreSQL."""
    if membership.role not in (Role.MANAGER, Role.ADMIN):
        return None
    qs = restrict_to_viewer(
        Task.objects.filter(tenant_id=membership.tenant_id, status=Task.Status.OPEN, due_on__lt=today),
        membership,
        "owner",
    ).exclude(owner=membership)
    groups = (
        qs.values("owner_id", "owner__display_name", "owner__user__username")
        .annotate(overdue=Count("id"), oldest=Min("due_on"))
        .order_by("-overdue", "oldest", "owner_id")
    )
    counts = qs.aggregate(total=Count("id"), owners=Count("owner_id", distinct=True))
    rows = list(groups[:LISTED])
    for row in rows:
        row["name"] = row["owner__display_name"] or row["owner__user__username"]
        row["days"] = (today - row["oldest"]).days
    return {"items": rows, **counts}


def customer_tasks_panel(customer: Customer, membership: Membership, today: dt.date) -> dict:
    """The customer page's open tasks (those whose owner the member may see), soonest first: two
    queries."""
    qs = task_list(tenant=customer.tenant, viewer=membership, filters=None).filter(
        customer=customer, status=Task.Status.OPEN
    )
    total, items = first_items(qs.select_related(None).select_related("owner__user").order_by("due_on", "id"))
    return {"items": items, "total": total, "can_add": membership.can_write}


def my_tasks_page(*, tenant: Tenant, membership: Membership, today: dt.date) -> dict:
    """ "My tasks": the member's open tasks (overdue first, undated last) and what they finished or
    cancelled in the last DONE_RECENTLY_DAYS days. Two queries."""
    since = today - dt.timedelta(days=DONE_RECENTLY_DAYS)
    base = Task.objects.filter(tenant=tenant, owner=membership).select_related("customer")
    open_tasks = list(base.filter(status=Task.Status.OPEN).order_by("due_on", "-priority", "id"))
    recent = list(
        base.exclude(status=Task.Status.OPEN)
        .filter(done_at__gte=dt.datetime.combine(since, dt.time(), tzinfo=tenant.tzinfo))
        .order_by("-done_at", "-id")[:20]
    )
    return {"open": open_tasks, "recent": recent}


def task_due_count(membership: Membership) -> int:
    """The top bar's badge on Tasks: the member's own open tasks overdue or due today. One COUNT
    (none for a viewer, who has no tasks to do)."""
    if not membership.can_write:
        return 0
    return _own_open_tasks(membership).filter(due_on__lte=tenant_today(membership.tenant)).count()


def tasks_due_by_owner(*, tenant: Tenant, day: dt.date) -> list[dict]:
    """For the morning reminder: each active member with open tasks due on `day`, how many and the
    first title. One grouped query."""
    rows = (
        Task.objects.filter(tenant=tenant, status=Task.Status.OPEN, due_on=day, owner__is_active=True)
        .values("owner_id")
        .annotate(n=Count("id"), first=Min("title"))
        .order_by("owner_id")
    )
    return [dict(row) for row in rows]
