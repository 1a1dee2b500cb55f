"""Homes bench: the server time of each role's home (`/t/<slug>/`) and of each card it loads with
htmx after it (the lazy cards, the attainment table, the team's figures), on a large organisation,
with each page's query count.

Goal (issue 13, "Homes that say what needs me today"): p95 under 100 ms for the rep's, the manager's,
the admin's and the viewer's home, and a query count that does not grow with the data.

The organisation is the reporting case's (its own slug, 500 reps under 10 managers, 50,000 customers,
2,000,000 order lines, 1,000,000 visits and their daily reports over 52 weeks, the weekly rollup),
built by that case's generators when missing, plus the targets case's revenue targets of the current
month, quarter and year for every rep and team. On top, this case writes what a home lists, marked so
that it is found and removed again at the end (and at the start, after an interrupted run): the
organisation's revenue targets of the period, targets proposed for next month, today's visit plans
(a third submitted, a third approved, a sixth draft, five visits each), open market reports, an
appraisal cycle with appraisals to acknowledge and to complete, improvement actions due, contacts
with birthdays this week, and a viewer.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.customers.models import Contact, Interaction
from apps.reporting.models import WeeklyProgress
from apps.targets.models import Appraisal, AppraisalCycle, ImprovementAction, Target
from apps.tenancy.dates import last_full_week, period_floor, period_shift, tenant_today
from apps.tenancy.home import cards_for
from apps.tenancy.models import Membership, Role
from apps.tenancy.owner import run_as_owner
from apps.visits.models import MarketReport, Visit, VisitPlan

from .common import Row, summarize_ms, time_calls
from .dataset import BenchTenant, bench_tenant_ensure, reporting_world

CASE = "homes"
GOAL_MS = 100
MARK = "bench:homes"  # on every row this case writes (a statement, note, title, name or username)
VIEWER = "bench-homes-viewer"
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


def add_arguments(parser) -> None:
    group = parser.add_argument_group("homes")
    group.add_argument("--homes-requests", type=int, default=200, help="timed requests per page")
    group.add_argument(
        "--homes-slug",
        default=None,
        help="the organisation (default: the reporting case's, --reporting-slug)",
    )


def _arg(args, name: str, default):
    return getattr(args, name, default)


def run(args, log=print) -> list[Row]:
    from .reporting import visits_ensure, week_range

    size, slug, weeks = reporting_world(args)
    slug = _arg(args, "homes_slug", None) or slug
    visits = _arg(args, "reporting_visits", 1_000_000)
    requests = max(1, _arg(args, "homes_requests", 200))
    log(f"homes: tenant '{slug}' ({size.reps} reps, {size.lines:,} lines, {visits:,} visits)")
    with scopes_disabled():
        bench = bench_tenant_ensure(slug=slug, size=size, rebuild=_arg(args, "rebuild", False), log=log)
        first, last = week_range(bench.today, weeks)
        visits_ensure(bench, visits=visits, first=first, last=last, log=log)
        world_ensure(bench, log=log)
        try:
            made = homes_data_write(bench, log=log)
            return _measure(bench, made, requests, log)
        finally:
            removed = homes_data_remove(bench.tenant.pk)
            log(f"  removed what the case wrote: {removed}")


def world_ensure(bench: BenchTenant, log=print) -> None:
    """The targets the homes read, kept between runs: the targets case's revenue targets of the
    current periods, and last week's rollup."""
    from apps.reporting.services import rollup_weeks

    from .targets import dashboard_targets_ensure

    tenant = bench.tenant
    homes_data_remove(tenant.pk)  # of an interrupted run
    dashboard_targets_ensure(bench, tenant_today(tenant), log=log)
    week = last_full_week(tenant_today(tenant))
    if not WeeklyProgress.objects.filter(tenant=tenant, week_start=week).exists():
        t0 = time.perf_counter()
        rollup_weeks(tenant=tenant, first=week, last=week)
        log(f"  weekly rollup of last week: {time.perf_counter() - t0:.1f} s")


