"""The pipeline board in a browser: tap-to-move on a phone (390 px), with the reason shown when a
stage requires what the opportunity lacks, and drag-and-drop between columns on a desktop."""

import pytest
from playwright.sync_api import expect

from apps.pipeline.models import Stage
from tests.pipeline.factories import OpportunityFactory, StageFactory

from .test_shell import PHONE, no_horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def stages(tenant):
    return {
        "plan": StageFactory(tenant=tenant, name="Planning", order=10, probability=10),
        "approach": StageFactory(tenant=tenant, name="Approach", order=20, probability=30),
        "present": StageFactory(
            tenant=tenant, name="Presentation", order=30, probability=60, requires_amount=True
        ),
        "won": StageFactory(tenant=tenant, name="Won", order=40, probability=100, kind=Stage.Kind.WON),
    }


def column(page, stage):
    return page.locator(f'.board__column[data-stage="{stage.pk}"]')


def test_a_rep_moves_a_card_by_tapping_on_a_phone_and_sees_why_a_move_is_refused(
    browser, live_server, rep, stages
):
    deal = OpportunityFactory(tenant=rep.tenant, owner=rep, stage=stages["plan"], name="Chiller refit")
    empty = OpportunityFactory(
        tenant=rep.tenant, owner=rep, stage=stages["plan"], name="No amount yet", amount=0
    )
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server)
    page.click("[data-nav-toggle]")
    page.get_by_role("link", name="My opportunities").click()
    expect(page.locator("h1")).to_have_text("My opportunities")
    page.wait_for_load_state("load")  # htmx wired
    assert no_horizontal_overflow(page)

    card = page.locator(f"#opp-{deal.pk}")
    card.locator("select[name=stage]").select_option(str(stages["approach"].pk))
    card.get_by_role("button", name="Move").click()
    expect(column(page, stages["approach"]).locator(f"#opp-{deal.pk}")).to_be_visible()
    expect(column(page, stages["plan"]).locator(f"#opp-{deal.pk}")).to_have_count(0)

    card = page.locator(f"#opp-{empty.pk}")
    card.locator("select[name=stage]").select_option(str(stages["present"].pk))
    card.get_by_role("button", name="Move").click()
    refusal = page.locator("#board-refusal")
    expect(refusal).to_contain_text("requires an expected amount")
    assert no_horizontal_overflow(page)
    refusal.get_by_role("link", name="Fill in what the stage requires").click()
    expect(page.locator("h1")).to_have_text("Move to another stage")
    page.fill("input[name=amount]", "8000")
    page.get_by_role("button", name="Move").click()
    expect(page.locator("h1")).to_contain_text("No amount yet")  # the detail page, moved
    expect(page.locator("#history")).to_contain_text("Presentation")
    page.screenshot(path="/tmp/salesmgmt-phone-pipeline.png", full_page=True)
    context.close()


def test_a_manager_drags_a_card_to_another_stage_on_a_desktop(browser, live_server, manager, rep, stages):
    deal = OpportunityFactory(tenant=rep.tenant, owner=rep, stage=stages["plan"], name="Shelving for Bund")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, live_server, username="mgr")
    page.goto(f"{live_server.url}/t/acme/pipeline/")
    page.wait_for_load_state("load")
    expect(column(page, stages["plan"])).to_contain_text("Shelving for Bund")
    page.locator(f"#opp-{deal.pk}").drag_to(column(page, stages["approach"]))
    expect(column(page, stages["approach"]).locator(f"#opp-{deal.pk}")).to_be_visible()
    expect(column(page, stages["approach"])).to_contain_text("rep1")
    page.screenshot(path="/tmp/salesmgmt-desktop-pipeline.png", full_page=True)
    context.close()
