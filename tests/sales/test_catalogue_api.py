import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from tests.factories import CategoryFactory, OrderLineFactory, ProductFactory

pytestmark = pytest.mark.django_db

PRODUCTS = reverse("api:product-list")
CATEGORIES = reverse("api:product-category-list")


def test_every_member_reads_the_catalogue(api_as, rep, viewer, product):
    for member in (rep, viewer):
        rows = api_as(member).get(PRODUCTS).data["results"]
        assert [(r["sku"], r["category_code"]) for r in rows] == [("P1", "TEA")]


def test_rep_cannot_create_products_or_categories(api_as, rep, category):
    client = api_as(rep)
    assert client.post(CATEGORIES, {"code": "X", "name": "X"}, format="json").status_code == 403
    payload = {"sku": "N", "name": "N", "category": category.pk, "list_price": "1", "unit_cost": "1"}
    assert client.post(PRODUCTS, payload, format="json").status_code == 403


def test_rep_cannot_change_or_delete_a_product(api_as, rep, product):
    url = reverse("api:product-detail", args=[product.pk])
    assert api_as(rep).patch(url, {"name": "x"}, format="json").status_code == 403
    assert api_as(rep).delete(url).status_code == 403


def test_manager_creates_a_category_and_a_product(api_as, manager):
    client = api_as(manager)
    category = client.post(CATEGORIES, {"code": "CF", "name": "Coffee"}, format="json")
    assert category.status_code == 201, category.data
    payload = {
        "sku": "CF1",
        "name": "Beans",
        "category": category.data["id"],
        "list_price": "12.50",
        "unit_cost": "7.00",
    }
    response = client.post(PRODUCTS, payload, format="json")
    assert response.status_code == 201, response.data
    assert response.data["category_name"] == "Coffee" and response.data["list_price"] == "12.50"


def test_duplicate_sku_is_a_field_error(api_as, admin, product, category):
    payload = {"sku": "P1", "name": "Dup", "category": category.pk, "list_price": "1", "unit_cost": "1"}
    response = api_as(admin).post(PRODUCTS, payload, format="json")
    assert response.status_code == 400 and "sku" in response.data


def test_another_tenants_category_is_a_field_error(api_as, admin, rival):
    theirs = CategoryFactory(tenant=rival.tenant)
    payload = {"sku": "N", "name": "N", "category": theirs.pk, "list_price": "1", "unit_cost": "1"}
    response = api_as(admin).post(PRODUCTS, payload, format="json")
    assert response.status_code == 400 and "category" in response.data


def test_negative_price_is_a_field_error(api_as, admin, category):
    payload = {"sku": "N", "name": "N", "category": category.pk, "list_price": "-1", "unit_cost": "x"}
    response = api_as(admin).post(PRODUCTS, payload, format="json")
    assert response.status_code == 400 and {"list_price", "unit_cost"} <= set(response.data)


def test_another_tenants_product_is_404(api_as, admin, rival_product):
    assert api_as(admin).get(reverse("api:product-detail", args=[rival_product.pk])).status_code == 404


def test_a_product_on_an_order_cannot_be_deleted(api_as, admin, product):
    OrderLineFactory(product=product, order__customer__tenant=product.tenant)
    assert api_as(admin).delete(reverse("api:product-detail", args=[product.pk])).status_code == 409


def test_a_category_with_products_cannot_be_deleted(api_as, admin, product, category):
    url = reverse("api:product-category-detail", args=[category.pk])
    assert api_as(admin).delete(url).status_code == 409


@pytest.mark.parametrize(
    ("params", "expected"),
    [({"q": "p2"}, {"P2"}), ({"q": "product"}, {"P1", "P2"}), ({"is_active": "false"}, {"P2"})],
)
def test_product_filters(api_as, rep, product, product2, params, expected):
    product2.is_active = False
    with scopes_disabled():
        product2.save()
    rows = api_as(rep).get(PRODUCTS, params).data["results"]
    assert {r["sku"] for r in rows} == expected


def test_products_filter_by_category(api_as, rep, tenant, product):
    other = ProductFactory(tenant=tenant)
    rows = api_as(rep).get(PRODUCTS, {"category": other.category_id}).data["results"]
    assert [r["id"] for r in rows] == [other.pk]


def test_catalogue_list_query_counts_do_not_grow(
    api_as, rep, tenant, category, list_queries, django_assert_max_num_queries
):
    ProductFactory.create_batch(3, tenant=tenant, category=category)
    CategoryFactory.create_batch(3, tenant=tenant)
    client = api_as(rep)
    few = (list_queries(client, PRODUCTS), list_queries(client, CATEGORIES))
    ProductFactory.create_batch(27, tenant=tenant, category=category)
    CategoryFactory.create_batch(27, tenant=tenant)
    assert (list_queries(client, PRODUCTS), list_queries(client, CATEGORIES)) == few
    with django_assert_max_num_queries(2):
        client.get(PRODUCTS)
