"""Tasks (任务): created by anyone who may write for the owner, changed while open, completed with a
note, reopened, cancelled; refused transitions say why; lists restricted to the viewer's line."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope

from apps.customers import services, task_sources
from apps.customers.models import Task
from apps.customers.selectors import task_list
from apps.tenancy.audit import AuditLog
from tests.factories import InteractionFactory, TaskFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 5)


def test_a_task_is_the_callers_own_by_default_and_audited(tenant, rep, own_customer):
    with scope(tenant=tenant.pk):
        task = services.task_create(tenant=tenant, by=rep, title="  Send price list ", customer=own_customer)
        assert (task.owner, task.created_by, task.title) == (rep, rep, "Send price list")
        assert (task.status, task.priority, task.source) == ("open", "normal", "manual")
        assert AuditLog.objects.filter(action="customers.task.created", object_id=task.pk).exists()


def test_a_manager_assigns_a_task_to_a_rep_of_the_line(tenant, manager, rep):
    with scope(tenant=tenant.pk):
        task = services.task_create(tenant=tenant, by=manager, title="Call back", owner=rep, due_on=DAY)
    assert task.owner == rep and task.created_by == manager


def test_a_rep_cannot_give_a_task_to_a_peer_nor_a_manager_outside_the_line(
    tenant, rep, peer, manager, outsider_rep
):
    with scope(tenant=tenant.pk):
        with pytest.raises(PermissionDenied):
            services.task_create(tenant=tenant, by=rep, title="X", owner=peer)
        with pytest.raises(PermissionDenied):
            services.task_create(tenant=tenant, by=manager, title="X", owner=outsider_rep)


def test_a_viewer_may_not_create_or_complete(tenant, viewer, rep):
    task = TaskFactory(tenant=tenant, owner=rep)
    with scope(tenant=tenant.pk):
        with pytest.raises(PermissionDenied):
            services.task_create(tenant=tenant, by=viewer, title="X", owner=rep)
        with pytest.raises(PermissionDenied):
            services.task_complete(task=task, by=viewer)


def test_bad_fields_are_named(tenant, rep, own_customer):
    with scope(tenant=tenant.pk), pytest.raises(ValidationError) as caught:
        services.task_create(tenant=tenant, by=rep, title=" ", priority="urgent", source="nobody.knows")
    assert set(caught.value.message_dict) == {"title", "priority", "source"}


def test_a_task_at_a_peers_customer_is_refused(tenant, rep, peer_customer):
    with scope(tenant=tenant.pk), pytest.raises(PermissionDenied):
        services.task_create(tenant=tenant, by=rep, title="X", customer=peer_customer)


def test_an_interactions_task_is_at_its_customer(tenant, rep, own_customer):
    item = InteractionFactory(customer=own_customer)
    with scope(tenant=tenant.pk):
        task = services.task_create(tenant=tenant, by=rep, title="Quote", interaction=item)
    assert task.customer == own_customer


def test_complete_with_a_note_then_refused_then_reopened(tenant, rep):
    task = TaskFactory(tenant=tenant, owner=rep)
    with scope(tenant=tenant.pk):
        services.task_complete(task=task, by=rep, note=" Sent by mail ")
        task.refresh_from_db()
        assert (task.status, task.done_by, task.done_note) == ("done", rep, "Sent by mail")
        assert task.done_at is not None
        with pytest.raises(ValidationError, match="already"):
            services.task_complete(task=task, by=rep)
        with pytest.raises(ValidationError, match="reopen it first"):
            services.task_update(task=task, by=rep, title="New")
        services.task_reopen(task=task, by=rep)
        task.refresh_from_db()
        assert (task.status, task.done_at, task.done_by, task.done_note) == ("open", None, None, "")
        with pytest.raises(ValidationError, match="open already"):
            services.task_reopen(task=task, by=rep)
        services.task_cancel(task=task, by=rep, note="Customer closed")
        assert Task.objects.get(pk=task.pk).status == "cancelled"


def test_the_manager_of_the_line_may_complete_a_reps_task_a_peer_may_not(tenant, rep, peer, manager):
    task = TaskFactory(tenant=tenant, owner=rep)
    with scope(tenant=tenant.pk):
        with pytest.raises(PermissionDenied):
            services.task_complete(task=task, by=peer)
        services.task_complete(task=task, by=manager)
        assert Task.objects.get(pk=task.pk).done_by == manager


def test_update_changes_open_fields_and_refuses_others(tenant, manager, rep, peer):
    task = TaskFactory(tenant=tenant, owner=rep)
    with scope(tenant=tenant.pk):
        services.task_update(task=task, by=manager, owner=peer, due_on=DAY, priority="high")
        task.refresh_from_db()
        assert (task.owner, task.due_on, task.priority) == (peer, DAY, "high")
        with pytest.raises(ValidationError) as caught:
            services.task_update(task=task, by=manager, status="done")
        assert "status" in caught.value.message_dict


def test_delete_a_manual_task_but_not_a_follow_up(tenant, rep, own_customer):
    task = TaskFactory(tenant=tenant, owner=rep)
    item = InteractionFactory(customer=own_customer)
    follow = TaskFactory(
        tenant=tenant, owner=rep, customer=own_customer, interaction=item, source="customers.follow_up"
    )
    with scope(tenant=tenant.pk):
        services.task_delete(task=task, by=rep)
        assert not Task.objects.filter(pk=task.pk).exists()
        with pytest.raises(ValidationError, match="cannot be deleted"):
            services.task_delete(task=follow, by=rep)


def test_the_list_is_restricted_to_the_viewers_line_and_filters(tenant, rep, peer, manager, outsider_rep):
    mine = TaskFactory(tenant=tenant, owner=rep, due_on=dt.date(2026, 11, 1))
    theirs = TaskFactory(tenant=tenant, owner=peer, due_on=None)
    far = TaskFactory(tenant=tenant, owner=outsider_rep)
    done = TaskFactory(tenant=tenant, owner=rep, status="done", due_on=dt.date(2026, 10, 1))
    with scope(tenant=tenant.pk):
        assert set(task_list(tenant=tenant, viewer=rep)) == {mine, done}
        assert set(task_list(tenant=tenant, viewer=manager)) == {mine, theirs, done}
        assert far in task_list(tenant=tenant, viewer=outsider_rep)
        assert list(task_list(tenant=tenant, viewer=manager, filters={"status": "open"})) == [mine, theirs]
        assert list(task_list(tenant=tenant, viewer=manager, filters={"due_before": "2026-11-02"})) == [
            done,
            mine,
        ]


def test_overdue_means_open_and_due_before_the_tenants_today(tenant, rep, monkeypatch):
    monkeypatch.setattr("apps.customers.selectors.tenant_today", lambda tenant: dt.date(2026, 11, 3))
    late = TaskFactory(tenant=tenant, owner=rep, due_on=dt.date(2026, 11, 2))
    TaskFactory(tenant=tenant, owner=rep, due_on=dt.date(2026, 11, 3))
    TaskFactory(tenant=tenant, owner=rep, due_on=dt.date(2026, 11, 1), status="done")
    with scope(tenant=tenant.pk):
        assert list(task_list(tenant=tenant, viewer=rep, filters={"overdue": "true"})) == [late]


def test_task_links_call_each_source_once_for_its_tasks(tenant, rep, own_customer, django_assert_num_queries):
    item = InteractionFactory(customer=own_customer, subject="Tasting")
    follow = TaskFactory(
        tenant=tenant, owner=rep, customer=own_customer, interaction=item, source="customers.follow_up"
    )
    manual = TaskFactory(tenant=tenant, owner=rep)
    task_sources.register_task_source(
        "tests.probe", label="Probe", links="tests.customers.test_tasks.probe_links"
    )
    try:
        probe = [TaskFactory(tenant=tenant, owner=rep, source="tests.probe") for _ in range(3)]
        with scope(tenant=tenant.pk), django_assert_num_queries(1):
            links = task_sources.task_links(tenant, [follow, manual, *probe])
    finally:
        task_sources._SOURCES.pop("tests.probe")
    assert links[follow.pk] == ("Tasting", f"/t/acme/customers/{own_customer.pk}/")
    assert manual.pk not in links
    assert links[probe[0].pk] == ("probe", "/x/")


def probe_links(tenant, task_ids):
    return dict.fromkeys(task_ids, ("probe", "/x/"))


def test_a_task_of_another_tenants_customer_is_a_field_error(tenant, rep, rival_customer):
    with scope(tenant=tenant.pk), pytest.raises(ValidationError) as caught:
        services.task_create(tenant=tenant, by=rep, title="X", customer=rival_customer)
    assert "customer" in caught.value.message_dict
