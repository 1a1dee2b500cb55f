"""Tomorrow's plan, suggested, on a phone (390 px): the suggestions with their reasons fit the screen,
and the rep moves one up, drops one with a reason and accepts one into the plan. The server's clock
is pinned to Wednesday 18 November 2026, 10:00 in Asia/Shanghai: the next working day is Thursday."""

import datetime as dt

import pytest
import time_machine
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from apps.visits.models import PlanSuggestion
from tests.factories import CustomerFactory, InteractionFactory

from .test_shell import PHONE, no_horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=TZ)
NEXT = dt.date(2026, 11, 19)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def test_the_rep_reorders_drops_and_accepts_suggestions_on_a_phone(browser, live_server, rep):
    for name, due in (
        ("Bund Grocery with a rather long name for a small screen", 16),
        ("Harbour Store", 17),
        ("Lotus Mart", 18),
    ):
        InteractionFactory(
            customer=CustomerFactory(tenant=rep.tenant, owner=rep, name=name),
            subject=f"Samples for {name}",
            follow_up_on=dt.date(2026, 11, due),
        )
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/t/acme/visits/today/?day={NEXT.isoformat()}")
    items = page.locator("[data-suggestion]")
    expect(items).to_have_count(3)
    expect(items.first).to_contain_text("Follow-up due 2026-11-16")
    no_horizontal_overflow(page)

    items.nth(2).locator("[data-up]").click()
    expect(page.locator("[data-suggestion]").nth(1)).to_contain_text("Lotus Mart")

    third = page.locator("[data-suggestion]").nth(2)
    third.locator("summary").click()
    third.locator("input[name=reason]").fill("Closed on Thursdays")
    third.locator("[data-drop]").click()
    expect(page.locator("[data-suggestion]")).to_have_count(2)

    page.locator("[data-suggestion]").first.locator("[data-accept]").click()
    expect(page.locator("[data-suggestion]")).to_have_count(1)
    expect(page.locator("#plan-items")).to_contain_text("Bund Grocery")
    no_horizontal_overflow(page)
    context.close()
    with scopes_disabled():
        got = dict(PlanSuggestion.objects.values_list("customer__name", "status"))
    assert sorted(got.values()) == ["accepted", "dropped", "pending"]
