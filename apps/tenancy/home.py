"""The role homes' cards: what each member's day starts on, contributed by the apps that own the work.

The home (`/t/<slug>/`) knows no app: it asks this registry which cards a member's role shows, in
order, and each card's selector for its data. An app declares its cards in its AppConfig.ready(),
like its metrics, jobs and demo seeders:

    register_home_card(
        "visits.plan_approvals",
        roles=("manager",),
        order=10,
        template="visits/cards/plan_approvals.html",
        context="apps.visits.selectors.home.plan_approvals_card",
    )

- `context` names a selector `(membership, today) -> data | None`: the card's figures, or None to
  leave the card out (a card with nothing to show that is still worth an empty state returns data
  that says so; the template writes the empty state). It reads a fixed number of queries whatever
  the data, aggregating in the database: the home's query count is pinned.
- `template` renders the card; it receives `card`, `data`, `today` and `query` (the home's query
  string, for a card that loads its body with htmx and keeps period/page meaningful) besides the
  page's context (request, tenant, membership).
- `order` places it among the role's cards (lower first; the code breaks ties); `scripts` are static
  files the card needs in the page head (Chart.js and its drawing script), each loaded once.
- `lazy=True` leaves the card out of the home's own answer: the home shows a placeholder that fetches
  the card with htmx as the page opens (`home-card`, /t/<slug>/cards/<code>/), so the figures that
  cost a KPI computation stream in after the lists of what waits for the member. The card's
  selector and template are the same either way.
- Re-registering a code replaces the card (ready() may run more than once in tests), so the
  registry stays one entry per code; `unregister_home_card` removes one (tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.module_loading import import_string

from .models import Membership, Role

Selector = Callable[[Membership, dt.date], Any]


@dataclass(frozen=True)
class HomeCard:
    code: str
    roles: frozenset[str]
    order: int
    template: str
    context: str
    scripts: tuple[str, ...] = ()
    lazy: bool = False

    def selector(self) -> Selector:
        return import_string(self.context)


@dataclass(frozen=True)
class ShownCard:
    """A card on one member's home: its declaration and what its selector returned."""

    card: HomeCard
    data: Any


_CARDS: dict[str, HomeCard] = {}


def register_home_card(
    code: str,
    *,
    roles: Iterable[str],
    order: int,
    template: str,
    context: str,
    scripts: Iterable[str] = (),
    lazy: bool = False,
) -> None:
    """Declare a card; call it from an AppConfig.ready(). Re-registering the same code replaces it."""
    roles = frozenset(roles)
    unknown = roles - set(Role.values)
    if unknown or not roles:
        raise ValueError(f"home card {code!r}: unknown or no roles {sorted(unknown)}")
    _CARDS[code] = HomeCard(
        code=code,
        roles=roles,
        order=order,
        template=template,
        context=context,
        scripts=tuple(scripts),
        lazy=lazy,
    )


def unregister_home_card(code: str) -> None:
    _CARDS.pop(code, None)


def registered_cards() -> list[HomeCard]:
    return sorted(_CARDS.values(), key=lambda c: (c.order, c.code))


def get_card(code: str) -> HomeCard | None:
    return _CARDS.get(code)


def cards_for(role: str) -> list[HomeCard]:
    """The cards a role's home shows, in order."""
    return [card for card in registered_cards() if role in card.roles]


def home_cards(*, membership: Membership, today: dt.date) -> list[ShownCard]:
    """Each card of the member's role with its data, in order; a card whose selector returns None is
    left out. A lazy card comes without data (None): the home fetches it later (card_data)."""
    shown = []
    for card in cards_for(membership.role):
        if card.lazy:
            shown.append(ShownCard(card=card, data=None))
            continue
        data = card.selector()(membership, today)
        if data is not None:
            shown.append(ShownCard(card=card, data=data))
    return shown


def card_for(*, code: str, role: str) -> HomeCard | None:
    """The card `code` if the role's home shows it (a card of another role is no one's business)."""
    card = _CARDS.get(code)
    return card if card is not None and role in card.roles else None


def home_url(*, tenant_slug: str, anchor: str = "", query: str = "") -> str:
    """The home's address with a query string (a card's period or page) and a card to scroll to: where
    the old dashboard addresses lead, and what a card's htmx links push to the address bar."""
    url = reverse("dashboard", kwargs={"tenant_slug": tenant_slug})
    return url + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")


def card_link(*, tenant_slug: str, card_url: str, anchor: str, query: str) -> dict[str, str]:
    """A link inside a card that reloads it with `query` (its page or period): `get` for htmx, `push`
    for the address bar (the home with that query), `href` for a click without script (the home,
    scrolled to the card). templates/includes/card_pager.html pages with two of these."""
    return {
        "get": f"{card_url}?{query}",
        "push": home_url(tenant_slug=tenant_slug, query=query),
        "href": home_url(tenant_slug=tenant_slug, anchor=anchor, query=query),
    }


def home_scripts(cards: Iterable[ShownCard]) -> list[str]:
    """The static files the shown cards need, each once, in the order first asked for."""
    return list(dict.fromkeys(script for shown in cards for script in shown.card.scripts))


# ---- for the apps' card selectors -----------------------------------------------------------------

LISTED = 5  # items a card lists; its count says how many there are in all


def first_items(qs: QuerySet, n: int = LISTED) -> tuple[int, list]:
    """How many rows `qs` holds and its first `n`: two queries whatever the number of rows. (A window
    count in one query would make PostgreSQL build and sort every row before the LIMIT; the count and
    the LIMIT each use the indexes: a queue of thousands reads in milliseconds.)"""
    return qs.count(), list(qs[:n])
