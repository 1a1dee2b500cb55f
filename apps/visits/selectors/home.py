"""What the visits app puts on the role homes (apps.tenancy.home; registered in VisitsConfig.ready()).

A rep's day: today's plan and visits with their state, and the daily reports they still owe with how
late each is. A manager's: plans waiting for approval, reports waiting for the 批示, open market
reports, the line's visits today, and what is overdue. Each selector takes (membership, today), reads
a fixed number of queries whatever the number of rows (counts are aggregated in PostgreSQL, lists
are the first few), and returns the card's data; the templates under templates/visits/cards/ write
the empty states.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from apps.org.models import ReportingClosure
from apps.org.selectors import restrict_to_viewer
from apps.tenancy.home import LISTED, first_items
from apps.tenancy.models import Membership, Role, Tenant

from ..models import DailyReport, MarketReport, Visit, VisitPlan
from .plans import visit_plan_queue
from .reports import REVIEW_QUEUE_ORDER, market_report_list, review_queue

# How far back a rep's missing reports are listed: two weeks, then they are the manager's matter.
DUE_WINDOW_DAYS = 14
# A queue item waiting longer than this is overdue.
STALE_AFTER = dt.timedelta(hours=24)
VISITS_LISTED = 12
QUEUE_CAP = 100  # a queue on a home is counted up to here ("100+")
VISITS_READ = 200  # far above a day's visits (a plan holds at most 50)
MISSING_LISTED = 12
DONE_REPORTS = (DailyReport.Status.SUBMITTED, DailyReport.Status.REVIEWED)
SENT_PLANS = (VisitPlan.Status.SUBMITTED, VisitPlan.Status.APPROVED)


def _deadline(tenant, day: dt.date) -> dt.datetime:
    """The tenant's report deadline on `day`, in its time zone (as services.reports.report_deadline)."""
    deadline = tenant.report_deadline
    if isinstance(deadline, str):
        deadline = dt.time.fromisoformat(deadline)
    return dt.datetime.combine(day, deadline, tzinfo=tenant.tzinfo)


def _local_midnight(tenant, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=tenant.tzinfo)


# ---- the rep ------------------------------------------------------------------------------------


def today_card(membership: Membership, today: dt.date) -> dict[str, Any]:
    """The rep's plan for today (its state) and today's visits with theirs: two queries. A day holds a
    plan's few dozen visits at most, so they are read whole (up to VISITS_READ) and counted here."""
    tenant = membership.tenant
    plan = (
        VisitPlan.objects.filter(tenant=tenant, rep=membership, day=today)
        .only("id", "status", "review_comment", "day")
        .first()
    )
    visits = list(
        Visit.objects.filter(tenant=tenant, rep=membership, day=today)
        .select_related("customer")
        .only(
            *("id", "planned", "planned_time", "purpose", "outcome", "prospect_name", "area"),
            *("check_in_at", "check_out_at", "customer__name"),
        )
        .order_by("-planned", "position", "id")[:VISITS_READ]
    )
    return {
        "plan": plan,
        "visits": visits[:VISITS_LISTED],
        "total": len(visits),
        "done": sum(1 for v in visits if v.outcome == Visit.Outcome.DONE),
        "checked_in": sum(1 for v in visits if v.check_in_at and not v.check_out_at),
        "more": len(visits) - min(len(visits), VISITS_LISTED),
    }


