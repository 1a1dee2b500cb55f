"""Bad input loses nothing, on every form of the product, in a real browser: each test types into
one form, submits something the page or its service refuses, and finds every value typed still
there and the reason beside the field it is about (not a path such as "visits › 0 › cost", not a
"title:" prefix).

Sessions are made on the server and handed to the browser as a cookie (no login form per test);
the clock is pinned to a Wednesday in March in Shanghai, so no test depends on the real date.
Forms left out: the Today page and the manager's review (others' work), the language switch and
the sign-in pages (Django's own forms; a password is never sent back by design)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django_scopes import scopes_disabled
from playwright.sync_api import Locator, Page, expect

from apps.org import services as org_services
from apps.sales.models import Order, Payment
from apps.targets.models import Appraisal, AppraisalCycle, Target
from apps.tenancy.models import Role
from apps.tenancy.signals import SESSION_LANGUAGE
from apps.visits.models import DailyReport, MarketReport
from tests.factories import (
    CategoryFactory,
    ContactFactory,
    CustomerFactory,
    ProductFactory,
    RegionFactory,
)
from tests.targets.factories import (
    AppraisalCycleFactory,
    AppraisalFactory,
    AppraisalLineFactory,
    TargetFactory,
)
from tests.visits.factories import DailyReportFactory, MarketReportFactory, VisitFactory, VisitPlanFactory

from .test_field import settled
from .test_invitations import link_in_mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = dt.datetime(2026, 3, 11, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Wednesday evening
TODAY = NOW.date()
LONG = "Rival X cut the price of oolong by 12% in every shop of the east district; " * 30


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=True):
        yield


def open_as(page: Page, live_server, member, path: str, language: str = "en") -> None:
    """Open `path` signed in as `member` (a session made on the server, in `language`)."""
    client = Client()
    client.force_login(member.user)
    session = client.session
    session[SESSION_LANGUAGE] = language
    session.save()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}{path}")


def box(page: Page | Locator, name: str) -> Locator:
    """The field's box: its label, its input and the messages about it."""
    inner = (page if isinstance(page, Page) else page.page).locator(f"[name='{name}']")
    return page.locator(".field", has=inner)


def expect_beside(page: Page | Locator, name: str, message: str | re.Pattern) -> None:
    expect(box(page, name).locator(".errorlist")).to_contain_text(message)


def expect_no_paths(page: Page) -> None:
    """No message names a field by its code or its position in a list."""
    for alert in page.locator(".form-errors, .errorlist, .messages").all():
        text = alert.inner_text()
        assert "›" not in text and not re.search(r"\b[a-z]+_?[a-z]*:\s", text), text


# ---- the daily report (日报)


@pytest.fixture
def day_of_visits(tenant, rep):
    """Today's approved plan of the rep with one visit at Harbour Store, and a product to order."""
    product = ProductFactory(
        tenant=tenant, category=CategoryFactory(tenant=tenant), sku="TEA1", name="Green tea", list_price=25
    )
    plan = VisitPlanFactory(tenant=tenant, rep=rep, day=TODAY, status="approved")
    visit = VisitFactory(
        tenant=tenant,
        rep=rep,
        day=TODAY,
        plan=plan,
        planned=True,
        customer=CustomerFactory(tenant=tenant, owner=rep, name="Harbour Store"),
    )
    return visit, product


