"""The top bar in a real browser: at 390, 1024, 1366 and 1920 px, in Chinese and in English, as a
rep, a manager and an admin, no navigation label wraps and the bar never runs wider than the
window; the groups work from the keyboard; the current page is marked; the badges arrive after the
page. A negative test shows the wrap and overflow checks do catch a label squeezed into a column.

One browser context per width and language; each role's signed-in session is made once on the
server and swapped in as a cookie, so the whole file runs in well under a minute."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect

from apps.tenancy.signals import SESSION_LANGUAGE
from tests.visits.factories import DailyReportFactory, MarketReportFactory, VisitPlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1024, 1366, 1920)
LANGUAGES = ("zh-hans", "en")
ROLES = ("rep", "manager", "admin")
HEIGHT = 900
WIDE = 900  # from this width the groups sit in the bar (static/css/app.css)

# Every label of the bar that must stay on one line, and the boxes that must not be wider than their
# content allows. A label broken over two lines has two client rects, or is taller than a line.
MEASURE = """
() => {
  const problems = [];
  const shown = el => el.getClientRects().length > 0;
  for (const el of document.querySelectorAll(
      '.nav-group__label, .nav-link__label, .nav-count, .brand__name, .menu__label, .lang-switch button')) {
    if (!shown(el)) continue;
    const style = getComputedStyle(el);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
    const rects = el.getClientRects();
    const height = el.getBoundingClientRect().height;
    if (rects.length > 1 || height > 1.6 * line) {
      problems.push(`wraps: "${el.textContent.trim()}" (${rects.length} lines, ${Math.round(height)}px high)`);
    }
  }
  for (const el of document.querySelectorAll('.nav-group__button, .nav-link')) {
    if (shown(el) && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`clipped: "${el.textContent.trim()}" (${el.scrollWidth} > ${el.clientWidth})`);
    }
  }
  for (const panel of document.querySelectorAll('.nav-panel')) {
    if (!shown(panel)) continue;
    const box = panel.getBoundingClientRect();
    if (box.left < 0 || box.right > document.documentElement.clientWidth) {
      problems.push(`panel outside the window: ${panel.id} (${Math.round(box.left)}..${Math.round(box.right)})`);
    }
  }
  const doc = document.documentElement, bar = document.querySelector('.topbar__inner');
  if (doc.scrollWidth > doc.clientWidth) problems.push(`document overflows: ${doc.scrollWidth} > ${doc.clientWidth}`);
  if (bar.scrollWidth > bar.clientWidth) problems.push(`bar overflows: ${bar.scrollWidth} > ${bar.clientWidth}`);
  return problems;
}
"""

# Open each group's panel in turn (as a click would) so that its entries are laid out and measured.
EACH_PANEL = """
(measure) => {
  const found = [];
  const groups = Array.from(document.querySelectorAll('[data-nav-group]'));
  for (const group of groups) {
    group.querySelector('[data-nav-group-button]').click();
    found.push(...measure().map(p => `${group.querySelector('.nav-group__label').textContent}: ${p}`));
    group.querySelector('[data-nav-group-button]').click();
  }
  return found;
}
"""


@pytest.fixture
def waiting(tenant, rep, peer, manager):
    """Something for every badge of a manager and an admin: plans, reports, a market report."""
    for who in (rep, peer):
        VisitPlanFactory(tenant=tenant, rep=who, status="submitted")
        DailyReportFactory(tenant=tenant, rep=who, status="submitted")
    MarketReportFactory(tenant=tenant, rep=rep)


@pytest.fixture
def sessions(rep, manager, admin):
    """(role, language) -> a signed-in session cookie, made on the server (no login form to fill)."""
    found = {}
    for role, member in zip(ROLES, (rep, manager, admin), strict=True):
        for language in LANGUAGES:
            client = Client()
            client.force_login(member.user)
            session = client.session
            session[SESSION_LANGUAGE] = language
            session.save()
            found[role, language] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return found


def follow_nav(page: Page, label: str) -> None:
    """Follow an entry of the top bar as a user would: through the menu button where the bar is
    folded behind it, else through its group's panel. For the other browser tests."""
    nav = page.locator("#site-nav")
    name = page.locator(".nav-link__label", has_text=re.compile(rf"^{re.escape(label)}$"))
    link = page.locator(".nav-link").filter(has=name)
    toggle = page.locator("[data-nav-toggle]")
    if not toggle.is_visible():
        page.locator("[data-nav-group]").filter(has=link).locator("[data-nav-group-button]").click()
    elif not nav.is_visible():
        toggle.click()
    nav.locator(".nav-link").filter(has=name).click()


