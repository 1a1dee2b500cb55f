"""The hand-over registry (客户交接): what moves from one rep to another when someone leaves or moves.

org sits below customers, visits and targets, so it cannot import them; each of those apps declares
what it hands over from its `AppConfig.ready()`, by dotted path, like a tenant job or a demo seeder:

    register_handover_participant(
        "customers",
        label=_("Customers"),
        preview="apps.customers.selectors.customer_handover_preview",
        transfer="apps.customers.services.customer_handover_transfer",
    )

- `preview(*, tenant, source, target, today) -> HandoverItems` reads what would move: a count and a
  short list of readable lines (at most PREVIEW_ROWS). It writes nothing.
- `transfer(*, tenant, source, target, by, today) -> list[int]` moves it and returns the ids moved.
  It runs inside the hand-over's transaction (apps.org.services.handover_execute), after every
  refusal was checked, together with every other participant: if one fails, nothing has moved.
  Set-based writes only (an UPDATE for all the rows, never one per row).

`source` and `target` are memberships of `tenant`; `today` is the tenant's local date, the line
between the past (facts that stay credited to whoever earned them) and what is still open.
Participants run in the order they were registered (INSTALLED_APPS order, then ready() order).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.module_loading import import_string

from apps.tenancy.models import Membership, Tenant

PREVIEW_ROWS = 50


@dataclass
class HandoverItems:
    """What one participant would move: how many, and the first few as readable lines."""

    count: int
    rows: list[str] = field(default_factory=list)


class Preview(Protocol):
    def __call__(
        self, *, tenant: Tenant, source: Membership, target: Membership, today: dt.date
    ) -> HandoverItems: ...


class Transfer(Protocol):
    def __call__(
        self,
        *,
        tenant: Tenant,
        source: Membership,
        target: Membership,
        by: Membership | None,
        today: dt.date,
    ) -> list[int]: ...


@dataclass(frozen=True)
class HandoverParticipant:
    code: str
    label: Any  # a lazy translation, shown on the preview
    preview_path: str
    transfer_path: str

    @property
    def preview(self) -> Preview:
        return import_string(self.preview_path)

    @property
    def transfer(self) -> Transfer:
        return import_string(self.transfer_path)


_PARTICIPANTS: dict[str, HandoverParticipant] = {}


def register_handover_participant(code: str, *, label: Any, preview: str, transfer: str) -> None:
    """Declare what an app hands over; call it from AppConfig.ready(). Registering a code again
    replaces it (ready() may run more than once in tests), keeping its place in the order."""
    _PARTICIPANTS[code] = HandoverParticipant(
        code=code, label=label, preview_path=preview, transfer_path=transfer
    )


def handover_participants(codes: list[str] | None = None) -> list[HandoverParticipant]:
    """The registered participants in order; only `codes` when given (unknown codes are ignored)."""
    if codes is None:
        return list(_PARTICIPANTS.values())
    return [p for code, p in _PARTICIPANTS.items() if code in codes]


def unregister_handover_participant(code: str) -> None:
    """For tests that register a participant of their own."""
    _PARTICIPANTS.pop(code, None)
