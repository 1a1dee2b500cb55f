"""The customer page's panels (apps/customers/panels.py): an app above customers shows what it knows
about a customer on its page, in the column and order it asks for, to the roles it names."""

import datetime as dt

import pytest
from django_scopes import scope

from apps.customers.panels import customer_panels, register_customer_panel, unregister_customer_panel
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

seen_calls: list[tuple[int, int]] = []


def panel_data(customer, membership, today):
    seen_calls.append((customer.pk, membership.pk))
    return {"label": f"probe-{customer.code}"}


def no_data(customer, membership, today):
    return None


@pytest.fixture
def panel_template(settings, tmp_path):
    (tmp_path / "probe").mkdir()
    (tmp_path / "probe" / "panel.html").write_text(
        '<section class="card probe">{{ data.label }} {{ panel.code }}</section>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]},
    ]
    yield "probe/panel.html"


@pytest.fixture
def probe_panels(panel_template):
    register_customer_panel(
        "probe.main", order=5, template=panel_template, context=f"{__name__}.panel_data", column="main"
    )
    register_customer_panel(
        "probe.managers",
        order=1,
        template=panel_template,
        context=f"{__name__}.panel_data",
        roles=("manager",),
    )
    register_customer_panel("probe.empty", order=2, template=panel_template, context=f"{__name__}.no_data")
    yield
    for code in ("probe.main", "probe.managers", "probe.empty"):
        unregister_customer_panel(code)


def test_a_registered_panel_shows_on_the_customer_page(probe_panels, client_as, url, rep):
    customer = CustomerFactory(tenant=rep.tenant, owner=rep, code="C-77")
    seen_calls.clear()
    response = client_as(rep).get(url("customers:detail", customer_id=customer.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "probe-C-77 probe.main" in html
    assert "probe.managers" not in html  # a panel for managers only
    assert "probe.empty" not in html  # its selector had nothing to show
    assert seen_calls == [(customer.pk, rep.pk)]


def test_panels_come_by_column_in_order_for_the_role(probe_panels, manager, rep):
    customer = CustomerFactory(tenant=rep.tenant, owner=rep)
    with scope(tenant=rep.tenant_id):  # the apps' own panels read too; only the probes are compared
        shown = customer_panels(customer=customer, membership=manager, today=dt.date(2026, 11, 18))
    assert [p.panel.code for p in shown["main"] if p.panel.code.startswith("probe.")] == ["probe.main"]
    assert [p.panel.code for p in shown["side"] if p.panel.code.startswith("probe.")] == ["probe.managers"]


def test_a_panel_in_no_column_or_for_no_role_is_refused():
    with pytest.raises(ValueError):
        register_customer_panel("probe.bad", order=1, template="x.html", context="x.y", column="footer")
    with pytest.raises(ValueError):
        register_customer_panel("probe.bad", order=1, template="x.html", context="x.y", roles=("boss",))
