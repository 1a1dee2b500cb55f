"""The role homes (`/t/<slug>/`): each role's cards with its own items only (a rep their own, a
manager their line's), every item a link to where it is acted on, empty states that say nothing is
waiting, another tenant 404, query counts pinned and not growing with the data, the card registry.

The clock is pinned to Wednesday 18 November 2026, 10:00 in the tenant's time zone (Asia/Shanghai):
the last working day is Tuesday the 17th, last week is 2026-W46."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.reporting.models import WeeklyProgress
from apps.sales.models import Order
from apps.targets.models import Appraisal, Target
from apps.tenancy import home
from apps.tenancy.models import Membership, Role
from apps.visits.models import DailyReport, MarketReport, Visit, VisitPlan
from apps.visits.selectors.home import last_working_day
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    InteractionFactory,
    MembershipFactory,
    OrderFactory,
    OrderLineFactory,
    TaskFactory,
    TeamFactory,
)
from tests.targets.factories import AppraisalFactory, ImprovementActionFactory, TargetFactory
from tests.visits.factories import DailyReportFactory, MarketReportFactory, VisitFactory, VisitPlanFactory
from tests.web.test_i18n import compiled_messages  # noqa: F401  (autouse: compile the .mo first)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 18)  # a Wednesday
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
MONTH = dt.date(2026, 11, 1)
JOINED = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
HTMX = {"HTTP_HX_REQUEST": "true"}

# The most queries each role's home may run (session, user, membership, the header's memberships and
# unread count, then its cards); the tests below show they do not grow with the data. The
# receivables card (sales.overdue) reads three: its count, its first customers and the total; the
# tasks cards two each (customers.tasks: counts and first few; customers.team_overdue: counts, groups);
# the pipeline's card two (next steps due for a rep, stalled opportunities for a manager) and the
# key-account plans to review two.
MAX_QUERIES = {"rep": 25, "manager": 30, "admin": 12, "viewer": 6}


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def joined_long_ago(rep, peer, manager, admin, outsider_rep, viewer):
    """Everyone joined before the weeks the homes look at (a rep owes reports from joining on)."""
    with scopes_disabled():
        Membership.objects.filter(tenant=rep.tenant).update(created_at=JOINED)
        for m in (rep, peer, manager, admin, outsider_rep, viewer):
            m.refresh_from_db()


def lazy(client, url, code: str, query: str = ""):
    """A lazy card as the home's placeholder fetches it with htmx."""
    return client.get(url("home-card", code=code) + query, **HTMX)


def cards(response) -> dict:
    """card code -> its data, in the order the home shows them."""
    return {shown.card.code: shown.data for shown in response.context["cards"]}


def codes(response) -> list[str]:
    return re.findall(r'data-card="([^"]+)"', response.text)


def section(text: str, card_id: str) -> str:
    """The HTML of one card of the home."""
    start = text.index(f'id="{card_id}"')
    return text[start : text.index("</section>", start)]


def sale(member, amount: str, day: dt.date = dt.date(2026, 11, 10)):
    order = OrderFactory(
        customer=CustomerFactory(tenant=member.tenant, owner=member),
        order_date=day,
        status=Order.Status.CONFIRMED,
    )
    OrderLineFactory(order=order, amount=Decimal(amount), cost=Decimal("0"))
    return order


def month_target(member, value: str = "3000", **kwargs):
    return TargetFactory(
        tenant=member.tenant,
        rep=member,
        period_start=MONTH,
        value=Decimal(value),
        status=Target.Status.APPROVED,
        **kwargs,
    )


# ---- the cards of each role ------------------------------------------------------------------------


def test_each_role_gets_its_cards_in_order(client_as, url, rep, manager, admin, viewer):
    expected = {
        rep: [
            "visits.today",
            "visits.reports_due",
            "pipeline.next_steps",
            "sales.overdue",
            "customers.tasks",
            "targets.tasks",
            "customers.care",
            "targets.my_targets",
            "keyaccounts.reviews_due",
            "sales.month",
        ],
        manager: [
            "visits.plan_approvals",
            "visits.report_signoffs",
            "visits.market_open",
            "sales.overdue",
            "visits.overdue",
            "customers.tasks",
            "customers.team_overdue",
            "targets.tasks",
            "keyaccounts.reviews_due",
            "pipeline.stalled",
            "targets.approvals",
            "targets.attainment",
            "visits.line_today",
            "reporting.last_week",
            "targets.team_table",
            "targets.trend",
            "sales.team",
        ],
        admin: [
            "targets.teams",
            "sales.overdue",
            "customers.team_overdue",
            "targets.approvals",
            "targets.attainment",
            "reporting.last_week",
            "targets.team_table",
            "targets.trend",
            "sales.team",
        ],
        viewer: ["targets.teams", "targets.attainment", "reporting.last_week", "targets.trend"],
    }
    for member, order in expected.items():
        response = client_as(member).get(url("dashboard"))
        assert response.status_code == 200
        assert codes(response) == order, member.role


