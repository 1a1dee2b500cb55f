"""The "my targets" page: own targets with progress, a manager's line toggle, isolation, fixed query count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.sales.models import Order
from apps.tenancy.models import UserProfile
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory
from tests.targets.factories import TargetFactory
from tests.web.test_i18n import compiled_messages  # noqa: F401  (autouse: compile the .mo first)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 14


def _month_start(member) -> dt.date:
    return timezone.localdate(timezone=member.tenant.tzinfo).replace(day=1)


def _target(member, statement, metric="revenue", value="1000", **kwargs):
    return TargetFactory(
        tenant=member.tenant,
        rep=member,
        metric=metric,
        period_start=_month_start(member),
        value=Decimal(value),
        statement=statement,
        status="approved",
        **kwargs,
    )


def test_login_required(client, url, rep):
    response = client.get(url("targets:mine"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_rep_sees_own_targets_with_progress(client_as, url, rep, peer):
    customer = CustomerFactory(tenant=rep.tenant, owner=rep)
    order = OrderFactory(
        customer=customer, rep=rep, order_date=_month_start(rep), status=Order.Status.CONFIRMED
    )
    OrderLineFactory(order=order, amount=Decimal("400"), cost=Decimal("100"))
    _target(rep, "Sell 1000 this month to my accounts")
    _target(peer, "Peer goal not for the rep")
    text = client_as(rep).get(url("targets:mine")).text
    assert "Sell 1000 this month to my accounts" in text
    assert "Peer goal not for the rep" not in text
    assert "40.0%" in text  # attainment 400 / 1000
    assert "progressbar" in text and "badge--" in text
    assert "My line" not in text  # a rep has no line toggle
    # asking for the line does not widen a rep's view
    assert "Peer goal not for the rep" not in client_as(rep).get(url("targets:mine") + "?scope=line").text


def test_empty_state_and_period_filter(client_as, url, rep):
    text = client_as(rep).get(url("targets:mine")).text
    assert "No targets for this period yet." in text
    _target(rep, "Monthly goal")
    text = client_as(rep).get(url("targets:mine") + "?period=year").text
    assert "Monthly goal" not in text and "No targets for this period yet." in text
    text = client_as(rep).get(url("targets:mine") + "?status=on_track").text
    assert "Monthly goal" not in text  # nothing sold yet: not on track


def test_manager_line_toggle_shows_subordinates_not_outsiders(
    client_as, url, manager, rep, peer, outsider_rep
):
    _target(manager, "Manager own goal")
    _target(rep, "Rep goal")
    _target(peer, "Peer goal")
    _target(outsider_rep, "Outsider goal")
    client = client_as(manager)
    own = client.get(url("targets:mine")).text
    assert "Manager own goal" in own and "Rep goal" not in own and "My line" in own
    line = client.get(url("targets:mine") + "?scope=line").text
    assert "Rep goal" in line and "Peer goal" in line
    assert "Outsider goal" not in line


def test_another_tenants_slug_is_404(client_as, rep, rival, other_tenant):
    _target(rival, "Rival goal")
    response = client_as(rep).get(reverse("targets:mine", kwargs={"tenant_slug": other_tenant.slug}))
    assert response.status_code == 404


def test_nav_links_the_page_for_every_role(client_as, url, rep, manager, admin, viewer):
    for member in (rep, manager, admin, viewer):
        assert url("targets:mine") in client_as(member).get(url("dashboard")).text


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("scope", ["", "?scope=line"])
def test_query_count_does_not_grow_with_targets(
    client_as, url, manager, rep, scope, django_assert_max_num_queries
):
    """Own view: 20 targets of the rep; line view: the manager sees the rep's 20 targets."""
    client = client_as(manager if scope else rep)
    owner = rep
    for i in range(2):
        _target(owner, f"goal {i}", metric=("revenue", "collections")[i % 2])
    client.get(url("targets:mine") + scope)  # warm the session and caches
    few = _count(client, url("targets:mine") + scope)
    for i in range(2, 20):
        _target(owner, f"goal {i}", metric=("revenue", "collections")[i % 2])
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url("targets:mine") + scope)
    assert response.text.count("target__metric") == 20
    assert _count(client, url("targets:mine") + scope) == few


def test_zh_hans_labels(client_as, url, rep):
    UserProfile.objects.create(user=rep.user, language="zh-hans")
    _target(rep, "目标描述")
    client = client_as(rep)
    client.get(url("dashboard"))
    text = client.get(url("targets:mine")).text
    for label in ("我的目标", "实际完成", "达成率", "应完成进度", "预测", "差距", "本月"):
        assert label in text, label


def _sheet_rows(response) -> list[tuple]:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_a_rep_downloads_their_targets_with_progress(client_as, url, rep, peer):
    _target(rep, "Own goal")
    _target(peer, "Peer goal")
    page = client_as(rep).get(url("targets:mine")).text
    assert url("targets:mine-export") + "?period=month&amp;status=&amp;scope=&amp;format=xlsx" in page
    response = client_as(rep).get(url("targets:mine-export"), {"format": "xlsx"})
    assert response.status_code == 200 and ".xlsx" in response["Content-Disposition"]
    header, *rows = _sheet_rows(response)
    assert "Attainment %" in header and len(rows) == 1 and rep.name in rows[0]


def test_a_manager_exports_the_line_as_csv_filtered_like_the_page(
    client_as, url, manager, rep, peer, django_assert_max_num_queries
):
    _target(rep, "Rep goal")
    _target(peer, "Peer goal")
    client = client_as(manager)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url("targets:mine-export"), {"format": "csv", "scope": "line"})
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert rep.name in text and peer.name in text
    for status in ("on_track", "at_risk", "off_track", "not_started"):  # the same rows as the page shows
        query = {"scope": "line", "status": status}
        shown = client.get(url("targets:mine"), query).text
        exported = client.get(url("targets:mine-export"), {**query, "format": "csv"}).content.decode(
            "utf-8-sig"
        )
        for member in (rep, peer):
            assert (f">{member.name}<" in shown) == (member.name in exported), status


def test_an_unknown_format_is_404(client_as, url, rep):
    assert client_as(rep).get(url("targets:mine-export"), {"format": "pdf"}).status_code == 404
