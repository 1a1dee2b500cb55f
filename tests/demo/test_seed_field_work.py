"""The field-work, weekly-report and appraisal demo seeders (apps.visits.demo, apps.reporting.demo,
apps.targets.demo.appraisals): run `seed_demo` twice and read what a demo login finds."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django_scopes import scopes_disabled

from apps.reporting.models import WeeklyProgress
from apps.tenancy.context import tenant_context
from apps.tenancy.models import Membership, Tenant
from apps.visits.selectors import review_queue, visit_plan_queue

from .conftest import demo_tenants_remove

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("seed_demo")]

TODAY = dt.date(2026, 11, 2)  # a Monday: the plans of today wait, Friday's reports wait for the 批示
MEMBER = "(SELECT u.username FROM tenancy_membership m JOIN auth_user u ON u.id = m.user_id WHERE m.id = {})"

# Natural keys and values only (ids differ between runs by design).
TABLES = {
    "plans": f"""SELECT {MEMBER.format("p.rep_id")}, p.day, p.status, p.note, p.submitted_at, p.reviewed_at,
        p.review_comment, coalesce({MEMBER.format("p.reviewed_by_id")}, '') FROM visits_visitplan p
        WHERE p.tenant_id = %(t)s""",
    "visits": f"""SELECT {MEMBER.format("v.rep_id")}, v.day, v.position, v.planned, v.plan_id IS NULL,
        coalesce(c.code, v.prospect_name), v.purpose, v.note, v.outcome, v.result_note, v.effective, v.cost,
        v.check_in_at, v.check_in_lat, v.check_in_lng, v.check_in_distance_m, v.check_in_far,
        v.check_out_at, v.report_id IS NULL
        FROM visits_visit v LEFT JOIN customers_customer c ON c.id = v.customer_id WHERE v.tenant_id = %(t)s""",
    "reports": f"""SELECT {MEMBER.format("r.rep_id")}, r.day, r.attendance, r.status, r.submitted_at,
        r.deadline_at, r.on_time, r.competitor_info, r.customer_feedback, r.learnings, r.manager_comment,
        r.reviewed_at FROM visits_dailyreport r WHERE r.tenant_id = %(t)s""",
    "report_orders": """SELECT o.number, v.day, v.position FROM visits_reportorder ro
        JOIN sales_order o ON o.id = ro.order_id JOIN visits_visit v ON v.id = ro.visit_id
        WHERE ro.tenant_id = %(t)s""",
    "report_payments": """SELECT y.reference, v.day, v.position FROM visits_reportpayment rp
        JOIN sales_payment y ON y.id = rp.payment_id JOIN visits_visit v ON v.id = rp.visit_id
        WHERE rp.tenant_id = %(t)s""",
    "market": f"""SELECT {MEMBER.format("r.rep_id")}, r.raised_at, r.title, r.status, r.response
        FROM visits_marketreport r WHERE r.tenant_id = %(t)s""",
    "notifications": f"""SELECT {MEMBER.format("n.recipient_id")}, n.kind, n.title, n.read_at IS NULL
        FROM tenancy_notification n WHERE n.tenant_id = %(t)s""",
    "appraisals": f"""SELECT {MEMBER.format("a.rep_id")}, a.status, a.rating, a.feedback, l.metric, l.weight,
        l.actual, l.score FROM targets_appraisal a JOIN targets_appraisalline l ON l.appraisal_id = a.id
        WHERE a.tenant_id = %(t)s""",
    "actions": f"""SELECT {MEMBER.format("x.owner_id")}, x.description, x.due_date, x.done
        FROM targets_improvementaction x WHERE x.tenant_id = %(t)s""",
    "notes": """SELECT t.name, n.week_start, n.next_week_goals FROM reporting_weeklyreportnote n
        JOIN org_team t ON t.id = n.team_id WHERE n.tenant_id = %(t)s""",
}


def snapshot() -> dict:
    out = {}
    with connection.cursor() as cur:
        for tid, slug in Tenant.objects.filter(slug__in=["demo", "rival"]).values_list("id", "slug"):
            for name, sql in TABLES.items():
                cur.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM ({sql}) x",
                    {"t": tid},
                )
                out[f"{slug}.{name}"] = cur.fetchone()
    return out


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), scopes_disabled():
        call_command("seed_demo", today=TODAY.isoformat(), stdout=StringIO())
        first = snapshot()
        call_command("seed_demo", today=TODAY.isoformat(), stdout=StringIO())
        second = snapshot()
    yield {"first": first, "second": second}
    with django_db_blocker.unblock(), scopes_disabled():
        demo_tenants_remove()


def rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def member(slug: str, username: str) -> Membership:
    with scopes_disabled():
        return Membership.objects.select_related("tenant", "user").get(
            tenant__slug=slug, user__username=username
        )


def test_seeding_twice_leaves_identical_field_work(seeded):
    assert seeded["first"] == seeded["second"]
    for name in TABLES:
        assert seeded["first"][f"demo.{name}"][0] > 0, name
    for name in ("plans", "visits", "reports", "report_orders", "market", "notes"):
        assert seeded["first"][f"rival.{name}"][0] > 0, name
    assert seeded["first"]["rival.appraisals"][0] == 0  # appraisals are the Chinese demo's story


def test_managers_find_plans_to_approve_and_reports_to_sign_off(seeded):
    manager, rep = member("demo", "demo-manager"), member("demo", "demo-rep")
    with tenant_context(manager.tenant):
        queue = list(visit_plan_queue(tenant=manager.tenant, viewer=manager))
        assert queue and {p.day for p in queue} == {TODAY}
        assert rep.pk in {p.rep_id for p in queue}
        waiting = list(review_queue(tenant=manager.tenant, viewer=manager))
        assert waiting and dt.date(2026, 10, 30) in {r.day for r in waiting}  # Friday's reports
    t = {"t": manager.tenant_id}
    statuses = dict(
        rows("SELECT status, count(*) FROM visits_dailyreport WHERE tenant_id = %(t)s GROUP BY 1", t)
    )
    assert statuses["reviewed"] > 4 * statuses["submitted"]
    assert "draft" not in statuses
    [(commented, late, leave)] = rows(
        """SELECT avg((manager_comment <> '')::int) FILTER (WHERE status = 'reviewed'),
                  avg((NOT on_time)::int), avg((attendance <> 'on_duty')::int)
           FROM visits_dailyreport WHERE tenant_id = %(t)s""",
        t,
    )
    assert 0.6 < commented < 0.95 and 0.02 < late < 0.2 and 0.02 < leave < 0.12
    plan_statuses = dict(
        rows(
            "SELECT status, count(*) FROM visits_visitplan WHERE tenant_id = %(t)s AND day < %(d)s GROUP BY 1",
            {**t, "d": TODAY},
        )  # fmt: skip
    )
    assert (
        set(plan_statuses) == {"approved", "returned"}
        and plan_statuses["returned"] < plan_statuses["approved"] / 10
    )


def test_visits_are_plausible(seeded):
    t = {"t": member("demo", "demo-admin").tenant_id}
    [(per_plan, done, far, unplanned, foreign, undone_today)] = rows(
        """SELECT count(*)::float / (SELECT count(*) FROM visits_visitplan WHERE tenant_id = %(t)s),
                  avg((outcome = 'done')::int) FILTER (WHERE day < '2026-11-02'),
                  avg(check_in_far::int) FILTER (WHERE check_in_at IS NOT NULL),
                  count(*) FILTER (WHERE NOT planned),
                  count(*) FILTER (WHERE c.owner_id <> v.rep_id),
                  count(*) FILTER (WHERE day = '2026-11-02' AND outcome <> 'pending')
           FROM visits_visit v LEFT JOIN customers_customer c ON c.id = v.customer_id
           WHERE v.tenant_id = %(t)s""",
        t,
    )
    assert 3 <= per_plan <= 6.5 and 0.75 < done < 0.95 and 0 < far < 0.1 and unplanned > 0
    assert foreign == 0 and undone_today == 0
    # A far check-in is farther than the tenant's radius, a near one within it.
    assert rows(
        """SELECT count(*) FROM visits_visit WHERE tenant_id = %(t)s AND check_in_at IS NOT NULL
           AND check_in_far <> (check_in_distance_m > 500)""",
        t,
    ) == [(0,)]
    # Postponed visits are mostly carried into the rep's next plan, once, for the same customer.
    [(carried, wrong)] = rows(
        """SELECT count(*), count(*) FILTER (WHERE s.outcome <> 'postponed' OR s.rep_id <> v.rep_id
                  OR s.customer_id <> v.customer_id OR s.day >= v.day OR v.plan_id IS NULL)
           FROM visits_visit v JOIN visits_visit s ON s.id = v.carried_from_id WHERE v.tenant_id = %(t)s""",
        t,
    )
    assert carried > 20 and wrong == 0
    # Linked orders and payments are the rep's own, of the visit's customer and day.
    assert rows(
        """SELECT count(*) FROM visits_reportorder ro JOIN visits_visit v ON v.id = ro.visit_id
           JOIN sales_order o ON o.id = ro.order_id JOIN visits_dailyreport r ON r.id = ro.report_id
           WHERE ro.tenant_id = %(t)s AND (o.rep_id <> v.rep_id OR o.customer_id <> v.customer_id
                 OR o.order_date <> v.day OR r.day <> v.day OR r.rep_id <> v.rep_id OR v.outcome <> 'done')""",
        t,
    ) == [(0,)]


def test_weekly_progress_has_visit_rates_and_goals(seeded):
    manager = member("demo", "demo-manager")
    with tenant_context(manager.tenant):
        week = WeeklyProgress.objects.get(
            tenant=manager.tenant, scope="team", team=manager.team, week_start=dt.date(2026, 10, 26)
        )
    assert week.visits_done > 50 and week.reports_submitted > 20
    assert 0.5 < week.effective_visit_rate < 0.9
    assert 0.05 < week.deal_rate < 0.4
    notes = rows(
        "SELECT week_start FROM reporting_weeklyreportnote WHERE tenant_id = %s AND team_id = %s ORDER BY 1",
        [manager.tenant_id, manager.team_id],
    )
    assert [n for (n,) in notes][-1] == dt.date(2026, 10, 26)


def test_market_reports_and_notifications(seeded):
    manager = member("demo", "demo-manager")
    t = {"t": manager.tenant_id}
    statuses = dict(
        rows("SELECT status, count(*) FROM visits_marketreport WHERE tenant_id = %(t)s GROUP BY 1", t)
    )
    assert statuses.get("open", 0) >= 1 and statuses.get("acknowledged", 0) + statuses.get("closed", 0) >= 2
    [(unread,)] = rows(
        """SELECT count(*) FROM tenancy_notification n WHERE n.tenant_id = %(t)s AND n.kind = 'market_report'
           AND n.read_at IS NULL""",
        t,
    )
    assert unread == statuses["open"]
    [(open_for_manager,)] = rows(
        """SELECT count(*) FROM tenancy_notification WHERE tenant_id = %(t)s AND recipient_id = %(m)s
           AND read_at IS NULL AND url LIKE '/t/demo/reports/market/%%'""",
        {**t, "m": manager.pk},
    )
    assert open_for_manager >= 1


def test_appraisals_of_last_month_in_every_state(seeded):
    rep = member("demo", "demo-rep")
    t = {"t": rep.tenant_id}
    [(name, start, end)] = rows(
        "SELECT name, period_start, period_end FROM targets_appraisalcycle WHERE tenant_id = %(t)s", t
    )
    assert (start, end) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31)) and "10" in name
    states = dict(
        rows("SELECT status, count(*) FROM targets_appraisal WHERE tenant_id = %(t)s GROUP BY 1", t)
    )
    assert set(states) == {"draft", "submitted", "acknowledged", "closed"}
    assert rows(
        "SELECT status FROM targets_appraisal WHERE tenant_id = %(t)s AND rep_id = %(r)s", {**t, "r": rep.pk}
    ) == [("submitted",)]
    # Every appraisal's weights sum to 100 and its revenue line is scored from the target's progress.
    assert (
        rows(
            """SELECT a.status, sum(l.weight), count(l.score) FILTER (WHERE l.metric = 'revenue')
           FROM targets_appraisal a JOIN targets_appraisalline l ON l.appraisal_id = a.id
           WHERE a.tenant_id = %(t)s GROUP BY a.id, a.status HAVING sum(l.weight) <> 100
              OR count(l.score) FILTER (WHERE l.metric = 'revenue') <> 1""",
            t,
        )
        == []
    )
    [(rated_drafts, unrated_others, actions_in_drafts)] = rows(
        """SELECT count(*) FILTER (WHERE status = 'draft' AND rating IS NOT NULL),
                  count(*) FILTER (WHERE status <> 'draft' AND rating IS NULL),
                  (SELECT count(*) FROM targets_improvementaction x JOIN targets_appraisal y ON y.id = x.appraisal_id
                   WHERE y.tenant_id = %(t)s AND y.status = 'draft')
           FROM targets_appraisal WHERE tenant_id = %(t)s""",
        t,
    )
    assert (rated_drafts, unrated_others, actions_in_drafts) == (0, 0, 0)
    # demo-rep was told the appraisal is ready and has not read it yet.
    assert rows(
        """SELECT kind, url LIKE '/t/demo/appraisals/%%' FROM tenancy_notification
           WHERE tenant_id = %(t)s AND recipient_id = %(r)s AND kind LIKE 'appraisal%%' AND read_at IS NULL""",
        {**t, "r": rep.pk},
    ) == [("appraisal_submitted", True)]


def test_rival_field_work_stays_in_its_tenant(seeded):
    rival = member("rival", "rival-admin").tenant_id
    for table, column, ref in (
        ("visits_visit", "customer_id", "customers_customer"),
        ("visits_visit", "rep_id", "tenancy_membership"),
        ("visits_visit", "report_id", "visits_dailyreport"),
        ("visits_reportorder", "order_id", "sales_order"),
        ("visits_reportpayment", "payment_id", "sales_payment"),
        ("visits_marketreport", "rep_id", "tenancy_membership"),
        ("tenancy_notification", "recipient_id", "tenancy_membership"),
    ):
        assert rows(
            f"SELECT count(*) FROM {table} x JOIN {ref} y ON y.id = x.{column} "  # noqa: S608
            "WHERE x.tenant_id <> y.tenant_id",
            [],
        ) == [(0,)], (table, column)
    english = rows(
        "SELECT count(*) FROM visits_dailyreport WHERE tenant_id = %s AND learnings ~ '[一-龥]'", [rival]
    )
    assert english == [(0,)]


def page(client, name: str, **kwargs):
    from django.urls import reverse

    response = client.get(reverse(name, kwargs={"tenant_slug": "demo", **kwargs.pop("ids", {})}), kwargs)
    assert response.status_code == 200, name
    return response.text


def test_demo_logins_open_the_pages_with_the_seeded_data(seeded):
    from django.test import Client

    manager, rep = member("demo", "demo-manager"), member("demo", "demo-rep")
    t = {"t": manager.tenant_id}
    [(report_id, comment)] = rows(
        """SELECT id, manager_comment FROM visits_dailyreport WHERE tenant_id = %(t)s AND rep_id = %(r)s
           AND status = 'reviewed' AND manager_comment <> '' ORDER BY day DESC LIMIT 1""",
        {**t, "r": rep.pk},
    )
    [(market_id, title)] = rows(
        "SELECT id, title FROM visits_marketreport WHERE tenant_id = %(t)s AND status = 'open' ORDER BY id LIMIT 1",
        t,
    )
    [(appraisal_id,)] = rows(
        "SELECT id FROM targets_appraisal WHERE tenant_id = %(t)s AND rep_id = %(r)s", {**t, "r": rep.pk}
    )
    boss = Client()
    boss.force_login(manager.user)
    assert rep.display_name in page(boss, "visits:queue")
    assert rep.display_name in page(boss, "reports:queue")
    assert comment in page(boss, "reports:detail", ids={"report_id": report_id})
    assert title in page(boss, "reports:market-list")
    page(boss, "reports:market-detail", ids={"report_id": market_id})
    weekly = page(boss, "reporting:weekly", week="2026-W44")
    assert "2026-W44" in weekly
    page(boss, "appraisals:list")
    page(boss, "notifications")
    own = Client()
    own.force_login(rep.user)
    page(own, "appraisals:detail", ids={"appraisal_id": appraisal_id})
    page(own, "reports:mine")
    page(own, "visits:today")