def test_the_rep_sees_todays_plan_and_visits_with_their_state(client_as, url, rep, peer):
    plan = VisitPlanFactory(tenant=rep.tenant, rep=rep, day=TODAY, status=VisitPlan.Status.APPROVED)
    done = VisitFactory(
        tenant=rep.tenant,
        rep=rep,
        day=TODAY,
        plan=plan,
        customer__name="Bakery Li",
        outcome=Visit.Outcome.DONE,
    )
    VisitFactory(
        tenant=rep.tenant,
        rep=rep,
        day=TODAY,
        plan=plan,
        customer__name="Garage Wu",
        check_in_at=timezone.now(),
    )
    VisitFactory(tenant=rep.tenant, rep=rep, day=TODAY - dt.timedelta(days=1), customer__name="Yesterday Co")
    VisitFactory(tenant=peer.tenant, rep=peer, day=TODAY, customer__name="Peer Shop")
    response = client_as(rep).get(url("dashboard"))
    data = cards(response)["visits.today"]
    assert data["plan"] == plan and (data["total"], data["done"], data["checked_in"]) == (2, 1, 1)
    card = section(response.text, "card-today")
    assert "Bakery Li" in card and "Garage Wu" in card
    assert "Yesterday Co" not in card and "Peer Shop" not in card
    assert f'href="{url("visits:today")}#visit-{done.pk}"' in card  # where a visit is checked in and out
    assert "Approved" in card and "Done" in card and "Checked in 10:00" in card


def test_the_rep_sees_the_reports_they_owe_and_how_late(client_as, url, rep, peer):
    with scopes_disabled():
        Membership.objects.filter(pk=rep.pk).update(created_at=dt.datetime(2026, 11, 12, tzinfo=dt.UTC))
    DailyReportFactory(
        tenant=rep.tenant, rep=rep, day=dt.date(2026, 11, 16), status=DailyReport.Status.SUBMITTED
    )
    DailyReportFactory(tenant=rep.tenant, rep=rep, day=dt.date(2026, 11, 17))  # a draft
    DailyReportFactory(tenant=peer.tenant, rep=peer, day=dt.date(2026, 11, 13), status="submitted")
    response = client_as(rep).get(url("dashboard"))
    due = cards(response)["visits.reports_due"]["due"]
    # Working days from joining (Thu 12th) to today, newest first; the weekend and the 16th are not due.
    assert [d["day"] for d in due] == [
        TODAY,
        dt.date(2026, 11, 17),
        dt.date(2026, 11, 13),
        dt.date(2026, 11, 12),
    ]
    assert [d["late"] for d in due] == [False, True, True, True]
    assert [d["draft"] for d in due] == [False, True, False, False]
    card = section(response.text, "card-reports-due")
    assert f'href="{url("reports:mine")}?day=2026-11-13"' in card  # where the report is filed
    assert "due by 20:00" in card and "Draft saved" in card
    assert "4\xa0days, 14\xa0hours late" in card  # 13th 20:00 to 18th 10:00


def test_the_rep_sees_appraisals_to_acknowledge_and_actions_due(client_as, url, rep, peer, manager):
    mine = AppraisalFactory(tenant=rep.tenant, rep=rep, manager=manager, status=Appraisal.Status.SUBMITTED)
    AppraisalFactory(tenant=rep.tenant, rep=rep, manager=manager, status=Appraisal.Status.DRAFT)
    AppraisalFactory(tenant=rep.tenant, rep=peer, manager=manager, status=Appraisal.Status.SUBMITTED)
    soon = ImprovementActionFactory(
        tenant=rep.tenant,
        appraisal=mine,
        owner=rep,
        due_date=TODAY + dt.timedelta(days=3),
        description="Call Li",
    )
    ImprovementActionFactory(
        tenant=rep.tenant,
        appraisal=mine,
        owner=rep,
        due_date=TODAY - dt.timedelta(days=2),
        description="Late one",
    )
    ImprovementActionFactory(
        tenant=rep.tenant,
        appraisal=mine,
        owner=rep,
        due_date=TODAY + dt.timedelta(days=30),
        description="Later",
    )
    ImprovementActionFactory(tenant=rep.tenant, appraisal=mine, owner=rep, done=True, description="Done one")
    response = client_as(rep).get(url("dashboard"))
    data = cards(response)["targets.tasks"]
    assert data["appraisals"] == [mine] and data["to_acknowledge"]
    assert [a.description for a in data["actions"]] == ["Late one", "Call Li"]
    card = section(response.text, "card-tasks")
    assert f'href="{url("appraisals:detail", appraisal_id=mine.pk)}"' in card  # acknowledged there
    assert "overdue since 2026-11-16" in card and "due 2026-11-21" in card
    assert "Later" not in card and "Done one" not in card
    assert soon.appraisal_id == mine.pk


def test_the_rep_sees_their_customers_contacts_birthdays_this_week(client_as, url, rep, peer):
    mine = CustomerFactory(tenant=rep.tenant, owner=rep, name="Bakery Li")
    ContactFactory(customer=mine, name="Mrs Li", birthday=dt.date(1980, 11, 20))
    ContactFactory(customer=mine, name="Mr Li", birthday=dt.date(1975, 11, 18))
    ContactFactory(customer=mine, name="Next month", birthday=dt.date(1980, 12, 1))
    ContactFactory(
        customer=CustomerFactory(tenant=peer.tenant, owner=peer), name="Peer Contact", birthday=TODAY
    )
    response = client_as(rep).get(url("dashboard"))
    assert [r["contact"].name for r in cards(response)["customers.care"]["items"]] == ["Mr Li", "Mrs Li"]
    card = section(response.text, "card-care")
    assert f'href="{url("customers:detail", customer_id=mine.pk)}"' in card
    assert "birthday today" in card and "birthday 11-20" in card
    assert "Next month" not in card and "Peer Contact" not in card


