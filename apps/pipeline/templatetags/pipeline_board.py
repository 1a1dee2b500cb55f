"""The board's cards, written in Python: a board shows up to BOARD_CARDS cards per stage and is
rendered again after every move, and the template language costs about ten times as much per card
(tens of variable lookups each). The markup is the one templates/pipeline/_board.html documents."""

from __future__ import annotations

import datetime as dt
from html import escape as esc
from typing import Any

from django import template
from django.template.defaultfilters import truncatechars
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from apps.tenancy.templatetags.salesui import money

register = template.Library()

DRAGGABLE = ' draggable="true"'


def _day(value: dt.date | None) -> str:
    return value.strftime("%m-%d") if value else ""


@register.simple_tag(takes_context=True)
def board_cards(context: Any, column: Any) -> SafeString:
    """The <li> of each card of `column`: title, account, owner (not on a rep's own board), amount,
    probability, close date, next step, and the move form (stage picker) where the member may move.
    Every value is escaped with the standard library's html.escape (what Django's escape does,
    without its lazy-string checks on each call)."""
    tenant = context["tenant"]
    base, query, today = context["base_url"], context["board_query"], context["today"]
    labels = {key: esc(str(value)) for key, value in context["labels"].items()}
    can_move, show_owner = context["can_move"], context["show_owner"]
    csrf = esc(str(context.get("csrf_token", "")))
    stage = column.stage.pk
    options_html = str(column.options)
    out = []
    for opp in column.cards:
        pk = opp.pk
        if opp.customer_id:
            account = esc(opp.customer.name)
        else:
            account = f"{esc(opp.prospect_name)} · {labels['prospect']}"
        if show_owner:
            account += f" · {esc(opp.owner.name)}"
        close = f" · {labels['closes']} {_day(opp.expected_close)}" if opp.expected_close else ""
        late = " board-card--late" if opp.next_step_on is not None and opp.next_step_on < today else ""
        next_step = ""
        if opp.next_step:
            when = f" · {_day(opp.next_step_on)}" if opp.next_step_on else ""
            next_step = f'<div class="board-card__meta board-card__next">{esc(truncatechars(opp.next_step, 50))}{when}</div>'
        move = ""
        if can_move:
            action = esc(f"{base}{pk}/move/{query}")
            move = (
                f'<form class="board-card__move" method="post" action="{action}" hx-post="{action}" hx-target="#board">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
                f'<label class="visually-hidden" for="move-{pk}">{labels["stage"]}</label>'
                f'<select name="stage" id="move-{pk}">{options_html}</select>'
                f'<button type="submit" class="btn btn--small btn--ghost">{labels["move"]}</button></form>'
            )
        out.append(
            f'<li class="board-card{late}" id="opp-{pk}" data-stage="{stage}"{DRAGGABLE if can_move else ""}>'
            f'<a class="board-card__title" href="{esc(base)}{pk}/">{esc(opp.name)}</a>'
            f'<span class="board-card__meta">{account}</span>'
            f'<div class="board-card__meta">{esc(money(opp.amount, tenant.currency))} · {opp.probability}%{close}</div>'
            f"{next_step}{move}</li>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value in it went through esc()


@register.simple_tag
def options(choices: Any, selected: Any = None) -> SafeString:
    """<option>s of (value, label) pairs, the one equal to `selected` selected (the board's filters: a
    manager's line or an organisation of hundreds of account managers, without a widget per option)."""
    selected = "" if selected in (None, "") else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == selected else "", label)
            for value, label in choices
        ),  # noqa: S308
    )
