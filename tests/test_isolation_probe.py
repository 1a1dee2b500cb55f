"""The cross-tenant probe: every API route and every page, found by walking the router and the URL
conf (so new endpoints join without editing this file), proves that another tenant's ids answer
404 and never data, and that a rep cannot read or change a peer's records.

To probe a new tenant model, give it a factory in a `tests/**/factories.py` module; the meta-test
below fails for a routed model without one."""

import importlib
import pkgutil
import re

import factory
import pytest
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django_scopes import scopes_disabled

import tests
from apps.customers.models import Customer
from apps.tenancy.models import Membership, Role, TenantModel
from salesmgmt.api_urls import router

from .factories import CustomerFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _factories() -> dict[type, type]:
    found = {}
    for info in pkgutil.walk_packages(tests.__path__, "tests."):
        if not info.name.endswith("factories"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, factory.django.DjangoModelFactory)
                and not value._meta.abstract
                and value._meta.model is not None
            ):
                found.setdefault(value._meta.model, value)
    return found


FACTORIES = _factories()


def _route_model(viewset) -> type[models.Model]:
    serializer = getattr(viewset, "serializer_class", None)
    return serializer.Meta.model


ROUTES = [(prefix, viewset, basename, _route_model(viewset)) for prefix, viewset, basename in router.registry]


OWNER_FIELDS = ("owner", "rep")  # the person a record belongs to, by the project's naming


def _membership_fields(model):
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is Membership and f.name in OWNER_FIELDS
    ]


def _make(model, tenant, *, owner: Membership | None = None, own_parents: bool = False):
    """One row of `model` in `tenant`; if owner is given, every person field (and the customer) is theirs,
    and with `own_parents` so are the parents through which the row belongs to a person."""
    if model is Membership:
        return owner or MembershipFactory(tenant=tenant)
    kwargs = {"tenant": tenant}
    if owner is not None:
        kwargs.update(dict.fromkeys(_membership_fields(model), owner))
        for f in model._meta.concrete_fields:
            if isinstance(f, models.ForeignKey) and f.related_model is Customer:
                kwargs[f.name] = CustomerFactory(tenant=tenant, owner=owner)
    # A parent the factory would build itself (a contact's customer, a line's order) comes from a
    # tenant of its own when only `tenant` is passed; the composite keys (tenant_id, x_id) →
    # (tenant_id, id) refuse that at the end of the test, so the parents are made in `tenant` too.
    declarations = FACTORIES[model]._meta.declarations
    for f in model._meta.concrete_fields:
        if (
            isinstance(f, models.ForeignKey)
            and f.name not in kwargs
            and isinstance(declarations.get(f.name), factory.SubFactory)
            and (f.related_model in FACTORIES or f.related_model is Membership)
        ):
            # A parent that belongs to a person (a plan's stage, an opportunity's line) is the owner's too.
            if own_parents and owner is not None and _owned(f.related_model):
                kwargs[f.name] = _make(f.related_model, tenant, owner=owner, own_parents=True)
            else:
                kwargs[f.name] = _make(f.related_model, tenant)
    with scopes_disabled():
        return FACTORIES[model](**kwargs)


def test_every_routed_model_has_a_factory():
    missing = [m.__name__ for _p, _v, _b, m in ROUTES if m not in FACTORIES and m is not Membership]
    assert not missing, f"give these a factory in tests/**/factories.py so the probe covers them: {missing}"


def _detail_urls(prefix: str, viewset, pk: int) -> list[tuple[str, set[str]]]:
    """Every detail URL (plain and @action(detail=True)) of one viewset, with the HTTP methods it
    implements; taken from the router's own routes for that viewset, so names cannot collide."""
    urls = []
    for route in router.get_routes(viewset):
        if not route.detail:
            continue
        methods = {m for m, action in route.mapping.items() if hasattr(viewset, action)}
        if not methods:
            continue
        url_path = route.url.format(prefix=prefix, lookup=pk, trailing_slash=router.trailing_slash)
        urls.append(("/api/v1/" + url_path.lstrip("^").rstrip("$"), methods))
    return urls


@pytest.mark.parametrize(("prefix", "viewset", "basename", "model"), ROUTES, ids=[r[0] for r in ROUTES])
def test_another_tenants_object_is_404_on_every_api_route(
    prefix, viewset, basename, model, tenant, rival, api_as
):
    obj = _make(model, tenant)
    client = api_as(rival)
    for path, methods in _detail_urls(prefix, viewset, obj.pk):
        for method in methods & {"get", "put", "patch", "delete", "post"}:
            response = getattr(client, method)(path, {}, format="json")
            assert response.status_code == 404, (
                f"{method.upper()} {path} as another tenant -> {response.status_code}"
            )
    listed = client.get(f"/api/v1/{prefix}/")
    assert listed.status_code == 200
    assert obj.pk not in {row.get("id") for row in listed.json()["results"]}
    with scopes_disabled():
        assert model._default_manager.filter(pk=obj.pk).exists(), (
            "a probe request changed another tenant's row"
        )