def test_daily_report_a_new_report_refused_keeps_every_value(page: Page, live_server, rep, day_of_visits):
    _visit, product = day_of_visits
    open_as(page, live_server, rep, "/t/acme/reports/mine/")
    planned = page.locator("fieldset.report-visit").first
    planned.locator("select[name='visits-0-effective']").select_option("true")
    planned.locator("textarea[name='visits-0-result_note']").fill("Ordered for the spring fair")
    planned.get_by_role("button", name="Add an order line").click()
    settled(page)
    planned.locator("#id_visits-0-lines-0-product").fill("green")  # the product picker
    planned.get_by_role("option", name=re.compile("Green tea")).click()
    planned.locator("input[name='visits-0-lines-0-quantity']").fill("-2")
    page.get_by_role("button", name="Add an unplanned visit").click()
    page.fill("input[name='visits-1-prospect_name']", "Corner shop on Nanjing Road")
    page.fill("textarea[name='visits-1-result_note']", "The owner wants a catalogue")
    page.fill("textarea[name=competitor_info]", LONG)
    page.fill("textarea[name=learnings]", "Keep samples in the car")
    page.get_by_role("button", name="Submit report").click()

    expect(page.locator(".form-errors").first).to_contain_text("The report was not saved")
    expect_beside(page, "visits-0-lines-0-quantity", "greater than or equal to 0.001")
    expect(page.locator("[name='visits-0-lines-0-quantity']")).to_have_value("-2")
    expect(page.locator("[name='visits-0-lines-0-product']")).to_have_value(str(product.pk))
    expect(page.locator("#id_visits-0-lines-0-product")).to_have_value("TEA1 Green tea")
    expect(page.locator("[name='visits-0-effective']")).to_have_value("true")
    expect(page.locator("[name='visits-0-result_note']")).to_have_value("Ordered for the spring fair")
    expect(page.locator("[name='visits-1-prospect_name']")).to_have_value("Corner shop on Nanjing Road")
    expect(page.locator("[name='visits-1-result_note']")).to_have_value("The owner wants a catalogue")
    expect(page.locator("[name=competitor_info]")).to_have_value(LONG)
    expect(page.locator("[name=learnings]")).to_have_value("Keep samples in the car")
    expect_no_paths(page)
    with scopes_disabled():
        assert not DailyReport.objects.exists() and not Order.objects.exists()

    # Corrected, the same form files the report: rows added later keep counting from there.
    page.fill("input[name='visits-0-lines-0-quantity']", "4")
    page.get_by_role("button", name="Submit report").click()
    expect(page.locator(".messages")).to_contain_text("submitted")
    with scopes_disabled():
        report = DailyReport.objects.get()
        assert report.status == "submitted" and report.competitor_info == LONG.strip()
        assert Order.objects.get().amount == Decimal("100.00")


def test_daily_report_a_submitted_report_refused_keeps_every_value(
    page: Page, live_server, rep, day_of_visits
):
    visit, _product = day_of_visits
    report = DailyReportFactory(
        tenant=rep.tenant, rep=rep, day=TODAY, status="submitted", submitted_at=NOW, learnings="Call back"
    )
    with scopes_disabled():
        visit.report = report
        visit.save()
    open_as(page, live_server, rep, "/t/acme/reports/mine/")
    # Until the manager's 批示 the report can still be corrected, and the page says so.
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)
    expect(page.locator("#submitted-note")).to_contain_text("until your manager signs it off")
    page.fill("textarea[name=learnings]", "Call back on Friday with the price list")
    page.get_by_role("button", name="Add a collection").click()
    page.fill("input[name='visits-0-payments-0-amount']", "0")
    page.select_option("select[name='visits-0-payments-0-method']", "cash")
    page.fill("input[name='visits-0-payments-0-reference']", "R-2026-11")
    page.get_by_role("button", name="Save changes").click()

    expect_beside(page, "visits-0-payments-0-amount", "greater than or equal to 0.01")
    expect(page.locator("[name='visits-0-payments-0-amount']")).to_have_value("0")
    expect(page.locator("[name='visits-0-payments-0-method']")).to_have_value("cash")
    expect(page.locator("[name='visits-0-payments-0-reference']")).to_have_value("R-2026-11")
    expect(page.locator("[name=learnings]")).to_have_value("Call back on Friday with the price list")
    expect_no_paths(page)
    with scopes_disabled():
        report.refresh_from_db()
        assert report.learnings == "Call back" and not Payment.objects.exists()


# ---- market situation reports (市场状况反映表)


def test_market_report_form(page: Page, live_server, tenant, rep):
    CustomerFactory(tenant=tenant, owner=rep, name="Harbour Store")
    RegionFactory(tenant=tenant, name="East district")
    open_as(page, live_server, rep, "/t/acme/reports/market/new/")
    page.select_option("select[name=category]", "price")
    page.select_option("select[name=urgency]", "urgent")
    page.select_option("select[name=customer]", label="Harbour Store")
    page.select_option("select[name=region]", label="East district")
    page.fill("textarea[name=body]", LONG)
    page.get_by_role("button", name="Send to my manager").click()  # no title

    expect_beside(page, "title", "This field is required.")
    expect(page.locator("[name=category]")).to_have_value("price")
    expect(page.locator("[name=urgency]")).to_have_value("urgent")
    expect(page.locator("[name=customer] option:checked")).to_have_text("Harbour Store")
    expect(page.locator("[name=region] option:checked")).to_have_text("East district")
    expect(page.locator("[name=body]")).to_have_value(LONG)
    expect_no_paths(page)
    with scopes_disabled():
        assert not MarketReport.objects.exists()


