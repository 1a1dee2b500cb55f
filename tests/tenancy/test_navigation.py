"""The top bar's registry (apps/tenancy/navigation.py): entries declared by the apps appear for the
right roles without any template naming them, the current page is marked, building the bar reads no
row; and the counts endpoint that fills its badges after the page."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.tenancy import navigation
from apps.tenancy.models import Membership, Role
from apps.tenancy.navigation import (
    check_navigation,
    nav_counts,
    nav_menus,
    register_nav_entry,
    register_nav_group,
)
from tests.factories import MembershipFactory, UserFactory
from tests.tenancy.factories import NotificationFactory
from tests.visits.factories import DailyReportFactory, MarketReportFactory, VisitPlanFactory

pytestmark = pytest.mark.django_db

# Today's role rules of the bar (as base.html had them before the registry), entry by entry.
EVERYONE = {
    "visits.daily_report",
    "visits.market_reports",
    "tenancy.notifications",
    "customers.list",
    "customers.tasks",
    "keyaccounts.plans",
    "sales.orders",
    "sales.payments",
    "sales.receivables",
    "pipeline.opportunities",
    "targets.mine",
    "targets.appraisals",
}
LINE = {
    "visits.today",
    "visits.plan_queue",
    "visits.review_queue",
    "targets.breakdown",
    "reporting.weekly",
}
EXPECTED = {
    Role.REP: EVERYONE | {"visits.today"},
    Role.MANAGER: EVERYONE | LINE,
    Role.ADMIN: EVERYONE | LINE | {"tenancy.settings", "tenancy.admin", "org.people", "sales.payment_terms"},
    Role.VIEWER: EVERYONE | {"reporting.weekly"},
}
GROUP_ORDER = ["today", "customers", "sales", "targets", "team", "reports", "settings"]


@pytest.fixture
def registry(monkeypatch):
    """A copy of the registry for one test: what the test registers is gone afterwards."""
    monkeypatch.setattr(navigation, "_GROUPS", dict(navigation._GROUPS))
    monkeypatch.setattr(navigation, "_ENTRIES", dict(navigation._ENTRIES))


def _member(tenant, role):
    return MembershipFactory(tenant=tenant, role=role)


def _codes(menus):
    return {link.code for menu in menus for link in menu.links}


def _current(menus):
    return [(menu.code, link.code) for menu in menus for link in menu.links if link.current]


def _get(client, membership, path):
    client.force_login(membership.user)
    return client.get(path)


# ---- the registry ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.REP, Role.MANAGER, Role.ADMIN, Role.VIEWER])
def test_each_role_sees_exactly_todays_entries_in_the_group_order(tenant, role):
    menus = nav_menus(membership=_member(tenant, role), tenant_slug=tenant.slug, view_name=None)
    assert _codes(menus) == EXPECTED[role]
    order = [menu.code for menu in menus]
    assert order == [g for g in GROUP_ORDER if g in order]


def test_a_group_without_an_entry_for_the_role_is_not_shown(tenant):
    rep_groups = [
        m.code for m in nav_menus(membership=_member(tenant, Role.REP), tenant_slug="acme", view_name=None)
    ]
    assert rep_groups == ["today", "customers", "sales", "targets"]
    admin = _member(tenant, Role.ADMIN)
    assert [m.code for m in nav_menus(membership=admin, tenant_slug="acme", view_name=None)] == GROUP_ORDER


def test_managers_see_people_only_where_the_organisation_lets_them_manage_people(
    tenant, django_assert_num_queries
):
    manager = _member(tenant, Role.MANAGER)  # its tenant loaded, as the middleware loads it
    with django_assert_num_queries(0):  # the setting comes with the request's tenant
        assert "org.people" not in _codes(nav_menus(membership=manager, tenant_slug="acme", view_name=None))
    manager.tenant.managers_manage_people = True
    with django_assert_num_queries(0):
        assert "org.people" in _codes(nav_menus(membership=manager, tenant_slug="acme", view_name=None))
    rep = _member(tenant, Role.REP)
    rep.tenant.managers_manage_people = True
    assert "org.people" not in _codes(nav_menus(membership=rep, tenant_slug="acme", view_name=None))


def test_a_when_predicate_that_cannot_be_imported_fails_the_check(registry):
    register_nav_entry(
        "x.when", group="today", label="X", url_name="customers:list", when="apps.nowhere.predicate"
    )
    assert [e.id for e in check_navigation() if "x.when" in e.msg] == ["tenancy.E103"]


def test_the_label_may_differ_by_role(tenant):
    labels = {}
    for role in (Role.REP, Role.MANAGER):
        menus = nav_menus(membership=_member(tenant, role), tenant_slug=tenant.slug, view_name=None)
        labels[role] = {link.code: str(link.label) for menu in menus for link in menu.links}
    assert labels[Role.REP]["customers.list"] == "My customers"
    assert labels[Role.MANAGER]["customers.list"] == "Customers"
    assert labels[Role.REP]["targets.appraisals"] == "My appraisals"
    assert labels[Role.MANAGER]["targets.appraisals"] == "Appraisals"


def test_entries_link_to_the_tenants_pages(tenant):
    menus = nav_menus(membership=_member(tenant, Role.ADMIN), tenant_slug=tenant.slug, view_name=None)
    urls = {link.code: link.url for menu in menus for link in menu.links}
    assert urls["customers.list"] == "/t/acme/customers/"
    assert urls["visits.review_queue"] == "/t/acme/reports/review/"
    assert urls["tenancy.settings"] == "/t/acme/settings/organisation/"
    assert urls["tenancy.admin"] == "/tenant-admin/"  # outside /t/<slug>/: reversed without it


@pytest.mark.parametrize(
    "view_name, expected",
    [
        ("customers:list", [("customers", "customers.list")]),
        ("customers:detail", [("customers", "customers.list")]),
        ("sales:order-detail", [("sales", "sales.orders")]),
        ("sales:payments", [("sales", "sales.payments")]),
        ("reports:mine", [("today", "visits.daily_report")]),
        ("reports:detail", [("today", "visits.daily_report")]),
        ("reports:queue", [("today", "visits.review_queue")]),
        ("reports:market-detail", [("today", "visits.market_reports")]),
        ("visits:queue", [("today", "visits.plan_queue")]),
        ("team", []),  # the team page's and the team dashboard's old addresses lead to the home
        ("targets:team", []),
        ("targets:tree", [("targets", "targets.breakdown")]),
        ("targets:create", [("targets", "targets.breakdown")]),
        ("appraisals:cycles", [("targets", "targets.appraisals")]),
        ("appraisals:detail", [("targets", "targets.appraisals")]),
        ("reporting:weekly-pdf", [("reports", "reporting.weekly")]),
        ("dashboard", []),  # the home is the brand link
        (None, []),  # a page outside the URLconf (a 404)
    ],
)
def test_the_current_page_marks_one_entry_and_its_group(tenant, view_name, expected):
    menus = nav_menus(membership=_member(tenant, Role.ADMIN), tenant_slug=tenant.slug, view_name=view_name)
    assert _current(menus) == expected
    assert [m.code for m in menus if m.current] == [group for group, _ in expected]


def test_building_the_bar_reads_no_row(tenant, django_assert_num_queries):
    admin = _member(tenant, Role.ADMIN)
    with django_assert_num_queries(0):
        nav_menus(membership=admin, tenant_slug=tenant.slug, view_name="customers:detail")


def test_an_entry_registered_in_a_test_appears_for_its_roles_without_touching_a_template(
    registry, client, tenant, rep, manager
):
    register_nav_group("field", "Field kit", order=15)
    register_nav_entry(
        "test.kit",
        group="field",
        label="Sample kit",
        role_labels={"rep": "My sample kit"},
        url_name="dashboard",
        roles=("rep",),
        current=["dashboard"],
    )
    page = reverse("customers:list", kwargs={"tenant_slug": tenant.slug})
    text = _get(client, rep, page).text
    assert "Field kit" in text and "My sample kit" in text
    assert text.index("Today&#x27;s work") < text.index("Field kit") < text.index(">Customers<")
    assert "Field kit" not in _get(Client(), manager, page).text  # not for this role: nor its group
    # On the entry's own page it is the current one, with its group.
    text = _get(client, rep, reverse("dashboard", kwargs={"tenant_slug": tenant.slug})).text
    assert re.search(
        r'nav-group nav-group--current"[^>]*>\s*<button[^>]*>\s*<span class="nav-group__label">Field kit',
        text,
    )
    assert re.search(r'aria-current="page"><span class="nav-link__label">My sample kit', text)


def test_registering_a_code_again_replaces_the_entry(registry, tenant):
    register_nav_entry("test.kit", group="today", label="First", url_name="notifications")
    register_nav_entry("test.kit", group="today", label="Second", url_name="notifications", roles=("admin",))
    assert [e.label for e in navigation.registered_entries() if e.code == "test.kit"] == ["Second"]
    menus = nav_menus(membership=_member(tenant, Role.REP), tenant_slug=tenant.slug, view_name=None)
    assert "test.kit" not in _codes(menus)


def test_the_installed_registrations_pass_the_check():
    assert check_navigation() == []


def test_a_typo_in_a_registration_fails_the_check(registry):
    register_nav_entry("test.group", group="nowhere", label="x", url_name="notifications")
    register_nav_entry("test.url", group="today", label="x", url_name="no-such-page")
    register_nav_entry(
        "test.count", group="today", label="x", url_name="notifications", count="apps.nope.count"
    )
    ids = sorted(error.id for error in check_navigation())
    assert ids == ["tenancy.E101", "tenancy.E102", "tenancy.E103"]


def test_a_page_marks_its_entry_and_group_and_loads_the_counts_after_itself(client, tenant, manager):
    text = _get(client, manager, reverse("reports:queue", kwargs={"tenant_slug": tenant.slug})).text
    assert text.count('aria-current="page"') == 1
    assert re.search(r'aria-current="page"><span class="nav-link__label">Reports to sign off', text)
    assert text.count("nav-group--current") == 1
    assert re.search(
        r'nav-group--current"[^>]*>\s*<button[^>]*>\s*<span class="nav-group__label">Today', text
    )
    # The badges are empty placeholders: the page itself counts nothing.
    assert 'id="nav-count-visits-review-queue" hidden></span>' in text
    assert 'hx-get="/t/acme/nav/counts/" hx-trigger="load" hx-swap="none"' in text


# ---- the counts endpoint -------------------------------------------------------------------------

COUNT = re.compile(
    r'<span class="nav-count" id="(?P<id>[\w-]+)" hx-swap-oob="true"(?P<hidden> hidden)?>(?P<n>\d*)'
)


def _counts(response) -> dict[str, int]:
    assert response.status_code == 200
    found = {}
    for m in COUNT.finditer(response.text):
        assert bool(m["hidden"]) == (m["n"] == ""), m.group(0)  # a zero badge is hidden, and empty
        found[m["id"]] = int(m["n"] or 0)
    return found


def _counts_url(tenant):
    return reverse("nav-counts", kwargs={"tenant_slug": tenant.slug})


@pytest.fixture
def waiting(tenant, rep, peer, manager, outsider_rep):
    """Work waiting above the reps: plans and reports of the manager's two reps, and one of a rep
    outside the manager's line (only the admin signs that off)."""
    for who in (rep, peer):
        VisitPlanFactory(tenant=tenant, rep=who, status="submitted")
        DailyReportFactory(tenant=tenant, rep=who, status="submitted")
    VisitPlanFactory(tenant=tenant, rep=rep, status="draft", day=dt.date(2026, 11, 3))
    VisitPlanFactory(tenant=tenant, rep=outsider_rep, status="submitted")
    DailyReportFactory(tenant=tenant, rep=outsider_rep, status="submitted")
    MarketReportFactory(tenant=tenant, rep=rep)
    MarketReportFactory(tenant=tenant, rep=rep, status="acknowledged")
    MarketReportFactory(tenant=tenant, rep=outsider_rep)
    NotificationFactory.create_batch(3, tenant=tenant, recipient=manager)
    NotificationFactory(tenant=tenant, recipient=rep)


