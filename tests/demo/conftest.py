import pytest
from django_scopes import scopes_disabled


@pytest.fixture(autouse=True)
def every_tenant():
    """These tests audit seeded data across tenants, as an operator would: the body sees every tenant
    (the database does too, under scopes_disabled); pages opened through the client still run scoped."""
    with scopes_disabled():
        yield


def demo_tenants_remove() -> None:
    """Leave a worker's test database as it was before a module seeded the demo: the demo tenants,
    their data, their people and their logins gone (call unblocked and under scopes_disabled())."""
    from django.contrib.auth import get_user_model

    from apps.tenancy.demo import DEMO_TENANTS, demo_tenant_wipe
    from apps.tenancy.models import Membership, Tenant, UserProfile

    for tenant in Tenant.objects.filter(slug__in=[t.slug for t in DEMO_TENANTS]):
        demo_tenant_wipe(tenant_id=tenant.pk)
        users = list(Membership.objects.filter(tenant=tenant).values_list("user_id", flat=True))
        Membership.objects.filter(tenant=tenant).delete()
        UserProfile.objects.filter(user_id__in=users).delete()
        get_user_model().objects.filter(pk__in=users).delete()
        tenant.delete()
