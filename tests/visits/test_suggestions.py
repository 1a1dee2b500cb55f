"""Tomorrow's plan, suggested: the sources (key accounts past their usual interval, follow-ups due),
the one-statement pass over all reps (ranking, caps, areas, run twice), the rep's decisions (accept,
drop, reorder) through the services, the page and the API, the scheduled job and the metrics.

The clock is pinned to Wednesday 18 November 2026, 10:00 in the tenant's time zone (Asia/Shanghai):
the next working day is Thursday 19 November."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from apps.targets.engine import compute
from apps.tenancy.scheduling import get_job
from apps.visits import services
from apps.visits.models import PlanSuggestion, Visit, VisitPlan
from apps.visits.selectors import next_working_day
from apps.visits.suggestions import reason_text
from apps.visits.tasks import suggest_tomorrows_plans
from tests.factories import (
    CustomerFactory,
    InteractionFactory,
    MembershipFactory,
    RegionFactory,
    TaskFactory,
)
from tests.pipeline.factories import OpportunityFactory
from tests.sales.factories import InvoiceFactory

from .factories import PlanSuggestionFactory, VisitFactory, VisitPlanFactory

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=TZ)
TODAY = dt.date(2026, 11, 18)
NEXT = dt.date(2026, 11, 19)
API = "/api/v1/plan-suggestions/"


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def done_visits(tenant, rep, customer, days):
    for day in days:
        VisitFactory(tenant=tenant, rep=rep, customer=customer, day=day, outcome=Visit.Outcome.DONE)


def key_account(tenant, rep, **kwargs):
    return CustomerFactory(tenant=tenant, owner=rep, is_key_account=True, **kwargs)


def run(tenant, **kwargs):
    with scope(tenant=tenant):
        return services.plan_suggestions_compute(tenant=tenant, day=NEXT, **kwargs)


def rows(tenant, **filters):
    with scope(tenant=tenant):
        return list(
            PlanSuggestion.objects.filter(tenant=tenant, day=NEXT, **filters)
            .select_related("customer")
            .order_by("rep_id", "position")
        )


def weekly(last: dt.date, n: int = 4) -> list[dt.date]:
    return [last - dt.timedelta(days=7 * i) for i in range(n)]


# ---- sources ----------------------------------------------------------------------------------------


def test_a_key_account_past_its_usual_interval_is_suggested_with_the_interval_it_keeps(tenant, rep):
    late = key_account(tenant, rep, name="Late Mall")
    done_visits(tenant, rep, late, weekly(dt.date(2026, 11, 11)))  # every 7 days, last 8 days before
    on_time = key_account(tenant, rep, name="On-time Mall")
    done_visits(tenant, rep, on_time, weekly(dt.date(2026, 11, 16)))  # 3 days before: not yet due
    CustomerFactory(tenant=tenant, owner=rep, name="Plain shop")  # not a key account: never suggested
    run(tenant)
    [s] = rows(tenant)
    assert s.customer == late and s.rep_id == rep.pk
    assert s.reasons == [
        {"code": "key_account", "score": 57, "detail": {"last": "2026-11-11", "interval": 7, "days": 8}}
    ]  # 50 × 8 / 7 = 57


def test_with_too_little_history_the_usual_interval_is_30_days_and_never_visited_is_due(tenant, rep):
    recent = key_account(tenant, rep, name="Seen once")
    done_visits(tenant, rep, recent, [dt.date(2026, 10, 30)])  # 20 days: within the default 30
    old = key_account(tenant, rep, name="Seen long ago")
    done_visits(tenant, rep, old, [dt.date(2026, 10, 10), dt.date(2026, 10, 15)])  # 40 days
    never = key_account(tenant, rep, name="Never seen")
    run(tenant)
    got = {s.customer.name: s.reasons[0] for s in rows(tenant)}
    assert set(got) == {"Seen long ago", "Never seen"}
    assert got["Seen long ago"]["detail"] == {"last": "2026-10-15", "interval": 30, "days": 35}
    assert got["Seen long ago"]["score"] == 58  # 50 × 35 / 30
    assert got["Never seen"]["score"] == 100 and got["Never seen"]["detail"]["last"] is None
    assert never.pk in {s.customer_id for s in rows(tenant)}


def test_open_follow_ups_due_by_the_day_are_suggested_once_per_customer(tenant, rep):
    shop = CustomerFactory(tenant=tenant, owner=rep, name="Follow-up shop")
    InteractionFactory(customer=shop, subject="Send samples", follow_up_on=dt.date(2026, 11, 16))
    InteractionFactory(customer=shop, subject="Price list", follow_up_on=dt.date(2026, 11, 19))
    done = CustomerFactory(tenant=tenant, owner=rep, name="Done already")
    InteractionFactory(customer=done, follow_up_on=dt.date(2026, 11, 16), follow_up_done_at=NOW)
    later = CustomerFactory(tenant=tenant, owner=rep, name="Later")
    InteractionFactory(customer=later, follow_up_on=dt.date(2026, 11, 20))
    run(tenant)
    [s] = rows(tenant)
    assert s.customer == shop
    assert s.reasons == [
        {
            "code": "follow_up",
            "score": 75,  # 60 + 5 × 3 days overdue
            "detail": {"due": "2026-11-16", "count": 2, "subject": "Send samples"},
        }
    ]


def test_open_tasks_due_at_the_reps_customer_are_suggested_and_a_follow_up_task_counts_once(
    tenant, rep, peer
):
    shop = CustomerFactory(tenant=tenant, owner=rep, name="Task shop")
    TaskFactory(
        tenant=tenant, owner=rep, customer=shop, title="Bring the contract", due_on=dt.date(2026, 11, 17)
    )
    TaskFactory(tenant=tenant, owner=rep, customer=shop, due_on=NEXT, priority="high")
    TaskFactory(tenant=tenant, owner=rep, customer=shop, due_on=dt.date(2026, 11, 10), status="done")
    TaskFactory(tenant=tenant, owner=rep, customer=shop, due_on=dt.date(2026, 11, 20))  # later
    TaskFactory(tenant=tenant, owner=rep, due_on=NEXT)  # no customer: nothing to visit
    TaskFactory(tenant=tenant, owner=peer, customer=shop, due_on=NEXT)  # not the customer's rep
    called = CustomerFactory(tenant=tenant, owner=rep, name="Called")
    call = InteractionFactory(customer=called, follow_up_on=NEXT, subject="Call back")
    TaskFactory(
        tenant=tenant,
        owner=rep,
        customer=called,
        interaction=call,
        source="customers.follow_up",
        title="Call back",
        due_on=NEXT,
    )
    run(tenant)
    got = {s.customer.name: s.reasons for s in rows(tenant)}
    assert got["Task shop"] == [
        {
            "code": "task",
            "score": 80,  # 60 + 5 × 2 days overdue + 10 for a high priority
            "detail": {"due": "2026-11-17", "count": 2, "subject": "Bring the contract"},
        }
    ]
    assert [r["code"] for r in got["Called"]] == ["task"]  # the interaction's follow-up is that task


def test_overdue_balances_are_suggested_to_the_customers_rep_as_a_collection_visit(tenant, rep):
    late = CustomerFactory(tenant=tenant, owner=rep, name="Late payer")
    InvoiceFactory(customer=late, due_on=dt.date(2026, 11, 9), amount=Decimal("300.00"))  # 10 days before
    InvoiceFactory(
        customer=late, due_on=dt.date(2026, 11, 1), amount=Decimal("500.00"), open_amount=Decimal("120.50")
    )
    InvoiceFactory(customer=late, due_on=NEXT)  # due that day: not overdue yet
    InvoiceFactory(customer=late, due_on=dt.date(2026, 10, 1), open_amount=Decimal("0"), status="paid")
    on_time = CustomerFactory(tenant=tenant, owner=rep, name="On time")
    InvoiceFactory(customer=on_time, due_on=dt.date(2026, 12, 1))
    run(tenant)
    [s] = rows(tenant)
    assert s.customer.name == "Late payer"
    assert s.reasons == [
        {
            "code": "overdue",
            "score": 59,  # 50 + 18 days overdue ÷ 2
            "detail": {"amount": "420.50", "oldest": "2026-11-01", "count": 2},
        }
    ]
    with scope(tenant=tenant):
        services.plan_suggestion_accept(suggestion=s, by=rep)
        assert Visit.objects.get(tenant=tenant, customer=late, day=NEXT).purpose == Visit.Purpose.COLLECTION


def test_open_opportunities_with_a_next_step_due_are_suggested_to_their_owner(tenant, rep):
    shop = CustomerFactory(tenant=tenant, owner=rep, name="Deal shop")
    OpportunityFactory(
        tenant=tenant, owner=rep, customer=shop, name="Cold room", next_step="Quote", next_step_on=TODAY
    )
    OpportunityFactory(tenant=tenant, owner=rep, customer=shop, next_step="Demo", next_step_on=NEXT)
    OpportunityFactory(tenant=tenant, owner=rep, customer=shop, next_step_on=dt.date(2026, 11, 25))  # later
    OpportunityFactory(tenant=tenant, owner=rep, customer=shop, next_step_on=TODAY, status="won")
    OpportunityFactory(tenant=tenant, owner=rep, next_step_on=None)  # no step: nothing to suggest
    run(tenant)
    [s] = rows(tenant)
    assert s.customer.name == "Deal shop"
    assert s.reasons == [
        {
            "code": "opportunity",
            "score": 65,  # 60 + 5 × 1 day late
            "detail": {"due": "2026-11-18", "count": 2, "subject": "Quote", "name": "Cold room"},
        }
    ]
    with scope(tenant=tenant):
        services.plan_suggestion_accept(suggestion=s, by=rep)
        assert Visit.objects.get(tenant=tenant, customer=shop, day=NEXT).purpose == Visit.Purpose.ORDER


def test_a_customer_suggested_for_two_reasons_shows_both_and_adds_the_scores(tenant, rep):
    both = key_account(tenant, rep, name="Both")  # never visited: 100
    InteractionFactory(customer=both, follow_up_on=NEXT, subject="Call")  # due that day: 60
    run(tenant)
    [s] = rows(tenant)
    assert s.score == 160
    assert [r["code"] for r in s.reasons] == ["key_account", "follow_up"]


# ---- the pass ---------------------------------------------------------------------------------------


def test_customers_already_planned_that_day_are_left_out(tenant, rep):
    planned = key_account(tenant, rep, name="Planned")
    key_account(tenant, rep, name="Free")
    plan = VisitPlanFactory(tenant=tenant, rep=rep, day=NEXT)
    VisitFactory(tenant=tenant, rep=rep, plan=plan, day=NEXT, customer=planned)
    run(tenant)
    assert [s.customer.name for s in rows(tenant)] == ["Free"]


@override_settings(VISIT_SUGGESTIONS_PER_REP=2)
def test_each_rep_gets_the_strongest_up_to_the_cap_grouped_by_area(tenant, rep, peer):
    east, west = RegionFactory(tenant=tenant, name="East"), RegionFactory(tenant=tenant, name="West")
    a = key_account(tenant, rep, name="A west", region=west)  # never visited: 100
    InteractionFactory(customer=a, follow_up_on=NEXT)  # + 60 = 160
    b = CustomerFactory(tenant=tenant, owner=rep, name="B east", region=east)
    InteractionFactory(customer=b, follow_up_on=dt.date(2026, 11, 17))  # 70
    c = CustomerFactory(tenant=tenant, owner=rep, name="C west", region=west)
    InteractionFactory(customer=c, follow_up_on=dt.date(2026, 11, 18))  # 65: third, over the cap
    key_account(tenant, peer, name="Peer's")
    run(tenant)
    mine = rows(tenant, rep=rep)
    assert [(s.customer.name, s.area, s.position) for s in mine] == [
        ("A west", "West", 0),
        ("B east", "East", 1),
    ]
    assert [s.customer.name for s in rows(tenant, rep=peer)] == ["Peer's"]


@override_settings(VISIT_SUGGESTIONS_PER_REP=3)
def test_the_area_with_the_strongest_suggestion_comes_first_and_keeps_its_visits_together(tenant, rep):
    east, west = RegionFactory(tenant=tenant, name="East"), RegionFactory(tenant=tenant, name="West")
    for name, region, due in (("W1", west, 16), ("E1", east, 17), ("W2", west, 18)):
        InteractionFactory(
            customer=CustomerFactory(tenant=tenant, owner=rep, name=name, region=region),
            follow_up_on=dt.date(2026, 11, due),
        )
    run(tenant)
    assert [s.customer.name for s in rows(tenant)] == ["W1", "W2", "E1"]  # 75, 65 in West; then 70


def test_running_the_pass_twice_leaves_the_same_rows_and_keeps_decisions(tenant, rep):
    for name in ("One", "Two", "Three"):
        key_account(tenant, rep, name=name)
    first = run(tenant)
    assert first == {"written": 3, "removed": 0}
    before = {(s.pk, s.customer_id, s.score, s.position) for s in rows(tenant)}
    assert run(tenant) == {"written": 3, "removed": 0}
    assert {(s.pk, s.customer_id, s.score, s.position) for s in rows(tenant)} == before
    one, two, _three = rows(tenant)
    with scope(tenant=tenant):
        services.plan_suggestion_accept(suggestion=one, by=rep)
        services.plan_suggestion_drop(suggestion=two, by=rep, reason="Closed on Thursdays")
    run(tenant)
    statuses = {s.customer.name: s.status for s in rows(tenant)}
    assert statuses == {"One": "accepted", "Two": "dropped", "Three": "pending"}


def test_a_pending_suggestion_no_longer_due_is_removed_by_the_next_pass(tenant, rep):
    shop = CustomerFactory(tenant=tenant, owner=rep)
    follow_up = InteractionFactory(customer=shop, follow_up_on=NEXT)
    run(tenant)
    assert len(rows(tenant)) == 1
    with scope(tenant=tenant):
        type(follow_up).objects.filter(pk=follow_up.pk).update(follow_up_done_at=NOW)
    assert run(tenant) == {"written": 0, "removed": 1}
    assert rows(tenant) == []


def test_only_active_reps_and_managers_get_suggestions(tenant, rep, admin):
    key_account(tenant, admin, name="Admin's")
    gone = MembershipFactory(tenant=tenant, role="rep", is_active=False)
    key_account(tenant, gone, name="Departed rep's")
    key_account(tenant, rep, name="Rep's")
    run(tenant)
    assert [s.customer.name for s in rows(tenant)] == ["Rep's"]


def test_the_pass_is_one_statement_whatever_the_number_of_reps(tenant, rep):
    def statements():
        with CaptureQueriesContext(connection) as ctx:
            run(tenant)
        return [q for q in ctx.captured_queries if "visits_plansuggestion" in q["sql"]]

    key_account(tenant, rep)
    few = statements()
    for _ in range(6):
        other = MembershipFactory(tenant=tenant, role="rep")
        key_account(tenant, other)
        InteractionFactory(customer=key_account(tenant, other), follow_up_on=NEXT)
    many = statements()
    assert len(few) == len(many) == 1
    assert len(rows(tenant)) == 1 + 12


def test_the_pass_for_one_rep_leaves_the_others_alone(tenant, rep, peer):
    key_account(tenant, rep)
    key_account(tenant, peer)
    run(tenant)
    with scope(tenant=tenant):
        PlanSuggestion.objects.filter(rep=peer).update(score=1)
    run(tenant, reps=[rep])
    assert [s.score for s in rows(tenant, rep=peer)] == [1]


# ---- decisions --------------------------------------------------------------------------------------


def test_accepting_adds_the_plan_item_which_remembers_its_suggestion(tenant, rep):
    s = PlanSuggestionFactory(tenant=tenant, rep=rep, day=NEXT, area="East")
    with scope(tenant=tenant):
        services.plan_suggestion_accept(suggestion=s, by=rep)
        s.refresh_from_db()
        plan = VisitPlan.objects.get(rep=rep, day=NEXT)
        [visit] = Visit.objects.filter(plan=plan)
        assert list(visit.suggestions.all()) == [s]
        assert s.status == "accepted" and s.visit_id == visit.pk and s.decided_by_id == rep.pk
    assert (visit.customer_id, visit.area, visit.purpose, visit.planned) == (
        s.customer_id,
        "East",
        "service",
        True,
    )
    assert visit.note.startswith("Follow-up due 2026-11-02: Call back")


def test_a_suggestion_is_decided_once_and_not_for_a_day_gone_by(tenant, rep):
    s = PlanSuggestionFactory(tenant=tenant, rep=rep, day=NEXT)
    old = PlanSuggestionFactory(tenant=tenant, rep=rep, day=dt.date(2026, 11, 17))
    with scope(tenant=tenant):
        services.plan_suggestion_drop(suggestion=s, by=rep)
        with pytest.raises(ValidationError, match="already dropped"):
            services.plan_suggestion_accept(suggestion=s, by=rep)
        with pytest.raises(ValidationError, match="day that has passed"):
            services.plan_suggestion_accept(suggestion=old, by=rep)


def test_accepting_into_a_submitted_plan_is_refused_with_the_reason(tenant, rep):
    VisitPlanFactory(tenant=tenant, rep=rep, day=NEXT, status=VisitPlan.Status.SUBMITTED)
    s = PlanSuggestionFactory(tenant=tenant, rep=rep, day=NEXT)
    with scope(tenant=tenant), pytest.raises(ValidationError, match="only a draft or a returned plan"):
        services.plan_suggestion_accept(suggestion=s, by=rep)
    with scope(tenant=tenant):
        s.refresh_from_db()
    assert s.status == "pending"


def test_a_peer_or_a_viewer_cannot_decide_but_the_manager_can(tenant, rep, peer, manager, viewer):
    s = PlanSuggestionFactory(tenant=tenant, rep=rep, day=NEXT)
    with scope(tenant=tenant):
        for who in (peer, viewer):
            with pytest.raises(PermissionDenied):
                services.plan_suggestion_drop(suggestion=s, by=who)
        services.plan_suggestion_drop(suggestion=s, by=manager, reason="Not this week")
        s.refresh_from_db()
    assert (s.status, s.drop_reason, s.decided_by_id) == ("dropped", "Not this week", manager.pk)


def test_reorder_names_every_pending_suggestion_once(tenant, rep):
    a, b, c = (PlanSuggestionFactory(tenant=tenant, rep=rep, day=NEXT, position=i) for i in range(3))
    with scope(tenant=tenant):
        services.plan_suggestion_reorder(tenant=tenant, by=rep, rep=rep, day=NEXT, order=[c.pk, a.pk, b.pk])
        for bad in ([c.pk, a.pk], [c.pk, a.pk, a.pk], [c.pk, a.pk, b.pk, 999999]):
            with pytest.raises(ValidationError) as refused:
                services.plan_suggestion_reorder(tenant=tenant, by=rep, rep=rep, day=NEXT, order=bad)
            assert "order" in refused.value.message_dict
        services.plan_suggestion_move(suggestion=b, by=rep, offset=-1)
    assert [s.customer_id for s in rows(tenant, status="pending")] == [
        c.customer_id,
        b.customer_id,
        a.customer_id,
    ]


def test_moving_a_suggestion_decided_meanwhile_is_refused_not_an_error(tenant, rep):
    a, b = (PlanSuggestionFactory(tenant=tenant, rep=rep, day=NEXT, position=i) for i in range(2))
    with scope(tenant=tenant):
        stale = PlanSuggestion.objects.get(pk=b.pk)  # the page's copy, still pending
        services.plan_suggestion_drop(suggestion=b, by=rep)
        with pytest.raises(ValidationError, match="Only a pending suggestion can be moved"):
            services.plan_suggestion_move(suggestion=stale, by=rep, offset=-1)


# ---- the scheduled job ------------------------------------------------------------------------------


def test_the_evening_job_suggests_the_next_working_day_for_all_reps(tenant, rep, peer):
    key_account(tenant, rep)
    key_account(tenant, peer)
    job = get_job("visits_plan_suggestions")
    evening = dt.datetime(2026, 11, 20, 19, 5, tzinfo=TZ)  # Friday evening
    assert job.due(tenant, evening) == "2026-11-20"
    assert job.due(tenant, evening.replace(hour=18)) is None
    assert job.due(tenant, dt.datetime(2026, 11, 21, 19, 5, tzinfo=TZ)) is None  # Saturday
    assert suggest_tomorrows_plans(tenant.pk, "2026-11-20") == 2
    with scope(tenant=tenant):
        assert next_working_day(tenant, dt.date(2026, 11, 20)) == dt.date(2026, 11, 23)
        assert set(PlanSuggestion.objects.values_list("day", flat=True)) == {dt.date(2026, 11, 23)}
    assert suggest_tomorrows_plans(tenant.pk, "2026-11-20") == 2  # safe to run twice
    with scope(tenant=tenant):
        assert PlanSuggestion.objects.count() == 2


def test_the_next_working_day_skips_the_organisations_holidays(tenant):
    tenant.holidays = [{"date": "2026-11-19", "name": "Day off"}]
    assert next_working_day(tenant, TODAY) == dt.date(2026, 11, 20)


# ---- metrics ----------------------------------------------------------------------------------------


def test_the_share_accepted_and_the_share_of_accepted_made_match_a_hand_count(tenant, rep, peer):
    # rep: 4 suggested on two days, 3 accepted, 2 of those made; peer: 2 suggested, none accepted.
    day1, day2 = dt.date(2026, 11, 9), dt.date(2026, 11, 10)
    done = VisitFactory(tenant=tenant, rep=rep, day=day1, outcome=Visit.Outcome.DONE)
    done2 = VisitFactory(tenant=tenant, rep=rep, day=day2, outcome=Visit.Outcome.DONE)
    missed = VisitFactory(tenant=tenant, rep=rep, day=day2, outcome=Visit.Outcome.NOT_MET)
    for day, status, visit in (
        (day1, "accepted", done),
        (day2, "accepted", done2),
        (day2, "accepted", missed),
        (day2, "dropped", None),
    ):
        PlanSuggestionFactory(tenant=tenant, rep=rep, day=day, status=status, visit=visit)
    PlanSuggestionFactory.create_batch(2, tenant=tenant, rep=peer, day=day1)
    with scope(tenant=tenant):
        frame = compute(
            tenant=tenant,
            metrics=[
                "suggestions_offered",
                "suggestions_accepted",
                "suggested_visits_done",
                "suggestion_accept_rate",
                "suggested_visit_done_rate",
            ],
            grain="month",
            start=dt.date(2026, 11, 1),
            end=dt.date(2026, 11, 30),
        )
    mine = frame.loc[(rep.pk, dt.date(2026, 11, 1))]
    assert (mine["suggestions_offered"], mine["suggestions_accepted"], mine["suggested_visits_done"]) == (
        4,
        3,
        2,
    )
    assert mine["suggestion_accept_rate"] == pytest.approx(3 / 4)
    assert mine["suggested_visit_done_rate"] == pytest.approx(2 / 3)
    theirs = frame.loc[(peer.pk, dt.date(2026, 11, 1))]
    assert theirs["suggestion_accept_rate"] == 0


# ---- the page ---------------------------------------------------------------------------------------


def page_url(tenant, name="today", **kwargs):
    return reverse(f"visits:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def as_member(membership):
    client = Client()
    client.force_login(membership.user)
    return client


def test_tomorrows_page_computes_the_reps_suggestions_when_none_were_and_shows_their_reasons(
    tenant, rep, peer
):
    key_account(tenant, rep, name="Overdue Mall")
    key_account(tenant, peer, name="Peer Mall")
    page = as_member(rep).get(page_url(tenant), {"day": NEXT.isoformat()})
    assert page.status_code == 200
    assert "Suggested visits" in page.text and "Overdue Mall" in page.text
    assert "Key account: no visit in the last 180 days." in page.text
    assert "Peer Mall" not in page.text
    with scope(tenant=tenant):
        assert not PlanSuggestion.objects.filter(rep=peer).exists()  # only the rep's own, on demand
    today_page = as_member(rep).get(page_url(tenant))
    assert "Suggested visits" not in today_page.text


def test_accept_drop_and_move_work_as_plain_forms(tenant, rep):
    a, b, c = (PlanSuggestionFactory(tenant=tenant, rep=rep, day=NEXT, position=i) for i in range(3))
    client = as_member(rep)
    back = page_url(tenant) + f"?day={NEXT.isoformat()}"
    moved = client.post(page_url(tenant, "suggestion-move", suggestion_id=c.pk), {"direction": "up"})
    assert moved.status_code == 302 and moved["Location"].startswith(back)
    accepted = client.post(page_url(tenant, "suggestion-accept", suggestion_id=a.pk))
    assert accepted.status_code == 302 and accepted["Location"] == back
    dropped = client.post(page_url(tenant, "suggestion-drop", suggestion_id=b.pk), {"reason": "Shut"})
    assert dropped.status_code == 302
    with scope(tenant=tenant):
        statuses = {s.pk: (s.status, s.position) for s in PlanSuggestion.objects.all()}
    assert statuses == {a.pk: ("accepted", 0), b.pk: ("dropped", 2), c.pk: ("pending", 1)}
    page = client.get(back)
    assert a.customer.name in page.text  # now a plan item
    again = client.post(page_url(tenant, "suggestion-accept", suggestion_id=a.pk), follow=True)
    assert "This suggestion was already accepted." in again.text


def test_a_peers_suggestion_is_a_404_on_the_page(tenant, rep, peer):
    s = PlanSuggestionFactory(tenant=tenant, rep=peer, day=NEXT)
    assert as_member(rep).post(page_url(tenant, "suggestion-accept", suggestion_id=s.pk)).status_code == 404


def test_tomorrows_page_query_count_does_not_grow_with_suggestions(
    tenant, rep, django_assert_max_num_queries
):
    PlanSuggestionFactory(tenant=tenant, rep=rep, day=NEXT)
    client = as_member(rep)
    url = page_url(tenant) + f"?day={NEXT.isoformat()}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    PlanSuggestionFactory.create_batch(7, tenant=tenant, rep=rep, day=NEXT)
    with CaptureQueriesContext(connection) as many:
        assert "Suggested visits" in client.get(url).text
    assert len(many) == len(few)
    with django_assert_max_num_queries(len(few)):
        client.get(url)


# ---- the API ----------------------------------------------------------------------------------------


def test_a_rep_lists_their_own_and_a_manager_their_lines_suggestions(
    api_as, tenant, rep, peer, manager, outsider_rep
):
    mine = PlanSuggestionFactory(tenant=tenant, rep=rep, day=NEXT)
    theirs = PlanSuggestionFactory(tenant=tenant, rep=peer, day=NEXT)
    PlanSuggestionFactory(tenant=tenant, rep=outsider_rep, day=NEXT)
    got = api_as(rep).get(API, {"day": NEXT.isoformat()}).json()["results"]
    assert [s["id"] for s in got] == [mine.pk]
    assert got[0]["reasons"][0]["text"] == "Follow-up due 2026-11-02: Call back"
    line = api_as(manager).get(API, {"day": NEXT.isoformat()}).json()["results"]
    assert {s["id"] for s in line} == {mine.pk, theirs.pk}
    assert [s["id"] for s in api_as(manager).get(API, {"rep": peer.pk}).json()["results"]] == [theirs.pk]


def test_accept_drop_and_reorder_through_the_api(api_as, tenant, rep):
    a, b, c = (PlanSuggestionFactory(tenant=tenant, rep=rep, day=NEXT, position=i) for i in range(3))
    client = api_as(rep)
    accepted = client.post(f"{API}{a.pk}/accept/")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted" and accepted.json()["visit"]
    dropped = client.post(f"{API}{b.pk}/drop/", {"reason": "Closed"}, format="json")
    assert dropped.json()["drop_reason"] == "Closed"
    order = client.post(f"{API}reorder/", {"day": NEXT.isoformat(), "order": [c.pk]}, format="json")
    assert order.status_code == 200 and [s["id"] for s in order.json()] == [c.pk]


def test_bad_input_is_a_400_naming_the_field(api_as, tenant, rep, peer):
    a = PlanSuggestionFactory(tenant=tenant, rep=rep, day=NEXT)
    client = api_as(rep)
    too_long = client.post(f"{API}{a.pk}/drop/", {"reason": "x" * 201}, format="json")
    assert too_long.status_code == 400 and "reason" in too_long.json()
    for body, field in (
        ({"day": NEXT.isoformat(), "order": [a.pk, a.pk]}, "order"),
        ({"day": NEXT.isoformat(), "order": []}, "order"),
        ({"day": "someday", "order": [a.pk]}, "day"),
        ({"day": NEXT.isoformat(), "order": [a.pk], "rep": peer.pk}, "rep"),
    ):
        answer = client.post(f"{API}reorder/", body, format="json")
        assert answer.status_code == 400 and field in answer.json(), (body, answer.json())
    assert client.post(f"{API}{a.pk}/accept/").status_code == 200
    twice = client.post(f"{API}{a.pk}/accept/")
    assert twice.status_code == 400 and "already accepted" in str(twice.json())


def test_the_list_query_count_does_not_grow_with_rows(api_as, tenant, rep, django_assert_max_num_queries):
    PlanSuggestionFactory(tenant=tenant, rep=rep, day=NEXT)
    client = api_as(rep)
    with CaptureQueriesContext(connection) as few:
        client.get(API)
    PlanSuggestionFactory.create_batch(10, tenant=tenant, rep=rep, day=NEXT)
    with django_assert_max_num_queries(len(few)):
        assert len(client.get(API).json()["results"]) == 11


def test_each_reason_reads_as_a_sentence_with_the_count_when_there_are_several():
    one = {"code": "task", "detail": {"due": "2026-11-17", "count": 1, "subject": "Bring the contract"}}
    assert reason_text(one) == "Task due 2026-11-17: Bring the contract"
    two = {"code": "overdue", "detail": {"amount": "420.50", "oldest": "2026-11-01", "count": 2}}
    assert reason_text(two) == "Overdue balance to collect: 420.50, due since 2026-11-01 (2 overdue invoices)"
    deal = {
        "code": "opportunity",
        "detail": {"due": "2026-11-18", "count": 3, "subject": "Quote", "name": "Cold"},
    }
    assert (
        reason_text(deal)
        == "Opportunity Cold: next step due 2026-11-18: Quote (3 opportunities with a step due)"
    )
    assert reason_text({"code": "gone", "detail": {}}) == "gone"  # a source no longer registered