def test_market_report_response(page: Page, live_server, tenant, rep, manager, admin):
    report = MarketReportFactory(tenant=tenant, rep=rep, title="Rival opened a shop")
    open_as(page, live_server, manager, f"/t/acme/reports/market/{report.pk}/")
    with scopes_disabled():  # meanwhile, another manager acknowledged it
        MarketReport.objects.filter(pk=report.pk).update(status="acknowledged", acknowledged_by=admin)
    page.fill("textarea[name=response]", "Match their price on oolong until May")
    page.get_by_role("button", name="Acknowledge").click()

    expect(page.locator("form .form-errors")).to_contain_text(
        "Only an open market report can be acknowledged."
    )
    expect(page.locator("[name=response]")).to_have_value("Match their price on oolong until May")


# ---- customers, contacts, the timeline


def test_customer_form(page: Page, live_server, tenant, rep):
    CustomerFactory(tenant=tenant, owner=rep, code="C-100")
    open_as(page, live_server, rep, "/t/acme/customers/new/")
    page.fill("input[name=code]", "C-100")
    page.fill("input[name=name]", "Golden Lotus Trading")
    page.select_option("select[name=segment]", "dealer")
    page.fill("[name=address]", "88 Nanjing Road, Shanghai")
    page.fill("textarea[name=notes]", LONG)
    page.get_by_role("button", name="Save").click()

    expect_beside(page, "code", "A customer with this code already exists.")
    expect(page.locator("[name=code]")).to_have_value("C-100")
    expect(page.locator("[name=name]")).to_have_value("Golden Lotus Trading")
    expect(page.locator("[name=segment]")).to_have_value("dealer")
    expect(page.locator("[name=address]")).to_have_value("88 Nanjing Road, Shanghai")
    expect(page.locator("[name=notes]")).to_have_value(LONG)
    expect_no_paths(page)


def test_contact_form(page: Page, live_server, tenant, rep):
    customer = CustomerFactory(tenant=tenant, owner=rep)
    open_as(page, live_server, rep, f"/t/acme/customers/{customer.pk}/contacts/new/")
    page.fill("input[name=name]", "Li Na")
    page.fill("input[name=title]", "Buyer")
    page.fill("input[name=email]", "li.na-at-example")
    page.fill("input[name=birthday]", "1988-05-04")
    page.get_by_role("button", name="Save").click()

    expect_beside(page, "email", "Enter a valid email address.")
    expect(page.locator("[name=email]")).to_have_value("li.na-at-example")
    expect(page.locator("[name=name]")).to_have_value("Li Na")
    expect(page.locator("[name=title]")).to_have_value("Buyer")
    expect(page.locator("[name=birthday]")).to_have_value("1988-05-04")


def test_interaction_form(page: Page, live_server, tenant, rep):
    customer = CustomerFactory(tenant=tenant, owner=rep)
    ContactFactory(tenant=tenant, customer=customer, name="Li Na")
    open_as(page, live_server, rep, f"/t/acme/customers/{customer.pk}/interactions/new/")
    page.fill("input[name=occurred_at]", "")
    page.fill("input[name=subject]", "Spring prices")
    page.select_option("select[name=contact]", label="Li Na")
    page.fill("textarea[name=notes]", LONG)
    page.get_by_role("button", name="Save").click()

    expect_beside(page, "occurred_at", "This field is required.")
    expect(page.locator("[name=subject]")).to_have_value("Spring prices")
    expect(page.locator("[name=contact] option:checked")).to_have_text("Li Na")
    expect(page.locator("[name=notes]")).to_have_value(LONG)


# ---- targets (目标) and appraisals (考核)


