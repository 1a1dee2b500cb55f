import pytest
from rest_framework.test import APIClient

from apps.tenancy.models import Role

from .factories import MembershipFactory, TeamFactory, TenantFactory, token_for


@pytest.fixture
def tenant(db):
    return TenantFactory(slug="acme", name="Acme")


@pytest.fixture
def other_tenant(db):
    return TenantFactory(slug="rival-co", name="Rival")


@pytest.fixture
def team(tenant):
    return TeamFactory(tenant=tenant, name="East")


@pytest.fixture
def admin(tenant):
    return MembershipFactory(tenant=tenant, role=Role.ADMIN, user__username="boss")


@pytest.fixture
def manager(tenant, team, admin):
    return MembershipFactory(
        tenant=tenant, role=Role.MANAGER, team=team, reports_to=admin, user__username="mgr"
    )


@pytest.fixture
def rep(tenant, team, manager):
    return MembershipFactory(
        tenant=tenant, role=Role.REP, team=team, reports_to=manager, user__username="rep1"
    )


@pytest.fixture
def peer(tenant, team, manager):
    """Another rep of the same manager."""
    return MembershipFactory(
        tenant=tenant, role=Role.REP, team=team, reports_to=manager, user__username="rep2"
    )


@pytest.fixture
def outsider_rep(tenant, admin):
    """A rep outside the manager's line."""
    return MembershipFactory(tenant=tenant, role=Role.REP, reports_to=admin, user__username="rep3")


@pytest.fixture
def viewer(tenant):
    return MembershipFactory(tenant=tenant, role=Role.VIEWER, user__username="viewer")


@pytest.fixture
def rival(other_tenant):
    return MembershipFactory(tenant=other_tenant, role=Role.ADMIN, user__username="rival")


@pytest.fixture
def api_as(db):
    """api_as(membership) -> an APIClient authenticated with a token of that membership."""

    def make(membership):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(membership)}")
        return client

    return make
