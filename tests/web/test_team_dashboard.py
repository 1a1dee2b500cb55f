"""The team dashboard, now the attainment card of the manager's and the admin's home (fetched with
htmx from targets:team-card) and the revenue trend card: role gate, the line only, drill-down links,
chart data, pages of reps, fixed queries; the old address leads to the card, period and page kept."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.sales.models import Order
from apps.tenancy.models import Role
from tests.factories import CustomerFactory, MembershipFactory, OrderFactory, OrderLineFactory
from tests.targets.factories import TargetFactory
from tests.web.test_i18n import compiled_messages  # noqa: F401  (autouse: compile the .mo first)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 16
HTMX = {"HTTP_HX_REQUEST": "true"}


def _month_start(member) -> dt.date:
    return timezone.localdate(timezone=member.tenant.tzinfo).replace(day=1)


def _target(member, value="1000"):
    return TargetFactory(
        tenant=member.tenant,
        rep=member,
        metric="revenue",
        period_start=_month_start(member),
        value=Decimal(value),
        status="approved",
    )


def _chart(text: str) -> dict:
    start = text.index('<script id="home-trend-data" type="application/json">')
    body = text[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def _card(client, url, query: str = ""):
    """The attainment card as the home's htmx fetches it."""
    return client.get(url("targets:team-card") + query, **HTMX)


def test_rep_and_viewer_get_no_attainment_card(client_as, url, rep, viewer):
    for member in (rep, viewer):
        client = client_as(member)
        assert _card(client, url).status_code == 404
        assert 'id="team-attainment"' not in client.get(url("dashboard")).text


def test_the_old_address_leads_to_the_card_on_the_home_keeping_period_and_page(client_as, url, manager):
    client = client_as(manager)
    response = client.get(url("targets:team") + "?period=quarter&page=2")
    assert response.status_code == 302
    assert response["Location"] == url("dashboard") + "?period=quarter&page=2#team-attainment"
    home = client.get(response["Location"]).text
    # The card on the home fetches its body with the period and page asked for.
    assert f'hx-get="{url("targets:team-card")}?period=quarter&amp;page=2"' in home
    assert client.get(url("targets:team")).headers["Location"] == url("dashboard") + "#team-attainment"


def test_the_card_opened_without_htmx_leads_to_the_home(client_as, url, manager):
    response = client_as(manager).get(url("targets:team-card") + "?period=year")
    assert response.status_code == 302
    assert response["Location"] == url("dashboard") + "?period=year#team-attainment"


def test_manager_sees_line_only_with_drilldown_and_chart(client_as, url, manager, rep, peer, outsider_rep):
    rep.display_name, peer.display_name, outsider_rep.display_name = "Rep Alpha", "Rep Beta", "Rep Outsider"
    for m in (rep, peer, outsider_rep):
        with scopes_disabled():
            m.save(update_fields=["display_name"])
        _target(m)
    order = OrderFactory(
        customer=CustomerFactory(tenant=rep.tenant, owner=rep),
        rep=rep,
        order_date=_month_start(rep),
        status=Order.Status.CONFIRMED,
    )
    OrderLineFactory(order=order, amount=Decimal("400"), cost=Decimal("100"))
    client = client_as(manager)
    response = _card(client, url)
    assert response.status_code == 200
    text = response.text
    assert "<html" not in text  # the card alone
    assert "Rep Alpha" in text and "Rep Beta" in text and "Rep Outsider" not in text
    assert text.index("Rep Alpha") < text.index("Rep Beta")
    assert "40.0%" in text and 'data-width="40"' in text
    start = _month_start(rep)
    end = ((start + dt.timedelta(days=32)).replace(day=1)) - dt.timedelta(days=1)
    drill = f"{url('sales:orders')}?rep={rep.pk}&amp;date_from={start:%Y-%m-%d}&amp;date_to={end:%Y-%m-%d}"
    assert drill in text
    # The revenue trend is a card of the home (loaded after it): twelve months, the line's revenue,
    # no inline script; the home loads Chart.js and the script that draws it.
    home = client.get(url("dashboard")).text
    trend = client.get(url("home-card", code="targets.trend"), **HTMX).text
    chart = _chart(trend)
    assert len(chart["labels"]) == 12 and chart["values"][-1] == 400.0
    assert "<script>" not in trend.split('id="home-trend-data"')[1]  # no inline script
    assert "chart.umd.min.js" in home and "js/charts.js" in home


