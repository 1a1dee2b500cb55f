"""The task-source registry: who makes tasks (任务), and what each task belongs to.

A task lives in apps.customers so that every app can create one (`services.task_create`); its
`source` names who made it. customers sits below the apps that make tasks (key-account plans,
opportunities…), so it cannot import them; each declares its source from its `AppConfig.ready()`,
by dotted path, like a home card or a hand-over participant:

    register_task_source(
        "keyaccounts.plan",
        label=_("Key-account plan"),
        links="apps.keyaccounts.selectors.plan_task_links",
    )

- `links(tenant, task_ids: list[int]) -> dict[int, tuple[str, str]]` reads, for a list of the
  source's tasks, the text and page URL of the object each belongs to (a plan's stage, an
  opportunity), in one query; a task it does not know is left out. The task lists call it once per
  source shown (`task_links`), never once per task.
- A source without `links` shows only the task's own customer.

`manual` (made by a person on the task pages or through the API) and `customers.follow_up` (an
interaction's follow-up, kept in step with it) are registered by this app.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.module_loading import import_string

from apps.tenancy.models import Tenant

MANUAL = "manual"
FOLLOW_UP = "customers.follow_up"


class Links(Protocol):
    def __call__(self, tenant: Tenant, task_ids: list[int]) -> dict[int, tuple[str, str]]: ...


@dataclass(frozen=True)
class TaskSource:
    code: str
    label: Any  # a lazy translation, shown on the task lists and in their filter
    links_path: str | None = None

    @property
    def links(self) -> Links | None:
        return import_string(self.links_path) if self.links_path else None


_SOURCES: dict[str, TaskSource] = {}


def register_task_source(code: str, *, label: Any, links: str | None = None) -> None:
    """Declare a source of tasks (re-registering a code replaces it). `code` fits Task.source (40)."""
    if not code or len(code) > 40:
        raise ValueError(f"a task source code is 1 to 40 characters: {code!r}")
    _SOURCES[code] = TaskSource(code=code, label=label, links_path=links)


def task_source(code: str) -> TaskSource | None:
    """The registered source of that code, or None for an unknown one."""
    return _SOURCES.get(code)


def registered_sources() -> list[TaskSource]:
    return list(_SOURCES.values())


def source_choices() -> list[tuple[str, Any]]:
    return [(s.code, s.label) for s in _SOURCES.values()]


def task_links(tenant: Tenant, tasks: Iterable[Any]) -> dict[int, tuple[str, str]]:
    """task id → (text, URL) of what each task belongs to, for a list of tasks (or of dicts / rows
    with `id` and `source`): one call of each source's `links`, with all that source's task ids."""
    by_source: dict[str, list[int]] = defaultdict(list)
    for task in tasks:
        pk, source = (task["id"], task["source"]) if isinstance(task, dict) else (task.pk, task.source)
        by_source[source].append(pk)
    found: dict[int, tuple[str, str]] = {}
    for code, ids in by_source.items():
        registered = _SOURCES.get(code)
        links = registered.links if registered else None
        if links is not None:
            found.update(links(tenant, ids))
    return found
