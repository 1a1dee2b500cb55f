"""The rep in the field: a plan's horizon, adding a visit in place (htmx), tomorrow's page before
today is over, and an order and a collection taken at a visit, which are the day's report lines.

The clock is pinned to Wednesday 18 November 2026, 10:00 in the tenant's time zone (Asia/Shanghai),
inside the working hours (09:00-18:00)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.sales.models import Order, Payment
from apps.visits import services
from apps.visits.models import DailyReport, ReportOrder, ReportPayment, Visit, VisitPlan
from apps.visits.selectors.field import day_is_over
from tests.factories import CategoryFactory, ProductFactory

from .factories import DailyReportFactory, VisitFactory, VisitPlanFactory

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=TZ)
TODAY = dt.date(2026, 11, 18)
TOMORROW = dt.date(2026, 11, 19)
LAST = TODAY + dt.timedelta(days=60)  # the horizon (VISIT_PLAN_MAX_DAYS_AHEAD)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def as_member():
    def make(membership):
        client = Client()
        client.force_login(membership.user)
        return client

    return make


def url(name, tenant, **kwargs):
    return reverse(f"visits:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def tea(tenant):
    return ProductFactory(
        tenant=tenant,
        category=CategoryFactory(tenant=tenant, code="TEA", name="Tea"),
        sku="TEA1",
        name="Green tea",
        list_price=Decimal("25.00"),
    )


@pytest.fixture
def visit(tenant, rep, shop):
    plan = VisitPlanFactory(tenant=tenant, rep=rep, day=TODAY, status="approved")
    return VisitFactory(tenant=tenant, rep=rep, day=TODAY, plan=plan, customer=shop)


# ---- the plan's horizon -------------------------------------------------------------------------


def test_a_plan_up_to_60_days_ahead_is_made_and_one_day_further_is_refused(tenant, rep, shop):
    with scope(tenant=tenant):
        assert services.visit_plan_last_day(tenant) == LAST
        services.visit_plan_save(tenant=tenant, by=rep, day=LAST, items=[{"customer": shop}])
        with pytest.raises(ValidationError) as refused:
            services.visit_plan_save(tenant=tenant, by=rep, day=LAST + dt.timedelta(days=1))
    assert refused.value.message_dict["day"] == [
        "A plan can be made at most 60 days ahead, for 2027-01-17 at the latest."
    ]
    with scopes_disabled():
        assert list(VisitPlan.objects.values_list("day", flat=True)) == [LAST]


@override_settings(VISIT_PLAN_MAX_DAYS_AHEAD=10)
def test_the_horizon_is_a_setting(tenant, rep):
    with scope(tenant=tenant), pytest.raises(ValidationError):
        services.visit_plan_save(tenant=tenant, by=rep, day=TODAY + dt.timedelta(days=11))


def test_a_plan_dated_2099_is_neither_submitted_nor_added_to(tenant, rep, shop):
    """Plans made before the rule (or by a hand-edited row) stay where they are."""
    plan = VisitPlanFactory(tenant=tenant, rep=rep, day=dt.date(2099, 1, 1))
    VisitFactory(tenant=tenant, rep=rep, day=plan.day, plan=plan, customer=shop)
    with scope(tenant=tenant):
        with pytest.raises(ValidationError, match="at most 60 days ahead"):
            services.visit_plan_submit(plan=plan, by=rep)
        with pytest.raises(ValidationError, match="at most 60 days ahead"):
            services.visit_create(tenant=tenant, by=rep, plan=plan, customer=shop)
        with pytest.raises(ValidationError, match="at most 60 days ahead"):
            services.visit_plan_item_add(tenant=tenant, by=rep, day=plan.day, customer=shop)
    with scopes_disabled():
        assert VisitPlan.objects.get(pk=plan.pk).status == "draft"
        assert Visit.objects.filter(plan=plan).count() == 1


def test_the_api_answers_400_with_the_day_field_for_a_plan_beyond_the_horizon(api_as, rep, shop):
    response = api_as(rep).post(
        "/api/v1/visit-plans/",
        {"day": "2099-01-01", "items": [{"customer": shop.pk}]},
        format="json",
    )
    assert response.status_code == 400
    assert "at most 60 days ahead" in response.json()["day"][0]
    far = VisitPlanFactory(tenant=rep.tenant, rep=rep, day=dt.date(2099, 1, 1))
    VisitFactory(tenant=rep.tenant, rep=rep, day=far.day, plan=far, customer=shop)
    submitted = api_as(rep).post(f"/api/v1/visit-plans/{far.pk}/submit/")
    assert submitted.status_code == 400 and "at most 60 days ahead" in str(submitted.json())


def test_the_page_of_a_day_beyond_the_horizon_says_so_and_offers_no_form(as_member, rep):
    page = as_member(rep).get(url("today", rep.tenant), {"day": "2099-01-01"})
    assert page.status_code == 200
    assert "Plans can be made until 2027-01-17" in page.text
    assert 'id="add-item"' not in page.text


def test_adding_beyond_the_horizon_shows_the_reason_on_the_form_and_keeps_what_was_typed(
    as_member, rep, shop
):
    page = as_member(rep).post(
        url("item-add", rep.tenant),
        {
            "day": "2027-03-01",
            "customer": shop.pk,
            "purpose": "order",
            "area": "Huangpu",
            "note": "Bring samples",
        },
    )
    assert page.status_code == 400
    assert "at most 60 days ahead" in page.text
    assert 'value="Huangpu"' in page.text and 'value="Bring samples"' in page.text
    assert f'value="{shop.pk}"' in page.text and "Bund Grocery" in page.text
    with scopes_disabled():
        assert not VisitPlan.objects.exists()


# ---- adding a visit in place --------------------------------------------------------------------


def test_htmx_add_answers_the_plan_and_a_fresh_form_in_place(as_member, rep, shop):
    client = as_member(rep)
    answer = client.post(
        url("item-add", rep.tenant),
        {"day": TODAY.isoformat(), "customer": shop.pk, "purpose": "order"},
        **HTMX,
    )
    assert answer.status_code == 200
    text = answer.text
    assert text.lstrip().startswith('<div id="today-plan"')  # the plan, swapped in place
    assert 'id="add-item"' in text and 'hx-swap-oob="true"' in text  # the form, reset
    assert "Bund Grocery" in text and "Visit added to the plan." in text and "<html" not in text
    assert "Submit plan for approval" in text  # the plan exists now: it can be submitted


def test_htmx_add_with_an_error_answers_the_form_with_what_was_typed(as_member, rep):
    answer = as_member(rep).post(
        url("item-add", rep.tenant), {"day": TODAY.isoformat(), "area": "Pudong", "purpose": "order"}, **HTMX
    )
    assert answer.status_code == 200  # htmx swaps success statuses only
    assert "Choose a customer or enter a prospect" in answer.text and 'value="Pudong"' in answer.text
    with scopes_disabled():
        assert not Visit.objects.exists()


# ---- tomorrow's page ----------------------------------------------------------------------------


def test_tomorrow_offers_todays_pending_visits_unticked_until_the_working_day_ends(
    as_member, rep, visit, pinned
):
    client = as_member(rep)
    page = client.get(url("today", rep.tenant), {"day": TOMORROW.isoformat()})
    assert page.context["carry"] == [visit] and page.context["carry_ticked"] is False
    assert "Today is not over" in page.text
    assert re.search(rf'value="{visit.pk}"\s*>', page.text)  # not checked
    pinned.move_to(dt.datetime(2026, 11, 18, 18, 0, tzinfo=TZ))  # the working hours' end
    page = client.get(url("today", rep.tenant), {"day": TOMORROW.isoformat()})
    assert page.context["carry_ticked"] is True and f'value="{visit.pk}" checked' in page.text


def test_the_day_after_tomorrow_does_not_offer_tomorrows_visits_as_unfinished(as_member, rep, shop):
    VisitFactory(tenant=rep.tenant, rep=rep, day=TOMORROW, customer=shop)
    page = as_member(rep).get(
        url("today", rep.tenant), {"day": (TOMORROW + dt.timedelta(days=1)).isoformat()}
    )
    assert page.context["carry"] == [] and 'id="carry-over"' not in page.text


def test_tomorrows_empty_page_speaks_of_tomorrow(as_member, rep):
    page = as_member(rep).get(url("today", rep.tenant), {"day": TOMORROW.isoformat()})
    assert "Nothing planned for tomorrow yet" in page.text and "visit tomorrow" in page.text
    assert "No visits planned yet" not in page.text
    assert "Tomorrow&#x27;s plan" in page.text or "Tomorrow's plan" in page.text


def test_the_day_tab_leads_to_the_next_working_day(as_member, rep, pinned):
    page = as_member(rep).get(url("today", rep.tenant))
    assert f'?day={TOMORROW.isoformat()}"' in page.text and ">Tomorrow</a>" in page.text
    pinned.move_to(dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ))  # a Friday: the next working day is Monday
    page = as_member(rep).get(url("today", rep.tenant))
    assert '?day=2026-11-23"' in page.text and ">Monday</a>" in page.text
    assert ">Tomorrow</a>" not in page.text


@pytest.mark.parametrize(
    ("day", "at", "over"),
    [
        (dt.date(2026, 11, 17), "08:00", True),  # yesterday
        (TODAY, "17:59", False),
        (TODAY, "18:00", True),
        (TOMORROW, "23:00", False),
    ],
)
def test_a_working_day_is_over_when_its_hours_have_ended(tenant, day, at, over):
    now = dt.datetime.combine(TODAY, dt.time.fromisoformat(at), tzinfo=TZ)
    assert day_is_over(tenant, day, now) is over


# ---- an order and a collection taken at the visit -----------------------------------------------


def sale(tea, quantity="4", amount="50.00"):
    return {
        "orders": [{"lines": [{"product": tea.pk, "quantity": Decimal(quantity)}]}] if quantity else [],
        "payments": [{"amount": Decimal(amount), "method": "cash"}] if amount else [],
    }


def test_an_order_and_a_collection_at_the_visit_are_lines_of_the_days_report(tenant, rep, visit, tea):
    with scope(tenant=tenant):
        report = services.visit_sale_take(visit=visit, by=rep, **sale(tea))
        assert (report.day, report.status, report.rep_id) == (TODAY, "draft", rep.pk)
        link = ReportOrder.objects.select_related("order").get(report=report)
        assert (link.visit_id, link.order.amount, link.order.order_date) == (
            visit.pk,
            Decimal("100.00"),
            TODAY,
        )
        assert link.order.number == "SO20261118001"
        paid = ReportPayment.objects.select_related("payment").get(report=report)
        assert (paid.visit_id, paid.payment.amount, paid.payment.method) == (
            visit.pk,
            Decimal("50.00"),
            "cash",
        )
        # a second one the same day goes into the same report
        again = services.visit_sale_take(visit=visit, by=rep, **sale(tea, quantity="1", amount=""))
        assert again.pk == report.pk
        assert ReportOrder.objects.filter(report=report).count() == 2
        assert DailyReport.objects.count() == 1


def test_the_evening_report_shows_what_was_taken_at_the_visit(as_member, tenant, rep, visit, tea):
    with scope(tenant=tenant):
        services.visit_sale_take(visit=visit, by=rep, **sale(tea))
    page = as_member(rep).get(reverse("reports:mine", kwargs={"tenant_slug": tenant.slug}))
    assert "Taken so far" in page.text and "SO20261118001" in page.text and "50.00" in page.text


def test_a_report_already_submitted_takes_more_and_a_signed_off_one_refuses(tenant, rep, visit, tea):
    report = DailyReportFactory(tenant=tenant, rep=rep, day=TODAY, status="submitted")
    with scope(tenant=tenant):
        assert services.visit_sale_take(visit=visit, by=rep, **sale(tea)).pk == report.pk
    with scopes_disabled():
        DailyReport.objects.filter(pk=report.pk).update(status="reviewed")
    with scope(tenant=tenant), pytest.raises(ValidationError, match="signed off"):
        services.visit_sale_take(visit=visit, by=rep, **sale(tea))


def test_nothing_is_taken_at_a_prospect_by_someone_else_or_empty(tenant, rep, manager, visit, tea):
    prospect = VisitFactory(tenant=tenant, rep=rep, day=TODAY, customer=None, prospect_name="New Mart")
    with scope(tenant=tenant):
        with pytest.raises(ValidationError, match="need a customer"):
            services.visit_sale_take(visit=prospect, by=rep, **sale(tea))
        with pytest.raises(PermissionDenied):
            services.visit_sale_take(visit=visit, by=manager, **sale(tea))
        with pytest.raises(ValidationError, match="Enter an order line"):
            services.visit_sale_take(visit=visit, by=rep, orders=[], payments=[])
    with scopes_disabled():
        assert (
            not Order.objects.exists() and not Payment.objects.exists() and not DailyReport.objects.exists()
        )


def test_a_bad_line_refuses_the_whole_take(tenant, rep, visit, tea):
    rows = {
        "orders": [
            {"lines": [{"product": tea.pk, "quantity": Decimal("1")}, {"product": 999999, "quantity": 1}]}
        ],
        "payments": [{"amount": Decimal("5.00")}],
    }
    with scope(tenant=tenant), pytest.raises(ValidationError):
        services.visit_sale_take(visit=visit, by=rep, **rows)
    with scopes_disabled():
        assert (
            not Order.objects.exists() and not Payment.objects.exists() and not DailyReport.objects.exists()
        )


def test_the_card_takes_an_order_in_place(as_member, rep, visit, tea):
    answer = as_member(rep).post(
        url("sale", rep.tenant, visit_id=visit.pk),
        {"lines-0-product": tea.pk, "lines-0-quantity": "2", "amount": "10.00", "method": "cash"},
        **HTMX,
    )
    assert answer.status_code == 200
    text = answer.text
    assert text.lstrip().startswith(f'<li class="card visit" id="visit-{visit.pk}"')
    assert "SO20261118001" in text and "in today&#x27;s daily report" in text
    with scopes_disabled():
        assert Order.objects.get().amount == Decimal("50.00")


def test_a_refused_take_keeps_what_was_typed_beside_its_field(as_member, rep, visit, tea):
    client = as_member(rep)
    answer = client.post(
        url("sale", rep.tenant, visit_id=visit.pk),
        {
            "lines-0-product": tea.pk,
            "lines-0-quantity": "",
            "lines-3-product": "",
            "lines-3-quantity": "7",
            "amount": "12.50",
            "reference": "receipt 8",
        },
        **HTMX,
    )
    assert answer.status_code == 200
    text = answer.text
    assert "Enter the quantity." in text and "Choose a product from the list." in text
    assert 'value="TEA1 Green tea"' in text and f'value="{tea.pk}"' in text  # the product chosen
    assert 'value="12.50"' in text and 'value="receipt 8"' in text and 'value="7"' in text
    assert 'name="lines-3-quantity"' in text and " open" in text
    # without htmx: the whole page, 400, the same values
    page = client.post(url("sale", rep.tenant, visit_id=visit.pk), {"amount": "-3", "reference": "r9"})
    assert page.status_code == 400 and 'value="r9"' in page.text and "<html" in page.text
    with scopes_disabled():
        assert not Order.objects.exists() and not Payment.objects.exists()


def test_an_unknown_product_is_refused_on_its_line(as_member, rival, rep, visit):
    foreign = ProductFactory(tenant=rival.tenant)
    answer = as_member(rep).post(
        url("sale", rep.tenant, visit_id=visit.pk),
        {"lines-0-product": foreign.pk, "lines-0-quantity": "1"},
        **HTMX,
    )
    assert "Choose a product from the list." in answer.text
    with scopes_disabled():
        assert not Order.objects.exists()


def test_a_blank_take_says_what_is_missing(as_member, rep, visit):
    answer = as_member(rep).post(url("sale", rep.tenant, visit_id=visit.pk), {"method": "cash"}, **HTMX)
    assert "Enter an order line or the amount collected." in answer.text


def test_an_order_line_row_is_added_with_htmx(as_member, rep, visit):
    answer = as_member(rep).get(url("sale-line", rep.tenant, visit_id=visit.pk), {"j": "1"}, **HTMX)
    assert answer.status_code == 200
    assert 'name="lines-1-product"' in answer.text and 'name="lines-1-quantity"' in answer.text
    assert f'id="sale-add-line-{visit.pk}"' in answer.text and "j=2" in answer.text
    assert as_member(rep).get(url("sale-line", rep.tenant, visit_id=visit.pk), {"j": "x"}).status_code == 404


def test_only_the_reps_own_visits_of_today_offer_the_form(as_member, tenant, rep, peer, visit):
    VisitFactory(tenant=tenant, rep=rep, day=TODAY, customer=None, prospect_name="New Mart")
    page = as_member(rep).get(url("today", tenant))
    assert len(re.findall(r"data-sale[ >]", page.text)) == 1  # the customer's visit; not the prospect's
    tomorrow = VisitFactory(tenant=tenant, rep=rep, day=TOMORROW, customer=visit.customer)
    page = as_member(rep).get(url("today", tenant), {"day": TOMORROW.isoformat()})
    assert f'id="visit-{tomorrow.pk}"' in page.text and not re.search(r"data-sale[ >]", page.text)


def test_the_sale_pages_are_404_for_a_peer_a_viewer_a_manager_and_another_tenant(
    as_member, rep, peer, viewer, manager, rival, visit
):
    """What is taken at a visit is its rep's: even their manager, who sees the visit, gets a 404."""
    for member in (peer, viewer, manager, rival):
        client = as_member(member)
        tenant = member.tenant
        assert client.post(url("sale", tenant, visit_id=visit.pk), {"amount": "1"}).status_code == 404
        assert client.get(url("sale-line", tenant, visit_id=visit.pk), {"j": "1"}).status_code == 404