def homes_data_write(bench: BenchTenant, log=print) -> dict[str, int]:
    """What the homes list, written in bulk and marked (see the module's doc); returns the counts."""
    tenant, today = bench.tenant, tenant_today(bench.tenant)
    rng = random.Random(13)  # noqa: S311 - bench data, not security
    reps, managers, admin = bench.reps, bench.managers, bench.admin
    t0 = time.perf_counter()
    made: dict[str, int] = {}
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant.pk)])
        common = {"tenant": tenant, "metric": "revenue", "statement": MARK}
        company = [
            Target(
                **common,
                owner_kind=Target.OwnerKind.TENANT,
                grain=grain,
                period_start=period_floor(today, grain),
                value=Decimal(value) * len(reps),
                status=Target.Status.LOCKED,
            )
            for grain, value in (("month", "500000"), ("quarter", "1500000"), ("year", "6000000"))
        ]
        next_month = period_shift(period_floor(today, "month"), "month", 1)
        proposed = [
            Target(
                **common,
                owner_kind=Target.OwnerKind.REP,
                rep=rep,
                grain="month",
                period_start=next_month,
                value=Decimal("520000"),
                status=Target.Status.PROPOSED,
            )
            for rep in reps[::10]
        ]
        made["targets"] = len(Target.objects.bulk_create(company + proposed))

        customers: dict[int, list[int]] = {}
        with connection.cursor() as cur:
            cur.execute(
                """
                SELECT owner_id, (array_agg(id ORDER BY id))[1:6] FROM customers_customer
                WHERE tenant_id = %s GROUP BY owner_id
                """,
                [tenant.pk],
            )
            customers = dict(cur.fetchall())
        statuses = (
            [VisitPlan.Status.SUBMITTED] * 2 + [VisitPlan.Status.APPROVED] * 2 + [VisitPlan.Status.DRAFT]
        )
        now = timezone.now()
        plans = [
            VisitPlan(
                tenant=tenant,
                rep=rep,
                day=today,
                status=statuses[i % len(statuses)],
                note=MARK,
                submitted_at=now if statuses[i % len(statuses)] != VisitPlan.Status.DRAFT else None,
            )
            for i, rep in enumerate(reps)
            if i % 6 != 5  # a sixth of the reps have no plan yet
        ]
        VisitPlan.objects.bulk_create(plans)
        outcomes = [Visit.Outcome.DONE, Visit.Outcome.PENDING, Visit.Outcome.PENDING, Visit.Outcome.NOT_MET]
        visits = [
            Visit(
                tenant=tenant,
                rep_id=plan.rep_id,
                day=today,
                plan=plan,
                planned=True,
                customer_id=customer,
                note=MARK,
                position=n,
                planned_time=dt.time(9 + n, 0),
                outcome=outcomes[(plan.rep_id + n) % len(outcomes)],
                check_in_at=now if n == 0 else None,
            )
            for plan in plans
            for n, customer in enumerate(customers.get(plan.rep_id, [])[:5])
        ]
        made["plans"] = len(plans)
        made["visits"] = len(Visit.objects.bulk_create(visits, batch_size=2000))

        market = [
            MarketReport(
                tenant=tenant,
                rep=rep,
                raised_at=now - dt.timedelta(hours=rng.randint(1, 96)),
                title=f"{MARK} competitor price cut {i}",
                urgency=MarketReport.Urgency.URGENT if i % 5 == 0 else MarketReport.Urgency.NORMAL,
            )
            for i, rep in enumerate(reps[::2])
        ]
        made["market_reports"] = len(MarketReport.objects.bulk_create(market))

        cycle = AppraisalCycle.objects.create(
            tenant=tenant,
            name=MARK,
            cadence=AppraisalCycle.Cadence.MONTHLY,
            period_start=period_shift(period_floor(today, "month"), "month", -1),
            period_end=period_floor(today, "month") - dt.timedelta(days=1),
        )
        appraisals = Appraisal.objects.bulk_create(
            [
                Appraisal(
                    tenant=tenant,
                    cycle=cycle,
                    rep=rep,
                    manager_id=rep.reports_to_id or admin.pk,
                    status=Appraisal.Status.SUBMITTED if i % 2 else Appraisal.Status.DRAFT,
                )
                for i, rep in enumerate(reps)
            ]
        )
        made["appraisals"] = len(appraisals)
        made["actions"] = len(
            ImprovementAction.objects.bulk_create(
                [
                    ImprovementAction(
                        tenant=tenant,
                        appraisal=a,
                        description=f"{MARK} visit the three largest dormant accounts",
                        owner_id=a.rep_id,
                        due_date=today + dt.timedelta(days=rng.randint(-3, 10)),
                    )
                    for a in appraisals
                ]
            )
        )

        contacts = [
            Contact(
                tenant=tenant,
                customer_id=customer,
                name="Contact",
                title=MARK,
                birthday=dt.date(1980, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 20)),
            )
            for ids in customers.values()
            for customer in ids
        ]
        made["contacts"] = len(Contact.objects.bulk_create(contacts, batch_size=5000))

        # Follow-ups (跟进): one open per customer listed above, due from three days back to a week on.
        follow_ups = [
            Interaction(
                tenant=tenant,
                customer_id=customer,
                rep_id=rep_id,
                occurred_at=now - dt.timedelta(days=7),
                subject=MARK,
                follow_up_on=today + dt.timedelta(days=rng.randint(-3, 7)),
            )
            for rep_id, ids in customers.items()
            for customer in ids
        ]
        made["follow_ups"] = len(Interaction.objects.bulk_create(follow_ups, batch_size=5000))

        user = get_user_model().objects.create_user(username=VIEWER, password=None)
        Membership.objects.create(tenant=tenant, user=user, role=Role.VIEWER, display_name=MARK)
    run_as_owner(
        *(
            f"ANALYZE {t}"
            for t in ("targets_target", "visits_visitplan", "visits_visit", "visits_marketreport")
            + ("targets_appraisal", "targets_improvementaction", "customers_contact", "customers_interaction")
        )
    )
    log(f"  wrote what the homes list: {made} in {time.perf_counter() - t0:.1f} s")
    assert managers, "the organisation has managers"
    return made


