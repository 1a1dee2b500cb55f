"""Factories for the foundation's models. They run unscoped (fixtures and test set-up only)."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django_scopes import scopes_disabled

from apps.customers.models import Contact, Customer, Interaction, Task
from apps.org.models import Region, Team
from apps.org.services import closure_rebuild_all
from apps.sales.models import Order, OrderLine, Payment, Product, ProductCategory
from apps.tenancy.models import ApiToken, Membership, Role, Tenant, Tombstone


class UnscopedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class TenantFactory(UnscopedFactory):
    class Meta:
        model = Tenant
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    timezone = "Asia/Shanghai"
    default_language = "en"


class UserFactory(UnscopedFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pass-123-word")


class MembershipFactory(UnscopedFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    tenant = factory.SubFactory(TenantFactory)
    role = Role.REP

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        with scopes_disabled():
            closure_rebuild_all(tenant_id=obj.tenant_id)
        return obj


class TeamFactory(UnscopedFactory):
    class Meta:
        model = Team

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class RegionFactory(UnscopedFactory):
    class Meta:
        model = Region

    tenant = factory.SubFactory(TenantFactory)
    code = factory.Sequence(lambda n: f"R{n:03d}")
    name = factory.Sequence(lambda n: f"Region {n}")


class CustomerFactory(UnscopedFactory):
    class Meta:
        model = Customer

    tenant = factory.SubFactory(TenantFactory)
    code = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Sequence(lambda n: f"Customer {n}")
    owner = factory.SubFactory(MembershipFactory, tenant=factory.SelfAttribute("..tenant"))


class ContactFactory(UnscopedFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    tenant = factory.SelfAttribute("customer.tenant")
    name = factory.Sequence(lambda n: f"Contact {n}")


class InteractionFactory(UnscopedFactory):
    class Meta:
        model = Interaction

    customer = factory.SubFactory(CustomerFactory)
    tenant = factory.SelfAttribute("customer.tenant")
    rep = factory.SelfAttribute("customer.owner")
    occurred_at = factory.LazyFunction(lambda: dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC))
    subject = "Quarterly review"


class CategoryFactory(UnscopedFactory):
    class Meta:
        model = ProductCategory

    tenant = factory.SubFactory(TenantFactory)
    code = factory.Sequence(lambda n: f"CAT{n}")
    name = factory.Sequence(lambda n: f"Category {n}")


class ProductFactory(UnscopedFactory):
    class Meta:
        model = Product

    tenant = factory.SubFactory(TenantFactory)
    category = factory.SubFactory(CategoryFactory, tenant=factory.SelfAttribute("..tenant"))
    sku = factory.Sequence(lambda n: f"SKU{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    list_price = Decimal("100.00")
    unit_cost = Decimal("60.00")


class OrderFactory(UnscopedFactory):
    class Meta:
        model = Order

    customer = factory.SubFactory(CustomerFactory)
    tenant = factory.SelfAttribute("customer.tenant")
    rep = factory.SelfAttribute("customer.owner")
    number = factory.Sequence(lambda n: f"SO{n:06d}")
    order_date = dt.date(2026, 11, 2)


class OrderLineFactory(UnscopedFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    tenant = factory.SelfAttribute("order.tenant")
    product = factory.SubFactory(ProductFactory, tenant=factory.SelfAttribute("..tenant"))
    quantity = Decimal("2")
    unit_price = Decimal("100.00")
    amount = Decimal("200.00")
    cost = Decimal("120.00")
    order_date = factory.SelfAttribute("order.order_date")
    rep = factory.SelfAttribute("order.rep")
    customer = factory.SelfAttribute("order.customer")


class PaymentFactory(UnscopedFactory):
    class Meta:
        model = Payment

    customer = factory.SubFactory(CustomerFactory)
    tenant = factory.SelfAttribute("customer.tenant")
    rep = factory.SelfAttribute("customer.owner")
    received_on = dt.date(2026, 11, 3)
    amount = Decimal("150.00")


def token_for(membership: Membership) -> str:
    _token, key = ApiToken.issue(membership=membership)
    return key


class TombstoneFactory(UnscopedFactory):
    class Meta:
        model = Tombstone

    tenant = factory.SubFactory(TenantFactory)
    model = "customers.customer"
    object_id = factory.Sequence(lambda n: n + 1)


class TaskFactory(UnscopedFactory):
    class Meta:
        model = Task

    tenant = factory.SubFactory(TenantFactory)
    owner = factory.SubFactory(MembershipFactory, tenant=factory.SelfAttribute("..tenant"))
    created_by = factory.SelfAttribute("owner")
    title = factory.Sequence(lambda n: f"Task {n}")
    due_on = dt.date(2026, 11, 5)
