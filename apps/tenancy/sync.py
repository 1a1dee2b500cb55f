"""Incremental sync that never skips a late-committing row.

Every synced row carries the id of the transaction that last wrote it (sync_xid, set by a trigger).
A sync delivers rows with since <= sync_xid < horizon, where horizon is the oldest transaction still
running when the sync starts: every transaction below it has finished, so nothing can appear later
below the horizon. The next sync starts at the horizon. A long transaction holds the horizon back
(rows arrive later, never lost).
"""

import base64
import json

from django.db import connection
from django.db.models import Q, QuerySet
from rest_framework import serializers


def current_horizon() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        return cur.fetchone()[0]


BIGINT_MAX = 2**63 - 1


def encode_cursor(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()


def decode_cursor(raw: str) -> dict:
    try:
        data = json.loads(base64.urlsafe_b64decode(raw.encode()))
        state = {"h": int(data["h"]), "x": int(data["x"]), "i": int(data["i"])}
        if not all(0 <= v <= BIGINT_MAX for v in state.values()):
            raise ValueError
        return state
    except (ValueError, KeyError, TypeError, json.JSONDecodeError, UnicodeError):
        raise serializers.ValidationError({"sync_cursor": ["Invalid sync cursor."]})


def parse_since(raw: str) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise serializers.ValidationError(
            {"updated_since": ["A sync token: 0 for a full sync, or the sync_token of the previous sync."]}
        )
    if not 0 <= value <= BIGINT_MAX:
        raise serializers.ValidationError({"updated_since": ["Must be between 0 and 2^63-1."]})
    return value


def sync_page(qs: QuerySet, *, since: int, cursor: str | None, size: int) -> tuple[list, dict | None, int]:
    """One page of rows changed since `since`. Returns (rows, next cursor or None, horizon)."""
    if cursor:
        state = decode_cursor(cursor)
        horizon, after = state["h"], Q(sync_xid__gt=state["x"]) | Q(sync_xid=state["x"], id__gt=state["i"])
        qs = qs.filter(after)
    else:
        horizon = current_horizon()
    rows = list(qs.filter(sync_xid__gte=since, sync_xid__lt=horizon).order_by("sync_xid", "id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    nxt = {"h": horizon, "x": rows[-1].sync_xid, "i": rows[-1].id} if more else None
    return rows, nxt, horizon
