"""Task pages (任务): "My tasks", the team's tasks for a manager or admin, a task's page (edit while
open) and its buttons (complete with a note, reopen, cancel). Reads go through the selectors (tenant
+ viewer restricted), writes through the services; views only parse and render."""

import copy

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from apps.tenancy.dates import tenant_today
from apps.tenancy.form_pages import button_action, record_form_page
from apps.tenancy.http import TenantRequest
from apps.tenancy.models import Role
from apps.tenancy.views import tenant_page

from .. import services
from ..models import Customer, Task
from ..selectors import my_tasks_page, task_list, visible_customers
from ..task_forms import TaskFilterForm, TaskForm, TaskNoteForm
from ..task_sources import task_links, task_source

PAGE_SIZE = 25
TEMPLATE = "customers/tasks/form.html"


def _visible_task(request: TenantRequest, task_id: int) -> Task:
    """Another tenant's id, or a task of someone the viewer may not see, is a 404 alike."""
    return get_object_or_404(task_list(tenant=request.tenant, viewer=request.membership), pk=task_id)


def _list_url(request: TenantRequest) -> str:
    return reverse("tasks:list", kwargs={"tenant_slug": request.tenant.slug})


def _detail_url(request: TenantRequest, task: Task) -> str:
    return reverse("tasks:detail", kwargs={"tenant_slug": request.tenant.slug, "task_id": task.pk})


def _back(request: TenantRequest, default: str) -> str:
    """Where a button goes back to: the page it was pressed on (`next`), if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _with_links(request: TenantRequest, tasks: list[Task]) -> list[Task]:
    """Each task with `link`: (text, URL) of what it belongs to, from its source (one call per source)."""
    links = task_links(request.tenant, tasks)
    for task in tasks:
        task.link = links.get(task.pk)  # type: ignore[attr-defined]  # shown by the templates
        source = task_source(task.source)
        task.source_label = source.label if source else task.source  # type: ignore[attr-defined]
    return tasks


@tenant_page
def my_tasks_view(request: TenantRequest) -> HttpResponse:
    return _my_tasks(request)


def _my_tasks(request: TenantRequest) -> HttpResponse:
    """The member's own open tasks, overdue first, and what they finished in the last week."""
    today = tenant_today(request.tenant)
    data = my_tasks_page(tenant=request.tenant, membership=request.membership, today=today)
    _with_links(request, data["open"] + data["recent"])
    return render(
        request,
        "customers/tasks/mine.html",
        {**data, "today": today, "can_create": request.membership.can_write},
    )


@tenant_page
def task_list_view(request: TenantRequest) -> HttpResponse:
    """A rep's tasks are "My tasks"; a manager sees their line's, an admin or viewer everyone's,
    open ones unless the filter says otherwise."""
    if request.membership.role == Role.REP and not request.GET:
        return _my_tasks(request)
    form = TaskFilterForm(request.GET or {"status": Task.Status.OPEN}, viewer=request.membership)
    qs = task_list(tenant=request.tenant, viewer=request.membership, filters=form.filters())
    page = Paginator(qs.order_by("due_on", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "tasks": _with_links(request, list(page.object_list)),
        "today": tenant_today(request.tenant),
        "can_create": request.membership.can_write,
    }
    if request.htmx and request.htmx.target == "task-results":
        return render(request, "customers/tasks/_results.html", context)
    return render(request, "customers/tasks/list.html", context)


@tenant_page
def task_create_view(request: TenantRequest) -> HttpResponse:
    if not request.membership.can_write:
        raise Http404
    customer = None
    if request.GET.get("customer", "").isdigit():
        customer = get_object_or_404(
            visible_customers(Customer.objects.all(), request.membership), pk=int(request.GET["customer"])
        )
    form = TaskForm(request.POST or None, viewer=request.membership, initial={"customer": customer})
    done = (
        reverse("customers:detail", kwargs={"tenant_slug": request.tenant.slug, "customer_id": customer.pk})
        + "#tasks"
        if customer
        else _list_url(request)
    )
    return record_form_page(
        request,
        form,
        save=lambda data: services.task_create(tenant=request.tenant, by=request.membership, **data),
        saved=_("The task was added."),
        done=done,
        template=TEMPLATE,
        context={"title": _("New task"), "back": done},
    )


@tenant_page
def task_detail_view(request: TenantRequest, task_id: int) -> HttpResponse:
    """An open task's page is its edit form (and Delete); a done or cancelled one reads as what was
    done, with Reopen. The buttons post to their own views."""
    task = _visible_task(request, task_id)
    task.tenant = request.tenant  # the request's: the services read it (no query)
    editable = request.membership.can_write and task.status == Task.Status.OPEN
    if not editable and request.method == "POST":
        raise Http404
    context = {
        "task": _with_links(request, [task])[0],
        "title": task.title,
        "back": _list_url(request),
        "note_form": TaskNoteForm(),
        "can_act": request.membership.can_write,
        "today": tenant_today(request.tenant),
    }
    if not editable:
        return render(request, TEMPLATE, {**context, "form": None})
    return record_form_page(
        request,
        TaskForm(request.POST or None, instance=copy.copy(task), viewer=request.membership),
        save=lambda data: services.task_update(task=task, by=request.membership, **data),
        saved=_("The task was saved."),
        delete=lambda: services.task_delete(task=task, by=request.membership),
        deleted=_("The task was deleted."),
        delete_refused=_detail_url(request, task),
        done=_list_url(request),
        template=TEMPLATE,
        context=context,
    )


def _note(request: TenantRequest) -> str:
    """The note typed beside a button. One the form refuses (too long) refuses the button with the
    reason (it runs inside the button's refusal_shown), rather than acting without the note."""
    form = TaskNoteForm(request.POST)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.cleaned_data["note"]


@tenant_page
def task_complete_view(request: TenantRequest, task_id: int) -> HttpResponse:
    task = _visible_task(request, task_id)
    return button_action(
        request,
        act=lambda: services.task_complete(task=task, by=request.membership, note=_note(request)),
        success=_("Task done: %(title)s.") % {"title": task.title},
        done=_back(request, _detail_url(request, task)),
    )


@tenant_page
def task_reopen_view(request: TenantRequest, task_id: int) -> HttpResponse:
    task = _visible_task(request, task_id)
    return button_action(
        request,
        act=lambda: services.task_reopen(task=task, by=request.membership),
        success=_("The task is open again."),
        done=_back(request, _detail_url(request, task)),
    )


@tenant_page
def task_cancel_view(request: TenantRequest, task_id: int) -> HttpResponse:
    task = _visible_task(request, task_id)
    return button_action(
        request,
        act=lambda: services.task_cancel(task=task, by=request.membership, note=_note(request)),
        success=_("The task was cancelled."),
        done=_back(request, _detail_url(request, task)),
    )
