"""The customer page's panels: what the higher apps know about one customer, shown on its page.

The customer page (customers:detail) knows no app above it: it asks this registry for the panels its
viewer's role shows, in order, and each panel's selector for its data. An app declares its panels in
its AppConfig.ready(), like its home cards:

    register_customer_panel(
        "sales.receivables",
        order=20,
        template="sales/panels/receivables.html",
        context="apps.sales.selectors.receivables_panel",
        column="side",
    )

- `context` names a selector `(customer, membership, today) -> data | None`: the panel's figures, or
  None to leave the panel out. It reads a fixed number of queries whatever the data (the page's query
  count is pinned) and shows only what the member may see (the page itself is already restricted to
  customers the member may see).
- `template` receives `panel`, `data`, `customer` and `today` besides the page's context.
- `column` is "main" (under the details, wide) or "side" (next to the contacts); `order` places the
  panel in its column (lower first; the code breaks ties); `roles` limits who sees it (None: every role).
- Re-registering a code replaces the panel; `unregister_customer_panel` removes one (tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string

from apps.tenancy.models import Membership, Role

from .models import Customer

PanelSelector = Callable[[Customer, Membership, dt.date], Any]
COLUMNS = ("main", "side")


@dataclass(frozen=True)
class CustomerPanel:
    code: str
    order: int
    template: str
    context: str
    column: str
    roles: frozenset[str] | None

    def selector(self) -> PanelSelector:
        return import_string(self.context)


@dataclass(frozen=True)
class ShownPanel:
    panel: CustomerPanel
    data: Any


_PANELS: dict[str, CustomerPanel] = {}


def register_customer_panel(
    code: str,
    *,
    order: int,
    template: str,
    context: str,
    column: str = "side",
    roles: Iterable[str] | None = None,
) -> None:
    """Declare a panel; call it from an AppConfig.ready(). Re-registering the same code replaces it."""
    if column not in COLUMNS:
        raise ValueError(f"customer panel {code!r}: column must be one of {COLUMNS}")
    role_set = None if roles is None else frozenset(roles)
    if role_set is not None and (not role_set or role_set - set(Role.values)):
        raise ValueError(f"customer panel {code!r}: unknown or no roles {sorted(role_set)}")
    _PANELS[code] = CustomerPanel(
        code=code, order=order, template=template, context=context, column=column, roles=role_set
    )


def unregister_customer_panel(code: str) -> None:
    _PANELS.pop(code, None)


def registered_panels() -> list[CustomerPanel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.code))


def customer_panels(
    *, customer: Customer, membership: Membership, today: dt.date
) -> dict[str, list[ShownPanel]]:
    """The panels the member's role shows for `customer`, by column, each with its data; a panel whose
    selector returns None is left out."""
    shown: dict[str, list[ShownPanel]] = {column: [] for column in COLUMNS}
    for panel in registered_panels():
        if panel.roles is not None and membership.role not in panel.roles:
            continue
        data = panel.selector()(customer, membership, today)
        if data is not None:
            shown[panel.column].append(ShownPanel(panel=panel, data=data))
    return shown
