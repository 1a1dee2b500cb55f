"""Pipeline pages: the board (per rep, per team, moves by htmx with the refusal shown), the list, the
detail, the forms that keep what was typed, the forecast against the target's gap, the stages'
settings, the customer panel, the home cards and the nav count; query counts pinned."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.pipeline.models import Opportunity, StageChange
from apps.pipeline.selectors import (
    BOARD_CARDS,
    customer_opportunities_panel,
    opportunity_next_steps_due_count,
    pipeline_forecast,
)
from tests.factories import MembershipFactory, OrderFactory, OrderLineFactory, TeamFactory
from tests.targets.factories import TargetFactory

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

MAX_BOARD_QUERIES = (
    10  # session, user, membership, the shell's memberships, scope form choices, stages, sums, cards
)
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "board"}


@pytest.fixture
def client_as():
    def make(membership):
        client = Client()
        client.force_login(membership.user)
        return client

    return make


def url(tenant, name, **kwargs):
    return reverse(f"pipeline:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx)


def test_the_rep_sees_their_own_board_by_stage(client_as, tenant, rep, peer, stages):
    mine = OpportunityFactory(tenant=tenant, owner=rep, stage=stages["approach"], name="Mine")
    OpportunityFactory(tenant=tenant, owner=peer, stage=stages["approach"], name="Peer's")
    OpportunityFactory(tenant=tenant, owner=rep, stage=stages["won"], status="won", name="Closed")
    page = client_as(rep).get(url(tenant, "board")).content.decode()
    assert f'id="opp-{mine.pk}"' in page
    assert "Peer&#x27;s" not in page and "Closed" not in page
    assert page.count('class="board__column"') == 3  # the open stages only


def test_a_manager_picks_a_team_or_a_rep(client_as, tenant, manager, rep, outsider_rep, stages):
    other_team = TeamFactory(tenant=tenant, name="West")
    with scopes_disabled():
        outsider_rep.team = other_team
        outsider_rep.save()
    a = OpportunityFactory(tenant=tenant, owner=rep, stage=stages["plan"])
    b = OpportunityFactory(tenant=tenant, owner=outsider_rep, stage=stages["plan"])
    client = client_as(manager)
    page = client.get(url(tenant, "board")).content.decode()
    assert f'id="opp-{a.pk}"' in page and f'id="opp-{b.pk}"' not in page  # the line only
    admin_page = client_as(MembershipFactory(tenant=tenant, role="admin")).get(
        url(tenant, "board") + f"?team={other_team.pk}"
    )
    assert f'id="opp-{b.pk}"' in admin_page.content.decode()
    assert f'id="opp-{a.pk}"' not in admin_page.content.decode()
    single = client.get(url(tenant, "board") + f"?owner={rep.pk}", **HTMX).content.decode()
    assert f'id="opp-{a.pk}"' in single and "<html" not in single


def test_the_board_query_count_is_pinned_and_does_not_grow(
    client_as, tenant, manager, rep, peer, stages, django_assert_max_num_queries
):
    client = client_as(manager)
    for owner in (rep, peer):
        OpportunityFactory(tenant=tenant, owner=owner, stage=stages["plan"])
    client.get(url(tenant, "board"))
    few = _count(client, url(tenant, "board"))
    for stage in ("plan", "approach", "present"):
        for owner in (rep, peer):
            OpportunityFactory.create_batch(
                BOARD_CARDS // 2 + 3, tenant=tenant, owner=owner, stage=stages[stage]
            )
    assert _count(client, url(tenant, "board")) == few
    with django_assert_max_num_queries(MAX_BOARD_QUERIES):
        page = client.get(url(tenant, "board")).content.decode()
    assert page.count('<li class="board-card') == 3 * BOARD_CARDS  # capped per column, counted in all
    assert f"{2 * (BOARD_CARDS // 2 + 3)} in all" in page


def test_a_tap_to_move_swaps_the_board_and_keeps_history(client_as, tenant, rep, stages):
    opp = OpportunityFactory(tenant=tenant, owner=rep, stage=stages["plan"], next_step="Call")
    response = client_as(rep).post(
        url(tenant, "move", opportunity_id=opp.pk), {"stage": stages["approach"].pk}, **HTMX
    )
    assert response.status_code == 200
    assert f'data-stage="{stages["approach"].pk}"' in response.content.decode()
    with scopes_disabled():
        assert Opportunity.objects.get(pk=opp.pk).stage == stages["approach"]
        assert StageChange.objects.get(opportunity=opp).by == rep


def test_a_refused_move_says_why_on_the_board_and_leads_to_the_form(client_as, tenant, rep, stages):
    opp = OpportunityFactory(tenant=tenant, owner=rep, stage=stages["plan"], amount=0)
    client = client_as(rep)
    response = client.post(
        url(tenant, "move", opportunity_id=opp.pk), {"stage": stages["present"].pk}, **HTMX
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "requires an expected amount" in page and "requires an expected close date" in page
    form_url = url(tenant, "move", opportunity_id=opp.pk) + f"?stage={stages['present'].pk}"
    assert form_url in page.replace("&amp;", "&")
    form = client.get(form_url)
    assert form.status_code == 200
    refused = client.post(
        url(tenant, "move", opportunity_id=opp.pk), {"stage": stages["present"].pk, "next_step": "Demo"}
    )
    assert refused.status_code == 400
    assert 'value="Demo"' in refused.content.decode()


def test_the_list_filters_and_pages(client_as, tenant, rep, peer, manager, stages):
    OpportunityFactory.create_batch(27, tenant=tenant, owner=rep, stage=stages["plan"])
    special = OpportunityFactory(tenant=tenant, owner=peer, stage=stages["approach"], name="Cold-room tender")
    client = client_as(manager)
    page = client.get(url(tenant, "list")).content.decode()
    assert "1–25 of 28" in page
    found = client.get(url(tenant, "list") + "?q=cold-room").content.decode()
    assert "Cold-room tender" in found and "1–25" not in found
    by_stage = client.get(url(tenant, "list") + f"?stage={stages['approach'].pk}").content.decode()
    assert f"/pipeline/{special.pk}/" in by_stage
    assert "Cold-room tender" not in client_as(rep).get(url(tenant, "list")).content.decode()


def test_the_list_query_count_does_not_grow(
    client_as, tenant, manager, rep, stages, django_assert_max_num_queries
):
    client = client_as(manager)
    OpportunityFactory(tenant=tenant, owner=rep, stage=stages["plan"])
    client.get(url(tenant, "list"))
    few = _count(client, url(tenant, "list"))
    OpportunityFactory.create_batch(20, tenant=tenant, owner=rep, stage=stages["plan"])
    assert _count(client, url(tenant, "list")) == few
    with django_assert_max_num_queries(12):
        client.get(url(tenant, "list"))


def test_the_detail_shows_the_history_and_another_reps_is_404(client_as, tenant, rep, peer, stages):
    opp = OpportunityFactory(tenant=tenant, owner=rep, stage=stages["plan"])
    client_as(rep).post(
        url(tenant, "move", opportunity_id=opp.pk), {"stage": stages["approach"].pk, "next_step": "Call"}
    )
    page = client_as(rep).get(url(tenant, "detail", opportunity_id=opp.pk)).content.decode()
    assert "Planning → <strong>Approach</strong>" in page
    assert client_as(peer).get(url(tenant, "detail", opportunity_id=opp.pk)).status_code == 404


OPPORTUNITY_PAGES = ("detail", "edit", "move", "won", "lost", "task-create")


def test_a_peer_rep_finds_none_of_an_opportunitys_pages_and_a_viewer_none_that_write(
    client_as, tenant, rep, peer, viewer, stages
):
    """What the isolation probe does for the API, for the pages: a peer's opportunity is a 404 on
    every page of it, read or write; a viewer reads it but finds no page that changes it."""
    opp = OpportunityFactory(tenant=tenant, owner=rep, stage=stages["plan"])
    as_peer, as_viewer = client_as(peer), client_as(viewer)
    for name in OPPORTUNITY_PAGES:
        path = url(tenant, name, opportunity_id=opp.pk)
        assert as_peer.get(path).status_code == 404, path
        assert as_peer.post(path, {"stage": stages["approach"].pk, "reason": "price"}).status_code == 404, (
            path
        )
        if name != "detail":
            assert (
                as_viewer.post(path, {"stage": stages["approach"].pk, "reason": "price"}).status_code == 404
            )
    assert as_viewer.get(url(tenant, "detail", opportunity_id=opp.pk)).status_code == 200
    with scopes_disabled():
        assert Opportunity.objects.get(pk=opp.pk).stage == stages["plan"]
        assert Opportunity.objects.get(pk=opp.pk).status == Opportunity.Status.OPEN


def test_a_refused_form_keeps_what_was_typed(client_as, tenant, rep, shop, stages, today):
    past = (today - dt.timedelta(days=2)).isoformat()
    response = client_as(rep).post(
        url(tenant, "create"),
        {
            "name": "Freezer deal",
            "customer": shop.pk,
            "owner": rep.pk,
            "stage": stages["plan"].pk,
            "source": "visit",
            "expected_close": past,
            "competitors": "Alpha",
            "line_1_amount": "300",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Freezer deal"' in page and 'value="Alpha"' in page and 'value="300"' in page
    assert "Choose a product or a category for this amount." in page
    fixed = client_as(rep).post(
        url(tenant, "create"),
        {
            "name": "Freezer deal",
            "customer": shop.pk,
            "owner": rep.pk,
            "stage": stages["plan"].pk,
            "source": "visit",
            "expected_close": past,
        },
    )
    assert fixed.status_code == 400
    assert "cannot be expected to close in the past" in fixed.content.decode()


def test_won_and_lost_pages(client_as, tenant, rep, shop, stages):
    opp = OpportunityFactory(tenant=tenant, owner=rep, customer=shop, stage=stages["plan"])
    client = client_as(rep)
    assert client.post(url(tenant, "lost", opportunity_id=opp.pk), {"reason": ""}).status_code == 400
    done = client.post(url(tenant, "lost", opportunity_id=opp.pk), {"reason": "price", "note": "too dear"})
    assert done.status_code == 302
    other = OpportunityFactory(tenant=tenant, owner=rep, customer=shop, stage=stages["plan"])
    won = client.post(url(tenant, "won", opportunity_id=other.pk), {"order_action": "create"})
    assert won.status_code == 400 and "product lines" in won.content.decode()
    assert (
        client.post(url(tenant, "won", opportunity_id=other.pk), {"order_action": "none"}).status_code == 302
    )
    with scopes_disabled():
        assert Opportunity.objects.get(pk=other.pk).status == "won"


def test_the_forecast_sets_the_weighted_pipeline_against_the_targets_gap(
    client_as, tenant, rep, shop, stages, today
):
    month = today.replace(day=1)
    TargetFactory(tenant=tenant, rep=rep, period_start=month, value=Decimal("10000"))
    order = OrderFactory(customer=shop, order_date=today)
    OrderLineFactory(order=order, amount=Decimal("3000"))
    OpportunityFactory(
        tenant=tenant,
        owner=rep,
        stage=stages["plan"],
        amount=Decimal("7000"),
        probability=50,
        expected_close=today,
    )
    with scopes_disabled():
        [first, *_rest] = pipeline_forecast(tenant=tenant, viewer=rep, today=today)
    assert (first["month"], first["weighted"], first["target"]) == (
        month,
        Decimal("3500.00"),
        Decimal("10000.00"),
    )
    assert (first["actual"], first["gap"]) == (Decimal("3000.00"), Decimal("7000.00"))
    assert first["coverage"] == pytest.approx(0.5)
    page = client_as(rep).get(url(tenant, "forecast"))
    assert page.status_code == 200 and "Stage conversion" in page.content.decode()


def test_only_an_admin_edits_stages_and_one_in_use_is_not_deleted(client_as, tenant, admin, rep, stages):
    assert client_as(rep).get(url(tenant, "stages")).status_code == 404
    client = client_as(admin)
    assert "Presentation" in client.get(url(tenant, "stages")).content.decode()
    OpportunityFactory(tenant=tenant, owner=rep, stage=stages["plan"])
    refused = client.post(url(tenant, "stage-edit", stage_id=stages["plan"].pk), {"delete": "1"}, follow=True)
    assert "is in use by opportunities" in refused.content.decode()
    bad = client.post(
        url(tenant, "stage-create"), {"name": "Tender", "order": 5, "probability": 140, "kind": "open"}
    )
    assert bad.status_code == 400 and 'value="Tender"' in bad.content.decode()


def test_the_customer_page_shows_its_opportunities(client_as, tenant, rep, shop, stages):
    OpportunityFactory(tenant=tenant, owner=rep, customer=shop, stage=stages["plan"], name="Shelving")
    page = client_as(rep).get(
        reverse("customers:detail", kwargs={"tenant_slug": tenant.slug, "customer_id": shop.pk})
    )
    assert "Shelving" in page.content.decode()


def test_the_customer_panel_shows_open_opportunities_before_many_closed_ones(
    tenant, rep, shop, stages, today
):
    """Open first, then closed: the panel's ten are taken in that order (won sorts before open by name)."""
    OpportunityFactory(tenant=tenant, owner=rep, customer=shop, stage=stages["plan"], name="Still open")
    for _ in range(10):
        OpportunityFactory(tenant=tenant, owner=rep, customer=shop, stage=stages["won"], status="won")
    with scopes_disabled():
        panel = customer_opportunities_panel(shop, rep, today)
    assert panel is not None and len(panel["items"]) == 10
    assert panel["items"][0].name == "Still open"


def test_the_homes_show_next_steps_and_stalled_opportunities(client_as, tenant, rep, manager, stages, today):
    OpportunityFactory(
        tenant=tenant, owner=rep, stage=stages["approach"], next_step="Send the quote", next_step_on=today
    )
    with scopes_disabled():
        stalled = OpportunityFactory(tenant=tenant, owner=rep, stage=stages["plan"], name="Sleepy deal")
        Opportunity.objects.filter(pk=stalled.pk).update(
            stage_entered_at=stalled.stage_entered_at - dt.timedelta(days=45)
        )
    home = reverse("dashboard", kwargs={"tenant_slug": tenant.slug})
    assert "Send the quote" in client_as(rep).get(home).content.decode()
    assert "Sleepy deal" in client_as(manager).get(home).content.decode()
    with scopes_disabled():
        assert opportunity_next_steps_due_count(rep) == 1
        assert opportunity_next_steps_due_count(manager) == 0