def reports_due_card(membership: Membership, today: dt.date) -> dict[str, Any]:
    """The rep's own daily reports not yet submitted, the organisation's working days (not its
    holidays) of the last two weeks since they joined, newest first, each with its deadline and how
    late it is now: one query."""
    tenant = membership.tenant
    joined = timezone.localtime(membership.created_at, tenant.tzinfo).date()
    first = max(today - dt.timedelta(days=DUE_WINDOW_DAYS - 1), joined)
    filed = dict(
        DailyReport.objects.filter(tenant=tenant, rep=membership, day__range=(first, today)).values_list(
            "day", "status"
        )
    )
    now = timezone.now()
    due = []
    day = today
    while day >= first:
        status = filed.get(day)
        if tenant.works_on(day) and status not in DONE_REPORTS:
            deadline = _deadline(tenant, day)
            due.append(
                {
                    "day": day,
                    "draft": status == DailyReport.Status.DRAFT,
                    "deadline": deadline,
                    "late": now > deadline,
                    "today": day == today,
                }
            )
        day -= dt.timedelta(days=1)
    return {"due": due, "late": sum(1 for d in due if d["late"]), "now": now}


# ---- the manager --------------------------------------------------------------------------------


def _line_reps(membership: Membership):
    """Active reps below the manager in the reporting line (not the manager)."""
    below = ReportingClosure.objects.filter(
        tenant_id=membership.tenant_id, ancestor_id=membership.pk, depth__gt=0
    ).values("descendant_id")
    return Membership.objects.filter(
        tenant_id=membership.tenant_id, role=Role.REP, is_active=True, pk__in=below
    )


def _queue(qs, overdue: Q, items: list | None = None) -> dict[str, Any]:
    """A queue's size and how many of it are overdue, counted up to QUEUE_CAP (one query that stops
    there: "100+" is all a home needs to say, the queue's page lists them all), and its first items
    (one query, or `items` found otherwise). When capped, `overdue` counts those among the first
    QUEUE_CAP read: at least that many."""
    counts = qs.order_by()[:QUEUE_CAP].aggregate(total=Count("id"), overdue=Count("id", filter=overdue))
    if items is None:
        items = list(qs[:LISTED]) if counts["total"] else []
    return {**counts, "capped": counts["total"] >= QUEUE_CAP, "items": items}


def plan_approvals_card(membership: Membership, today: dt.date) -> dict[str, Any]:
    """Submitted plans the manager may approve, oldest day first, with their number of visits; those of
    days already begun are overdue. Three queries."""
    qs = (
        visit_plan_queue(tenant=membership.tenant, viewer=membership)
        .prefetch_related(None)
        .select_related(None)
        .select_related("rep__user")
    )
    data = _queue(qs, Q(day__lt=today))
    if data["items"]:
        counts = dict(
            Visit.objects.filter(tenant=membership.tenant, plan__in=[p.pk for p in data["items"]])
            .values("plan")
            .annotate(n=Count("id"))
            .values_list("plan", "n")
            .order_by()
        )
        for plan in data["items"]:
            plan.visits = counts.get(plan.pk, 0)
    return data


def _oldest_waiting(membership: Membership, queue) -> list[DailyReport]:
    """The queue's first LISTED reports (oldest day first), found among each rep's own first few (an
    ArraySubquery per rep, through the index on (tenant, rep, day)) instead of by sorting the whole
    queue: a manager whose line has 12,652 reports waiting (the bench organisation) reads a few
    hundred rows in 2 ms instead of every one of them in 40 ms. Two queries."""
    firsts = queue.filter(rep=OuterRef("pk")).order_by(*REVIEW_QUEUE_ORDER).values("id")[:LISTED]
    reps = restrict_to_viewer(
        Membership.objects.filter(tenant_id=membership.tenant_id).exclude(pk=membership.pk), membership, "pk"
    )
    ids = [
        pk
        for row in reps.annotate(firsts=ArraySubquery(firsts)).values_list("firsts", flat=True)
        for pk in row
    ]
    # The ids come out of the queue: read them by primary key (the queue's own filters again would
    # let the planner walk every waiting report once more, 18-25 ms on the bench organisation).
    reports = DailyReport.objects.filter(tenant_id=membership.tenant_id, pk__in=ids).select_related(
        "rep__user"
    )
    return list(reports.order_by(*REVIEW_QUEUE_ORDER)[:LISTED]) if ids else []