def test_the_rep_sees_their_tasks_due_in_the_next_days_overdue_first(client_as, url, rep, peer):
    mine = CustomerFactory(tenant=rep.tenant, owner=rep, name="Bakery Li")
    TaskFactory(tenant=rep.tenant, owner=rep, customer=mine, title="Send the price list", due_on=TODAY)
    TaskFactory(tenant=rep.tenant, owner=rep, title="Call about the tasting", due_on=dt.date(2026, 11, 16))
    TaskFactory(tenant=rep.tenant, owner=rep, title="Within three days", due_on=dt.date(2026, 11, 21))
    TaskFactory(tenant=rep.tenant, owner=rep, title="Next week", due_on=dt.date(2026, 11, 25))
    TaskFactory(tenant=rep.tenant, owner=rep, title="Done already", due_on=TODAY, status="done")
    TaskFactory(tenant=rep.tenant, owner=rep, title="Some day", due_on=None)
    TaskFactory(tenant=peer.tenant, owner=peer, title="Peer's", due_on=TODAY)
    response = client_as(rep).get(url("dashboard"))
    data = cards(response)["customers.tasks"]
    assert [t.title for t in data["items"]] == [
        "Call about the tasting",
        "Send the price list",
        "Within three days",
    ]
    assert (data["total"], data["overdue"], data["due_today"]) == (3, 1, 1)
    card = section(response.text, "card-my-tasks")
    assert f'href="{url("customers:detail", customer_id=mine.pk)}"' not in card  # the task's page is the link
    assert "Bakery Li · Send the price list" in card
    assert "overdue since 11-16" in card and "2026-11-21" in card
    assert "Next week" not in card and "Done already" not in card and "Peer&#x27;s" not in card


def test_a_task_is_marked_done_from_the_home(client_as, url, rep, peer):
    task = TaskFactory(tenant=rep.tenant, owner=rep, due_on=TODAY)
    theirs = TaskFactory(tenant=peer.tenant, owner=peer, due_on=TODAY)
    client = client_as(rep)
    done = url("tasks:complete", task_id=task.pk)
    assert client.get(done).status_code == 405
    response = client.post(done, {"next": url("dashboard") + "#card-my-tasks"})
    assert response.status_code == 302 and response["Location"].endswith("#card-my-tasks")
    assert client.post(url("tasks:complete", task_id=theirs.pk)).status_code == 404
    assert cards(client.get(url("dashboard")))["customers.tasks"]["items"] == []
    page = client.post(done, follow=True).text  # a second time: refused with the reason
    assert "This task is Done already: reopen it first." in page


def test_a_follow_up_is_marked_done_from_its_interaction_and_leaves_the_card(client_as, url, rep):
    customer = CustomerFactory(tenant=rep.tenant, owner=rep)
    item = InteractionFactory(customer=customer, follow_up_on=TODAY)
    TaskFactory(
        tenant=rep.tenant,
        owner=rep,
        customer=customer,
        interaction=item,
        source="customers.follow_up",
        due_on=TODAY,
    )
    client = client_as(rep)
    assert len(cards(client.get(url("dashboard")))["customers.tasks"]["items"]) == 1
    response = client.post(url("customers:follow-up-done", interaction_id=item.pk))
    assert response.status_code == 302 and response["Location"].endswith("#card-my-tasks")
    assert cards(client.get(url("dashboard")))["customers.tasks"]["items"] == []
    page = client.post(url("customers:follow-up-done", interaction_id=item.pk), follow=True).text
    assert "This follow-up is done already." in page


def test_the_manager_sees_overdue_tasks_of_the_line_by_person(
    client_as, url, manager, rep, peer, outsider_rep
):
    for day in (dt.date(2026, 11, 10), dt.date(2026, 11, 16)):
        TaskFactory(tenant=rep.tenant, owner=rep, due_on=day)
    TaskFactory(tenant=rep.tenant, owner=peer, due_on=dt.date(2026, 11, 17))
    TaskFactory(tenant=rep.tenant, owner=peer, due_on=TODAY)  # due, not overdue
    TaskFactory(tenant=rep.tenant, owner=peer, due_on=dt.date(2026, 11, 1), status="done")
    TaskFactory(tenant=rep.tenant, owner=outsider_rep, due_on=dt.date(2026, 11, 1))  # not their line
    TaskFactory(tenant=rep.tenant, owner=manager, due_on=dt.date(2026, 11, 1))  # their own: on their card
    response = client_as(manager).get(url("dashboard"))
    data = cards(response)["customers.team_overdue"]
    assert [(r["owner_id"], r["overdue"], r["days"]) for r in data["items"]] == [
        (rep.pk, 2, 8),
        (peer.pk, 1, 1),
    ]
    assert (data["total"], data["owners"]) == (3, 2)
    card = section(response.text, "card-team-overdue")
    assert f"{url('tasks:list')}?owner={rep.pk}&amp;overdue=true" in card and "2 overdue tasks" in card


