"""The hand-over (客户交接): what moves, what stays credited to whoever earned it, the refusals, and
all-or-nothing across the registered participants."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope, scopes_disabled

from apps.customers.models import Customer, Interaction
from apps.org import services
from apps.org.handover import HandoverItems, register_handover_participant, unregister_handover_participant
from apps.org.selectors import handover_preview, people_rights
from apps.sales.models import Order
from apps.targets.models import Target, TargetChange
from apps.tenancy.models import AuditLog, Notification
from apps.visits.models import Visit, VisitPlan
from tests.factories import CustomerFactory, InteractionFactory, OrderFactory
from tests.targets.factories import TargetFactory
from tests.visits.factories import VisitFactory, VisitPlanFactory

from .conftest import reload, update

pytestmark = pytest.mark.django_db

# A Wednesday in the middle of a month and of a quarter: every grain has a period begun, one ended
# and one to come around it.
TODAY = dt.date(2026, 11, 18)
DAY = dt.timedelta(days=1)


@pytest.fixture
def book(tenant, rep, peer, team):
    """The leaving rep's work: customers, plans around today, targets around this month."""
    customers = [CustomerFactory(tenant=tenant, owner=rep, code=f"R{i}") for i in range(3)]
    CustomerFactory(tenant=tenant, owner=peer, code="P1")
    order = OrderFactory(customer=customers[0], order_date=TODAY - 10 * DAY)
    interaction = InteractionFactory(customer=customers[0])
    past = VisitPlanFactory(tenant=tenant, rep=rep, day=TODAY - DAY, status=VisitPlan.Status.APPROVED)
    VisitFactory(tenant=tenant, rep=rep, plan=past, day=past.day, customer=customers[0])
    today = VisitPlanFactory(tenant=tenant, rep=rep, day=TODAY, status=VisitPlan.Status.APPROVED)
    done = VisitFactory(
        tenant=tenant, rep=rep, plan=today, day=TODAY, customer=customers[0], outcome=Visit.Outcome.DONE
    )
    todo = VisitFactory(tenant=tenant, rep=rep, plan=today, day=TODAY, customer=customers[1])
    tomorrow = VisitPlanFactory(tenant=tenant, rep=rep, day=TODAY + DAY, status=VisitPlan.Status.SUBMITTED)
    later = [
        VisitFactory(tenant=tenant, rep=rep, plan=tomorrow, day=tomorrow.day, customer=c)
        for c in customers[:2]
    ]
    # The peer has a plan of their own two days on: the rep's visits of that day join it.
    both = TODAY + 2 * DAY
    theirs = VisitPlanFactory(tenant=tenant, rep=peer, day=both)
    mine = VisitPlanFactory(tenant=tenant, rep=rep, day=both)
    merged = VisitFactory(tenant=tenant, rep=rep, plan=mine, day=both, customer=customers[2])
    targets = {
        "october": TargetFactory(tenant=tenant, rep=rep, grain="month", period_start=dt.date(2026, 10, 1)),
        "november": TargetFactory(
            tenant=tenant,
            rep=rep,
            grain="month",
            period_start=dt.date(2026, 11, 1),
            status=Target.Status.LOCKED,
        ),
        "december": TargetFactory(tenant=tenant, rep=rep, grain="month", period_start=dt.date(2026, 12, 1)),
        "q4": TargetFactory(tenant=tenant, rep=rep, grain="quarter", period_start=dt.date(2026, 10, 1)),
        "this_week": TargetFactory(tenant=tenant, rep=rep, grain="week", period_start=dt.date(2026, 11, 16)),
        "last_week": TargetFactory(tenant=tenant, rep=rep, grain="week", period_start=dt.date(2026, 11, 9)),
        "team": TargetFactory(
            tenant=tenant,
            rep=None,
            owner_kind=Target.OwnerKind.TEAM,
            team=team,
            period_start=dt.date(2026, 11, 1),
        ),
    }
    return {
        "customers": customers,
        "order": order,
        "interaction": interaction,
        "past": past,
        "today": today,
        "done": done,
        "todo": todo,
        "tomorrow": tomorrow,
        "later": later,
        "theirs": theirs,
        "mine": mine,
        "merged": merged,
        "targets": targets,
    }