def _as(context: BrowserContext, live_server, cookie: str) -> None:
    context.clear_cookies()
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def _open(page: Page, url: str) -> None:
    """Load a page and wait until its badges have arrived (the counts request after the page)."""
    with page.expect_response(re.compile(r"/nav/counts/$")):
        page.goto(url)
    page.wait_for_load_state("load")


def _problems(page: Page, width: int) -> list[str]:
    if width < WIDE or page.locator("[data-nav-toggle]").is_visible():
        page.locator("[data-nav-toggle]").click()  # stacked: every group with its entries
        expect(page.locator("#site-nav")).to_be_visible()
        return page.evaluate(MEASURE)
    return page.evaluate(MEASURE) + page.evaluate(f"() => ({EACH_PANEL})({MEASURE})")


def test_no_label_wraps_and_the_bar_fits_at_every_width_language_and_role(
    browser: Browser, live_server, sessions, waiting
):
    problems = []
    for width in WIDTHS:
        for language in LANGUAGES:
            context = browser.new_context(viewport={"width": width, "height": HEIGHT})
            page = context.new_page()
            for role in ROLES:
                _as(context, live_server, sessions[role, language])
                _open(page, f"{live_server.url}/t/acme/customers/")
                expect(page.locator("html")).to_have_attribute("lang", language)
                # A laptop and wider: the groups sit in the bar, no menu button.
                if width >= 1024 and page.locator("[data-nav-toggle]").is_visible():
                    problems.append(f"{width}px {language} {role}: the bar collapsed behind the menu button")
                problems += [f"{width}px {language} {role}: {p}" for p in _problems(page, width)]
                if width == 1366 and role == "manager":
                    page.screenshot(path=f"/tmp/salesmgmt-nav-{language}-{width}.png")
            context.close()
    assert not problems, "\n".join(problems)


def test_the_check_catches_a_label_squeezed_into_a_column_and_a_bar_too_wide(
    browser: Browser, live_server, sessions
):
    """The old bar's fault, made on purpose: the checks above must see it (else they prove nothing)."""
    context = browser.new_context(viewport={"width": 1366, "height": HEIGHT})
    page = context.new_page()
    _as(context, live_server, sessions["manager", "zh-hans"])
    _open(page, f"{live_server.url}/t/acme/customers/")
    assert page.evaluate(MEASURE) == []
    # Squeeze one group button to the width of a character and let its label wrap (set through the
    # CSSOM, which the Content-Security-Policy allows, unlike an inline style).
    page.evaluate(
        """() => {
          const button = document.querySelector('[data-nav-group-button]');
          button.style.width = '1.2em';
          button.querySelector('.nav-group__label').style.whiteSpace = 'normal';
        }"""
    )
    problems = page.evaluate(MEASURE)
    assert any(p.startswith('wraps: "今日工作"') for p in problems), problems
    # Reload as _open does: the badges arrive after the page and may lay the bar out again, so the
    # bar is made too wide only once they are in (else the late layout can hide the fault).
    with page.expect_response(re.compile(r"/nav/counts/$")):
        page.reload()
    page.wait_for_load_state("load")
    page.evaluate("() => { document.querySelector('.nav-groups').style.minWidth = '1500px'; }")
    assert any(p.startswith("bar overflows") for p in page.evaluate(MEASURE))
    context.close()