def test_the_rep_sees_this_months_targets_with_attainment_and_pace(client_as, url, rep, peer):
    month_target(rep, "3000")
    month_target(peer, "3000")
    sale(rep, "900")
    response = client_as(rep).get(url("dashboard"))
    (row,) = cards(response)["targets.my_targets"]["rows"]
    assert row["actual"] == 900.0 and round(row["attainment"], 1) == 30.0
    # 18 of 30 days gone: 1,800 expected by today, 900 behind pace.
    assert round(row["expected"]) == 1800 and round(row["behind"]) == 900
    card = section(response.text, "card-my-targets")
    assert "30.0%" in card and 'data-width="30"' in card and "behind pace" in card
    assert f'href="{url("targets:mine")}"' in card


def _whole_home(client, url) -> str:
    """The home with its lazy cards as they load into it."""
    response = client.get(url("dashboard"))
    lazy_codes = [s.card.code for s in response.context["cards"] if s.card.lazy]
    return response.text + "".join(lazy(client, url, code).text for code in lazy_codes)


def test_an_empty_home_says_nothing_is_waiting(client_as, url, rep, manager, admin, viewer):
    texts = {m.role: _whole_home(client_as(m), url) for m in (rep, manager, admin, viewer)}
    for phrase in (
        "No visits planned for today.",
        "No birthdays among your customers",
        "No targets for this month yet.",
        "Nothing is waiting for you in your appraisals.",
    ):
        assert phrase in texts["rep"], phrase
    for phrase in (
        "No plans are waiting for your approval.",
        "No reports are waiting for your sign-off.",
        "No market reports are waiting for you.",
        "No targets are waiting for your approval.",
        "No revenue targets for this quarter yet.",
        "Last week's figures are not computed yet.",
    ):
        assert phrase in texts["manager"], phrase
    assert "No organisation or team revenue targets for this period." in texts["admin"]
    assert "No organisation or team revenue targets for this period." in texts["viewer"]


def test_the_homes_speak_chinese(client_as, url, rep, manager):
    with scopes_disabled():
        rep.tenant.default_language = "zh-hans"
        rep.tenant.save(update_fields=["default_language"])
    rep_home = client_as(rep).get(url("dashboard")).text
    for label in ("今日拜访计划", "今天没有计划拜访。", "待交日报", "本月我的目标", "客户关怀"):
        assert label in rep_home, label
    manager_home = _whole_home(client_as(manager), url)
    for label in ("待审批的拜访计划", "待您批示的日报", "逾期事项", "下属销售额达成率", "上周销售管理报告"):
        assert label in manager_home, label


# ---- the manager -----------------------------------------------------------------------------------


def test_the_manager_sees_the_queues_of_their_line_only(client_as, url, manager, rep, outsider_rep):
    plan = VisitPlanFactory(
        tenant=rep.tenant, rep=rep, day=TODAY, status=VisitPlan.Status.SUBMITTED, submitted_at=timezone.now()
    )
    stale = VisitPlanFactory(
        tenant=rep.tenant, rep=rep, day=TODAY - dt.timedelta(days=1), status=VisitPlan.Status.SUBMITTED
    )
    VisitFactory(tenant=rep.tenant, rep=rep, day=TODAY, plan=plan)
    VisitPlanFactory(tenant=rep.tenant, rep=outsider_rep, day=TODAY, status=VisitPlan.Status.SUBMITTED)
    report = DailyReportFactory(
        tenant=rep.tenant,
        rep=rep,
        day=dt.date(2026, 11, 16),
        status=DailyReport.Status.SUBMITTED,
        submitted_at=timezone.now() - dt.timedelta(days=2),
        on_time=False,
    )
    DailyReportFactory(tenant=rep.tenant, rep=outsider_rep, day=dt.date(2026, 11, 16), status="submitted")
    market = MarketReportFactory(
        tenant=rep.tenant,
        rep=rep,
        raised_at=timezone.now() - dt.timedelta(hours=2),
        title="Rival cuts prices",
    )
    MarketReportFactory(tenant=rep.tenant, rep=rep, title="Handled", status=MarketReport.Status.ACKNOWLEDGED)
    MarketReportFactory(tenant=rep.tenant, rep=outsider_rep, title="Not my line")
    response = client_as(manager).get(url("dashboard"))
    data = cards(response)
    assert data["visits.plan_approvals"]["total"] == 2 and data["visits.plan_approvals"]["overdue"] == 1
    assert data["visits.plan_approvals"]["items"] == [stale, plan]  # the oldest day first
    assert (
        data["visits.report_signoffs"]["items"] == [report] and data["visits.report_signoffs"]["overdue"] == 1
    )
    assert data["visits.market_open"]["items"] == [market]
    text = response.text
    assert f'href="{url("visits:queue")}#plan-{plan.pk}"' in section(text, "card-plan-approvals")
    assert f'href="{url("reports:detail", report_id=report.pk)}"' in section(text, "card-report-signoffs")
    assert f'href="{url("reports:market-detail", report_id=market.pk)}"' in section(text, "card-market-open")
    assert "Not my line" not in text and "Handled" not in text
    assert outsider_rep.name not in section(text, "card-plan-approvals")