def test_target_form(page: Page, live_server, admin):
    open_as(page, live_server, admin, "/t/acme/targets/tree/new/")
    page.select_option("select[name=owner_kind]", "team")  # and no team chosen
    page.select_option("select[name=grain]", "quarter")
    page.fill("input[name=period_start]", "2026-05-20")
    page.fill("input[name=value]", "1200000")
    page.fill("textarea[name=statement]", "East region sales of 1.2 million yuan in Q2 2026")
    page.get_by_role("button", name="Create the target").click()

    expect_beside(page, "team", "A team target names its team.")
    expect(page.locator("[name=owner_kind]")).to_have_value("team")
    expect(page.locator("[name=grain]")).to_have_value("quarter")
    expect(page.locator("[name=period_start]")).to_have_value("2026-05-20")
    expect(page.locator("[name=value]")).to_have_value("1200000")
    expect(page.locator("[name=statement]")).to_have_value("East region sales of 1.2 million yuan in Q2 2026")


def _company_target(tenant, **fields) -> Target:
    return TargetFactory(
        tenant=tenant,
        owner_kind=Target.OwnerKind.TENANT,
        rep=None,
        grain="year",
        period_start=dt.date(2026, 1, 1),
        value=Decimal("1200000"),
        **fields,
    )


def test_target_tree_value(page: Page, live_server, tenant, admin):
    target = _company_target(tenant)
    open_as(page, live_server, admin, f"/t/acme/targets/tree/{target.pk}/")
    page.locator(f"#node-{target.pk}").get_by_role("link", name="Edit").click()
    field = page.locator(f"#value-{target.pk}")
    field.fill("12345678901234567")  # more digits than a target holds
    page.locator(f"#node-{target.pk}").get_by_role("button", name="Save").click()

    cell = page.locator(f"#node-{target.pk} .tree__value")
    expect(cell.locator(".errorlist")).to_contain_text("no more than 16 digits")
    expect(page.locator(f"#value-{target.pk}")).to_have_value("12345678901234567")


def test_target_breakdown_values(page: Page, live_server, tenant, admin):
    target = _company_target(tenant)
    open_as(
        page,
        live_server,
        admin,
        f"/t/acme/targets/tree/{target.pk}/breakdown/?split=quarters&allocation=equal",
    )
    parts = page.locator("form.breakdown")
    parts.locator("input[name=value_0]").fill("400000")
    parts.locator("input[name=value_3]").fill("350000")
    parts.get_by_role("button", name="Save the breakdown").click()

    parts = page.locator("form.breakdown")
    expect(parts.locator(".form-errors")).to_contain_text("The children sum to 1350000")
    expect(parts.locator("input[name=value_0]")).to_have_value("400000")
    expect(parts.locator("input[name=value_1]")).to_have_value("300000.00")
    expect(parts.locator("input[name=value_3]")).to_have_value("350000")
    with scopes_disabled():
        assert not Target.objects.filter(parent=target).exists()


def test_review_cycle_form(page: Page, live_server, admin):
    open_as(page, live_server, admin, "/t/acme/appraisals/cycles/")
    page.fill("input[name=name]", "Second quarter review")
    page.select_option("select[name=cadence]", "quarterly")
    page.fill("input[name=period_start]", "2026-06-30")
    page.fill("input[name=period_end]", "2026-04-01")
    page.get_by_role("button", name="Add the cycle").click()

    expect_beside(page, "period_end", "The period ends before it starts.")
    expect(page.locator("[name=name]")).to_have_value("Second quarter review")
    expect(page.locator("[name=cadence]")).to_have_value("quarterly")
    expect(page.locator("[name=period_start]")).to_have_value("2026-06-30")
    expect(page.locator("[name=period_end]")).to_have_value("2026-04-01")
    with scopes_disabled():
        assert not AppraisalCycle.objects.exists()


@pytest.fixture
def appraisal(tenant, rep, manager):
    cycle = AppraisalCycleFactory(
        tenant=tenant, name="March", period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 3, 31)
    )
    return AppraisalFactory(tenant=tenant, cycle=cycle, rep=rep, manager=manager)