def test_groups_that_no_longer_fit_fold_the_bar_behind_the_menu_button(
    browser: Browser, live_server, sessions
):
    """Apps will add groups: where they would not fit on one line, the bar folds instead of overflowing."""
    context = browser.new_context(viewport={"width": 1366, "height": HEIGHT})
    page = context.new_page()
    _as(context, live_server, sessions["admin", "en"])
    _open(page, f"{live_server.url}/t/acme/customers/")
    expect(page.locator("[data-nav-toggle]")).to_be_hidden()
    page.evaluate(  # three times as many groups, as if more apps had registered theirs
        """() => {
          const list = document.querySelector('.nav-groups');
          const groups = Array.from(list.children);
          for (let n = 0; n < 2; n++) groups.forEach(g => list.appendChild(g.cloneNode(true)));
        }"""
    )
    page.set_viewport_size({"width": 1360, "height": HEIGHT})  # app.js refits when the width changes
    expect(page.locator("[data-nav-toggle]")).to_be_visible()
    assert _problems(page, 1360) == []
    context.close()


def test_groups_work_from_the_keyboard_and_the_current_page_is_marked(
    browser: Browser, live_server, sessions, waiting
):
    context = browser.new_context(viewport={"width": 1366, "height": HEIGHT})
    page = context.new_page()
    _as(context, live_server, sessions["manager", "en"])
    _open(page, f"{live_server.url}/t/acme/reports/review/")

    # The current page: its entry and its group, nothing else.
    current = page.locator("#site-nav [aria-current=page]")
    expect(current).to_have_count(1)
    expect(current).to_have_text(re.compile(r"^Reports to sign off"))
    expect(page.locator(".nav-group--current")).to_have_count(1)
    expect(page.locator(".nav-group--current .nav-group__label")).to_have_text("Today's work")
    # The badges came after the page: what waits, and the group's sum.
    expect(page.locator("#nav-count-visits-plan-queue")).to_have_text(re.compile(r"^2"))
    expect(page.locator("#nav-count-visits-review-queue")).to_have_text(re.compile(r"^2"))
    expect(page.locator("#nav-count-visits-market-reports")).to_have_text(re.compile(r"^1"))
    expect(page.locator("#nav-group-count-today")).to_have_text(re.compile(r"^5"))
    expect(page.locator("#nav-group-count-customers")).to_have_count(0)  # no count there at all

    today = page.locator("[data-nav-group-button]", has_text="Today's work")
    customers = page.locator("[data-nav-group-button]", has_text="Customers")
    # Tab reaches the groups (skip link, brand, then the first group, then the next: closed panels
    # hold no focusable link).
    page.locator("body").press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(today).to_be_focused()
    page.keyboard.press("Tab")
    expect(customers).to_be_focused()
    # Enter opens; the first Tab goes into the panel; Escape closes it and gives focus back.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(today).to_have_attribute("aria-expanded", "true")
    panel = page.locator("#nav-panel-today")
    expect(panel).to_be_visible()
    page.keyboard.press("Tab")
    expect(panel.get_by_role("link", name="Today's visits")).to_be_focused()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(today).to_have_attribute("aria-expanded", "false")
    expect(today).to_be_focused()
    # Space opens too; opening another group closes the first: one panel at a time.
    page.keyboard.press(" ")
    expect(panel).to_be_visible()
    customers.click()
    expect(page.locator("#nav-panel-customers")).to_be_visible()
    expect(panel).to_be_hidden()
    # A click outside closes it.
    page.locator("main h1").click()
    expect(page.locator(".nav-panel:visible")).to_have_count(0)
    # Arrow down opens a group on its first entry; following an entry leaves the panel closed.
    today.focus()
    page.keyboard.press("ArrowDown")
    expect(panel.get_by_role("link", name="Today's visits")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(panel.get_by_role("link", name="Plan approvals")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/t/acme/visits/queue/$"))
    expect(page.locator("#site-nav [aria-current=page]")).to_have_text(re.compile(r"^Plan approvals"))
    context.close()


def test_a_narrow_screen_shows_the_groups_stacked_behind_the_menu_button(
    browser: Browser, live_server, sessions
):
    context = browser.new_context(viewport={"width": 390, "height": HEIGHT})
    page = context.new_page()
    _as(context, live_server, sessions["rep", "zh-hans"])
    _open(page, f"{live_server.url}/t/acme/customers/")
    expect(page.locator("#site-nav")).to_be_hidden()
    page.locator("[data-nav-toggle]").click()
    # Every group's entries show at once, under their group's heading; the rep's own labels.
    expect(page.locator(".nav-group__label")).to_have_text(["今日工作", "客户", "销售", "目标与考核"])
    expect(page.get_by_role("link", name="我的客户")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("link", name="我的考核")).to_be_visible()
    expect(page.get_by_role("link", name="计划审批")).to_have_count(0)  # not a rep's page
    context.close()


# What a desktop user must be able to reach without the menu button: each selector's element shown,
# inside the window and not covered by another (issue 14: in English the bar ran wider than the
# window and pushed the weekly report, settings and the user menu out of it).
IN_REACH = """
(selectors) => selectors.map(sel => {
  const el = document.querySelector(sel);
  if (!el) return `${sel}: missing`;
  const box = el.getBoundingClientRect(), width = document.documentElement.clientWidth;
  if (!el.getClientRects().length || box.width === 0 || box.height === 0) return `${sel}: hidden`;
  if (box.left < 0 || box.right > width) {
    return `${sel}: outside the window (${Math.round(box.left)}..${Math.round(box.right)} of ${width})`;
  }
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  if (!hit || !(el === hit || el.contains(hit))) return `${sel}: covered`;
  return null;
}).filter(Boolean)
"""
DESKTOP_WIDTHS = (1024, 1152, 1280, 1366, 1440, 1600, 1920)


def test_the_weekly_report_settings_and_user_menu_stay_in_the_window_on_a_desktop(
    browser: Browser, live_server, sessions
):
    from apps.tenancy.navigation import dom_id

    reports = f'[aria-controls="{dom_id("panel", "reports")}"]'
    settings_group = f'[aria-controls="{dom_id("panel", "settings")}"]'
    wanted = {
        "manager": [reports, ".menu__button", ".lang-switch"],
        "admin": [reports, settings_group, ".menu__button", ".lang-switch"],
    }
    weekly = re.compile(r"^(Weekly report|周销售管理报告|周报)$")
    problems = []
    for width in DESKTOP_WIDTHS:
        for language in ("en", "zh-hans"):
            context = browser.new_context(viewport={"width": width, "height": HEIGHT})
            page = context.new_page()
            for role, selectors in wanted.items():
                _as(context, live_server, sessions[role, language])
                _open(page, f"{live_server.url}/t/acme/customers/")
                where = f"{width}px {language} {role}"
                if page.locator("[data-nav-toggle]").is_visible():
                    problems.append(f"{where}: the bar folded behind the menu button")
                    continue
                problems += [f"{where}: {p}" for p in page.evaluate(IN_REACH, selectors)]
                page.locator(reports).click()
                link = page.locator(".nav-link").filter(has=page.locator(".nav-link__label", has_text=weekly))
                expect(link).to_be_visible()
                box = link.bounding_box()
                if box is None or box["x"] < 0 or box["x"] + box["width"] > width:
                    problems.append(f"{where}: the weekly report link lies outside the window ({box})")
                page.locator(reports).click()
            context.close()
    assert not problems, "\n".join(problems)