def homes_data_remove(tenant_id: int) -> dict[str, int]:
    """Remove every row this case wrote (marked), children first; the counts removed."""
    removed: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant_id)])
        for label, sql in (
            (
                "actions",
                "DELETE FROM targets_improvementaction WHERE tenant_id = %(t)s AND appraisal_id IN "
                "(SELECT a.id FROM targets_appraisal a JOIN targets_appraisalcycle c ON c.id = a.cycle_id "
                "WHERE a.tenant_id = %(t)s AND c.name = %(m)s)",
            ),
            (
                "appraisals",
                "DELETE FROM targets_appraisal WHERE tenant_id = %(t)s AND cycle_id IN "
                "(SELECT id FROM targets_appraisalcycle WHERE tenant_id = %(t)s AND name = %(m)s)",
            ),
            ("cycles", "DELETE FROM targets_appraisalcycle WHERE tenant_id = %(t)s AND name = %(m)s"),
            ("visits", "DELETE FROM visits_visit WHERE tenant_id = %(t)s AND note = %(m)s"),
            ("plans", "DELETE FROM visits_visitplan WHERE tenant_id = %(t)s AND note = %(m)s"),
            (
                "market_reports",
                "DELETE FROM visits_marketreport WHERE tenant_id = %(t)s AND title LIKE %(m)s || '%%'",
            ),
            ("targets", "DELETE FROM targets_target WHERE tenant_id = %(t)s AND statement = %(m)s"),
            ("contacts", "DELETE FROM customers_contact WHERE tenant_id = %(t)s AND title = %(m)s"),
            ("follow_ups", "DELETE FROM customers_interaction WHERE tenant_id = %(t)s AND subject = %(m)s"),
        ):
            cur.execute(sql, {"t": tenant_id, "m": MARK})
            if cur.rowcount:
                removed[label] = cur.rowcount
    # The viewer through the ORM: their membership, profile and sessions' rows go with the user.
    if get_user_model().objects.filter(username=VIEWER).delete()[0]:
        removed["viewer"] = 1
    return removed