def test_appraisal_kpi_lines(page: Page, live_server, manager, appraisal):
    open_as(page, live_server, manager, f"/t/acme/appraisals/{appraisal.pk}/lines/")
    page.select_option("select[name=lines-0-metric]", "revenue")
    page.fill("input[name=lines-0-weight]", "60")
    page.fill("input[name=lines-0-note]", "Revenue of the quarter")
    page.select_option("select[name=lines-1-metric]", "visits_done")
    page.fill("input[name=lines-1-weight]", "30")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("form .form-errors")).to_contain_text("The weights sum to 90")
    expect(page.locator("[name=lines-0-metric]")).to_have_value("revenue")
    expect(page.locator("[name=lines-0-weight]")).to_have_value("60")
    expect(page.locator("[name=lines-0-note]")).to_have_value("Revenue of the quarter")
    expect(page.locator("[name=lines-1-metric]")).to_have_value("visits_done")
    expect(page.locator("[name=lines-1-weight]")).to_have_value("30")


def test_appraisal_rating_and_feedback(page: Page, live_server, manager, appraisal):
    AppraisalLineFactory(tenant=appraisal.tenant, appraisal=appraisal, weight=Decimal("50"))
    open_as(page, live_server, manager, f"/t/acme/appraisals/{appraisal.pk}/")
    page.select_option("select[name=rating]", "4")
    page.fill("textarea[name=feedback]", LONG)
    page.get_by_role("button", name="Submit to the account manager").click()

    feedback = page.locator("#feedback")
    expect(feedback.locator(".form-errors")).to_contain_text("The weights must sum to 100 before submitting.")
    expect(feedback.locator("[name=rating]")).to_have_value("4")
    expect(feedback.locator("[name=feedback]")).to_have_value(LONG)


def test_appraisal_acknowledgement(page: Page, live_server, rep, appraisal):
    with scopes_disabled():
        Appraisal.objects.filter(pk=appraisal.pk).update(status="submitted", rating=4)
    open_as(page, live_server, rep, f"/t/acme/appraisals/{appraisal.pk}/")
    with scopes_disabled():  # meanwhile the manager took it back to change the rating
        Appraisal.objects.filter(pk=appraisal.pk).update(status="draft")
    page.fill("textarea[name=comment]", "I agree; I need help with key accounts")
    page.get_by_role("button", name="Acknowledge").click()

    section = page.locator("#acknowledgement")
    expect(section.locator(".form-errors")).to_be_visible()
    expect(section.locator("[name=comment]")).to_have_value("I agree; I need help with key accounts")


def test_improvement_action_form(page: Page, live_server, rep, manager, appraisal):
    open_as(page, live_server, manager, f"/t/acme/appraisals/{appraisal.pk}/")
    actions = page.locator("#actions")
    actions.locator("textarea[name=description]").fill("Visit every key account twice a month")
    actions.locator("select[name=owner]").select_option(str(rep.pk))
    actions.locator("input[name=due_date]").fill("2026-03-01")  # before today
    actions.get_by_role("button", name="Add").click()

    actions = page.locator("#actions")
    expect_beside(actions, "due_date", "The due date is in the past.")
    expect(actions.locator("[name=description]")).to_have_value("Visit every key account twice a month")
    expect(actions.locator("[name=owner]")).to_have_value(str(rep.pk))
    expect(actions.locator("[name=due_date]")).to_have_value("2026-03-01")


# ---- people, invitations, the organisation


def test_person_form(page: Page, live_server, admin, rep, peer, manager):
    with scopes_disabled():
        peer.employee_no = "E-007"
        peer.save()
    open_as(page, live_server, admin, f"/t/acme/people/{rep.pk}/")
    page.select_option("select[name=reports_to]", str(admin.pk))
    page.fill("input[name=employee_no]", "E-007")
    page.get_by_role("button", name="Save").click()

    expect_beside(page, "employee_no", "Another person of this organisation has this employee number.")
    expect(page.locator("[name=employee_no]")).to_have_value("E-007")
    expect(page.locator("[name=reports_to]")).to_have_value(str(admin.pk))


def test_invitation_form(page: Page, live_server, admin, manager, team, rep):
    open_as(page, live_server, admin, "/t/acme/people/invite/")
    page.fill("input[name=email]", rep.user.email)
    page.select_option("select[name=role]", "manager")
    page.select_option("select[name=team]", label="East")
    page.fill("input[name=employee_no]", "E-101")
    page.get_by_role("button", name="Send the invitation").click()

    expect_beside(page, "email", "is a member of this organisation already")
    expect(page.locator("[name=email]")).to_have_value(rep.user.email)
    expect(page.locator("[name=role]")).to_have_value("manager")
    expect(page.locator("[name=team] option:checked")).to_have_text("East")
    expect(page.locator("[name=employee_no]")).to_have_value("E-101")


