"""/api/v1/tasks/: role checks, bad input as 400 naming the field, actions, filters, query counts;
and interaction follow-ups kept in step with their tasks (create, move, done, hand-over)."""

import datetime as dt

import pytest
from django.urls import reverse
from django_scopes import scope

from apps.customers import services
from apps.customers.models import Interaction, Task
from tests.factories import CustomerFactory, InteractionFactory, TaskFactory

pytestmark = pytest.mark.django_db

TASKS = reverse("api:task-list")


def action_url(task, name: str) -> str:
    return reverse(f"api:task-{name}", kwargs={"pk": task.pk})


def test_a_rep_creates_a_task_at_their_customer(api_as, rep, own_customer):
    payload = {
        "title": "Send samples",
        "customer": own_customer.pk,
        "due_on": "2026-11-05",
        "priority": "high",
    }
    response = api_as(rep).post(TASKS, payload, format="json")
    assert response.status_code == 201, response.data
    data = response.data
    assert (data["owner"], data["status"], data["source"], data["customer_name"]) == (
        rep.pk,
        "open",
        "manual",
        "Own Shop",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("customer", "peer_customer"),
        ("owner", "outsider_rep"),
        ("source", "nobody.knows"),
        ("priority", "urgent"),
        ("due_on", "tomorrow"),
        ("title", ""),
        ("interaction", "peer_interaction"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_as, manager, request, field, value, peer_customer):
    if value in ("peer_customer", "outsider_rep"):
        value = request.getfixturevalue(value).pk
    if value == "peer_interaction":
        outsider = request.getfixturevalue("outsider_rep")
        value = InteractionFactory(customer=CustomerFactory(tenant=outsider.tenant, owner=outsider)).pk
    payload = {"title": "X", field: value}
    # a manager may see the peer's customer: that one is refused for a rep
    client = api_as(request.getfixturevalue("rep") if field == "customer" else manager)
    response = client.post(TASKS, payload, format="json")
    assert response.status_code == 400 and field in response.data, response.data
    with scope(tenant=manager.tenant_id):
        assert not Task.objects.exists()


def test_a_viewer_reads_but_may_not_write(api_as, viewer, rep):
    task = TaskFactory(tenant=rep.tenant, owner=rep)
    client = api_as(viewer)
    assert task.pk in {row["id"] for row in client.get(TASKS).json()["results"]}
    assert client.post(TASKS, {"title": "X"}, format="json").status_code == 403
    assert client.post(action_url(task, "complete")).status_code == 403


def test_complete_reopen_cancel_and_the_refusals_say_why(api_as, rep):
    task = TaskFactory(tenant=rep.tenant, owner=rep)
    client = api_as(rep)
    done = client.post(action_url(task, "complete"), {"note": "Called, all fine"}, format="json")
    assert done.status_code == 200 and (done.data["status"], done.data["done_note"]) == (
        "done",
        "Called, all fine",
    )
    again = client.post(action_url(task, "complete"), format="json")
    assert again.status_code == 400 and "reopen it first" in str(again.data)
    assert client.post(action_url(task, "reopen")).data["status"] == "open"
    assert client.post(action_url(task, "cancel"), {"note": "Not needed"}, format="json").data["status"] == (
        "cancelled"
    )
    patched = client.patch(action_url(task, "detail"), {"title": "New"}, format="json")
    assert patched.status_code == 400 and "reopen it first" in str(patched.data)


def test_a_peer_cannot_see_or_act_on_a_reps_task(api_as, rep, peer):
    task = TaskFactory(tenant=rep.tenant, owner=rep)
    client = api_as(peer)
    assert client.get(action_url(task, "detail")).status_code == 404
    assert client.post(action_url(task, "complete")).status_code == 404


def test_the_list_filters_by_status_owner_source_and_overdue(api_as, manager, rep, peer, monkeypatch):
    monkeypatch.setattr("apps.customers.filters.tenant_today", lambda tenant: dt.date(2026, 11, 3))
    late = TaskFactory(tenant=rep.tenant, owner=rep, due_on=dt.date(2026, 11, 2))
    TaskFactory(tenant=rep.tenant, owner=peer, due_on=dt.date(2026, 11, 9))
    TaskFactory(tenant=rep.tenant, owner=rep, due_on=dt.date(2026, 11, 1), status="done")
    client = api_as(manager)

    def ids(query):
        response = client.get(TASKS, query)
        assert response.status_code == 200, response.data
        return [row["id"] for row in response.json()["results"]]

    assert ids({"overdue": "true"}) == [late.pk]
    assert len(ids({"owner": rep.pk})) == 2
    assert len(ids({"status": "open"})) == 2
    assert ids({"source": "customers.follow_up"}) == []
    assert client.get(TASKS, {"status": "later"}).status_code == 400


def test_the_list_reads_a_fixed_number_of_queries(api_as, rep, own_customer, list_queries):
    client = api_as(rep)
    TaskFactory(tenant=rep.tenant, owner=rep, customer=own_customer)
    few = list_queries(client, TASKS)
    for _ in range(15):
        TaskFactory(tenant=rep.tenant, owner=rep, customer=CustomerFactory(tenant=rep.tenant, owner=rep))
    assert list_queries(client, TASKS) == few <= 6


# ---- follow-ups (跟进) are tasks ----------------------------------------------------------------


def follow_up(rep, customer, day=dt.date(2026, 11, 5)) -> Interaction:
    with scope(tenant=rep.tenant_id):
        return services.interaction_create(
            tenant=rep.tenant,
            by=rep,
            customer=customer,
            occurred_at=dt.datetime(2026, 11, 2, 2, tzinfo=dt.UTC),
            subject="Tasting",
            follow_up_on=day,
        )


def test_a_follow_up_day_makes_the_customer_owners_task(manager, rep, own_customer):
    item = follow_up(manager, own_customer)
    with scope(tenant=rep.tenant_id):
        task = Task.objects.get(interaction=item)
    assert (task.owner_id, task.title, task.due_on, task.source, task.customer_id) == (
        rep.pk,
        "Tasting",
        dt.date(2026, 11, 5),
        "customers.follow_up",
        own_customer.pk,
    )


def test_a_new_day_moves_and_reopens_it_and_no_day_removes_it(rep, own_customer):
    item = follow_up(rep, own_customer)
    with scope(tenant=rep.tenant_id):
        task = Task.objects.get(interaction=item)
        services.task_complete(task=task, by=rep)
        item.refresh_from_db()
        assert item.follow_up_done_at is not None
        services.interaction_update(interaction=item, by=rep, follow_up_on=dt.date(2026, 11, 9))
        task.refresh_from_db()
        item.refresh_from_db()
        assert (task.status, task.due_on, item.follow_up_done_at) == ("open", dt.date(2026, 11, 9), None)
        services.interaction_update(interaction=item, by=rep, follow_up_on=None)
        assert not Task.objects.filter(interaction=item).exists()


def test_the_follow_up_done_endpoint_completes_the_task(api_as, rep, own_customer):
    item = follow_up(rep, own_customer)
    response = api_as(rep).post(reverse("api:interaction-follow-up-done", kwargs={"pk": item.pk}))
    assert response.status_code == 200 and response.data["follow_up_done_at"] is not None
    with scope(tenant=rep.tenant_id):
        task = Task.objects.get(interaction=item)
    assert (task.status, task.done_by_id) == ("done", rep.pk)


def test_completing_the_task_marks_the_follow_up_done_and_reopening_opens_it(api_as, rep, own_customer):
    item = follow_up(rep, own_customer)
    with scope(tenant=rep.tenant_id):
        task = Task.objects.get(interaction=item)
    client = api_as(rep)
    client.post(action_url(task, "complete"), format="json")
    with scope(tenant=rep.tenant_id):
        assert Interaction.objects.get(pk=item.pk).follow_up_done_at is not None
    client.post(action_url(task, "reopen"), format="json")
    with scope(tenant=rep.tenant_id):
        assert Interaction.objects.get(pk=item.pk).follow_up_done_at is None


def test_a_hand_over_moves_the_open_tasks_of_the_moved_customers(tenant, admin, rep, peer, own_customer):
    open_task = TaskFactory(tenant=tenant, owner=rep, customer=own_customer)
    done_task = TaskFactory(tenant=tenant, owner=rep, customer=own_customer, status="done")
    no_customer = TaskFactory(tenant=tenant, owner=rep)
    managers = TaskFactory(tenant=tenant, owner=admin, customer=own_customer)
    with scope(tenant=tenant.pk):
        services.customer_handover_transfer(
            tenant=tenant, source=rep, target=peer, by=admin, today=dt.date(2026, 11, 3)
        )
        owners = dict(Task.objects.values_list("pk", "owner_id"))
    assert owners == {
        open_task.pk: peer.pk,
        done_task.pk: rep.pk,
        no_customer.pk: rep.pk,
        managers.pk: admin.pk,
    }


def test_the_backfill_gives_bulk_loaded_follow_ups_their_tasks_once(tenant, rep, own_customer):
    open_one = InteractionFactory(customer=own_customer, follow_up_on=dt.date(2026, 11, 5), subject="Samples")
    InteractionFactory(
        customer=own_customer,
        follow_up_on=dt.date(2026, 11, 4),
        follow_up_done_at=dt.datetime(2026, 11, 4, 3, tzinfo=dt.UTC),
    )
    InteractionFactory(customer=own_customer)  # no follow-up day
    with scope(tenant=tenant.pk):
        assert services.follow_up_tasks_backfill(tenant=tenant) == 2
        assert services.follow_up_tasks_backfill(tenant=tenant) == 0
        task = Task.objects.get(interaction=open_one)
        assert (task.title, task.owner_id, task.status, task.due_on) == (
            "Samples",
            rep.pk,
            "open",
            dt.date(2026, 11, 5),
        )
        assert sorted(Task.objects.values_list("status", flat=True)) == ["done", "open"]