def report_signoffs_card(membership: Membership, today: dt.date) -> dict[str, Any]:
    """Submitted daily reports waiting for the manager's 批示, oldest day first; those waiting for more
    than a day are overdue. Three queries."""
    queue = (
        review_queue(tenant=membership.tenant, viewer=membership)
        .prefetch_related(None)
        .select_related(None)
        .select_related("rep__user")
    )
    return _queue(
        queue, Q(submitted_at__lt=timezone.now() - STALE_AFTER), items=_oldest_waiting(membership, queue)
    )


def market_open_card(membership: Membership, today: dt.date) -> dict[str, Any]:
    """Market reports of the line not acknowledged yet, urgent first, then the oldest; those raised more
    than a day ago are overdue. Two queries."""
    qs = (
        market_report_list(tenant=membership.tenant, viewer=membership)
        .filter(status=MarketReport.Status.OPEN)
        .exclude(rep=membership)
        .select_related(None)
        .select_related("rep__user", "customer")
        .order_by("-urgency", "raised_at", "id")  # "urgent" > "normal": urgent first
    )
    return _queue(qs, Q(raised_at__lt=timezone.now() - STALE_AFTER))


def line_today_card(membership: Membership, today: dt.date) -> dict[str, Any]:
    """The line's visits today and where its plans stand: three aggregate queries. On a day the
    organisation does not work (a weekend, a holiday) nobody is counted as missing a plan."""
    tenant = membership.tenant
    reps = _line_reps(membership)
    visits = Visit.objects.filter(tenant=tenant, day=today, rep__in=reps.values("pk")).aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(outcome=Visit.Outcome.DONE)),
        pending=Count("id", filter=Q(outcome=Visit.Outcome.PENDING)),
        missed=Count("id", filter=Q(outcome__in=[Visit.Outcome.NOT_MET, Visit.Outcome.POSTPONED])),
        checked_in=Count("id", filter=Q(check_in_at__isnull=False, check_out_at__isnull=True)),
        reps_visiting=Count("rep", distinct=True),
    )
    plans = VisitPlan.objects.filter(tenant=tenant, day=today, rep__in=reps.values("pk")).aggregate(
        submitted=Count("id", filter=Q(status=VisitPlan.Status.SUBMITTED)),
        approved=Count("id", filter=Q(status=VisitPlan.Status.APPROVED)),
        returned=Count("id", filter=Q(status=VisitPlan.Status.RETURNED)),
    )
    count = reps.count()
    working = tenant.works_on(today)
    return {
        "visits": visits,
        "plans": plans,
        "reps": count,
        "working_day": working,
        "without_plan": max(count - plans["submitted"] - plans["approved"], 0) if working else 0,
    }


def last_working_day(tenant: Tenant, today: dt.date) -> dt.date | None:
    """The last day before `today` on which reports were due (a working day of the organisation and
    not one of its holidays), within a month, as the reminders and the top bar's count reckon."""
    earlier = (today - dt.timedelta(days=n) for n in range(1, 32))
    return next((day for day in earlier if tenant.works_on(day)), None)


def overdue_card(membership: Membership, today: dt.date) -> dict[str, Any]:
    """The daily reports of the last working day that are not in: the reps of the manager's line
    (those who had joined by then) without a submitted report for it. Two queries. (What waits too
    long in a queue is marked overdue on that queue's card, where it is acted on.)"""
    tenant = membership.tenant
    day = last_working_day(tenant, today)
    if day is None:  # a month without a working day: nothing is owed
        return {"day": None, "total": 0, "missing": []}
    filed = DailyReport.objects.filter(tenant=tenant, rep=OuterRef("pk"), day=day, status__in=DONE_REPORTS)
    missing = (
        _line_reps(membership)
        .filter(created_at__lt=_local_midnight(tenant, day + dt.timedelta(days=1)))
        .filter(~Exists(filed))
        .select_related("user")
        .order_by("display_name", "id")
    )
    total, reps = first_items(missing, MISSING_LISTED)
    return {"day": day, "total": total, "missing": reps}