def preview(by, source, target, parts=None):
    with scope(tenant=source.tenant_id):
        return {
            p.code: p
            for p in handover_preview(
                rights=people_rights(by), source=source, target=target, parts=parts, today=TODAY
            )
        }


def hand_over(by, source, target, parts=None):
    with scope(tenant=source.tenant_id):
        return services.handover_execute(source=source, target=target, by=by, parts=parts, today=TODAY)


def test_the_preview_counts_and_lists_what_would_move_and_moves_nothing(admin, rep, peer, book):
    parts = preview(admin, rep, peer)
    assert (parts["customers"].count, parts["visits"].count, parts["targets"].count) == (3, 4, 4)
    assert parts["customers"].rows[0].startswith("R0 · ")
    assert len(parts["visits"].rows) == 3  # one line per day
    with scopes_disabled():
        assert Customer.objects.filter(owner=rep).count() == 3


def test_customers_open_visits_and_open_targets_move(admin, rep, peer, book):
    moved = hand_over(admin, rep, peer)
    assert sorted(moved["customers"]) == sorted(c.pk for c in book["customers"])
    with scopes_disabled():
        assert not Customer.objects.filter(owner=rep).exists()
        # Tomorrow's plan moves whole, with its status.
        tomorrow = VisitPlan.objects.get(pk=book["tomorrow"].pk)
        assert (tomorrow.rep_id, tomorrow.status) == (peer.pk, VisitPlan.Status.SUBMITTED)
        assert set(Visit.objects.filter(plan=tomorrow).values_list("rep_id", flat=True)) == {peer.pk}
        # Today's plan keeps the visit made; the one still to make goes to a new draft plan of the peer's.
        assert VisitPlan.objects.get(pk=book["today"].pk).rep_id == rep.pk
        assert Visit.objects.get(pk=book["done"].pk).rep_id == rep.pk
        todo = Visit.objects.select_related("plan").get(pk=book["todo"].pk)
        assert (todo.rep_id, todo.plan.rep_id, todo.plan.day, todo.plan.status) == (
            peer.pk,
            peer.pk,
            TODAY,
            "draft",
        )
        # The day both had a plan: the visit joins the peer's plan and the emptied one is gone.
        assert Visit.objects.get(pk=book["merged"].pk).plan_id == book["theirs"].pk
        assert not VisitPlan.objects.filter(pk=book["mine"].pk).exists()
        # Yesterday is history.
        assert VisitPlan.objects.get(pk=book["past"].pk).rep_id == rep.pk
        owners = {name: Target.objects.get(pk=t.pk).rep_id for name, t in book["targets"].items()}
    assert owners == {
        "october": rep.pk,
        "november": peer.pk,
        "december": peer.pk,
        "q4": peer.pk,
        "this_week": peer.pk,
        "last_week": rep.pk,
        "team": None,
    }


def test_past_facts_stay_credited_to_whoever_earned_them(admin, rep, peer, book):
    hand_over(admin, rep, peer)
    with scopes_disabled():
        assert Order.objects.get(pk=book["order"].pk).rep_id == rep.pk
        assert Interaction.objects.get(pk=book["interaction"].pk).rep_id == rep.pk


def test_a_locked_target_records_the_hand_over_in_its_change_log(admin, rep, peer, book):
    hand_over(admin, rep, peer)
    november = book["targets"]["november"]
    with scopes_disabled():
        change = TargetChange.objects.get(target=november)
        assert Target.objects.get(pk=november.pk).version == 2
    assert change.version == 2 and change.changed_by_id == admin.pk and rep.name in change.reason