def test_reports_waiting_list_the_oldest_first_across_the_line(
    client_as, url, monkeypatch, manager, rep, peer
):
    monkeypatch.setattr("apps.visits.selectors.home.LISTED", 3)
    made = [
        DailyReportFactory(tenant=rep.tenant, rep=member, day=dt.date(2026, 11, day), status="submitted")
        for member, day in ((rep, 10), (peer, 3), (rep, 4), (peer, 12), (rep, 2), (peer, 9), (rep, 3))
    ]
    DailyReportFactory(tenant=rep.tenant, rep=peer, day=dt.date(2026, 11, 1), status="reviewed")
    data = cards(client_as(manager).get(url("dashboard")))["visits.report_signoffs"]
    expected = sorted(made, key=lambda r: (r.day, r.rep_id, r.pk))[:3]
    assert data["items"] == expected and data["total"] == 7 and not data["capped"]


def test_a_long_queue_is_counted_up_to_its_cap(client_as, url, monkeypatch, manager, rep):
    monkeypatch.setattr("apps.visits.selectors.home.QUEUE_CAP", 3)
    for day in range(2, 7):
        DailyReportFactory(
            tenant=rep.tenant,
            rep=rep,
            day=dt.date(2026, 11, day),
            status="submitted",
            submitted_at=timezone.now() - dt.timedelta(days=3),
        )
    response = client_as(manager).get(url("dashboard"))
    data = cards(response)["visits.report_signoffs"]
    assert (data["total"], data["overdue"], data["capped"]) == (3, 3, True)
    card = section(response.text, "card-report-signoffs")
    assert ">3+</span>" in card and "3+ overdue" in card and "More in the queue" in card


def test_the_manager_sees_whose_report_of_the_last_working_day_is_not_in(
    client_as, url, manager, rep, peer, outsider_rep
):
    DailyReportFactory(tenant=peer.tenant, rep=peer, day=dt.date(2026, 11, 17), status="submitted")
    DailyReportFactory(tenant=rep.tenant, rep=rep, day=dt.date(2026, 11, 17))  # a draft is not in
    response = client_as(manager).get(url("dashboard"))
    data = cards(response)["visits.overdue"]
    assert data["day"] == dt.date(2026, 11, 17) and data["missing"] == [rep] and data["total"] == 1
    card = section(response.text, "card-overdue")
    assert f'href="{url("reports:list")}?rep={rep.pk}"' in card
    assert peer.name not in card and outsider_rep.name not in card


def test_the_manager_sees_the_lines_attainment_and_who_is_behind_pace(
    client_as, url, manager, rep, peer, outsider_rep
):
    month_target(rep, "1000")
    month_target(peer, "3000")
    month_target(outsider_rep, "3000")
    TargetFactory(
        tenant=rep.tenant, rep=rep, period_start=dt.date(2026, 10, 1), value=Decimal("1000"), status="locked"
    )
    sale(rep, "900")
    sale(rep, "700", dt.date(2026, 10, 20))
    sale(outsider_rep, "5000")
    response = lazy(client_as(manager), url, "targets.attainment")
    data = response.context["data"]
    month, quarter = data["periods"]
    assert (month["value"], month["actual"]) == (4000.0, 900.0)
    # The quarter adds up the line's month targets of October and November.
    assert (quarter["value"], quarter["actual"]) == (5000.0, 1600.0)
    assert [b["rep_id"] for b in data["behind"]] == [peer.pk] and data["behind_total"] == 1
    assert round(data["behind"][0]["shortfall"]) == 1800 and data["behind"][0]["gap"] == 3000.0
    card = section(response.text, "card-attainment")
    drill = f"{url('sales:orders')}?rep={peer.pk}&amp;date_from=2026-11-01&amp;date_to=2026-11-30"
    assert drill in card and "22.5%" in card
    assert outsider_rep.name not in card


def test_the_manager_sees_the_lines_visits_today(client_as, url, manager, rep, peer, outsider_rep):
    plan = VisitPlanFactory(tenant=rep.tenant, rep=rep, day=TODAY, status=VisitPlan.Status.APPROVED)
    VisitFactory(tenant=rep.tenant, rep=rep, day=TODAY, plan=plan, outcome=Visit.Outcome.DONE)
    VisitFactory(tenant=rep.tenant, rep=rep, day=TODAY, plan=plan, check_in_at=timezone.now())
    VisitFactory(tenant=rep.tenant, rep=outsider_rep, day=TODAY)
    data = lazy(client_as(manager), url, "visits.line_today").context["data"]
    assert data["visits"]["total"] == 2 and data["visits"]["done"] == 1 and data["visits"]["checked_in"] == 1
    assert data["plans"]["approved"] == 1 and data["reps"] == 2 and data["without_plan"] == 1


def test_on_a_holiday_nobody_is_missing_a_plan(client_as, url, tenant, manager, rep, peer):
    with scopes_disabled():
        tenant.holidays = [{"date": TODAY.isoformat(), "name": "Founders' day"}]
        tenant.save(update_fields=["holidays"])
    response = lazy(client_as(manager), url, "visits.line_today")
    data = response.context["data"]
    assert data["reps"] == 2 and not data["working_day"] and data["without_plan"] == 0
    assert "Today is not a working day" in response.text and "without a plan" not in response.text


