"""The pipeline API: roles, history, actions, bad input as 400 naming the field, pinned list queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from apps.pipeline.models import Opportunity, StageChange
from tests.factories import ProductFactory

from .factories import OpportunityFactory, OpportunityLineFactory, StageChangeFactory, StageFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/opportunities/"
MAX_LIST_QUERIES = 10  # token, membership, the page, its lines, history and tasks (prefetched), the shell


def _detail(opp, action=""):
    return f"{LIST}{opp.pk}/{action + '/' if action else ''}"


def test_a_rep_creates_an_opportunity_with_lines_and_reads_its_history(api_as, rep, shop, stages, next_week):
    product = ProductFactory(tenant=rep.tenant)
    response = api_as(rep).post(
        LIST,
        {
            "name": "Chiller refit",
            "customer": shop.pk,
            "stage": stages["plan"].pk,
            "expected_close": next_week.isoformat(),
            "lines": [{"product": product.pk, "amount": "1200.00"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["owner"], body["amount"], body["probability"], body["weighted_amount"]) == (
        rep.pk,
        "1200.00",
        10,
        "120.00",
    )
    assert [(h["from_stage"], h["to_stage"]) for h in body["stage_history"]] == [(None, stages["plan"].pk)]
    assert body["lines"][0]["product"] == product.pk


def test_a_move_that_skips_a_required_field_is_400_naming_it(api_as, rep, shop, stages):
    opp = OpportunityFactory(tenant=rep.tenant, owner=rep, customer=shop, stage=stages["plan"], amount=0)
    response = api_as(rep).post(_detail(opp, "move"), {"stage": stages["present"].pk}, format="json")
    assert response.status_code == 400
    assert {"amount", "expected_close"} <= set(response.json())


def test_a_close_date_in_the_past_is_400_naming_it(api_as, rep, shop, stages, today):
    opp = OpportunityFactory(tenant=rep.tenant, owner=rep, customer=shop, stage=stages["plan"])
    past = (today - dt.timedelta(days=3)).isoformat()
    response = api_as(rep).patch(_detail(opp), {"expected_close": past}, format="json")
    assert response.status_code == 400
    assert "expected_close" in response.json()
    response = api_as(rep).post(
        LIST,
        {"name": "x", "customer": shop.pk, "stage": stages["plan"].pk, "expected_close": past},
        format="json",
    )
    assert response.status_code == 400 and "expected_close" in response.json()


def test_lines_adding_up_past_what_an_amount_holds_are_400_on_lines(api_as, rep, shop, stages, next_week):
    product = ProductFactory(tenant=rep.tenant)
    line = {"product": product.pk, "amount": "999999999999.00"}  # each fits its field
    response = api_as(rep).post(
        LIST,
        {"name": "Too big", "customer": shop.pk, "stage": stages["plan"].pk, "lines": [line, line]},
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert "lines" in response.json()


def test_another_tenants_stage_or_customer_is_400(api_as, rep, rival, stages):
    foreign_stage = StageFactory(tenant=rival.tenant)
    response = api_as(rep).post(
        LIST, {"name": "x", "prospect_name": "P", "stage": foreign_stage.pk}, format="json"
    )
    assert response.status_code == 400 and "stage" in response.json()


def test_move_then_won_and_lost_actions(api_as, rep, shop, stages, next_week):
    client = api_as(rep)
    opp = OpportunityFactory(tenant=rep.tenant, owner=rep, customer=shop, stage=stages["plan"])
    moved = client.post(
        _detail(opp, "move"),
        {"stage": stages["present"].pk, "expected_close": next_week.isoformat()},
        format="json",
    )
    assert moved.status_code == 200, moved.json()
    assert (moved.json()["stage"], moved.json()["probability"]) == (stages["present"].pk, 60)
    won = client.post(_detail(opp, "won"), {}, format="json")
    assert won.status_code == 200 and won.json()["status"] == "won"
    other = OpportunityFactory(tenant=rep.tenant, owner=rep, customer=shop, stage=stages["plan"])
    bad = client.post(_detail(other, "lost"), {"reason": "bored"}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()
    lost = client.post(_detail(other, "lost"), {"reason": "price", "note": "too dear"}, format="json")
    assert lost.status_code == 200 and lost.json()["lost_reason"] == "price"


def test_a_rep_sees_their_own_a_manager_their_line_an_admin_all(
    api_as, rep, peer, outsider_rep, manager, admin, viewer, stages
):
    rows = {
        m: OpportunityFactory(tenant=m.tenant, owner=m, stage=stages["plan"])
        for m in (rep, peer, outsider_rep)
    }

    def ids(member):
        return {row["id"] for row in api_as(member).get(LIST).json()["results"]}

    assert ids(rep) == {rows[rep].pk}
    assert ids(manager) == {rows[rep].pk, rows[peer].pk}
    assert ids(admin) == ids(viewer) == {r.pk for r in rows.values()}
    assert api_as(rep).get(_detail(rows[peer])).status_code == 404
    assert (
        api_as(viewer).post(_detail(rows[rep], "lost"), {"reason": "price"}, format="json").status_code == 403
    )


def test_only_an_admin_writes_stages_and_a_stage_in_use_is_not_deleted(api_as, admin, rep, stages):
    assert api_as(rep).get("/api/v1/opportunity-stages/").status_code == 200
    assert (
        api_as(rep)
        .post("/api/v1/opportunity-stages/", {"name": "T", "probability": 5}, format="json")
        .status_code
        == 403
    )
    created = api_as(admin).post(
        "/api/v1/opportunity-stages/", {"name": "Tender", "probability": 40}, format="json"
    )
    assert created.status_code == 201
    bad = api_as(admin).post(
        "/api/v1/opportunity-stages/", {"name": "Odd", "probability": 140}, format="json"
    )
    assert bad.status_code == 400 and "probability" in bad.json()
    OpportunityFactory(tenant=admin.tenant, owner=rep, stage=stages["plan"])
    refused = api_as(admin).delete(f"/api/v1/opportunity-stages/{stages['plan'].pk}/")
    assert refused.status_code == 400


def _list_queries(client):
    client.get(LIST)  # warm-up: token last-used stamp, caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(LIST).status_code == 200
    return len(ctx)


def test_the_list_query_count_does_not_grow_with_rows(
    api_as, manager, rep, peer, stages, django_assert_max_num_queries
):
    client = api_as(manager)

    def rows(n):
        for owner in (rep, peer):
            for _ in range(n):
                opp = OpportunityFactory(tenant=owner.tenant, owner=owner, stage=stages["plan"])
                OpportunityLineFactory.create_batch(2, tenant=owner.tenant, opportunity=opp)
                StageChangeFactory.create_batch(2, tenant=owner.tenant, opportunity=opp)

    rows(1)
    few = _list_queries(client)
    rows(10)
    assert _list_queries(client) == few
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        client.get(LIST)


def test_history_comes_in_order_with_who_moved(api_as, rep, shop, stages):
    client = api_as(rep)
    opp = OpportunityFactory(tenant=rep.tenant, owner=rep, customer=shop, stage=stages["plan"])
    client.post(
        _detail(opp, "move"), {"stage": stages["approach"].pk, "next_step": "Call the buyer"}, format="json"
    )
    history = client.get(_detail(opp)).json()["stage_history"]
    assert [(h["to_stage_name"], h["by"]) for h in history] == [("Approach", rep.pk)]
    with scopes_disabled():
        assert StageChange.objects.filter(opportunity=opp).count() == 1
        assert Opportunity.objects.get(pk=opp.pk).next_step == "Call the buyer"


def test_a_task_is_added_through_the_api(api_as, rep, shop, stages, next_week):
    opp = OpportunityFactory(tenant=rep.tenant, owner=rep, customer=shop, stage=stages["plan"])
    response = api_as(rep).post(
        _detail(opp, "tasks"), {"title": "Call back", "due_on": next_week.isoformat()}, format="json"
    )
    assert response.status_code == 200
    assert [(t["title"], t["owner"]) for t in response.json()["tasks"]] == [("Call back", rep.pk)]
    assert api_as(rep).post(_detail(opp, "tasks"), {}, format="json").json().keys() == {"title"}
