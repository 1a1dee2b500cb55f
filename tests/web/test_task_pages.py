"""Task pages (任务): "My tasks", the team's list with filters and pages, create and edit forms that
re-render what was typed, the buttons (complete with a note, reopen, cancel), the customer page's
open tasks, the top bar's badge and the morning reminder. Dates pinned to Wednesday 18 November 2026."""

import datetime as dt

import pytest
import time_machine
from django_scopes import scope

from apps.customers import services
from apps.customers.models import Task
from apps.customers.selectors import task_due_count
from apps.tenancy.models import Notification
from tests.factories import CustomerFactory, InteractionFactory, TaskFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 18)
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def own_customer(tenant, rep):
    return CustomerFactory(tenant=tenant, owner=rep, name="Own Shop")


@pytest.fixture
def peer_customer(tenant, peer):
    return CustomerFactory(tenant=tenant, owner=peer, name="Peer Shop")


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def test_my_tasks_lists_open_ones_overdue_first_and_what_was_done_this_week(client_as, url, rep, peer):
    customer = CustomerFactory(tenant=rep.tenant, owner=rep, name="Bakery Li")
    item = InteractionFactory(customer=customer, subject="Tasting")
    TaskFactory(tenant=rep.tenant, owner=rep, title="Later", due_on=dt.date(2026, 11, 30))
    TaskFactory(tenant=rep.tenant, owner=rep, title="Undated", due_on=None)
    TaskFactory(
        tenant=rep.tenant,
        owner=rep,
        title="Call back",
        due_on=dt.date(2026, 11, 16),
        customer=customer,
        interaction=item,
        source="customers.follow_up",
    )
    TaskFactory(tenant=rep.tenant, owner=rep, title="Finished", status="done", done_at=NOW, done_note="Sent")
    TaskFactory(tenant=rep.tenant, owner=peer, title="Peer's task")
    page = client_as(rep).get(url("tasks:list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Call back") < text.index("Later") < text.index("Undated") < text.index("Finished")
    assert "overdue since 11-16" in text and "Tasting" in text  # the follow-up's interaction, via task_links
    assert "Sent" in text and "Peer&#x27;s task" not in text


def test_the_team_list_filters_and_pages_within_a_fixed_number_of_queries(
    client_as, url, manager, rep, peer, outsider_rep, django_assert_max_num_queries
):
    TaskFactory(tenant=rep.tenant, owner=rep, title="Rep overdue", due_on=dt.date(2026, 11, 10))
    TaskFactory(tenant=rep.tenant, owner=peer, title="Peer later", due_on=dt.date(2026, 11, 30))
    TaskFactory(tenant=rep.tenant, owner=peer, title="Peer done", status="done")
    TaskFactory(tenant=rep.tenant, owner=outsider_rep, title="Not the line")
    client = client_as(manager)
    text = client.get(url("tasks:list")).content.decode()
    assert "Rep overdue" in text and "Peer later" in text
    assert "Peer done" not in text and "Not the line" not in text  # open ones by default; the line only
    overdue = client.get(url("tasks:list"), {"overdue": "true", "status": ""}).content.decode()
    assert "Rep overdue" in overdue and "Peer later" not in overdue
    owner = client.get(url("tasks:list"), {"owner": peer.pk, "status": ""}).content.decode()
    assert "Peer done" in owner and "Rep overdue" not in owner

    def count():
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url("tasks:list"), {"status": ""}).status_code == 200
        return len(captured.captured_queries)

    few = count()
    for n in range(30):  # more than a page, with customers and follow-ups (their links)
        customer = CustomerFactory(tenant=rep.tenant, owner=rep)
        TaskFactory(
            tenant=rep.tenant,
            owner=rep,
            customer=customer,
            interaction=InteractionFactory(customer=customer),
            source="customers.follow_up",
            title=f"Bulk {n}",
        )
    assert count() == few + 1  # the follow-ups' links: one query for the whole page
    assert "1–25 of" in client.get(url("tasks:list"), {"status": ""}).content.decode()