def test_targets_to_approve_link_to_their_tree(client_as, url, manager, admin, rep, outsider_rep):
    mine = TargetFactory(
        tenant=rep.tenant, rep=rep, period_start=dt.date(2026, 12, 1), status=Target.Status.PROPOSED
    )
    other = TargetFactory(
        tenant=rep.tenant, rep=outsider_rep, period_start=dt.date(2026, 12, 1), status=Target.Status.PROPOSED
    )
    TargetFactory(tenant=rep.tenant, rep=manager, period_start=dt.date(2026, 12, 1), status="proposed")
    response = client_as(manager).get(url("dashboard"))
    assert [r["target"] for r in cards(response)["targets.approvals"]["items"]] == [mine]
    assert f'href="{url("targets:tree", target_id=mine.pk)}"' in section(
        response.text, "card-target-approvals"
    )
    admin_items = cards(client_as(admin).get(url("dashboard")))["targets.approvals"]["items"]
    assert {r["target"].pk for r in admin_items} >= {mine.pk, other.pk}


def test_last_weeks_report_gives_its_headline_and_link(client_as, url, manager, admin, rep, outsider_rep):
    week = dt.date(2026, 11, 9)
    for member, revenue in ((rep, "800"), (outsider_rep, "200")):
        with scopes_disabled():
            WeeklyProgress.objects.create(
                tenant=rep.tenant,
                iso_year=2026,
                iso_week=46,
                week_start=week,
                scope=WeeklyProgress.Scope.REP,
                subject_id=member.pk,
                rep=member,
                reps=1,
                revenue=Decimal(revenue),
                target_revenue=Decimal("1000"),
                visits_done=10,
                visits_effective=5,
                reports_submitted=5,
                reports_on_time=4,
                computed_at=timezone.now(),
            )
    manager_card = lazy(client_as(manager), url, "reporting.last_week")
    figures = manager_card.context["data"]["figures"]
    assert figures["revenue"] == Decimal("800") and figures["attainment"] == 0.8  # the line only
    card = section(manager_card.text, "card-last-week")
    assert f'href="{url("reporting:weekly")}?week=2026-W46"' in card and "attainment 80%" in card
    admin_figures = lazy(client_as(admin), url, "reporting.last_week").context["data"]["figures"]
    assert admin_figures["revenue"] == Decimal("1000") and admin_figures["effective_visit_rate"] == 0.5


# ---- the head of sales and the viewer ----------------------------------------------------------------


@pytest.fixture
def company(tenant, team, admin, rep):
    """The organisation's November revenue target, and East's and West's; East sold 1,500 of 2,000,
    West nothing yet."""
    west = TeamFactory(tenant=tenant, name="West")
    with scopes_disabled():
        TargetFactory(
            tenant=tenant,
            owner_kind="tenant",
            rep=None,
            period_start=MONTH,
            value=Decimal("4000"),
            status="locked",
        )
        east_target = TargetFactory(
            tenant=tenant, owner_kind="team", rep=None, team=team, period_start=MONTH, value=Decimal("2000")
        )
        west_target = TargetFactory(
            tenant=tenant, owner_kind="team", rep=None, team=west, period_start=MONTH, value=Decimal("2000")
        )
    sale(rep, "1500")
    return east_target, west_target


def test_the_admin_sees_the_company_and_the_teams_with_forecast_and_who_is_behind(
    client_as, url, admin, company
):
    east, west = company
    response = lazy(client_as(admin), url, "targets.teams")
    data = response.context["data"]
    (org,) = data["company"]
    assert org["actual"] == 1500.0 and org["attainment"] == 37.5
    assert round(org["forecast"]) == 2500  # 1,500 in 18 of 30 days
    # The team behind comes first.
    assert [r["target"] for r in data["teams"]] == [west, east] and data["behind_total"] == 1
    card = section(response.text, "card-teams")
    assert f'href="{url("targets:tree", target_id=west.pk)}"' in card
    assert "1 team behind" in card and "75.0%" in card


def test_the_viewer_reads_the_company_figures_without_acting_links(client_as, url, viewer, company):
    east, _west = company
    client = client_as(viewer)
    response = client.get(url("dashboard"))
    card = section(lazy(client, url, "targets.teams").text, "card-teams")
    assert url("targets:tree", target_id=east.pk) not in card  # the tree is not for viewers
    assert f'href="{url("reporting:weekly")}?team={east.team_id}"' in card
    every_card = response.text + "".join(lazy(client, url, code).text for code in codes(response))
    assert url("targets:roots") not in every_card and url("targets:team-card") not in every_card
    assert "targets.approvals" not in codes(response)


# ---- isolation, roles, query counts --------------------------------------------------------------


@pytest.mark.parametrize("role", ["rep", "manager", "admin", "viewer"])
def test_another_tenants_home_is_404(request, client_as, role, rival):
    member = request.getfixturevalue(role)
    other = reverse("dashboard", kwargs={"tenant_slug": rival.tenant.slug})
    assert client_as(member).get(other).status_code == 404