def test_a_manager_counts_what_waits_in_their_line(client, tenant, manager, waiting):
    counts = _counts(_get(client, manager, _counts_url(tenant)))
    assert counts == {
        "nav-count-visits-plan-queue": 2,
        "nav-count-visits-daily-report": 0,  # only reps owe daily reports
        "nav-count-visits-review-queue": 2,
        "nav-count-visits-market-reports": 1,
        "nav-count-tenancy-notifications": 3,
        "nav-count-customers-tasks": 0,  # none of their own tasks is due
        "nav-group-count-today": 8,  # the group shows the sum of its entries
        "nav-count-pipeline-opportunities": 0,  # no opportunity waits on a next step
        "nav-group-count-sales": 0,
    }


def test_an_admin_counts_the_whole_organisation(client, tenant, admin, waiting):
    counts = _counts(_get(client, admin, _counts_url(tenant)))
    assert counts["nav-count-visits-plan-queue"] == 3
    assert counts["nav-count-visits-review-queue"] == 3
    assert counts["nav-count-visits-market-reports"] == 2
    assert counts["nav-count-tenancy-notifications"] == 0
    assert counts["nav-group-count-today"] == 8


def test_a_rep_counts_only_their_own_and_never_the_line_queues(client, tenant, rep, waiting):
    counts = _counts(_get(client, rep, _counts_url(tenant)))
    assert "nav-count-visits-plan-queue" not in counts and "nav-count-visits-review-queue" not in counts
    assert counts["nav-count-tenancy-notifications"] == 1
    assert counts["nav-count-visits-market-reports"] == 0  # their own reports wait for others
    assert counts["nav-group-count-today"] == 1 + counts["nav-count-visits-daily-report"]


