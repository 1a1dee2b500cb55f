"""Six weeks of plans, visits, daily reports and market reports for every rep, written in one bulk
insert per table; the orders and collections of the foundation are linked to the visits they were
taken on."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.customers.models import Customer
from apps.sales.models import Order, Payment
from apps.tenancy.demo import DemoContext
from apps.tenancy.models import Membership, Notification, Role
from apps.tenancy.money import CENT

from ..models import DailyReport, MarketReport, ReportOrder, ReportPayment, Visit, VisitPlan
from ..services import haversine_m, report_deadline
from .texts import EN, ZH, Texts

WEEKS = 6


# Purpose of the filler visits (orders and collections of the day bring their own).
PURPOSES = (("service", 34), ("order", 18), ("collection", 14), ("new_customer", 12), ("market_research", 10),
            ("complaint", 5), ("other", 7))  # fmt: skip
SLOTS = (dt.time(9, 0), dt.time(10, 0), dt.time(11, 0), dt.time(13, 30), dt.time(14, 30), dt.time(15, 30),
         dt.time(16, 30))  # fmt: skip


def working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [
        first + dt.timedelta(days=i)
        for i in range((last - first).days + 1)
        if (first + dt.timedelta(days=i)).weekday() < 5
    ]


def next_working_day(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def seed_field_work(ctx: DemoContext) -> None:
    tenant, today = ctx.tenant, ctx.today
    texts = ZH if ctx.spec.locale == "zh" else EN
    rng = ctx.rng("visits")
    tz = tenant.tzinfo

    def at(day: dt.date, time: dt.time, minutes: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=tz) + dt.timedelta(minutes=minutes)

    members = list(Membership.objects.filter(tenant=tenant).select_related("user").order_by("employee_no"))
    reps = [m for m in members if m.role == Role.REP]
    by_pk = {m.pk: m for m in members}
    customers: dict[int, list[Customer]] = {}
    for c in Customer.objects.filter(tenant=tenant).exclude(status=Customer.Status.LOST).order_by("code"):
        customers.setdefault(c.owner_id, []).append(c)

    # The field-work window: the working days of the last six weeks before today, and the plan day
    # (today, or the next working day when the demo's today falls on a weekend).
    past = working_days(today - dt.timedelta(weeks=WEEKS), today - dt.timedelta(days=1))
    plan_day = today if today.weekday() < 5 else next_working_day(today)
    orders: dict[tuple[int, int, dt.date], list[int]] = {}
    for pk, rep, customer, day in (
        Order.objects.filter(tenant=tenant, order_date__gte=past[0], order_date__lte=past[-1])
        .exclude(status=Order.Status.CANCELLED)
        .order_by("number")
        .values_list("pk", "rep_id", "customer_id", "order_date")
    ):
        orders.setdefault((rep, customer, day), []).append(pk)
    payments: dict[tuple[int, int, dt.date], list[int]] = {}
    for pk, rep, customer, day in (
        Payment.objects.filter(tenant=tenant, received_on__gte=past[0], received_on__lte=past[-1])
        .order_by("reference")
        .values_list("pk", "rep_id", "customer_id", "received_on")
    ):
        payments.setdefault((rep, customer, day), []).append(pk)

    plans: list[VisitPlan] = []
    visits: list[Visit] = []
    reports: list[DailyReport] = []
    links: list[
        tuple[Visit, DailyReport | None, list[int], list[int]]
    ] = []  # visit, report, orders, payments
    carries: list[tuple[Visit, Visit]] = []  # (visit, the postponed visit it carries over)
    purposes, weights = zip(*PURPOSES, strict=True)
    last_day = past[-1]

    for rep in reps:
        own = customers.get(rep.pk, [])
        manager = by_pk.get(rep.reports_to_id)
        postponed: list[Visit] = []  # the previous working day's, mostly carried into the next plan
        for day in [*past, plan_day]:
            is_past = day < plan_day
            roll = rng.random()
            attendance = (
                DailyReport.Attendance.LEAVE
                if roll < 0.03
                else DailyReport.Attendance.SICK
                if roll < 0.045
                else DailyReport.Attendance.TRAINING
                if roll < 0.06
                else DailyReport.Attendance.ON_DUTY
            )
            if not is_past:
                attendance = DailyReport.Attendance.ON_DUTY
            report = None
            if is_past:
                report = _report(ctx, texts, rng, rep, manager, day, attendance, last_day, at)
                reports.append(report)
            carry, postponed = [v for v in postponed if rng.random() < 0.8], []
            if attendance != DailyReport.Attendance.ON_DUTY or not own:
                continue

            plan = _plan(
                texts, rng, rep, manager, day, is_past, rep.user.username == "demo-rep", at, last_day
            )
            plans.append(plan)
            # The day's deals come first: a customer who ordered or paid that day was mostly visited.
            chosen: list[tuple[Customer, str, list[int], list[int], Visit | None]] = [
                (v.customer, v.purpose, [], [], v) for v in carry
            ]
            for c in own:
                key = (rep.pk, c.pk, day)
                if (key in orders or key in payments) and is_past and rng.random() < 0.75:
                    purpose = "order" if key in orders else "collection"
                    deal = (orders.get(key, []), payments.get(key, []))
                    same = next((i for i, item in enumerate(chosen) if item[0].pk == c.pk), None)
                    if same is None:
                        chosen.append((c, purpose, *deal, None))
                    else:
                        chosen[same] = (c, chosen[same][1], *deal, chosen[same][4])
            target = rng.randint(3, 6)
            picked = {item[0].pk for item in chosen}
            pool = [c for c in own if c.pk not in picked]
            for c in rng.sample(pool, k=min(len(pool), max(0, target - len(chosen)))):
                chosen.append((c, rng.choices(purposes, weights)[0], [], [], None))
            chosen = chosen[:6]
            rng.shuffle(chosen)
            prospect = rng.random() < 0.12
            for position, (c, purpose, order_ids, payment_ids, source) in enumerate(chosen, start=1):
                visit = _visit(texts, rng, rep, day, plan, c, purpose, position, is_past, bool(order_ids), at)
                visit.report = report
                visits.append(visit)
                if source is not None:
                    carries.append((visit, source))
                if order_ids or payment_ids:
                    links.append((visit, report, order_ids, payment_ids))
                if visit.outcome == Visit.Outcome.POSTPONED:
                    postponed.append(visit)
            if prospect:
                visit = Visit(
                    tenant=tenant,
                    rep=rep,
                    day=day,
                    plan=plan,
                    planned=True,
                    prospect_name=rng.choice(texts.prospects),
                    area=own[0].address[:6] if texts is ZH else "",
                    planned_time=SLOTS[-1],
                    purpose="new_customer",
                    note=rng.choice(texts.purpose_notes["new_customer"]),
                    position=len(chosen) + 1,
                    report=report,
                )
                if is_past:
                    visit.outcome = rng.choice(("done", "done", "not_met"))
                    visit.effective = visit.outcome == "done" and rng.random() < 0.5
                    visit.result_note = rng.choice(
                        texts.results["new_customer"] if visit.outcome == "done" else texts.not_met
                    )
                    visit.cost = _cost(rng, texts)
                visits.append(visit)
            # Now and then an unplanned visit, recorded in the day's report.
            rest = [c for c in pool if c.pk not in {item[0].pk for item in chosen}]
            if is_past and rng.random() < 0.1 and rest:
                c = rng.choice(rest)
                visit = _visit(texts, rng, rep, day, None, c, "service", len(chosen) + 2, True, False, at)
                visit.planned, visit.report, visit.planned_time = False, report, None
                visits.append(visit)

    VisitPlan.objects.bulk_create(plans, batch_size=2000)
    DailyReport.objects.bulk_create(reports, batch_size=2000)
    for visit in visits:  # the FKs to rows just inserted
        visit.plan_id = visit.plan.pk if visit.plan else None
        visit.report_id = visit.report.pk if visit.report else None
    Visit.objects.bulk_create(visits, batch_size=2000)
    for visit, source in carries:
        visit.carried_from_id = source.pk
    Visit.objects.bulk_update([visit for visit, _source in carries], ["carried_from"], batch_size=1000)
    ReportOrder.objects.bulk_create(
        [
            ReportOrder(tenant=tenant, report=report, visit=visit, order_id=order_id)
            for visit, report, order_ids, _p in links
            if report is not None
            for order_id in order_ids
        ],
        batch_size=2000,
    )
    ReportPayment.objects.bulk_create(
        [
            ReportPayment(tenant=tenant, report=report, visit=visit, payment_id=payment_id)
            for visit, report, _o, payment_ids in links
            if report is not None
            for payment_id in payment_ids
        ],
        batch_size=2000,
    )
    _market_reports(ctx, texts, reps, by_pk, customers, past, at)


def _plan(texts, rng, rep, manager, day, is_past, is_demo_rep, at, last_day) -> VisitPlan:
    plan = VisitPlan(tenant_id=rep.tenant_id, rep=rep, day=day, note=rng.choice(texts.plan_notes))
    if is_past:
        returned = rng.random() < 0.03
        plan.status = VisitPlan.Status.RETURNED if returned else VisitPlan.Status.APPROVED
        plan.submitted_at = at(day, dt.time(8, 0), -rng.randint(5, 14 * 60))
        plan.reviewed_by, plan.reviewed_at = manager, at(day, dt.time(8, 30), rng.randint(0, 60))
        if returned:
            plan.review_comment = rng.choice(texts.return_comments)
        elif rng.random() < 0.25:
            plan.review_comment = rng.choice(texts.approve_comments)
        return plan
    # The plan day: the manager's approval queue has work (demo-rep's plan is always in it).
    roll = rng.random()
    status = (
        VisitPlan.Status.SUBMITTED
        if is_demo_rep or roll < 0.5
        else VisitPlan.Status.DRAFT
        if roll < 0.75
        else VisitPlan.Status.APPROVED
        if roll < 0.92
        else VisitPlan.Status.RETURNED
    )
    plan.status = status
    # Filed and reviewed the evening of the last working day before today, so that loading the demo
    # early in the morning, or on a weekend for Monday's plans, finds them already there.
    if status != VisitPlan.Status.DRAFT:
        plan.submitted_at = at(last_day, dt.time(17, 0), rng.randint(0, 180))
    if status in (VisitPlan.Status.APPROVED, VisitPlan.Status.RETURNED):
        plan.reviewed_by, plan.reviewed_at = manager, at(last_day, dt.time(20, 30), rng.randint(0, 60))
        if status == VisitPlan.Status.RETURNED:
            plan.review_comment = rng.choice(texts.return_comments)
    return plan


def _cost(rng, texts: Texts) -> Decimal:
    return (Decimal(str(round(rng.uniform(8, 120) * texts.cost_scale, 1)))).quantize(CENT)


def _visit(texts, rng, rep, day, plan, customer, purpose, position, is_past, has_order, at) -> Visit:
    slot = SLOTS[min(position - 1, len(SLOTS) - 1)]
    visit = Visit(
        tenant_id=rep.tenant_id,
        rep=rep,
        day=day,
        plan=plan,
        customer=customer,
        area=customer.address[: customer.address.find("区") + 1] if "区" in customer.address else "",
        planned_time=slot,
        purpose=purpose,
        note=rng.choice(texts.purpose_notes[purpose]),
        position=position,
    )
    if not is_past:
        return visit
    roll = rng.random()
    outcome = "done" if has_order or roll < 0.84 else "not_met" if roll < 0.92 else "postponed"
    visit.outcome = outcome
    if outcome == "postponed":
        visit.result_note = rng.choice(texts.postponed)
        return visit
    visit.cost = _cost(rng, texts)
    visit.check_in_at = at(day, slot, rng.randint(-20, 25))
    far = rng.random() < 0.04
    lat0, lng0 = float(customer.latitude), float(customer.longitude)
    spread = rng.uniform(0.012, 0.04) if far else abs(rng.gauss(0, 0.0006))
    angle = rng.uniform(0, 2 * math.pi)
    lat, lng = lat0 + spread * math.sin(angle), lng0 + spread * math.cos(angle)
    visit.check_in_lat, visit.check_in_lng = Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")
    visit.check_in_accuracy_m = rng.randint(8, 60)
    visit.check_in_distance_m = round(haversine_m(lat, lng, lat0, lng0))
    visit.check_in_far = visit.check_in_distance_m > 500
    if outcome == "not_met":
        visit.result_note = rng.choice(texts.not_met)
        visit.effective = False
        return visit
    visit.result_note = rng.choice(texts.results[purpose])
    visit.effective = has_order or rng.random() < 0.62
    visit.check_out_at = visit.check_in_at + dt.timedelta(minutes=rng.randint(25, 95))
    visit.check_out_lat, visit.check_out_lng = visit.check_in_lat, visit.check_in_lng
    return visit


def _report(ctx, texts, rng, rep, manager, day, attendance, last_day, at) -> DailyReport:
    deadline = report_deadline(tenant=ctx.tenant, day=day)
    on_duty = attendance == DailyReport.Attendance.ON_DUTY
    late = rng.random() < 0.08
    submitted = (
        deadline + dt.timedelta(minutes=rng.randint(20, 14 * 60))
        if late
        else deadline - dt.timedelta(minutes=rng.randint(10, 150))
    )
    submitted = ctx.before_today(submitted, after=deadline)  # yesterday's late ones: before midnight
    report = DailyReport(
        tenant_id=rep.tenant_id,
        rep=rep,
        day=day,
        attendance=attendance,
        complaints_handled=rng.choice(texts.complaints) if on_duty else "",
        competitor_info=rng.choice(texts.competitor) if on_duty else "",
        customer_feedback=rng.choice(texts.feedback) if on_duty else "",
        learnings=rng.choice(texts.learnings),
        status=DailyReport.Status.SUBMITTED,
        submitted_at=submitted,
        deadline_at=deadline,
        on_time=submitted <= deadline,
    )
    # Yesterday's reports wait for the 批示; older ones are mostly signed off.
    if day < last_day and rng.random() < 0.92 and manager is not None:
        report.status = DailyReport.Status.REVIEWED
        report.reviewed_by = manager
        report.reviewed_at = at(next_working_day(day), dt.time(9, 0), rng.randint(0, 150))
        report.manager_comment = rng.choice(texts.review_comments) if rng.random() < 0.8 else ""
    return report


def _market_reports(ctx, texts, reps, by_pk, customers, past, at) -> None:
    """Market situation reports of the last weeks: the older acknowledged or closed, the recent ones
    open, each open one with an unread notification for the author's manager."""
    tenant = ctx.tenant
    rng = ctx.rng("market_reports")
    demo_rep = next((r for r in reps if r.user.username == "demo-rep"), None)
    rows: list[MarketReport] = []
    n = len(texts.market)
    for i, (category, urgency, title, body) in enumerate(texts.market):
        rep = demo_rep if (demo_rep is not None and i in (0, 3)) else rng.choice(reps)
        day = past[-1 - (i * (len(past) - 1)) // max(1, n - 1)] if i else past[-1]
        own = customers.get(rep.pk, [])
        customer = rng.choice(own) if own and rng.random() < 0.6 else None
        report = MarketReport(
            tenant=tenant,
            rep=rep,
            raised_at=at(day, dt.time(rng.randint(9, 17), rng.choice((0, 15, 30, 45)))),
            customer=customer,
            region_id=customer.region_id if customer else None,
            category=category,
            urgency=urgency,
            title=title,
            body=body,
        )
        age = (past[-1] - day).days
        manager = by_pk.get(rep.reports_to_id)
        if age > 10 and manager is not None:
            report.status = MarketReport.Status.CLOSED if age > 20 else MarketReport.Status.ACKNOWLEDGED
            report.acknowledged_by = manager
            report.acknowledged_at = report.raised_at + dt.timedelta(hours=rng.randint(1, 20))
            report.response = rng.choice(texts.responses)
        rows.append(report)
    MarketReport.objects.bulk_create(rows)
    notes = []
    with translation.override(ctx.spec.language):
        for report in rows:
            manager = by_pk.get(report.rep.reports_to_id)
            if manager is None:
                continue
            prefix = _("URGENT: ") if report.urgency == MarketReport.Urgency.URGENT else ""
            title = _("Market report from %(rep)s: %(title)s") % {
                "rep": report.rep.name,
                "title": report.title,
            }
            notes.append(
                Notification(
                    tenant=tenant,
                    recipient=manager,
                    kind="market_report",
                    title=(prefix + title)[:200],
                    body=f"{report.get_category_display()}\n{report.body}",
                    url=reverse(
                        "reports:market-detail", kwargs={"tenant_slug": tenant.slug, "report_id": report.pk}
                    ),
                    dedupe_key=f"market-report:{report.pk}:{manager.pk}",
                    read_at=report.acknowledged_at,
                )
            )
    Notification.objects.bulk_create(notes)
