"""The manager's team dashboard: role gate, the line only, drill-down links, chart data, fixed queries."""

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
    start = text.index('<script id="team-chart-data" type="application/json">')
    body = text[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def test_rep_and_viewer_get_404(client_as, url, rep, viewer):
    for member in (rep, viewer):
        assert client_as(member).get(url("targets:team")).status_code == 404


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
    response = client_as(manager).get(url("targets:team"))
    assert response.status_code == 200
    text = response.text
    assert "Rep Alpha" in text and "Rep Beta" in text and "Rep Outsider" not in text
    assert "40.0%" in text
    start = _month_start(rep)
    end = ((start + dt.timedelta(days=32)).replace(day=1)) - dt.timedelta(days=1)
    drill = f"{url('sales:orders')}?rep={rep.pk}&amp;date_from={start:%Y-%m-%d}&amp;date_to={end:%Y-%m-%d}"
    assert drill in text
    chart = _chart(text)
    assert chart["reps"]["labels"] == ["Rep Alpha", "Rep Beta"]
    assert chart["reps"]["attainment"] == [40.0, 0.0]
    assert len(chart["trend"]["labels"]) == 6 and chart["trend"]["revenue"][-1] == 400.0
    assert "<script>" not in text.split('id="team-chart-data"')[1]  # no inline script
    assert "chart.umd.min.js" in text


def test_admin_sees_everyone_and_periods(client_as, url, admin, rep, outsider_rep):
    outsider_rep.display_name = "Rep Outsider"
    with scopes_disabled():
        outsider_rep.save(update_fields=["display_name"])
    _target(outsider_rep)
    client = client_as(admin)
    assert "Rep Outsider" in client.get(url("targets:team")).text
    for period in ("quarter", "year"):
        response = client.get(url("targets:team") + f"?period={period}")
        assert response.status_code == 200 and "Rep Outsider" not in response.text


def test_another_tenants_slug_is_404(client_as, manager, other_tenant):
    response = client_as(manager).get(reverse("targets:team", kwargs={"tenant_slug": other_tenant.slug}))
    assert response.status_code == 404


def test_nav_link_for_managers_and_admins_only(client_as, url, rep, manager, admin):
    assert url("targets:team") in client_as(manager).get(url("dashboard")).text
    assert url("targets:team") in client_as(admin).get(url("dashboard")).text
    assert url("targets:team") not in client_as(rep).get(url("dashboard")).text


def test_query_count_constant_for_3_and_15_reps(
    client_as, url, tenant, team, manager, django_assert_max_num_queries
):
    def add_reps(n):
        for _ in range(n):
            member = MembershipFactory(tenant=tenant, role=Role.REP, team=team, reports_to=manager)
            _target(member)

    client = client_as(manager)
    add_reps(3)
    client.get(url("targets:team"))  # warm the session
    with django_assert_max_num_queries(MAX_QUERIES) as few:
        assert client.get(url("targets:team")).status_code == 200
    add_reps(12)
    with django_assert_max_num_queries(MAX_QUERIES) as many:
        response = client.get(url("targets:team"))
    assert len(_chart(response.text)["reps"]["labels"]) == 15
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_large_line_reads_as_pages_of_reps(client_as, url, monkeypatch, manager, rep, peer):
    monkeypatch.setattr("apps.targets.views.targets.DASHBOARD_REPS_PER_PAGE", 1)
    rep.display_name, peer.display_name = "Rep Alpha", "Rep Beta"
    for m in (rep, peer):
        with scopes_disabled():
            m.save(update_fields=["display_name"])
        _target(m)
    client = client_as(manager)
    first = client.get(url("targets:team") + "?period=month").text
    second = client.get(url("targets:team") + "?period=month&page=2").text
    assert "Rep Alpha" in first and "Rep Beta" not in first
    assert "Rep Beta" in second and "Rep Alpha" not in second
    assert _chart(second)["reps"]["labels"] == ["Rep Beta"]
    assert "page=2" in first and "period=month" in first.split('rel="next"')[0].rsplit("href=", 1)[1]


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
