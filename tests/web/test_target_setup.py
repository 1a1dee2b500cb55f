"""Setting a target in the browser rather than the API: a company or team target (the top of a
breakdown), and breaking a target down by product category, product, region or key account."""

import datetime as dt
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from apps.targets.models import Target
from tests.factories import CategoryFactory, CustomerFactory, ProductFactory, RegionFactory, TeamFactory
from tests.targets.factories import TargetFactory
from tests.web.test_i18n import compiled_messages  # noqa: F401  (autouse: compile the .mo first)

pytestmark = pytest.mark.django_db


def targets_of(tenant, **filters):
    with scopes_disabled():
        return list(Target.objects.filter(tenant=tenant, **filters).order_by("id"))


def test_an_admin_sets_the_company_target_and_lands_on_its_tree(client_as, url, admin):
    response = client_as(admin).post(
        url("targets:create"),
        {
            "metric": "revenue",
            "owner_kind": "tenant",
            "grain": "year",
            "period_start": "2027-05-17",  # any day of the year: the form takes the year's first
            "value": "12000000",
            "statement": "Company sales of 12 million yuan in 2027",
        },
    )
    [target] = targets_of(admin.tenant)
    assert response.status_code == 302
    assert response["Location"] == url("targets:tree", target_id=target.pk)
    assert (target.owner_kind, target.period_start, target.value) == ("tenant", dt.date(2027, 1, 1), 12000000)
    assert (target.status, target.created_by_id) == (Target.Status.DRAFT, admin.pk)


def test_a_manager_sets_their_teams_target_but_not_another_teams(client_as, url, manager, team):
    client = client_as(manager)
    form = {"metric": "revenue", "owner_kind": "team", "grain": "quarter", "period_start": "2027-02-10"}
    assert client.post(url("targets:create"), {**form, "team": team.pk, "value": "300"}).status_code == 302
    [target] = targets_of(manager.tenant)
    assert (target.team_id, target.period_start) == (team.pk, dt.date(2027, 1, 1))

    other = TeamFactory(tenant=manager.tenant, name="West")
    refused = client.post(url("targets:create"), {**form, "team": other.pk, "value": "300"})
    assert refused.status_code == 400 and "Select a valid choice" in refused.text
    assert len(targets_of(manager.tenant)) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value": "-5"}, "greater than or equal to 0"),
        ({"metric": "no-such-kpi"}, "Select a valid choice"),
        ({"owner_kind": "team"}, "A team target names its team."),
        ({"period_start": "1850-01-01"}, "Choose a day between 2000 and 2100."),
        ({"period_start": "not a day"}, "Enter a valid date."),
    ],
)
def test_bad_input_re_renders_with_the_reason_and_saves_nothing(client_as, url, admin, changes, message):
    form = {"metric": "revenue", "owner_kind": "tenant", "grain": "year", "period_start": "2027-01-01"}
    response = client_as(admin).post(url("targets:create"), {"value": "100", **form, **changes})
    assert response.status_code == 400 and message in response.text
    assert "The target was not created" in response.text
    assert targets_of(admin.tenant) == []


def test_a_rep_cannot_open_the_page(client_as, url, rep):
    assert client_as(rep).get(url("targets:create")).status_code == 404


def test_the_roots_page_offers_a_new_target(client_as, url, admin):
    text = client_as(admin).get(url("targets:roots")).text
    assert url("targets:create") in text


def company_year(tenant, value="1000"):
    return TargetFactory(
        tenant=tenant,
        owner_kind="tenant",
        rep=None,
        grain="year",
        period_start=dt.date(2027, 1, 1),
        value=Decimal(value),
        metric="revenue",
    )


def test_a_target_breaks_down_by_product_category(client_as, url, admin):
    parent = company_year(admin.tenant)
    food, drink = (
        CategoryFactory(tenant=admin.tenant, name="Food"),
        CategoryFactory(tenant=admin.tenant, name="Drink"),
    )
    client = client_as(admin)
    breakdown = url("targets:breakdown", target_id=parent.pk)
    choice = {"split": "categories", "allocation": "equal"}
    preview = client.get(breakdown, choice).text
    assert "Drink" in preview and "Food" in preview and 'name="value_1" value="500' in preview
    saved = client.post(breakdown, {**choice, "value_0": "400", "value_1": "600"})
    assert saved.status_code == 302
    kids = targets_of(admin.tenant, parent=parent)
    assert [(k.dimension, k.category_id, k.value) for k in kids] == [
        ("category", drink.pk, Decimal("400")),
        ("category", food.pk, Decimal("600")),
    ]


def test_regions_products_and_key_accounts_are_offered_and_listed(client_as, url, admin, manager):
    parent = company_year(admin.tenant)
    RegionFactory(tenant=admin.tenant, name="North")
    ProductFactory(tenant=admin.tenant, name="Tea")
    ProductFactory(tenant=admin.tenant, name="Retired", is_active=False)
    CustomerFactory(tenant=admin.tenant, name="Big Buyer", owner=manager, is_key_account=True)
    CustomerFactory(tenant=admin.tenant, name="Small Shop", owner=manager)
    client = client_as(admin)
    breakdown = url("targets:breakdown", target_id=parent.pk)
    form = client.get(breakdown).text
    for label in ("Product categories", "Products", "Regions", "Key accounts"):
        assert label in form
    assert "North" in client.get(breakdown, {"split": "regions", "allocation": "equal"}).text
    products = client.get(breakdown, {"split": "products", "allocation": "equal"}).text
    assert "Tea" in products and "Retired" not in products
    accounts = client.get(breakdown, {"split": "customers", "allocation": "equal"}).text
    assert "Big Buyer" in accounts and "Small Shop" not in accounts


def test_a_target_on_one_product_is_not_split_by_another_dimension(client_as, url, admin):
    product = ProductFactory(tenant=admin.tenant)
    parent = company_year(admin.tenant)
    parent.dimension, parent.product = "product", product
    with scopes_disabled():
        parent.save()
    text = client_as(admin).get(url("targets:breakdown", target_id=parent.pk)).text
    assert "Key accounts" not in text and "Product categories" not in text


def test_too_many_parts_are_refused_with_the_reason(client_as, url, admin, monkeypatch):
    monkeypatch.setattr("apps.targets.views.targets.MAX_CHILDREN", 1)
    parent = company_year(admin.tenant)
    CategoryFactory(tenant=admin.tenant), CategoryFactory(tenant=admin.tenant)
    text = (
        client_as(admin)
        .get(url("targets:breakdown", target_id=parent.pk), {"split": "categories", "allocation": "equal"})
        .text
    )
    assert "More than 1 parts: choose another breakdown." in text and "value_0" not in text