def test_the_home_asks_for_a_login(client, url):
    response = client.get(url("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _fill(tenant, manager, reps, n: int, first: dt.date) -> None:
    """n of everything each home lists, for every rep (plans and reports on n days from `first`)."""
    week = dt.date(2026, 11, 9)
    for rep in reps:
        month_target(rep, "1000")
        TargetFactory(tenant=tenant, rep=rep, period_start=dt.date(2026, 12, 1), status="proposed")
        with scopes_disabled():
            plan, _made = VisitPlan.objects.get_or_create(
                tenant=tenant, rep=rep, day=TODAY, defaults={"status": VisitPlan.Status.SUBMITTED}
            )
        for d in range(n):
            VisitFactory(tenant=tenant, rep=rep, day=TODAY, plan=plan, check_in_at=timezone.now())
            day = first + dt.timedelta(days=d)
            VisitPlanFactory(tenant=tenant, rep=rep, day=day, status=VisitPlan.Status.SUBMITTED)
            DailyReportFactory(tenant=tenant, rep=rep, day=day, status=DailyReport.Status.SUBMITTED)
            MarketReportFactory(tenant=tenant, rep=rep)
            sale(rep, "10", dt.date(2026, 11, 1 + d))  # everyone stays behind pace, listed
            ContactFactory(customer=CustomerFactory(tenant=tenant, owner=rep), birthday=dt.date(1990, 11, 19))
            InteractionFactory(customer=CustomerFactory(tenant=tenant, owner=rep), follow_up_on=day)
            TaskFactory(
                tenant=tenant, owner=rep, customer=CustomerFactory(tenant=tenant, owner=rep), due_on=day
            )
            appraisal = AppraisalFactory(tenant=tenant, rep=rep, manager=manager, status="submitted")
            AppraisalFactory(tenant=tenant, rep=rep, manager=manager, status="draft")
            ImprovementActionFactory(tenant=tenant, appraisal=appraisal, owner=rep, due_date=TODAY)
        with scopes_disabled():
            WeeklyProgress.objects.get_or_create(
                tenant=tenant,
                iso_year=2026,
                iso_week=46,
                scope="rep",
                subject_id=rep.pk,
                defaults={"week_start": week, "rep": rep, "reps": 1, "computed_at": timezone.now()},
            )


def test_a_lazy_card_is_fetched_by_the_members_whose_home_shows_it(client_as, url, rep, manager, rival):
    client = client_as(manager)
    home = client.get(url("dashboard")).text
    card = url("home-card", code="targets.attainment")
    assert f'hx-get="{card}"' in home  # the placeholder fetches it as the page opens
    assert lazy(client, url, "targets.attainment").status_code == 200
    assert "<html" not in lazy(client, url, "targets.attainment").text
    assert lazy(client_as(rep), url, "targets.attainment").status_code == 404  # not a rep's card
    assert lazy(client, url, "no.such.card").status_code == 404
    # Without htmx the address leads to the home; another organisation's is a 404.
    assert client.get(card + "?period=quarter")["Location"] == url("dashboard") + "?period=quarter"
    other = reverse("home-card", kwargs={"tenant_slug": rival.tenant.slug, "code": "targets.attainment"})
    assert client.get(other, **HTMX).status_code == 404


MAX_CARD_QUERIES = 9  # a lazy card: session, user, membership and its own queries (5 to 8)


def _query_counts(client, url, role: str, assert_max) -> dict[str, int]:
    """The queries of the home and of each of its lazy cards, each within its pin."""
    counts = {}
    with assert_max(MAX_QUERIES[role]) as page:
        assert client.get(url("dashboard")).status_code == 200
    counts["home"] = len(page.captured_queries)
    for card in (c for c in home.cards_for(role) if c.lazy):
        with assert_max(MAX_CARD_QUERIES) as fetched:
            assert lazy(client, url, card.code).status_code == 200
        counts[card.code] = len(fetched.captured_queries)
    return counts


@pytest.mark.parametrize("role", ["rep", "manager", "admin", "viewer"])
def test_each_homes_query_count_is_pinned_and_does_not_grow_with_the_data(
    request, client_as, url, tenant, manager, rep, peer, company, role, django_assert_max_num_queries
):
    member = request.getfixturevalue(role)
    client = client_as(member)
    _fill(tenant, manager, [rep, peer], 1, dt.date(2026, 10, 1))
    client.get(url("dashboard"))  # warm the session
    few = _query_counts(client, url, role, django_assert_max_num_queries)
    more = [
        MembershipFactory(tenant=tenant, role=Role.REP, team_id=rep.team_id, reports_to=manager)
        for _ in range(3)
    ]
    with scopes_disabled():
        Membership.objects.filter(pk__in=[m.pk for m in more]).update(created_at=JOINED)
    _fill(tenant, manager, [rep, peer, *more], 6, dt.date(2026, 10, 5))
    many = _query_counts(client, url, role, django_assert_max_num_queries)
    assert many == few
    response = client.get(url("dashboard"))
    assert len(response.context["cards"]) == len(home.cards_for(role))  # every card, none hidden


# ---- the registry ------------------------------------------------------------------------------------


def greeting_card(membership, today):
    return {"name": membership.name, "day": today}


def hidden_card(membership, today):
    return None


@pytest.fixture
def card_templates(tmp_path):
    folder = tmp_path / "cards"
    folder.mkdir()
    (folder / "greeting.html").write_text(
        '<section class="card" data-card="{{ card.code }}">Hello {{ data.name }}, {{ data.day|date:"Y-m-d" }}'
        "</section>"
    )
    from django.conf import settings

    templates = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    with override_settings(TEMPLATES=templates):
        yield


@pytest.fixture
def registered(card_templates):
    codes_made = []

    def register(code, **kwargs):
        home.register_home_card(code, **kwargs)
        codes_made.append(code)

    yield register
    for code in codes_made:
        home.unregister_home_card(code)


def test_a_card_registered_by_an_app_shows_on_the_homes_of_its_roles(
    client_as, url, registered, rep, manager, admin
):
    registered(
        "tests.greeting",
        roles=("manager", "admin"),
        order=1,
        template="cards/greeting.html",
        context="tests.web.test_homes.greeting_card",
    )
    registered(
        "tests.hidden",
        roles=("manager",),
        order=2,
        template="cards/greeting.html",
        context="tests.web.test_homes.hidden_card",
    )
    manager_home = client_as(manager).get(url("dashboard"))
    assert codes(manager_home)[0] == "tests.greeting"  # order 1: before every app's cards
    assert f"Hello {manager.name}, 2026-11-18" in manager_home.text
    assert "tests.hidden" not in codes(manager_home)  # its selector returned None
    assert "tests.greeting" in codes(client_as(admin).get(url("dashboard")))
    assert "tests.greeting" not in codes(client_as(rep).get(url("dashboard")))


def test_a_lazy_card_loads_after_the_home_and_goes_when_it_has_nothing(client_as, url, registered, manager):
    registered(
        "tests.later",
        roles=("manager",),
        order=1,
        template="cards/greeting.html",
        context="tests.web.test_homes.greeting_card",
        lazy=True,
    )
    registered(
        "tests.nothing",
        roles=("manager",),
        order=2,
        template="cards/greeting.html",
        context="tests.web.test_homes.hidden_card",
        lazy=True,
    )
    client = client_as(manager)
    page = client.get(url("dashboard")).text
    assert "Hello" not in page and f'hx-get="{url("home-card", code="tests.later")}"' in page
    assert f"Hello {manager.name}, 2026-11-18" in lazy(client, url, "tests.later").text
    nothing = lazy(client, url, "tests.nothing")
    assert nothing.status_code == 200 and nothing.content == b""  # the placeholder is swapped away


def test_registering_a_code_again_replaces_the_card(registered):
    registered("tests.again", roles=("rep",), order=5, template="a.html", context="x.y")
    registered("tests.again", roles=("viewer",), order=6, template="b.html", context="x.z")
    (card,) = [c for c in home.registered_cards() if c.code == "tests.again"]
    assert card.roles == {"viewer"} and card.template == "b.html"
    assert card not in home.cards_for("rep") and card in home.cards_for("viewer")


def test_a_card_for_an_unknown_role_is_refused():
    with pytest.raises(ValueError, match="unknown"):
        home.register_home_card("tests.bad", roles=("boss",), order=1, template="a.html", context="x.y")
    assert home.get_card("tests.bad") is None


def test_every_registered_card_has_its_selector_and_template():
    from django.template.loader import get_template

    cards_registered = home.registered_cards()
    assert len(cards_registered) >= 18
    for card in cards_registered:
        assert callable(card.selector()), card.code
        get_template(card.template)


# ---- dates the cards reckon with -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "last"),
    [
        (dt.date(2026, 11, 16), dt.date(2026, 11, 13)),  # Monday -> Friday
        (dt.date(2026, 11, 18), dt.date(2026, 11, 17)),
        (dt.date(2026, 11, 22), dt.date(2026, 11, 20)),  # Sunday -> Friday
        (dt.date(2027, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_the_last_working_day_skips_the_weekend(tenant, today, last):
    assert last_working_day(tenant, today) == last


def test_the_organisations_working_days_and_holidays_decide_what_is_owed(client_as, url, tenant, rep):
    """A six-day week, and the 16th a holiday: the reports owed and the last working day follow."""
    with scopes_disabled():
        tenant.working_days = [1, 2, 3, 4, 5, 6]
        tenant.holidays = [{"date": "2026-11-16", "name": "Founders' day"}]
        tenant.save(update_fields=["working_days", "holidays"])
        Membership.objects.filter(pk=rep.pk).update(created_at=dt.datetime(2026, 11, 12, tzinfo=dt.UTC))
    assert last_working_day(tenant, dt.date(2026, 11, 17)) == dt.date(2026, 11, 14)  # Saturday
    due = cards(client_as(rep).get(url("dashboard")))["visits.reports_due"]["due"]
    assert [d["day"] for d in due] == [
        TODAY,
        dt.date(2026, 11, 17),
        dt.date(2026, 11, 14),
        dt.date(2026, 11, 13),
        dt.date(2026, 11, 12),
    ]


def test_a_29_february_birthday_is_kept_on_the_28th_in_other_years():
    from apps.customers.selectors import _next_birthday

    assert _next_birthday(dt.date(1988, 2, 29), dt.date(2027, 2, 25)) == dt.date(2027, 2, 28)
    assert _next_birthday(dt.date(1988, 2, 29), dt.date(2028, 2, 25)) == dt.date(2028, 2, 29)
    assert _next_birthday(dt.date(1990, 1, 2), dt.date(2026, 12, 30)) == dt.date(2027, 1, 2)
