"""The top bar's navigation: groups and entries that each app declares in its AppConfig.ready().

The base template never names an app's pages. An app adds its pages to a group, and may attach a
count of what waits for the member (plans to approve, reports to sign off…):

    # apps/visits/apps.py, in VisitsConfig.ready()
    from apps.tenancy.navigation import register_nav_entry

    register_nav_entry(
        "visits.plan_queue",
        group="today",
        label=_("Plan approvals"),
        url_name="visits:queue",
        roles=("manager", "admin"),
        order=20,
        count="apps.visits.selectors.visit_plan_queue_count",
    )

- `roles`: the roles that see the entry (None: every role). Hide an entry only from roles the page
  itself refuses (`tenant_page(roles=…)`), never as the page's only guard.
- `when`: for what a role alone cannot say (an organisation setting), the dotted path of a
  predicate `(membership) -> bool` that reads only the membership and its tenant, already loaded
  with the request, never the database; the entry shows for the `roles` for which it is true.
- `label` may differ by role: `role_labels={"rep": _("My customers")}`.
- `current`: view names (`namespace:url_name`, shell patterns allowed: `"reports:market*"`) of the
  pages on which the entry is marked as the current one; by default just `url_name`. The first
  entry that matches, in bar order, is the current one, and its group is marked too.
- `count`: the dotted path of a selector `(membership) -> int` in the app that owns the data, one
  COUNT query at most, 0 without a query for roles it does not concern. Counts are never computed
  while a page renders (pages pin their query counts): the bar fetches them after the page, in one
  request to `nav/counts/` (apps.tenancy.views.nav_counts), and a group shows the sum of its entries.
- `tenant_url=False` for a page outside /t/<slug>/ (the tenant admin), reversed without the slug.

Groups are registered by the tenancy app (register_nav_group); a new app usually joins one of them
and registers a group of its own only for a new area. Re-registering a code replaces it in place
(ready() may run more than once in tests), like the job and demo-seeder registries. Building the
bar for a request (nav_menus) reads only the registry and request.membership: no query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from django.core import checks
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

if TYPE_CHECKING:  # the models load after this module
    from apps.tenancy.models import Membership

Label = Any  # a str or a lazy translation (gettext_lazy), resolved when the bar renders
CountSelector = Callable[["Membership"], int]


@dataclass(frozen=True)
class NavGroup:
    code: str
    label: Label
    order: int


@dataclass(frozen=True)
class NavEntry:
    code: str
    group: str
    label: Label
    url_name: str
    roles: frozenset[str] | None = None
    order: int = 100
    current: tuple[str, ...] = ()
    count: str | None = None
    role_labels: Mapping[str, Label] = field(default_factory=dict)
    tenant_url: bool = True
    when: str | None = None

    def visible_to(self, membership: Membership) -> bool:
        if self.roles is not None and membership.role not in self.roles:
            return False
        return self.when is None or bool(import_string(self.when)(membership))

    def label_for(self, role: str) -> Label:
        return self.role_labels.get(role, self.label)

    def marks(self, view_name: str) -> bool:
        return any(fnmatchcase(view_name, pattern) for pattern in self.current or (self.url_name,))


_GROUPS: dict[str, NavGroup] = {}
_ENTRIES: dict[str, NavEntry] = {}


def register_nav_group(code: str, label: Label, *, order: int) -> None:
    """Declare a group of the top bar (a button with a panel); groups show in `order`, and only for
    a member who sees at least one of their entries."""
    _GROUPS[code] = NavGroup(code=code, label=label, order=order)


def register_nav_entry(
    code: str,
    *,
    group: str,
    label: Label,
    url_name: str,
    roles: Iterable[str] | None = None,
    order: int = 100,
    current: Iterable[str] = (),
    count: str | None = None,
    role_labels: Mapping[str, Label] | None = None,
    tenant_url: bool = True,
    when: str | None = None,
) -> None:
    """Declare a page in a group (see the module doc); call it from an AppConfig.ready()."""
    _ENTRIES[code] = NavEntry(
        code=code,
        group=group,
        label=label,
        url_name=url_name,
        roles=frozenset(roles) if roles is not None else None,
        order=order,
        current=tuple(current),
        count=count,
        role_labels=dict(role_labels or {}),
        tenant_url=tenant_url,
        when=when,
    )


def registered_groups() -> list[NavGroup]:
    return sorted(_GROUPS.values(), key=lambda g: (g.order, g.code))


def registered_entries() -> list[NavEntry]:
    return sorted(_ENTRIES.values(), key=lambda e: (e.order, e.code))


# ---- the bar of one member on one page ----------------------------------------------------------


def dom_id(kind: str, code: str) -> str:
    """An element id for a code ("visits.plan_queue" → "nav-count-visits-plan-queue")."""
    return f"nav-{kind}-" + code.replace(".", "-").replace("_", "-")


@dataclass(frozen=True)
class NavLink:
    code: str
    label: Label
    url: str
    current: bool
    counted: bool

    @property
    def count_id(self) -> str:
        return dom_id("count", self.code)


@dataclass(frozen=True)
class NavMenu:
    code: str
    label: Label
    links: tuple[NavLink, ...]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)

    @property
    def counted(self) -> bool:
        return any(link.counted for link in self.links)

    @property
    def panel_id(self) -> str:
        return dom_id("panel", self.code)

    @property
    def count_id(self) -> str:
        return dom_id("group-count", self.code)


def _visible(membership: Membership) -> list[tuple[NavGroup, list[NavEntry]]]:
    entries = [e for e in registered_entries() if e.visible_to(membership)]
    out = []
    for group in registered_groups():
        mine = [e for e in entries if e.group == group.code]
        if mine:
            out.append((group, mine))
    return out


def _url(entry: NavEntry, tenant_slug: str) -> str:
    if entry.tenant_url:
        return reverse(entry.url_name, kwargs={"tenant_slug": tenant_slug})
    return reverse(entry.url_name)


def nav_menus(*, membership: Membership, tenant_slug: str, view_name: str | None) -> list[NavMenu]:
    """The groups the member sees, each with the entries their role sees, in bar order; the first
    entry whose `current` patterns match `view_name` is marked. Reads no database row."""
    found_current = False
    menus = []
    for group, entries in _visible(membership):
        links = []
        for entry in entries:
            current = not found_current and view_name is not None and entry.marks(view_name)
            found_current = found_current or current
            links.append(
                NavLink(
                    code=entry.code,
                    label=entry.label_for(membership.role),
                    url=_url(entry, tenant_slug),
                    current=current,
                    counted=entry.count is not None,
                )
            )
        menus.append(NavMenu(code=group.code, label=group.label, links=tuple(links)))
    return menus


def nav_counts(*, membership: Membership) -> dict[str, int]:
    """What waits for the member, by element id: one value per counted entry the member sees
    (`nav-count-<entry>`) and per group that has one (`nav-group-count-<group>`, the sum). One
    query at most per counted entry."""
    out: dict[str, int] = {}
    for group, entries in _visible(membership):
        counted = [e for e in entries if e.count is not None]
        if not counted:
            continue
        total = 0
        for entry in counted:
            assert entry.count is not None  # for mypy: filtered above
            value = int(import_string(entry.count)(membership))
            out[dom_id("count", entry.code)] = value
            total += value
        out[dom_id("group-count", group.code)] = total
    return out


# ---- a typo in a registration fails `manage.py check`, not a page ----------------------------------


@checks.register(checks.Tags.urls)
def check_navigation(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for entry in registered_entries():
        if entry.group not in _GROUPS:
            errors.append(
                checks.Error(
                    f"Navigation entry {entry.code!r} names the group {entry.group!r}, which no app "
                    f"registers (registered: {', '.join(_GROUPS)}).",
                    id="tenancy.E101",
                )
            )
        try:
            _url(entry, "check")
        except NoReverseMatch:
            errors.append(
                checks.Error(
                    f"Navigation entry {entry.code!r}: the URL {entry.url_name!r} does not reverse"
                    + (" with a tenant_slug." if entry.tenant_url else "."),
                    id="tenancy.E102",
                )
            )
        for kind, path in (("count", entry.count), ("when", entry.when)):
            if path is None:
                continue
            try:
                import_string(path)
            except ImportError:
                errors.append(
                    checks.Error(
                        f"Navigation entry {entry.code!r}: the {kind} {path!r} cannot be imported.",
                        id="tenancy.E103",
                    )
                )
    return errors