def _owned(model, seen: frozenset = frozenset()) -> bool:
    """Whether a row of `model` belongs to a person: a person field (owner, rep), a customer, or a
    parent that does (a plan's stage, an opportunity's line, a review of a plan) — the rep who may
    not see the person may not see the row either."""
    if model is Membership:
        return True
    if _membership_fields(model) or any(
        isinstance(f, models.ForeignKey) and f.related_model is Customer for f in model._meta.concrete_fields
    ):
        return True
    declarations = FACTORIES[model]._meta.declarations if model in FACTORIES else {}
    return any(
        isinstance(f, models.ForeignKey)
        and isinstance(declarations.get(f.name), factory.SubFactory)
        and f.related_model in FACTORIES
        and f.related_model not in seen
        and f.related_model is not model
        and _owned(f.related_model, seen | {model})
        for f in model._meta.concrete_fields
    )


OWNED_ROUTES = [r for r in ROUTES if _owned(r[3])]


@pytest.mark.parametrize(
    ("prefix", "viewset", "basename", "model"), OWNED_ROUTES, ids=[r[0] for r in OWNED_ROUTES]
)
def test_a_rep_can_neither_read_nor_change_a_peers_records(
    prefix, viewset, basename, model, tenant, rep, peer, api_as
):
    obj = _make(model, tenant, owner=peer, own_parents=True)
    client = api_as(rep)
    for path, methods in _detail_urls(prefix, viewset, obj.pk):
        for method in methods & {"get", "put", "patch", "delete", "post"}:
            response = getattr(client, method)(path, {}, format="json")
            assert response.status_code == 404, (
                f"{method.upper()} {path} as a peer rep -> {response.status_code}"
            )
    listed = client.get(f"/api/v1/{prefix}/")
    assert obj.pk not in {row.get("id") for row in listed.json()["results"]}


# ---------------------------------------------------------------- pages


def _page_patterns():
    """(route string, int kwarg names) of every URL under /t/<slug>/ and /tenant-admin/."""
    out = []

    def walk(resolver, prefix):
        for p in resolver.url_patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p, route)
            elif isinstance(p, URLPattern):
                out.append(route)

    walk(get_resolver(), "")
    return [r for r in out if r.startswith("t/<slug:tenant_slug>/")]


PAGES = _page_patterns()


def _page_url(route: str, slug: str, value: int) -> str | None:
    url = route.replace("<slug:tenant_slug>", slug)
    url = re.sub(r"<int:\w+>", str(value), url)
    url = re.sub(r"<(?:path|str|slug):\w+>", "x", url)
    if "<" in url or "^" in url or "(?" in url:
        return None
    return "/" + url


def test_pages_are_found():
    assert any("customers" in p for p in PAGES), PAGES


def test_a_non_member_gets_404_on_every_page_of_a_tenant(client, tenant, admin, rival):
    client.force_login(rival.user)
    for route in PAGES:
        url = _page_url(route, tenant.slug, 1)
        if url:
            assert client.get(url).status_code == 404, url


def test_no_id_of_one_tenant_opens_any_page_of_another(client, tenant, rep, rival):
    """Every tenant row id of tenant A, tried in every id slot of every page as B's admin: all 404."""
    ids = set()
    for model in FACTORIES:
        if issubclass(model, TenantModel):
            ids.add(_make(model, tenant, owner=rep).pk)
    client.force_login(rival.user)
    for route in PAGES:
        if "<int:" not in route:
            continue
        for pk in ids:
            url = _page_url(route, rival.tenant.slug, pk)
            if url:
                response = client.get(url)
                assert response.status_code == 404, f"{url} -> {response.status_code}"


def test_tenant_admin_shows_another_tenants_object_as_404(client, tenant, rep, rival):
    from apps.tenancy.admin import tenant_admin_site

    client.force_login(rival.user)
    client.get(f"/t/{rival.tenant.slug}/")  # opens the rival tenant in the session
    for model in tenant_admin_site._registry:
        if model is Membership or issubclass(model, TenantModel) and model in FACTORIES:
            obj = _make(model, tenant, owner=rep) if model is not Membership else rep
            url = f"/tenant-admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/"
            assert client.get(url).status_code == 404, url


def test_tenant_admin_is_for_tenant_admins_only(client, tenant, rep, admin):
    client.force_login(rep.user)
    client.get(f"/t/{tenant.slug}/")
    response = client.get("/tenant-admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(admin.user)
    client.get(f"/t/{tenant.slug}/")
    assert client.get("/tenant-admin/").status_code == 200


def test_roles_exist():
    assert {r.value for r in Role} == {"admin", "manager", "rep", "viewer"}


def test_the_probe_finds_every_routes_detail_urls():
    for prefix, viewset, _basename, _model in ROUTES:
        assert any(methods & {"get"} for _path, methods in _detail_urls(prefix, viewset, 1)), prefix
