import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope
from django_scopes.exceptions import ScopeError

from apps.customers.models import Customer
from apps.org.models import ReportingClosure, TeamClosure
from apps.org.selectors import can_see_member, supervises, visible_member_ids
from apps.org.services import membership_set_manager, team_save
from apps.tenancy.context import tenant_context
from tests.factories import CustomerFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_a_tenant_query_without_a_tenant_fails_loudly(tenant):
    with pytest.raises(ScopeError):
        list(Customer.objects.all())


def test_tenant_context_refuses_none():
    with pytest.raises(ValueError), tenant_context(None):
        pass


def test_tenant_context_shows_only_that_tenants_rows(tenant, other_tenant):
    CustomerFactory(tenant=tenant, code="A1")
    CustomerFactory(tenant=other_tenant, code="B1")
    with tenant_context(tenant.pk):
        assert list(Customer.objects.values_list("code", flat=True)) == ["A1"]


def test_manager_sees_their_line_and_not_beyond(rep, peer, manager, admin, outsider_rep):
    with scope(tenant=rep.tenant_id):
        ids = set(visible_member_ids(manager).values_list("descendant_id", flat=True))
    assert ids == {manager.pk, rep.pk, peer.pk}
    assert visible_member_ids(admin) is None
    assert visible_member_ids(rep) == [rep.pk]


def test_supervision_is_strictly_above(rep, manager, admin, peer):
    with scope(tenant=rep.tenant_id):
        assert supervises(manager, rep.pk)
        assert not supervises(manager, manager.pk)
        assert supervises(admin, rep.pk)
        assert not supervises(peer, rep.pk)
        assert can_see_member(manager, rep.pk) and not can_see_member(rep, peer.pk)


def test_moving_a_manager_moves_their_whole_line(tenant, rep, manager, admin, outsider_rep):
    with scope(tenant=tenant.pk):
        membership_set_manager(member=manager, reports_to=outsider_rep, by=admin)
        assert ReportingClosure.objects.filter(ancestor=outsider_rep, descendant=rep, depth=2).exists()
        assert ReportingClosure.objects.filter(ancestor=admin, descendant=rep, depth=3).exists()


def test_a_reporting_loop_is_refused(tenant, rep, manager, admin):
    with scope(tenant=tenant.pk), pytest.raises(ValidationError) as err:
        membership_set_manager(member=manager, reports_to=rep, by=admin)
    assert "reports_to" in err.value.message_dict


def test_team_tree_closure_and_loop_guard(tenant, admin):
    root = TeamFactory(tenant=tenant, name="Sales")
    with scope(tenant=tenant.pk):
        east = team_save(tenant=tenant, by=admin, name="East", parent=root)
        city = team_save(tenant=tenant, by=admin, name="Shanghai", parent=east)
        assert TeamClosure.objects.filter(ancestor=root, descendant=city, depth=2).exists()
        with pytest.raises(ValidationError):
            team_save(tenant=tenant, by=admin, team=root, parent=city)


@pytest.mark.parametrize("save", ["team", "region"])
def test_a_loop_in_a_deep_tree_is_found_with_one_query(tenant, admin, save, django_assert_num_queries):
    """The guard asks the closure table once, however deep the tree (it used to walk up a level a query)."""
    from apps.org.services import refuse_cycle, region_save

    node_save = team_save if save == "team" else region_save
    extra = {} if save == "team" else {"code": "R0"}
    with scope(tenant=tenant.pk):
        root = node_save(tenant=tenant, by=admin, name="Root", **extra)
        leaf = root
        for depth in range(1, 8):
            code = {} if save == "team" else {"code": f"R{depth}"}
            leaf = node_save(tenant=tenant, by=admin, name=f"Level {depth}", parent=leaf, **code)
        with django_assert_num_queries(1), pytest.raises(ValidationError) as err:
            refuse_cycle(root, leaf.pk, "parent")
        assert "loop" in err.value.message_dict["parent"][0]
        with django_assert_num_queries(1):
            refuse_cycle(leaf, root.pk, "parent")  # moving a leaf up is fine
        with pytest.raises(ValidationError):
            refuse_cycle(root, root.pk, "parent")  # under itself