def _members(bench: BenchTenant) -> list[tuple[str, Membership]]:
    """Who is timed: a rep (the first), the manager of the largest line, the admin, the viewer."""
    manager = max(bench.managers, key=lambda m: sum(1 for r in bench.reps if r.reports_to_id == m.pk))
    viewer = Membership.objects.select_related("user").get(tenant=bench.tenant, user__username=VIEWER)
    return [("rep", bench.reps[0]), ("manager", manager), ("admin", bench.admin), ("viewer", viewer)]


def _measure(bench: BenchTenant, made: dict[str, int], requests: int, log) -> list[Row]:
    from django.test import Client
    from django.urls import reverse

    slug = bench.tenant.slug
    home = reverse("dashboard", kwargs={"tenant_slug": slug})
    cards = {
        "attainment card": reverse("targets:team-card", kwargs={"tenant_slug": slug}),
        "team card": reverse("sales:team-card", kwargs={"tenant_slug": slug}),
    }
    rows = [Row(CASE, "dataset", {"reps": len(bench.reps), "lines": bench.size.lines, **made})]
    # Static URLs without a collectstatic manifest (the bench runs from a checkout, as the tests do).
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}):
        for role, member in _members(bench):
            client = Client()
            # A session made in-process: django-axes would log a sign-in without a client address.
            with override_settings(AXES_ENABLED=False):
                client.force_login(member.user)
            htmx = {"HTTP_HX_REQUEST": "true"}  # as the home's placeholders fetch their cards
            pages = [(f"home {role}", home, {})]
            pages += [
                (
                    f"card {card.code} {role}",
                    reverse("home-card", kwargs={"tenant_slug": slug, "code": card.code}),
                    htmx,
                )
                for card in cards_for(role)
                if card.lazy
            ]
            if role in ("manager", "admin"):
                pages += [(f"{name} {role}", url, htmx) for name, url in cards.items()]
            for name, url, headers in pages:
                rows.append(_time_page(client, name, url, headers, requests, log))
    return rows


def _time_page(client, name: str, url: str, headers: dict, requests: int, log) -> Row:
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    cards = response.content.count(b'data-card="') if not headers else None
    for _ in range(3):  # warm-up
        client.get(url, **headers)
    # Counted by a wrapper: the test client's request_started signal resets connection.queries.
    executed: list[str] = []
    with connection.execute_wrapper(lambda run, sql, *a, seen=executed: seen.append(sql) or run(sql, *a)):
        client.get(url, **headers)
    cpu = time.process_time()
    timing = summarize_ms(time_calls(lambda: client.get(url, **headers), requests, warmup=0))
    # This process's CPU per request (the app's Python side, not PostgreSQL's): on a machine shared
    # with other work the wall times mostly measure the neighbours, the CPU time does not.
    cpu_ms = round((time.process_time() - cpu) / requests * 1000, 1)
    log(
        f"  {name}: p50 {timing['p50_ms']} ms, p95 {timing['p95_ms']} ms, {cpu_ms} ms CPU, {len(executed)} queries"
    )
    values = {**timing, "cpu_ms": cpu_ms, "queries": len(executed), "load1": round(os.getloadavg()[0], 1)}
    if cards is not None:
        values["cards"] = cards
    return Row(CASE, name, values, goal=f"p95 < {GOAL_MS} ms", ok=timing["p95_ms"] < GOAL_MS)
