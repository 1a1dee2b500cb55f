"""A visit advances an opportunity: the rep picks one of the visited customer's open opportunities and
moves it or sets its next step; the stage change notes the visit, which keeps the link."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.pipeline.models import Opportunity, StageChange
from apps.visits import services
from apps.visits.models import VisitOpportunityMove
from tests.factories import CustomerFactory
from tests.visits.factories import VisitFactory

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(tenant, rep, shop, today):
    return VisitFactory(tenant=tenant, rep=rep, customer=shop, day=today)


def test_a_visit_moves_an_opportunity_and_the_change_notes_the_visit(
    tenant, rep, shop, stages, visit, next_week
):
    opp = OpportunityFactory(tenant=tenant, owner=rep, customer=shop, stage=stages["plan"])
    with scope(tenant=tenant):
        link = services.visit_opportunity_advance(
            visit=visit,
            by=rep,
            opportunity=opp,
            stage=stages["approach"],
            next_step="Quote",
            next_step_on=next_week,
        )
        change = StageChange.objects.get(pk=link.stage_change_id)
        assert (change.to_stage, change.by, change.note) == (
            stages["approach"],
            rep,
            f"Visit of {visit.day.isoformat()}",
        )
        opp.refresh_from_db()
        assert (opp.stage, opp.next_step, opp.next_step_on) == (stages["approach"], "Quote", next_week)


def test_only_an_opportunity_of_the_visited_customer_and_only_the_visits_rep(
    tenant, rep, peer, shop, stages, visit
):
    elsewhere = OpportunityFactory(
        tenant=tenant, owner=rep, customer=CustomerFactory(tenant=tenant, owner=rep), stage=stages["plan"]
    )
    with scope(tenant=tenant), pytest.raises(ValidationError) as err:
        services.visit_opportunity_advance(
            visit=visit, by=rep, opportunity=elsewhere, stage=stages["approach"], next_step="x"
        )
    assert "opportunity" in err.value.message_dict
    opp = OpportunityFactory(tenant=tenant, owner=rep, customer=shop, stage=stages["plan"])
    with scope(tenant=tenant), pytest.raises(PermissionDenied):
        services.visit_opportunity_advance(
            visit=visit, by=peer, opportunity=opp, stage=stages["approach"], next_step="x"
        )


def test_the_visit_page_moves_and_keeps_what_was_typed_when_refused(tenant, rep, peer, shop, stages, visit):
    opp = OpportunityFactory(tenant=tenant, owner=rep, customer=shop, stage=stages["plan"], amount=0)
    client = Client()
    client.force_login(rep.user)
    path = reverse("visits:opportunity", kwargs={"tenant_slug": tenant.slug, "visit_id": visit.pk})
    assert opp.name in client.get(path).content.decode()
    refused = client.post(
        path, {"opportunity": opp.pk, "stage": stages["present"].pk, "next_step": "Demo day"}
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "requires an expected amount" in page and 'value="Demo day"' in page
    done = client.post(path, {"opportunity": opp.pk, "stage": stages["approach"].pk, "next_step": "Demo day"})
    assert done.status_code == 302
    with scopes_disabled():
        assert Opportunity.objects.get(pk=opp.pk).stage == stages["approach"]
        assert VisitOpportunityMove.objects.filter(visit=visit).count() == 1
    other = Client()
    other.force_login(peer.user)
    assert other.get(path).status_code == 404