def test_handover_form(page: Page, live_server, admin, rep, peer):
    open_as(page, live_server, admin, f"/t/acme/people/{rep.pk}/handover/")
    page.select_option("select[name=to]", str(peer.pk))
    for box_ in page.locator("input[name=parts]").all():
        box_.uncheck()
    page.get_by_role("button", name="Preview").click()

    expect(box(page, "parts").locator(".errorlist")).to_contain_text("This field is required.")
    expect(page.locator("[name=to]")).to_have_value(str(peer.pk))


def test_invitation_accept_form(browser, page: Page, live_server, tenant, admin):
    with scopes_disabled():
        org_services.invitation_create(tenant=tenant, by=admin, email="wang.fang@example.com", role=Role.REP)
    page.goto(link_in_mail(live_server))
    page.fill("input[name=name]", "王芳")
    page.fill("input[name=password]", "spring-orchard-42")
    page.fill("input[name=password_again]", "spring-orchard-24")
    page.get_by_role("button", name="Join").click()

    expect_beside(page, "password_again", "The two passwords differ.")
    expect(page.locator("[name=name]")).to_have_value("王芳")


def test_organisation_settings_form(page: Page, live_server, admin):
    open_as(page, live_server, admin, "/t/acme/settings/organisation/")
    page.fill("input[name=name]", "Acme Tea Trading")
    page.fill("input[name=work_start]", "18:00")
    page.fill("input[name=work_end]", "09:00")
    page.fill("input[name=holidays-0-date]", "2026-05-01")
    page.fill("input[name=holidays-0-name]", "Labour Day")
    page.fill("input[name=holidays-1-date]", "2019-10-01")  # outside the years a holiday may be added for
    page.fill("input[name=holidays-1-name]", "National Day")
    page.get_by_role("button", name="Save").click()

    expect_beside(page, "work_end", "Working hours end after they start.")
    holidays = page.locator("fieldset", has=page.locator("[name=holidays-0-date]"))
    expect(holidays.locator(".form-errors")).to_contain_text("2019-10-01 is outside the years")
    expect(page.locator("[name=name]")).to_have_value("Acme Tea Trading")
    expect(page.locator("[name=work_start]")).to_have_value("18:00")
    expect(page.locator("[name=work_end]")).to_have_value("09:00")
    expect(page.locator("[name=holidays-0-date]")).to_have_value("2026-05-01")
    expect(page.locator("[name=holidays-0-name]")).to_have_value("Labour Day")
    expect(page.locator("[name=holidays-1-date]")).to_have_value("2019-10-01")
    expect(page.locator("[name=holidays-1-name]")).to_have_value("National Day")
    expect_no_paths(page)


def test_preferences_form(page: Page, live_server, rep):
    open_as(page, live_server, rep, "/accounts/preferences/")
    # A stale or forged choice: the one field offers only the languages there are.
    page.evaluate(
        """() => { const o = document.createElement('option'); o.value = 'xx'; o.textContent = 'xx';
                   document.querySelector('select[name=language]').appendChild(o); }"""
    )
    page.select_option("select[name=language]", "xx")
    page.get_by_role("button", name="Save").click()
    expect_beside(page, "language", "Select a valid choice.")


def test_messages_follow_the_users_language(page: Page, live_server, rep, day_of_visits):
    """The daily report's reasons in Chinese: no English field names, nothing lost."""
    open_as(page, live_server, rep, "/t/acme/reports/mine/", language="zh-hans")
    page.locator("fieldset.report-visit").first.locator("input[name='visits-0-cost']").fill("-3")
    page.fill("textarea[name=learnings]", "样品要随车带")
    page.get_by_role("button", name="提交日报").click()
    expect(page.locator(".form-errors").first).to_contain_text("日报未保存，请更正下列错误。")
    expect_beside(page, "visits-0-cost", "0")
    expect(box(page, "visits-0-cost").locator(".errorlist")).not_to_contain_text("Ensure")
    expect(page.locator("[name=learnings]")).to_have_value("样品要随车带")
    expect(page.locator("[name='visits-0-cost']")).to_have_value("-3")