def test_admin_sees_everyone_and_periods(client_as, url, admin, rep, outsider_rep):
    outsider_rep.display_name = "Rep Outsider"
    with scopes_disabled():
        outsider_rep.save(update_fields=["display_name"])
    _target(outsider_rep)
    client = client_as(admin)
    assert "Rep Outsider" in _card(client, url).text
    for period in ("quarter", "year"):
        response = _card(client, url, f"?period={period}")
        assert response.status_code == 200 and "Rep Outsider" not in response.text
        # The period links fetch the card again and put the period in the home's address.
        assert f'hx-push-url="{url("dashboard")}?period={period}&amp;page=1"' in response.text


def test_another_tenants_slug_is_404(client_as, manager, other_tenant):
    for name in ("targets:team", "targets:team-card"):
        response = client_as(manager).get(reverse(name, kwargs={"tenant_slug": other_tenant.slug}), **HTMX)
        assert response.status_code == 404


def test_the_card_is_on_the_home_of_managers_and_admins_only(client_as, url, rep, manager, admin):
    card = url("targets:team-card")
    assert card in client_as(manager).get(url("dashboard")).text
    assert card in client_as(admin).get(url("dashboard")).text
    assert card not in client_as(rep).get(url("dashboard")).text


def test_query_count_constant_for_3_and_15_reps(
    client_as, url, tenant, team, manager, django_assert_max_num_queries
):
    def add_reps(n):
        for _ in range(n):
            member = MembershipFactory(tenant=tenant, role=Role.REP, team=team, reports_to=manager)
            _target(member)

    client = client_as(manager)
    add_reps(3)
    _card(client, url)  # warm the session
    with django_assert_max_num_queries(MAX_QUERIES) as few:
        assert _card(client, url).status_code == 200
    add_reps(12)
    with django_assert_max_num_queries(MAX_QUERIES) as many:
        response = _card(client, url)
    assert response.text.count('class="team-rep"') == 15
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_large_line_reads_as_pages_of_reps(client_as, url, monkeypatch, manager, rep, peer):
    monkeypatch.setattr("apps.targets.views.targets.DASHBOARD_REPS_PER_PAGE", 1)
    rep.display_name, peer.display_name = "Rep Alpha", "Rep Beta"
    for m in (rep, peer):
        with scopes_disabled():
            m.save(update_fields=["display_name"])
        _target(m)
    client = client_as(manager)
    first = _card(client, url, "?period=month").text
    second = _card(client, url, "?period=month&page=2").text
    assert "Rep Alpha" in first and "Rep Beta" not in first
    assert "Rep Beta" in second and "Rep Alpha" not in second
    assert second.count('class="team-rep"') == 1
    # The next page is fetched into the card and pushed to the home's address, period kept.
    following = first.split('rel="next"')[0].rsplit("<a ", 1)[1]
    assert f'hx-get="{url("targets:team-card")}?period=month&amp;page=2"' in following
    assert f'hx-push-url="{url("dashboard")}?period=month&amp;page=2"' in following
    assert f'href="{url("dashboard")}?period=month&amp;page=2#team-attainment"' in following


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_attainment_cells_are_written_as_the_floatformat_filter_writes_them(lang):
    """The target pages write attainment and bar width in Python (_fixed), once per cell, instead of
    calling floatformat in the template: the same text, halves rounded away from zero, no '-0'."""
    from django.template.defaultfilters import floatformat
    from django.utils import translation

    from apps.targets.views.targets import _fixed

    values = [x / 40 for x in range(-400, 4400)] + [0.05, 0.15, 99.5, 98.5, -0.0, -0.04, 1e-9, 1234567.891]
    with translation.override(lang):
        for value in values:
            assert _fixed(value, 1) == floatformat(value, 1), value
            if value >= 0:  # bar widths, clipped to 0-100
                assert _fixed(value, 0) == floatformat(value, 0), value