def test_the_hand_over_is_audited_and_the_receiver_told(admin, rep, peer, book):
    moved = hand_over(admin, rep, peer)
    with scopes_disabled():
        entry = AuditLog.objects.get(action="org.handover", object_id=rep.pk)
        note = Notification.objects.get(recipient=peer, kind="org.handover")
    assert entry.actor_id == admin.pk and entry.changes["moved"] == moved
    assert rep.name in note.title and "Customers: 3" in note.body


def test_only_the_parts_chosen_move(admin, rep, peer, book):
    moved = hand_over(admin, rep, peer, parts=["customers"])
    assert set(moved) == {"customers"}
    with scopes_disabled():
        assert Visit.objects.get(pk=book["todo"].pk).rep_id == rep.pk


def explode(**kwargs):
    raise RuntimeError("participant failed")


def nothing(**kwargs):
    return HandoverItems(count=0)


@pytest.fixture
def failing_participant():
    register_handover_participant(
        "zz_boom",
        label="Boom",
        preview="tests.org.test_handover.nothing",
        transfer="tests.org.test_handover.explode",
    )
    yield
    unregister_handover_participant("zz_boom")


def test_a_failing_participant_leaves_nothing_moved(admin, rep, peer, book, failing_participant):
    with pytest.raises(RuntimeError):
        hand_over(admin, rep, peer)
    with scopes_disabled():
        assert Customer.objects.filter(owner=rep).count() == 3
        assert Visit.objects.get(pk=book["todo"].pk).rep_id == rep.pk
        assert VisitPlan.objects.filter(pk=book["mine"].pk).exists()
        assert not VisitPlan.objects.filter(rep=peer, day=TODAY).exists()
        assert Target.objects.get(pk=book["targets"]["november"].pk).rep_id == rep.pk
        assert not TargetChange.objects.exists()
        assert not AuditLog.objects.filter(action="org.handover").exists()


# ---- refusals ----------------------------------------------------------------------------------


def test_refusals_say_why(tenant, admin, rep, peer, viewer, rival):
    cases = [
        (rep, "someone else"),
        (rival, "one organisation"),
        (viewer, "viewer"),
    ]
    for target, reason in cases:
        with pytest.raises(ValidationError) as err:
            hand_over(admin, rep, target)
        assert reason in err.value.message_dict["to"][0]
    update(peer, is_active=False)
    with pytest.raises(ValidationError) as err:
        hand_over(admin, rep, reload(peer))
    assert "deactivated" in err.value.message_dict["to"][0]


def test_the_preview_refuses_like_the_hand_over(admin, rep):
    with pytest.raises(ValidationError):
        preview(admin, rep, rep)


def test_a_rep_hands_over_nothing(rep, peer):
    with pytest.raises(PermissionDenied):
        hand_over(peer, rep, peer)


def test_a_manager_hands_over_within_their_line_where_allowed(tenant, manager, rep, peer, outsider_rep, book):
    with pytest.raises(PermissionDenied):
        hand_over(manager, rep, peer)
    tenant.managers_manage_people = True
    tenant.save()
    with pytest.raises(ValidationError):
        hand_over(manager, rep, outsider_rep)
    with pytest.raises(PermissionDenied):
        hand_over(manager, outsider_rep, peer)
    assert len(hand_over(manager, rep, peer)["customers"]) == 3


def test_the_number_of_statements_does_not_grow_with_the_rows(
    tenant, admin, rep, peer, django_assert_max_num_queries
):
    for i in range(30):
        customer = CustomerFactory(tenant=tenant, owner=rep)
        plan = VisitPlanFactory(tenant=tenant, rep=rep, day=TODAY + (i + 1) * DAY)
        VisitFactory(tenant=tenant, rep=rep, plan=plan, day=plan.day, customer=customer)
        TargetFactory(
            tenant=tenant,
            rep=rep,
            grain="week",
            period_start=dt.date(2026, 11, 16) + 7 * i * DAY,
            value=Decimal(i),
        )
    with django_assert_max_num_queries(30):
        moved = hand_over(admin, rep, peer)
    assert (len(moved["customers"]), len(moved["visits"]), len(moved["targets"])) == (30, 30, 30)
