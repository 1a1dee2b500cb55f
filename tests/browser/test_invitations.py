"""Inviting in a real browser: the admin invites a new rep from the people page, the new person
opens the link from the mail, sets name and password and lands in the organisation; the used link
then says so, in Chinese for a Chinese organisation, and the page fits a phone."""

import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from apps.tenancy.models import Membership, OutboxMail
from tests.browser.test_shell import PHONE, no_horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def link_in_mail(live_server) -> str:
    """The accept link of the last queued mail, on the test server (the mail names SITE_URL)."""
    with scopes_disabled():
        body = OutboxMail.objects.order_by("-id").first().body
    path = re.search(r"https?://[^/\s]+(/invitations/\S+/)", body)[1]
    return live_server.url + path


def test_admin_invites_a_new_rep_who_accepts_and_signs_in(
    browser, page: Page, live_server, admin, manager, team
):
    sign_in(page, live_server, username="boss")
    page.goto(f"{live_server.url}/t/acme/people/")
    page.get_by_role("link", name="Invite a person").first.click()
    page.fill("input[name=email]", "li.na@example.com")
    page.select_option("select[name=role]", "rep")
    page.select_option("select[name=team]", label="East")
    page.select_option("select[name=reports_to]", label=manager.name)
    page.fill("input[name=employee_no]", "E-101")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".messages")).to_contain_text("An invitation was sent to li.na@example.com.")
    expect(page.locator("table")).to_contain_text("li.na@example.com")

    # The invitee, in a browser of their own, without an account.
    context = browser.new_context(viewport=PHONE)
    guest = context.new_page()
    link = link_in_mail(live_server)
    guest.goto(link)
    expect(guest.locator("h1")).to_have_text("Join Acme")
    assert no_horizontal_overflow(guest)
    guest.fill("input[name=name]", "李娜")
    guest.fill("input[name=password]", "short")
    guest.fill("input[name=password_again]", "short")
    guest.get_by_role("button", name="Join").click()
    expect(guest.locator(".field--error")).to_contain_text("too short")
    guest.fill("input[name=password]", "spring-orchard-42")
    guest.fill("input[name=password_again]", "spring-orchard-42")
    guest.get_by_role("button", name="Join").click()
    expect(guest).to_have_url(re.compile(r"/t/acme/$"))
    expect(guest.locator(".menu__label")).to_have_text("李娜")

    with scopes_disabled():
        member = Membership.objects.select_related("user").get(user__username="li.na@example.com")
    assert (member.role, member.team_id, member.reports_to_id, member.employee_no) == (
        "rep",
        team.pk,
        manager.pk,
        "E-101",
    )

    # The link worked once.
    guest.goto(link)
    expect(guest.locator("h1")).to_have_text("This invitation was used already")
    context.close()

    # The admin sees the invitation accepted, and the new rep on the people page.
    page.goto(f"{live_server.url}/t/acme/people/invitations/?status=accepted")
    expect(page.locator("table")).to_contain_text("李娜")
    page.goto(f"{live_server.url}/t/acme/people/?q=li.na")
    expect(page.get_by_role("link", name="李娜")).to_be_visible()


def test_a_bad_link_gets_a_clear_page_in_the_organisations_language(page: Page, live_server, tenant):
    tenant.default_language = "zh-hans"
    tenant.save()
    page.goto(f"{live_server.url}/invitations/not-a-real-link/")
    expect(page.locator("h1")).to_have_text(
        "This invitation link is not valid"
    )  # unknown organisation: browser's language
    page.get_by_role("button", name="中文").click()
    expect(page.locator("h1")).to_have_text("此邀请链接无效")
