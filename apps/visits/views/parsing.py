"""Parameters of the visit and report pages that a hand-edited URL or a stale form may get wrong:
a value that does not parse counts as a missing one, and the page falls back to its default."""

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from apps.tenancy.dates import tenant_today
from apps.tenancy.http import TenantRequest

T = TypeVar("T")


def parsed(convert: Callable[[str], T], raw: str | None, default: T) -> T:
    """`convert(raw)`, or `default` when raw is empty or `convert` refuses it (ValueError)."""
    if not raw:
        return default
    try:
        return convert(raw)
    except ValueError:
        return default


def day_param(request: TenantRequest) -> dt.date:
    """The page's `day` (query string, else form), in the tenant's calendar: today when it is missing
    or not a date."""
    raw = request.GET.get("day") or request.POST.get("day")
    return parsed(dt.date.fromisoformat, raw, tenant_today(request.tenant))