def test_a_bad_form_re_renders_what_was_typed_and_a_good_one_saves(client_as, url, rep, own_customer):
    client = client_as(rep)
    form = client.get(url("tasks:create") + f"?customer={own_customer.pk}")
    assert form.status_code == 200 and f'<option value="{own_customer.pk}" selected>' in form.content.decode()
    bad = client.post(
        url("tasks:create") + f"?customer={own_customer.pk}",
        {"title": "", "owner": rep.pk, "due_on": "2026-11-20", "priority": "high", "notes": "Bring samples"},
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Bring samples" in text and "2026-11-20" in text and "This field is required." in text
    good = client.post(
        url("tasks:create") + f"?customer={own_customer.pk}",
        {
            "title": "Send samples",
            "owner": rep.pk,
            "due_on": "2026-11-20",
            "priority": "high",
            "customer": own_customer.pk,
        },
    )
    assert good.status_code == 302
    assert good["Location"] == url("customers:detail", customer_id=own_customer.pk) + "#tasks"
    with scope(tenant=rep.tenant_id):
        task = Task.objects.get(title="Send samples")
    assert (task.owner_id, task.customer_id, task.priority) == (rep.pk, own_customer.pk, "high")


def test_a_rep_cannot_pick_a_peers_customer_or_owner(client_as, url, rep, peer, peer_customer):
    response = client_as(rep).post(
        url("tasks:create"),
        {"title": "X", "owner": peer.pk, "priority": "normal", "customer": peer_customer.pk},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"owner", "customer"}


def test_complete_with_a_note_reopen_and_cancel_from_the_task_page(client_as, url, rep):
    task = TaskFactory(tenant=rep.tenant, owner=rep, title="Call Mr Li", due_on=TODAY)
    client = client_as(rep)
    detail = url("tasks:detail", task_id=task.pk)
    assert 'name="title"' in client.get(detail).content.decode()  # open: its edit form
    response = client.post(url("tasks:complete", task_id=task.pk), {"note": "He orders next week"})
    assert response.status_code == 302 and response["Location"] == detail
    page = client.get(detail).content.decode()
    assert "He orders next week" in page and 'name="title"' not in page and "Reopen" in page
    assert client.post(detail, {"title": "Changed"}).status_code == 404  # no edits of a done task
    refused = client.post(url("tasks:complete", task_id=task.pk), follow=True).content.decode()
    assert "reopen it first" in refused
    client.post(url("tasks:reopen", task_id=task.pk))
    client.post(url("tasks:cancel", task_id=task.pk), {"note": "Shop closed"})
    with scope(tenant=rep.tenant_id):
        task.refresh_from_db()
    assert (task.status, task.done_note) == ("cancelled", "Shop closed")


@pytest.mark.parametrize("button", ["tasks:complete", "tasks:cancel"])
def test_a_note_too_long_refuses_the_button_instead_of_dropping_the_note(client_as, url, rep, button):
    task = TaskFactory(tenant=rep.tenant, owner=rep, title="Call Mr Li", due_on=TODAY)
    refused = client_as(rep).post(url(button, task_id=task.pk), {"note": "n" * 2001}, follow=True)
    assert "at most 2000 characters" in refused.content.decode()
    with scope(tenant=rep.tenant_id):
        task.refresh_from_db()
    assert (task.status, task.done_note) == ("open", "")


def test_edit_saves_and_delete_removes(client_as, url, manager, rep, peer):
    task = TaskFactory(tenant=rep.tenant, owner=rep, title="Old")
    client = client_as(manager)
    detail = url("tasks:detail", task_id=task.pk)
    saved = client.post(detail, {"title": "New", "owner": peer.pk, "priority": "low", "due_on": ""})
    assert saved.status_code == 302
    with scope(tenant=rep.tenant_id):
        task.refresh_from_db()
        assert (task.title, task.owner_id, task.priority, task.due_on) == ("New", peer.pk, "low", None)
    assert client.post(detail, {"delete": "1"}).status_code == 302
    with scope(tenant=rep.tenant_id):
        assert not Task.objects.filter(pk=task.pk).exists()


def test_a_viewer_reads_but_the_buttons_refuse(client_as, url, viewer, rep):
    task = TaskFactory(tenant=rep.tenant, owner=rep, title="Visible")
    client = client_as(viewer)
    assert "Visible" in client.get(url("tasks:list")).content.decode()
    page = client.get(url("tasks:detail", task_id=task.pk)).content.decode()
    assert 'name="title"' not in page
    refused = client.post(url("tasks:complete", task_id=task.pk), follow=True).content.decode()
    assert "Your role may not change records." in refused
    assert client.get(url("tasks:create")).status_code == 404


def test_a_peers_task_page_is_404(client_as, url, rep, peer):
    task = TaskFactory(tenant=rep.tenant, owner=peer)
    client = client_as(rep)
    assert client.get(url("tasks:detail", task_id=task.pk)).status_code == 404
    assert client.post(url("tasks:complete", task_id=task.pk)).status_code == 404


def test_the_customer_page_shows_its_open_tasks_and_add_a_task(client_as, url, rep, own_customer):
    TaskFactory(tenant=rep.tenant, owner=rep, customer=own_customer, title="Deliver the samples")
    TaskFactory(tenant=rep.tenant, owner=rep, customer=own_customer, title="Old one", status="done")
    text = client_as(rep).get(url("customers:detail", customer_id=own_customer.pk)).content.decode()
    assert 'id="tasks"' in text and "Deliver the samples" in text and "Old one" not in text
    assert url("tasks:create") + f"?customer={own_customer.pk}" in text


def test_the_badge_counts_own_open_tasks_overdue_or_due_today(rep, viewer, django_assert_num_queries):
    for day in (dt.date(2026, 11, 10), TODAY, dt.date(2026, 11, 19), None):
        TaskFactory(tenant=rep.tenant, owner=rep, due_on=day)
    TaskFactory(tenant=rep.tenant, owner=rep, due_on=TODAY, status="done")
    with scope(tenant=rep.tenant_id):
        rep.tenant  # noqa: B018  (loaded with the request's membership)
        with django_assert_num_queries(1):
            assert task_due_count(rep) == 2
        with django_assert_num_queries(0):
            assert task_due_count(viewer) == 0


def test_the_morning_reminder_tells_each_owner_once(tenant, rep, peer):
    TaskFactory(tenant=tenant, owner=rep, due_on=TODAY, title="B task")
    TaskFactory(tenant=tenant, owner=rep, due_on=TODAY, title="A task")
    TaskFactory(tenant=tenant, owner=peer, due_on=TODAY, title="Only one")
    TaskFactory(tenant=tenant, owner=peer, due_on=TODAY, status="done")
    TaskFactory(tenant=tenant, owner=peer, due_on=dt.date(2026, 11, 19))
    with scope(tenant=tenant.pk):
        assert services.task_reminders_send(tenant=tenant, day=TODAY) == 2
        assert services.task_reminders_send(tenant=tenant, day=TODAY) == 0  # run twice: nobody twice
        sent = {n.recipient_id: (n.title, n.body) for n in Notification.objects.filter(kind="task_reminder")}
    assert sent == {
        rep.pk: ("2 tasks due today", "Due today: A task and 1 more"),
        peer.pk: ("1 task due today", "Due today: Only one"),
    }