def test_a_viewer_gets_only_what_a_viewer_sees(client, tenant, viewer, waiting):
    counts = _counts(_get(client, viewer, _counts_url(tenant)))
    assert set(counts) == {
        "nav-count-visits-daily-report",
        "nav-count-visits-market-reports",
        "nav-count-tenancy-notifications",
        "nav-count-customers-tasks",
        "nav-group-count-today",
        "nav-count-pipeline-opportunities",
        "nav-group-count-sales",
    }
    assert set(counts.values()) == {0}


@time_machine.travel(dt.datetime(2026, 11, 4, 21, 0, tzinfo=dt.UTC), tick=False)  # Thu 05:00 in Shanghai
def test_a_reps_missing_report_of_the_previous_working_day_is_counted(client, tenant, rep):
    with scopes_disabled():
        Membership.objects.filter(pk=rep.pk).update(created_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC))
    assert _counts(_get(client, rep, _counts_url(tenant)))["nav-count-visits-daily-report"] == 1
    DailyReportFactory(tenant=tenant, rep=rep, day=dt.date(2026, 11, 4), status="submitted")
    assert _counts(_get(client, rep, _counts_url(tenant)))["nav-count-visits-daily-report"] == 0


def test_the_counts_cost_one_query_each(client, tenant, manager, waiting, django_assert_num_queries):
    client.force_login(manager.user)
    client.get(_counts_url(tenant))  # warm the session
    # Session, user and membership (the middleware), then one COUNT per counted entry the manager
    # sees: plans to approve, reports to sign off, market reports, notifications, their tasks due (a
    # manager owes no daily report: no query for it).
    with django_assert_num_queries(3 + 5):
        client.get(_counts_url(tenant))


