"""An appraisal in a real browser, manager → rep: the manager starts the cycle's appraisals, sets the
KPI lines (a wrong weight total is refused and fixed), adds an action, rates and submits; the rep
acknowledges with a comment; both see the signed appraisal, and the pages fit a phone."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_navigation import follow_nav
from tests.browser.test_shell import PHONE, no_horizontal_overflow, sign_in
from tests.targets.factories import AppraisalCycleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cycle(rep):
    today = timezone.localdate(timezone=rep.tenant.tzinfo)
    return AppraisalCycleFactory(
        tenant=rep.tenant,
        name="Review this month",
        period_start=today.replace(day=1),
        period_end=today + dt.timedelta(days=10),
    )


def test_manager_submits_rep_acknowledges_both_see_the_final_state(browser, live_server, cycle, rep, manager):
    due = (timezone.localdate(timezone=rep.tenant.tzinfo) + dt.timedelta(days=14)).isoformat()
    boss = browser.new_context().new_page()
    sign_in(boss, live_server, username="mgr")
    follow_nav(boss, "Appraisals")
    expect(boss.locator("#appraisal-results")).to_contain_text("No appraisals yet.")
    boss.select_option("#id_generate_cycle", label="Review this month")
    boss.get_by_role("button", name="Start appraisals").click()
    expect(boss.locator(".messages")).to_contain_text("Draft appraisals started: 1")
    boss.locator("#appraisal-results").get_by_role("link", name="Review this month").click()
    expect(boss.locator("h1")).to_have_text(f"{rep.name} · Review this month")

    boss.get_by_role("link", name="Edit KPI lines").click()
    boss.select_option("select[name=lines-0-metric]", "revenue")
    boss.fill("input[name=lines-0-weight]", "60")
    boss.select_option("select[name=lines-1-metric]", "collections")
    boss.fill("input[name=lines-1-weight]", "30")
    boss.get_by_role("button", name="Save").click()
    expect(boss.locator(".form-errors")).to_contain_text("The weights sum to 90, not 100.")
    expect(boss.locator("input[name=lines-0-weight]")).to_have_value("60")  # kept for correcting
    boss.fill("input[name=lines-1-weight]", "40")
    boss.get_by_role("button", name="Save").click()
    expect(boss.locator("#lines tbody tr")).to_have_count(2)
    expect(boss.locator("#lines tfoot")).to_contain_text("100")

    actions = boss.locator("#actions")
    actions.locator("textarea[name=description]").fill("Call every dormant key account")
    actions.locator("input[name=due_date]").fill(due)
    actions.get_by_role("button", name="Add").click()
    expect(boss.locator("#actions")).to_contain_text("Call every dormant key account")

    boss.select_option("select[name=rating]", "4")
    boss.fill("textarea[name=feedback]", "Solid collections; grow new accounts.")
    boss.get_by_role("button", name="Submit to the account manager").click()
    expect(boss.locator("#appraisal-status")).to_have_text("Submitted")
    detail_url = boss.url

    me = browser.new_context().new_page()
    sign_in(me, live_server, username="rep1")
    follow_nav(me, "My appraisals")
    me.locator("#appraisal-results").get_by_role("link", name="Review this month").click()
    expect(me.locator("#feedback")).to_contain_text("Solid collections; grow new accounts.")
    expect(me.locator("#rating")).to_have_text("4 / 5")
    me.fill("textarea[name=comment]", "Agreed: two new accounts next month.")
    me.get_by_role("button", name="Acknowledge").click()
    expect(me.locator("#appraisal-status")).to_have_text("Acknowledged")
    expect(me.locator("#rep-comment")).to_have_text("Agreed: two new accounts next month.")
    # The owner marks the action done in place (htmx), after signing.
    me.locator("#actions").get_by_role("button", name="Mark done").click()
    expect(me.locator("#actions .badge--done")).to_have_text("Done")
    expect(me.locator("#actions")).not_to_contain_text("Edit")  # the rep never edits actions

    boss.goto(detail_url)
    expect(boss.locator("#appraisal-status")).to_have_text("Acknowledged")
    expect(boss.locator("#rep-comment")).to_have_text("Agreed: two new accounts next month.")
    expect(boss.locator("textarea[name=description]")).to_have_count(0)  # signed: no more actions
    boss.get_by_role("button", name="Close the appraisal").click()
    expect(boss.locator("#appraisal-status")).to_have_text("Closed")
    me.reload()
    expect(me.locator("#appraisal-status")).to_have_text("Closed")
    expect(me.locator("#manager-feedback")).to_have_text("Solid collections; grow new accounts.")
    expect(me.locator("#actions").get_by_role("button", name="Reopen")).to_have_count(0)
    assert re.search(r"/t/acme/appraisals/\d+/$", me.url)

    phone = browser.new_context(viewport=PHONE, device_scale_factor=2).new_page()
    sign_in(phone, live_server, username="mgr")
    for path in (
        "/t/acme/appraisals/",
        detail_url.replace(live_server.url, ""),
        detail_url.replace(live_server.url, "") + "lines/",
    ):
        phone.goto(live_server.url + path)
        assert no_horizontal_overflow(phone), path
    phone.goto(detail_url)
    phone.screenshot(path="/tmp/salesmgmt-phone-appraisal.png", full_page=True)
    for page in (boss, me, phone):
        page.context.close()