def test_the_today_page_reads_the_same_queries_with_more_visits_and_sales(as_member, tenant, rep, shop, tea):
    plan = VisitPlanFactory(tenant=tenant, rep=rep, day=TODAY, status="approved")
    first = VisitFactory(tenant=tenant, rep=rep, day=TODAY, plan=plan, customer=shop)
    with scope(tenant=tenant):
        services.visit_sale_take(visit=first, by=rep, **sale(tea))
    client = as_member(rep)
    page = url("today", tenant)
    client.get(page)
    with CaptureQueriesContext(connection) as few:
        client.get(page)
    for _ in range(6):
        more = VisitFactory(tenant=tenant, rep=rep, day=TODAY, plan=plan, customer=shop)
        with scope(tenant=tenant):
            services.visit_sale_take(visit=more, by=rep, **sale(tea))
    with CaptureQueriesContext(connection) as many:
        response = client.get(page)
    assert response.text.count("data-taken ") == 7
    assert len(many) == len(few)


def test_the_homes_today_card_leads_to_the_visits_order_form(as_member, tenant, rep, visit):
    home = as_member(rep).get(reverse("dashboard", kwargs={"tenant_slug": tenant.slug}))
    link = f"{url('today', tenant)}?sale={visit.pk}#visit-{visit.pk}"
    assert f'href="{link}"' in home.text
    page = as_member(rep).get(url("today", tenant), {"sale": visit.pk})
    assert re.search(r'<details class="visit__sale" data-sale open>', page.text)
    assert not re.search(r"<details[^>]* open>", as_member(rep).get(url("today", tenant)).text)


def test_a_chinese_rep_reads_the_new_parts_in_chinese(as_member, tenant, rep, visit, tea):
    from apps.tenancy.models import UserProfile

    UserProfile.objects.create(user=rep.user, language="zh-hans")
    with scope(tenant=tenant):
        services.visit_sale_take(visit=visit, by=rep, **sale(tea))
    client = as_member(rep)
    text = client.get(url("today", tenant)).text
    for label in ("录入订单或回款", "保存录入内容", "订单明细", "回款金额", "本次拜访已录入"):
        assert label in text, label
    tomorrow = client.get(url("today", tenant), {"day": TOMORROW.isoformat()}).text
    for label in ("明日拜访计划", "今天尚未完成的拜访", "今天还没结束"):
        assert label in tomorrow, label
    far = client.get(url("today", tenant), {"day": "2099-01-01"}).text
    assert "拜访计划最晚可制定到 2027-01-17" in far
    options = client.get(reverse("sales:product-picker", kwargs={"tenant_slug": tenant.slug}))
    assert "常购产品" in options.text and "近期下单 1 次" in options.text
