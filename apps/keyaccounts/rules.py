"""The rules a plan's and a stage's dates and goals obey, shared by the services (which enforce them)
and the forms (which show each on its field before a save is tried)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

STAGE_FIELDS = ("name", "starts_on", "ends_on", "revenue_goal", "satisfaction_goal", "goals")
SCORE_MAX = Decimal(5)


def period_errors(starts_on: dt.date | None, ends_on: dt.date | None) -> dict[str, str]:
    if starts_on and ends_on and ends_on <= starts_on:
        return {"ends_on": _("The end must be after the start.")}
    return {}


def stage_errors(
    *,
    plan_starts_on: dt.date,
    plan_ends_on: dt.date,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    revenue_goal: Decimal | None = None,
    satisfaction_goal: Decimal | None = None,
) -> dict[str, str]:
    """A stage lies inside its plan's period, ends after it starts, and its goals are not negative."""
    errors: dict[str, str] = {}
    inside = _("Must lie within the plan's period (%(start)s – %(end)s).") % {
        "start": plan_starts_on.isoformat(),
        "end": plan_ends_on.isoformat(),
    }
    if starts_on and not plan_starts_on <= starts_on <= plan_ends_on:
        errors["starts_on"] = inside
    if ends_on and not plan_starts_on <= ends_on <= plan_ends_on:
        errors["ends_on"] = inside
    errors.update({k: v for k, v in period_errors(starts_on, ends_on).items() if k not in errors})
    if revenue_goal is not None and revenue_goal < 0:
        errors["revenue_goal"] = _("A goal cannot be negative.")
    if satisfaction_goal is not None and not Decimal(0) <= satisfaction_goal <= SCORE_MAX:
        errors["satisfaction_goal"] = _("A satisfaction score lies between 0 and 5.")
    return errors


def raise_errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)
