"""The rep's daily report form when a save is refused: the page comes back with every value typed
(planned and unplanned visits, notes, order lines, collections, long texts), each message beside
its field in the user's language, and nothing written. Dates pinned: a Wednesday in March."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.sales.models import Order, Payment
from apps.tenancy.signals import SESSION_LANGUAGE
from apps.visits.models import DailyReport, Visit
from tests.factories import CustomerFactory
from tests.visits.factories import DailyReportFactory
from tests.web.test_i18n import compiled_messages  # noqa: F401  (compiles the catalogues first)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 11, 17, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # Wed, in Shanghai
LONG = "Rival X cut the price of oolong by 12% in every shop of the east district. " * 40


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def _client(member, language="en"):
    client = Client()
    client.force_login(member.user)
    session = client.session
    session[SESSION_LANGUAGE] = language
    session.save()
    return client


def _url(tenant):
    return reverse("reports:mine", kwargs={"tenant_slug": tenant.slug})


def _field(html: str, name: str) -> str:
    """The markup of one field's box (label, input, errors) on the page; a product picker's own box
    (sales/_product_picker.html) inside it is passed over."""
    picker = r'(?:(?:(?!<div class="field).)*?data-picker-options></ul>\s*</div>)?'
    match = re.search(
        rf'<div class="field[^"]*">(?:(?!<div class="field).)*?name="{re.escape(name)}"{picker}.*?</div>',
        html,
        re.S,
    )
    assert match, f"no field {name}"
    return match[0]


def _post(plan_visits, products, **changes):
    """Today's report with something typed everywhere: the first planned visit edited with an order
    line and a collection, a long competitor text, and an unplanned visit at a prospect."""
    data = {
        "attendance": "training",
        "competitor_info": LONG,
        "learnings": "Keep samples in the car",
        "visits-0-id": plan_visits[0].pk,
        "visits-0-outcome": "done",
        "visits-0-effective": "true",
        "visits-0-cost": "12.50",
        "visits-0-result_note": "Ordered for the spring fair",
        "visits-0-lines-0-product": products[0].pk,
        "visits-0-lines-0-quantity": "4",
        "visits-0-lines-0-unit_price": "9.50",
        "visits-0-payments-0-amount": "300.00",
        "visits-0-payments-0-method": "transfer",
        "visits-0-payments-0-reference": "INV-2026-031",
        "visits-1-id": plan_visits[1].pk,
        "visits-1-outcome": "done",
        "visits-2-id": plan_visits[2].pk,
        "visits-2-outcome": "pending",
        "visits-3-prospect_name": "Corner shop on Nanjing Road",
        "visits-3-purpose": "new_customer",
        "visits-3-outcome": "done",
        "visits-3-result_note": "Owner wants a catalogue",
        "visits-4-outcome": "done",  # an added visit left as it came: not a visit
        "visits-4-cost": "0",
        "submit": "1",
    }
    data.update(changes)
    return data


def _assert_everything_typed_is_there(html, plan_visits, products):
    assert 'value="training" selected' in html
    assert LONG.replace("'", "&#x27;") in html and "Keep samples in the car" in html
    assert "Ordered for the spring fair" in html and 'value="12.50"' in html
    product = _field(html, "visits-0-lines-0-product")  # the picker: the id posted, the product shown
    assert (
        f'value="{products[0].pk}"' in product and f'value="{products[0].sku} {products[0].name}"' in product
    )
    assert 'value="4"' in _field(html, "visits-0-lines-0-quantity")
    assert 'value="9.50"' in _field(html, "visits-0-lines-0-unit_price")
    assert 'value="transfer" selected' in _field(html, "visits-0-payments-0-method")
    assert 'value="INV-2026-031"' in _field(html, "visits-0-payments-0-reference")
    assert 'value="Corner shop on Nanjing Road"' in html and "Owner wants a catalogue" in html
    assert 'value="new_customer" selected' in _field(html, "visits-3-purpose")
    assert 'name="visits-4-' not in html  # the blank added visit is not brought back


def _nothing_written():
    with scopes_disabled():
        assert (
            not DailyReport.objects.exists() and not Order.objects.exists() and not Payment.objects.exists()
        )
        assert not Visit.objects.filter(planned=False).exists()


def test_a_refused_new_report_comes_back_as_typed_with_each_reason_beside_its_field(
    tenant, rep, plan_visits, products
):
    data = _post(
        plan_visits,
        products,
        **{"visits-0-payments-0-amount": "-5", "visits-1-cost": "-1", "visits-0-lines-1-quantity": "2"},
    )
    response = _client(rep).post(_url(tenant), data)
    html = response.text
    assert response.status_code == 200
    _assert_everything_typed_is_there(html, plan_visits, products)
    assert "The report was not saved. Please correct the errors below." in html
    amount = _field(html, "visits-0-payments-0-amount")
    assert 'value="-5"' in amount and "greater than or equal to 0.01" in amount
    assert "greater than or equal to 0" in _field(html, "visits-1-cost")
    # A line with a quantity but no product is refused, not dropped.
    assert "This field is required." in _field(html, "visits-0-lines-1-product")
    assert 'value="2"' in _field(html, "visits-0-lines-1-quantity")
    assert "›" not in html and "visits-0-" not in html.split('class="form-errors"')[1].split("</div>")[0]
    _nothing_written()


def test_a_refusal_of_the_service_is_shown_at_the_visit_it_is_about(tenant, rep, plan_visits, products):
    data = _post(
        plan_visits,
        products,
        **{"visits-3-lines-0-product": products[1].pk, "visits-3-lines-0-quantity": "1"},
    )
    html = _client(rep).post(_url(tenant), data).text
    _assert_everything_typed_is_there(html, plan_visits, products)
    lines = html.split('id="lines-3"')[1].split('id="add-line-3"')[0]
    assert "Visit 4: orders and collections need a customer" in lines
    assert 'value="1"' in _field(html, "visits-3-lines-0-quantity")
    _nothing_written()


def test_an_unplanned_visit_with_a_note_but_nobody_named_is_refused_not_dropped(
    tenant, rep, plan_visits, products
):
    data = _post(plan_visits, products, **{"visits-3-prospect_name": ""})
    html = _client(rep).post(_url(tenant), data).text
    assert "name the customer or the prospect visited" in _field(html, "visits-3-customer")
    assert "Owner wants a catalogue" in html
    _nothing_written()


def test_the_messages_are_in_the_users_language_without_field_names(tenant, rep, plan_visits, products):
    data = _post(plan_visits, products, **{"visits-0-lines-0-quantity": "many"})
    html = _client(rep, "zh-hans").post(_url(tenant), data).text
    assert "日报未保存，请更正下列错误。" in html
    quantity = _field(html, "visits-0-lines-0-quantity")
    assert 'value="many"' in quantity and "请填写合法的数字。" in quantity
    assert "quantity" not in html.split('class="form-errors"')[1].split("</div>")[0]


def test_a_submitted_report_keeps_the_changes_typed_when_a_change_is_refused(
    tenant, rep, plan_visits, products
):
    report = DailyReportFactory(
        tenant=tenant, rep=rep, day=NOW.date(), status="submitted", submitted_at=NOW, on_time=True
    )
    with scopes_disabled():
        Visit.objects.filter(pk__in=[v.pk for v in plan_visits]).update(report=report)
    client = _client(rep)
    page = client.get(_url(tenant)).text
    assert "Save draft" not in page and "Submit report" not in page
    assert "Save changes" in page and "until your manager signs it off" in page
    data = _post(plan_visits, products, **{"visits-0-payments-0-amount": "0"})
    del data["submit"]
    data["save"] = "1"
    html = client.post(_url(tenant), data).text
    _assert_everything_typed_is_there(html, plan_visits, products)
    assert "greater than or equal to 0.01" in _field(html, "visits-0-payments-0-amount")
    with scopes_disabled():
        report.refresh_from_db()
        assert report.competitor_info == "" and not Order.objects.exists()


def test_a_refused_submission_writes_none_of_the_changes_saved_with_it(tenant, rep, plan_visits, products):
    """A second tab still showing "Submit report": the report was submitted meanwhile. The save and
    the orders it would take are not written either, so saving again does not take them twice."""
    report = DailyReportFactory(tenant=tenant, rep=rep, day=NOW.date(), status="submitted", submitted_at=NOW)
    html = _client(rep).post(_url(tenant), _post(plan_visits, products)).text
    assert "This report has already been submitted." in html
    _assert_everything_typed_is_there(html, plan_visits, products)
    with scopes_disabled():
        report.refresh_from_db()
        assert report.learnings == "" and not Order.objects.exists() and not Payment.objects.exists()


def test_the_corrected_report_is_filed(tenant, rep, plan_visits, products):
    client = _client(rep)
    client.post(_url(tenant), _post(plan_visits, products, **{"visits-1-cost": "-1"}))
    response = client.post(_url(tenant), _post(plan_visits, products))
    assert response.status_code == 302
    with scopes_disabled():
        report = DailyReport.objects.get()
        assert report.status == "submitted" and report.competitor_info == LONG.strip()
        assert Order.objects.get().amount == Decimal("38.00")
        assert Payment.objects.get().reference == "INV-2026-031"
        assert Visit.objects.get(planned=False).prospect_name == "Corner shop on Nanjing Road"


def test_a_customer_of_someone_else_is_refused_beside_the_customer(tenant, rep, peer, plan_visits, products):
    foreign = CustomerFactory(tenant=tenant, owner=peer)
    data = _post(plan_visits, products, **{"visits-3-customer": foreign.pk, "visits-3-prospect_name": ""})
    html = _client(rep).post(_url(tenant), data).text
    assert "Visit 4: unknown customer." in _field(html, "visits-3-customer")
    _nothing_written()
