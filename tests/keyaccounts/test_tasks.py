"""A stage's tasks: shared customers.Task rows (source "keyaccounts.plan") linked from the plan's side,
given to a responsible person, shown on the plan with their state, completed from the plan, and named
by the task lists through the registered source."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django_scopes import scope

from apps.customers.models import Task
from apps.customers.task_sources import task_links
from apps.keyaccounts import services
from tests.factories import CustomerFactory

from .factories import KeyAccountPlanFactory, PlanStageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stage(plan):
    return PlanStageFactory(plan=plan, name="Q4")


def test_a_manager_gives_a_stage_task_to_a_rep_of_the_line(manager, rep, stage, key_account):
    with scope(tenant=manager.tenant):
        link = services.stage_task_create(stage=stage, by=manager, title="Meet the buyer", owner=rep)
        task = Task.objects.get(pk=link.task_id)
    assert (task.owner_id, task.customer_id, task.source, task.status) == (
        rep.pk,
        key_account.pk,
        "keyaccounts.plan",
        "open",
    )


def test_a_rep_cannot_give_a_task_to_someone_else(rep, peer, stage):
    with scope(tenant=rep.tenant), pytest.raises(PermissionDenied):
        services.stage_task_create(stage=stage, by=rep, title="x", owner=peer)


def test_a_stage_with_open_tasks_is_not_deleted(rep, stage):
    with scope(tenant=rep.tenant):
        services.stage_task_create(stage=stage, by=rep, title="Call")
        with pytest.raises(ValidationError, match="open tasks"):
            services.stage_delete(stage=stage, by=rep)


def test_the_task_lists_name_the_plan_and_stage(rep, plan, stage):
    with scope(tenant=rep.tenant):
        link = services.stage_task_create(stage=stage, by=rep, title="Call")
        task = Task.objects.get(pk=link.task_id)
        links = task_links(rep.tenant, [task])
    text, href = links[task.pk]
    assert text == f"{plan.title} · Q4" and href.endswith(f"/key-accounts/{plan.pk}/")


def test_the_plan_page_shows_tasks_and_completes_one(client_as, url, rep, plan, stage):
    with scope(tenant=rep.tenant):
        link = services.stage_task_create(
            stage=stage, by=rep, title="Send the offer", due_on=dt.date(2026, 11, 25)
        )
    client = client_as(rep)
    html = client.get(url("keyaccounts:detail", plan_id=plan.pk)).content.decode()
    assert "Send the offer" in html and "2026-11-25" in html
    # the plan page's buttons are the task pages' own, bringing the member back to the plan
    done = reverse("tasks:complete", kwargs={"tenant_slug": rep.tenant.slug, "task_id": link.task_id})
    plan_url = url("keyaccounts:detail", plan_id=plan.pk)
    assert f'action="{done}"' in html and f'value="{plan_url}#tasks"' in html
    answer = client.post(done, {"note": "Sent", "next": f"{plan_url}#tasks"})
    assert (answer.status_code, answer["Location"]) == (302, f"{plan_url}#tasks")
    with scope(tenant=rep.tenant):
        task = Task.objects.get(pk=link.task_id)
    assert (task.status, task.done_note) == ("done", "Sent")
    again = client.post(done, follow=True).content.decode()
    assert "done already" in again.lower() or "already" in again.lower()
    reopen = reverse("tasks:reopen", kwargs={"tenant_slug": rep.tenant.slug, "task_id": link.task_id})
    assert f'action="{reopen}"' in client.get(plan_url).content.decode()  # a done task can be reopened


def test_the_task_form_adds_a_task_and_re_renders_a_bad_one(client_as, url, rep, plan, stage):
    client = client_as(rep)
    path = url("keyaccounts:task-create", stage_id=stage.pk)
    bad = client.post(path, {"title": "", "due_on": "soon"})
    assert bad.status_code == 400 and 'value="soon"' in bad.content.decode()
    assert client.post(path, {"title": "Visit the plant"}).status_code == 302
    with scope(tenant=rep.tenant):
        assert Task.objects.filter(title="Visit the plant", owner=rep, source="keyaccounts.plan").exists()


def test_a_peers_plan_task_is_a_404_on_the_task_buttons(client_as, rep, peer, tenant):
    theirs = PlanStageFactory(plan=KeyAccountPlanFactory(customer=CustomerFactory(tenant=tenant, owner=peer)))
    with scope(tenant=tenant):
        link = services.stage_task_create(stage=theirs, by=peer, title="Elsewhere")
    done = reverse("tasks:complete", kwargs={"tenant_slug": tenant.slug, "task_id": link.task_id})
    assert client_as(rep).post(done).status_code == 404


def test_the_api_lists_adds_and_completes_the_plans_tasks(api_as, manager, rep, plan, stage):
    tasks = reverse("api:keyaccount-plan-tasks", kwargs={"pk": plan.pk})
    complete = reverse("api:keyaccount-plan-complete-task", kwargs={"pk": plan.pk})
    client = api_as(manager)
    created = client.post(tasks, {"stage": stage.pk, "title": "Demo day", "owner": rep.pk}, format="json")
    assert created.status_code == 201, created.data
    assert (created.data["owner"], created.data["status"], created.data["stage_name"]) == (
        rep.pk,
        "open",
        "Q4",
    )
    assert [row["title"] for row in client.get(tasks).json()] == ["Demo day"]
    done = client.post(complete, {"task": created.data["id"], "note": "Went well"}, format="json")
    assert done.status_code == 200 and done.data["status"] == "done"
    assert "task" in client.post(complete, {"task": 999999}, format="json").data
    assert "title" in client.post(tasks, {"stage": stage.pk}, format="json").data


def test_the_api_refuses_a_stage_of_another_plan(api_as, rep, plan, tenant):
    other = PlanStageFactory(plan=KeyAccountPlanFactory(customer=CustomerFactory(tenant=tenant, owner=rep)))
    tasks = reverse("api:keyaccount-plan-tasks", kwargs={"pk": plan.pk})
    response = api_as(rep).post(tasks, {"stage": other.pk, "title": "x"}, format="json")
    assert response.status_code == 400 and "stage" in response.data


def test_the_detail_page_does_not_grow_with_tasks(
    client_as, url, rep, plan, stage, django_assert_max_num_queries
):
    client = client_as(rep)
    path = url("keyaccounts:detail", plan_id=plan.pk)
    with scope(tenant=rep.tenant):
        services.stage_task_create(stage=stage, by=rep, title="One")
    client.get(path)
    with django_assert_max_num_queries(12) as few:
        client.get(path)
    with scope(tenant=rep.tenant):
        for n in range(5):
            services.stage_task_create(stage=stage, by=rep, title=f"More {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(path)
