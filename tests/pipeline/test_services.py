"""Pipeline services: stage rules, moves that check what a stage requires, won and lost, history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope

from apps.customers.models import Contact, Customer, Task
from apps.customers.task_sources import task_links
from apps.pipeline import services
from apps.pipeline.models import Opportunity, Stage, StageChange
from apps.sales.models import Order
from tests.factories import OrderFactory, ProductFactory

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def _create(tenant, by, stage, **kwargs):
    with scope(tenant=tenant):
        return services.opportunity_create(tenant=tenant, by=by, name="New line", stage=stage, **kwargs)


def test_a_new_opportunity_takes_its_stages_probability_and_starts_its_history(tenant, rep, shop, stages):
    opp = _create(tenant, rep, stages["plan"], customer=shop, amount=Decimal("5000"))
    with scope(tenant=tenant):
        assert (opp.owner, opp.probability, opp.status) == (rep, 10, Opportunity.Status.OPEN)
        [first] = StageChange.objects.filter(opportunity=opp)
        assert (first.from_stage, first.to_stage, first.by) == (None, stages["plan"], rep)


def test_product_lines_make_the_amount(tenant, rep, shop, stages):
    product = ProductFactory(tenant=tenant)
    opp = _create(
        tenant,
        rep,
        stages["plan"],
        customer=shop,
        amount=Decimal("1"),
        lines=[
            {"product": product, "amount": Decimal("1200")},
            {"category": product.category, "amount": Decimal("300.5")},
        ],
    )
    assert opp.amount == Decimal("1500.50")


def test_a_prospect_needs_a_name_when_there_is_no_customer(tenant, rep, stages):
    with pytest.raises(ValidationError) as err:
        _create(tenant, rep, stages["plan"])
    assert "customer" in err.value.message_dict


def test_an_open_opportunity_cannot_close_in_the_past(tenant, rep, shop, stages, today):
    with pytest.raises(ValidationError) as err:
        _create(tenant, rep, stages["plan"], customer=shop, expected_close=today - dt.timedelta(days=1))
    assert "expected_close" in err.value.message_dict


def test_a_move_that_skips_a_required_field_names_it(tenant, rep, shop, stages):
    opp = _create(tenant, rep, stages["plan"], customer=shop)
    with scope(tenant=tenant), pytest.raises(ValidationError) as err:
        services.opportunity_move(opportunity=opp, by=rep, stage=stages["present"])
    assert set(err.value.message_dict) == {"amount", "expected_close"}
    with scope(tenant=tenant):
        assert Opportunity.objects.get(pk=opp.pk).stage == stages["plan"]


def test_a_move_with_what_the_stage_requires_is_kept_with_who_and_when(tenant, rep, shop, stages, next_week):
    opp = _create(tenant, rep, stages["plan"], customer=shop, amount=Decimal("9000"))
    with scope(tenant=tenant):
        change = services.opportunity_move(
            opportunity=opp, by=rep, stage=stages["present"], expected_close=next_week, note="after the demo"
        )
        opp.refresh_from_db()
        assert (opp.stage, opp.probability, opp.expected_close) == (stages["present"], 60, next_week)
        assert (change.from_stage, change.to_stage, change.by, change.advanced, change.note) == (
            stages["plan"],
            stages["present"],
            rep,
            True,
            "after the demo",
        )
        assert change.days_in_previous == 0


def test_an_overridden_probability_stays(tenant, rep, shop, stages):
    opp = _create(tenant, rep, stages["plan"], customer=shop, probability=45)
    assert opp.probability == 45
    with scope(tenant=tenant):
        services.opportunity_move(
            opportunity=opp, by=rep, stage=stages["approach"], next_step="Call", probability=35
        )
        opp.refresh_from_db()
    assert opp.probability == 35


def test_a_move_back_is_not_an_advance(tenant, rep, shop, stages):
    opp = _create(tenant, rep, stages["approach"], customer=shop, next_step="Call")
    with scope(tenant=tenant):
        change = services.opportunity_move(opportunity=opp, by=rep, stage=stages["plan"])
    assert change.advanced is False


def test_a_move_to_a_closing_stage_is_refused(tenant, rep, shop, stages):
    opp = _create(tenant, rep, stages["plan"], customer=shop)
    with scope(tenant=tenant), pytest.raises(ValidationError) as err:
        services.opportunity_move(opportunity=opp, by=rep, stage=stages["won"])
    assert "stage" in err.value.message_dict


def test_a_rep_cannot_move_a_peers_opportunity(tenant, rep, peer, stages):
    opp = OpportunityFactory(tenant=tenant, owner=peer, stage=stages["plan"])
    with scope(tenant=tenant), pytest.raises(PermissionDenied):
        services.opportunity_move(opportunity=opp, by=rep, stage=stages["approach"], next_step="x")


def test_a_manager_moves_an_opportunity_in_their_line(tenant, manager, rep, stages):
    opp = OpportunityFactory(tenant=tenant, owner=rep, stage=stages["plan"])
    with scope(tenant=tenant):
        services.opportunity_move(opportunity=opp, by=manager, stage=stages["approach"], next_step="Visit")
        assert StageChange.objects.get(opportunity=opp).by == manager


def test_a_viewer_changes_nothing(tenant, viewer, rep, stages):
    opp = OpportunityFactory(tenant=tenant, owner=rep, stage=stages["plan"])
    with scope(tenant=tenant), pytest.raises(PermissionDenied):
        services.opportunity_lose(opportunity=opp, by=viewer, reason="price")


def test_a_won_prospect_becomes_a_customer_with_its_contact_and_an_order_from_its_lines(
    tenant, rep, stages, today
):
    product = ProductFactory(tenant=tenant)
    opp = _create(
        tenant,
        rep,
        stages["plan"],
        prospect_name="New Mart",
        prospect_contact="Mr. Li",
        prospect_phone="13800138000",
        lines=[{"product": product, "amount": Decimal("2500")}],
    )
    with scope(tenant=tenant):
        won = services.opportunity_win(opportunity=opp, by=rep, create_order=True)
        customer = Customer.objects.get(name="New Mart")
        assert (customer.owner, customer.phone) == (rep, "13800138000")
        assert Contact.objects.get(customer=customer).name == "Mr. Li"
        order = Order.objects.get(customer=customer)
        assert (order.amount, order.rep, order.order_date) == (Decimal("2500.00"), rep, today)
        assert (won.status, won.stage, won.probability, won.order, won.closed_on) == (
            Opportunity.Status.WON,
            stages["won"],
            100,
            order,
            today,
        )
        last = StageChange.objects.filter(opportunity=opp).last()
        assert (last.to_stage, last.advanced) == (stages["won"], True)


def test_won_links_an_order_of_the_same_customer_only(tenant, rep, shop, stages):
    opp = _create(tenant, rep, stages["plan"], customer=shop)
    other = OrderFactory(customer__tenant=tenant, customer__owner=rep)
    with scope(tenant=tenant), pytest.raises(ValidationError) as err:
        services.opportunity_win(opportunity=opp, by=rep, order=other)
    assert "order" in err.value.message_dict
    own = OrderFactory(customer=shop)
    with scope(tenant=tenant):
        assert services.opportunity_win(opportunity=opp, by=rep, order=own).order == own


def test_won_without_product_lines_cannot_create_an_order(tenant, rep, shop, stages):
    opp = _create(tenant, rep, stages["plan"], customer=shop, amount=Decimal("100"))
    with scope(tenant=tenant), pytest.raises(ValidationError) as err:
        services.opportunity_win(opportunity=opp, by=rep, create_order=True)
    assert "create_order" in err.value.message_dict


def test_lost_keeps_the_reason_and_a_closed_opportunity_no_longer_moves(tenant, rep, shop, stages, today):
    opp = _create(tenant, rep, stages["plan"], customer=shop)
    with scope(tenant=tenant):
        lost = services.opportunity_lose(opportunity=opp, by=rep, reason="competitor", note="Went with Alpha")
        assert (lost.status, lost.stage, lost.lost_reason, lost.closed_on, lost.probability) == (
            Opportunity.Status.LOST,
            stages["lost"],
            "competitor",
            today,
            0,
        )
        with pytest.raises(ValidationError):
            services.opportunity_move(opportunity=lost, by=rep, stage=stages["approach"], next_step="x")


def test_lost_needs_a_known_reason(tenant, rep, shop, stages):
    opp = _create(tenant, rep, stages["plan"], customer=shop)
    with scope(tenant=tenant), pytest.raises(ValidationError) as err:
        services.opportunity_lose(opportunity=opp, by=rep, reason="bored")
    assert "reason" in err.value.message_dict


def test_only_an_admin_changes_stages(tenant, admin, manager):
    with scope(tenant=tenant):
        with pytest.raises(PermissionDenied):
            services.stage_create(tenant=tenant, by=manager, name="Tender", probability=40)
        stage = services.stage_create(tenant=tenant, by=admin, name="Tender", probability=40, order=35)
        assert stage.kind == Stage.Kind.OPEN
        with pytest.raises(ValidationError) as err:
            services.stage_create(tenant=tenant, by=admin, name="Tender", probability=40)
        assert "name" in err.value.message_dict


def test_a_stage_in_use_cannot_be_deleted_but_an_unused_one_can(tenant, admin, rep, shop, stages):
    _create(tenant, rep, stages["plan"], customer=shop)
    with scope(tenant=tenant):
        with pytest.raises(ValidationError, match="in use"):
            services.stage_delete(stage=stages["plan"], by=admin)
        services.stage_delete(stage=stages["approach"], by=admin)
        assert not Stage.objects.filter(pk=stages["approach"].pk).exists()


def test_a_task_for_an_opportunity_is_a_shared_task_at_its_customer(
    tenant, rep, manager, shop, stages, next_week
):
    opp = _create(tenant, rep, stages["plan"], customer=shop)
    with scope(tenant=tenant):
        link = services.opportunity_task_create(
            opportunity=opp, by=manager, title="Send samples", due_on=next_week
        )
        task = Task.objects.get(pk=link.task_id)
        assert (task.owner, task.customer, task.source, task.due_on) == (
            rep,
            shop,
            "pipeline.opportunity",
            next_week,
        )
        [(text, page)] = task_links(tenant, [task]).values()
    assert text == "New line" and page.endswith(f"/pipeline/{opp.pk}/")


def test_a_move_may_set_the_amount_unless_product_lines_make_it(tenant, rep, shop, stages, next_week):
    opp = _create(tenant, rep, stages["plan"], customer=shop)
    with scope(tenant=tenant):
        services.opportunity_move(
            opportunity=opp, by=rep, stage=stages["present"], amount=Decimal("800"), expected_close=next_week
        )
        assert Opportunity.objects.get(pk=opp.pk).amount == Decimal("800.00")
    lined = _create(
        tenant,
        rep,
        stages["plan"],
        customer=shop,
        lines=[{"product": ProductFactory(tenant=tenant), "amount": Decimal("5")}],
    )
    with scope(tenant=tenant), pytest.raises(ValidationError) as err:
        services.opportunity_move(
            opportunity=lined, by=rep, stage=stages["approach"], next_step="x", amount=Decimal("9")
        )
    assert "amount" in err.value.message_dict


def test_a_second_won_on_a_copy_read_before_the_first_is_refused(tenant, rep, stages):
    """A double-posted Won: both requests read the open opportunity; the second waits for the first's
    lock and is then refused, rather than making a second customer and a second order."""
    product = ProductFactory(tenant=tenant)
    opp = _create(
        tenant, rep, stages["plan"], prospect_name="Twice Mart", lines=[{"product": product, "amount": 100}]
    )
    with scope(tenant=tenant):
        first, second = Opportunity.objects.get(pk=opp.pk), Opportunity.objects.get(pk=opp.pk)
        services.opportunity_win(opportunity=first, by=rep, create_order=True)
        with pytest.raises(ValidationError, match="closed"):
            services.opportunity_win(opportunity=second, by=rep, create_order=True)
        assert Customer.objects.filter(name="Twice Mart").count() == 1
        assert Order.objects.filter(customer__name="Twice Mart").count() == 1
        assert StageChange.objects.filter(opportunity=opp, to_stage=stages["won"]).count() == 1


def test_two_moves_from_copies_read_at_once_chain_in_the_history(tenant, rep, shop, stages):
    opp = _create(tenant, rep, stages["plan"], customer=shop)
    with scope(tenant=tenant):
        first, second = Opportunity.objects.get(pk=opp.pk), Opportunity.objects.get(pk=opp.pk)
        services.opportunity_move(opportunity=first, by=rep, stage=stages["approach"], next_step="Call")
        change = services.opportunity_move(opportunity=second, by=rep, stage=stages["plan"])
        assert (change.from_stage, change.to_stage, change.advanced) == (
            stages["approach"],
            stages["plan"],
            False,
        )
        assert Opportunity.objects.get(pk=opp.pk).stage == stages["plan"]