def test_the_counts_do_not_grow_with_the_rows(client, tenant, admin, waiting, rep, django_assert_num_queries):
    client.force_login(admin.user)
    client.get(_counts_url(tenant))
    with django_assert_num_queries(3 + 5) as few:
        client.get(_counts_url(tenant))
    for n in range(5):
        VisitPlanFactory(
            tenant=tenant, rep=rep, status="submitted", day=dt.date(2026, 10, 1) + dt.timedelta(days=n)
        )
        MarketReportFactory(tenant=tenant, rep=rep)
    with django_assert_num_queries(len(few.captured_queries)):
        assert _counts(client.get(_counts_url(tenant)))["nav-count-visits-plan-queue"] == 8


def test_another_tenants_counts_are_404(client, tenant, rep, other_tenant, rival):
    assert _get(client, rep, _counts_url(other_tenant)).status_code == 404


def test_a_non_member_gets_404_and_a_visitor_the_login(client, tenant, rep):
    client.force_login(UserFactory(username="stranger"))
    assert client.get(_counts_url(tenant)).status_code == 404
    response = Client().get(_counts_url(tenant))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_counts_are_read_only_and_never_cached(client, tenant, rep):
    client.force_login(rep.user)
    assert client.post(_counts_url(tenant)).status_code == 405
    assert client.get(_counts_url(tenant))["Cache-Control"] == "no-store"


def test_a_count_registered_in_a_test_is_summed_into_its_group(registry, tenant, rep):
    register_nav_entry(
        "test.kit",
        group="today",
        label="Kit",
        url_name="notifications",
        count="tests.tenancy.test_navigation.seven",
    )
    with scope(tenant=tenant.pk):
        counts = nav_counts(membership=rep)
    assert counts["nav-count-test-kit"] == 7
    assert counts["nav-group-count-today"] == 7 + counts["nav-count-visits-daily-report"]


def seven(membership) -> int:
    return 7
