"""Target writes: the SMART record, the achievability check, the approval workflow, decomposition
into children, seasonal profiles and the lock's change log."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.tenancy.audit import audit_log, diff
from apps.tenancy.dates import period_end, period_floor, period_shift
from apps.tenancy.models import Membership, Role, Tenant
from apps.tenancy.money import CENT

from ..engine import compute
from ..models import TARGET_FIELDS, SeasonalProfile, Target, TargetChange
from ..selectors.metrics import metric_exists, metric_is_additive
from ..selectors.targets import DIMENSION_FILTER, OWNER_DIMENSION, target_filters, target_rights

PERIODS_PER_YEAR = {"week": 52, "month": 12, "quarter": 4, "year": 1}


def weights_validate(weights) -> list[float]:
    if (
        not isinstance(weights, list)
        or len(weights) != 12
        or not all(isinstance(w, int | float) and not isinstance(w, bool) and w >= 0 for w in weights)
        or sum(weights) <= 0
    ):
        raise ValidationError({"weights": _("A seasonal profile has twelve non-negative monthly weights.")})
    return [float(w) for w in weights]


@transaction.atomic
def seasonal_profile_save(
    *, tenant: Tenant, by: Membership | None, profile: SeasonalProfile | None = None, **fields
) -> SeasonalProfile:
    """Create or edit a seasonal profile (admins; `by=None` is the system: starter data)."""
    if by is not None and by.role != Role.ADMIN:
        raise PermissionDenied(_("Only administrators define seasonal profiles."))
    profile = profile or SeasonalProfile(tenant=tenant)
    created = profile.pk is None
    changes = {} if created else diff(profile, fields)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.weights = weights_validate(profile.weights)
    profile.clean_fields(exclude=["tenant", "weights"])
    if SeasonalProfile.objects.filter(tenant=tenant, name=profile.name).exclude(pk=profile.pk).exists():
        raise ValidationError({"name": _("A profile with this name already exists.")})
    profile.save()
    audit_log(
        profile,
        "targets.profile.created" if created else "targets.profile.updated",
        actor=by,
        changes=changes,
    )
    return profile


@transaction.atomic
def seasonal_profile_delete(*, profile: SeasonalProfile, by: Membership) -> None:
    if by.role != Role.ADMIN:
        raise PermissionDenied(_("Only administrators define seasonal profiles."))
    audit_log(profile, "targets.profile.deleted", actor=by)
    profile.delete()


def _check_owner_access(*, by: Membership, target: Target) -> None:
    if not target_rights(viewer=by).may_set(target):
        raise PermissionDenied(_("You may not set targets for this owner."))


def _may_approve(*, by: Membership, target: Target) -> bool:
    return target_rights(viewer=by).may_approve(target)


def target_validate(*, target: Target) -> None:
    """Metric known, owner given per its kind, period aligned to its grain, one dimension row, parent coherent."""
    errors: dict[str, str] = {}
    if not metric_exists(tenant=target.tenant, code=target.metric):
        errors["metric"] = _("Unknown metric: %(code)s") % {"code": target.metric}
    kind = target.owner_kind
    if kind == Target.OwnerKind.REP and not target.rep_id:
        errors["rep"] = _("A rep target names its account manager.")
    if kind == Target.OwnerKind.TEAM and not target.team_id:
        errors["team"] = _("A team target names its team.")
    if kind != Target.OwnerKind.REP:
        target.rep = None
    if kind != Target.OwnerKind.TEAM:
        target.team = None
    if (
        target.grain
        and target.period_start
        and period_floor(target.period_start, target.grain) != target.period_start
    ):
        errors["period_start"] = _("A %(grain)s period starts on %(day)s.") % {
            "grain": target.grain,
            "day": period_floor(target.period_start, target.grain),
        }
    for dimension in DIMENSION_FILTER:
        if dimension != target.dimension and getattr(target, f"{dimension}_id"):
            errors[dimension] = _("Only the target's dimension may be set.")
    if target.dimension and not target.dimension_id:
        errors[target.dimension] = _("Choose the %(dimension)s.") % {"dimension": target.dimension}
    if target.value is not None and target.value < 0:
        errors["value"] = _("A target is not negative.")
    parent = target.parent
    if parent is not None and not errors:
        if parent.pk == target.pk:
            errors["parent"] = _("A target cannot serve itself.")
        elif parent.metric != target.metric:
            errors["parent"] = _("A child target measures its parent's metric.")
        elif not (
            parent.period_start <= target.period_start
            and period_end(target.period_start, target.grain) <= period_end(parent.period_start, parent.grain)
        ):
            errors["parent"] = _("A child target's period lies within its parent's.")
    if errors:
        raise ValidationError(errors)


def achievability_check(*, target: Target) -> str:
    """Compare the value with the owner's same period last year and trailing run-rate (last three
    periods); far above or below both gets a warning the author must justify. One compute() call."""
    grain, start = target.grain, target.period_start
    last_year = period_shift(start, grain, -PERIODS_PER_YEAR[grain])
    window_start = min(last_year, period_shift(start, grain, -3))
    by = OWNER_DIMENSION[target.owner_kind]
    filters = target_filters(target)
    if target.owner_kind == Target.OwnerKind.REP:
        filters["rep_ids"] = [target.rep_id]
    frame = compute(
        tenant=target.tenant,
        metrics=[target.metric],
        grain=grain,
        start=window_start,
        end=start - dt.timedelta(days=1),
        by=by,
        filters=filters,
    )
    series = frame[target.metric] if not frame.empty else pd.Series(dtype=float)
    owned = series[series.index.get_level_values("key") == target.owner_id] if len(series) else series
    values = {period: value for (_key, period), value in owned.items()}  # type: ignore[misc,has-type]  # (key, period) index
    ly = values.get(last_year, 0.0)
    trailing = [values.get(period_shift(start, grain, -n), 0.0) for n in (1, 2, 3)]
    run_rate = sum(trailing) / 3
    references = [v for v in (ly, run_rate) if v and v == v]
    if not references:
        return ""
    value = float(target.value)
    if value > 1.5 * max(references):
        return _("Far above history: last year %(ly).2f, run-rate %(rr).2f.") % {"ly": ly, "rr": run_rate}
    if value < 0.8 * min(references):
        return _("Below history: last year %(ly).2f, run-rate %(rr).2f.") % {"ly": ly, "rr": run_rate}
    return ""


@transaction.atomic
def target_create(*, tenant: Tenant, by: Membership, **fields) -> Target:
    target = Target(tenant=tenant, created_by=by, **{k: v for k, v in fields.items() if k in TARGET_FIELDS})
    target_validate(target=target)
    _check_owner_access(by=by, target=target)
    target.achievability_warning = achievability_check(target=target)
    target.save()
    audit_log(target, "targets.target.created", actor=by)
    return target


@transaction.atomic
def target_update(*, target: Target, by: Membership, reason: str = "", **fields) -> Target:
    """Drafts and proposals change freely; an approved target goes back to draft to change; a locked
    one changes only with a reason, as a new version in its change log."""
    target = Target.objects.select_for_update().get(tenant_id=target.tenant_id, pk=target.pk)
    _check_owner_access(by=by, target=target)
    if target.status == Target.Status.APPROVED:
        raise ValidationError({"status": _("An approved target is returned to draft before it changes.")})
    fields = {k: v for k, v in fields.items() if k in TARGET_FIELDS}
    if target.status == Target.Status.LOCKED:
        fields = {k: v for k, v in fields.items() if k in ("value", "statement", "justification")}
        if not reason.strip():
            raise ValidationError({"reason": _("A change to a locked target needs a reason.")})
    changes = diff(target, fields)
    for name, value in fields.items():
        setattr(target, name, value)
    target_validate(target=target)
    _check_owner_access(by=by, target=target)
    if {"value", "metric", "period_start", "grain", "owner_kind", "rep", "team"} & set(changes):
        target.achievability_warning = achievability_check(target=target)
    if target.status == Target.Status.LOCKED and changes:
        target.version += 1
        TargetChange.objects.create(
            tenant_id=target.tenant_id,
            target=target,
            version=target.version,
            changed_by=by,
            reason=reason.strip(),
            changes=changes,
        )
    target.save()
    audit_log(target, "targets.target.updated", actor=by, changes=changes)
    return target


def children_mismatch(*, target: Target) -> Decimal | None:
    """Parent value minus the sum of its children, for additive metrics with children; else None."""
    if not metric_is_additive(tenant=target.tenant, code=target.metric):
        return None
    values = list(
        Target.objects.filter(tenant_id=target.tenant_id, parent=target).values_list("value", flat=True)
    )
    if not values:
        return None
    gap = target.value - sum(values, Decimal("0"))
    return gap if abs(gap) >= CENT else None


TRANSITIONS = {
    "propose": (Target.Status.DRAFT, Target.Status.PROPOSED),
    "return": (Target.Status.PROPOSED, Target.Status.DRAFT),
    "approve": (Target.Status.PROPOSED, Target.Status.APPROVED),
    "reopen": (Target.Status.APPROVED, Target.Status.DRAFT),
    "lock": (Target.Status.APPROVED, Target.Status.LOCKED),
}


@transaction.atomic
def target_transition(*, target: Target, by: Membership, action: str, justification: str = "") -> Target:
    if action not in TRANSITIONS:
        raise ValidationError({"action": _("Unknown action.")})
    target = Target.objects.select_for_update().get(tenant_id=target.tenant_id, pk=target.pk)
    source, dest = TRANSITIONS[action]
    if target.status != source:
        raise ValidationError(
            {
                "status": _("Cannot %(action)s a target that is %(status)s.")
                % {"action": action, "status": target.status}
            }
        )
    if action == "propose":
        _check_owner_access(by=by, target=target)
        if justification:
            target.justification = justification
        if target.achievability_warning and not target.justification.strip():
            raise ValidationError(
                {
                    "justification": _("Justify the value against history: %(w)s")
                    % {"w": target.achievability_warning}
                }
            )
    elif not _may_approve(by=by, target=target):
        raise PermissionDenied(_("Only the manager above the owner may do this."))
    if action == "approve":
        gap = children_mismatch(target=target)
        if gap is not None:
            raise ValidationError({"value": _("The children miss the parent by %(gap)s.") % {"gap": gap}})
        target.approved_by = by
    if action == "reopen":
        target.approved_by = None
    target.status = dest
    target.save()
    audit_log(target, f"targets.target.{action}", actor=by, changes={"status": [source, dest]})
    return target


def targets_lock_due(*, tenant: Tenant, today: dt.date) -> int:
    """Lock every approved target whose period has started (the beat task calls this daily)."""
    return Target.objects.filter(
        tenant=tenant, status=Target.Status.APPROVED, period_start__lte=today
    ).update(status=Target.Status.LOCKED)


def _split(total: Decimal, weights: list[float]) -> list[Decimal]:
    """Shares of `total` by weight, in cents, the rounding remainder on the largest share so they sum exactly."""
    weight_sum = sum(weights)
    if weight_sum <= 0:
        weights, weight_sum = [1.0] * len(weights), float(len(weights))
    parts = [(total * Decimal(w / weight_sum)).quantize(CENT, ROUND_HALF_UP) for w in weights]
    parts[max(range(len(parts)), key=lambda i: weights[i])] += total - sum(parts, Decimal("0"))
    return parts


def _child_key(parent: Target, child: dict) -> tuple[str, int]:
    """The slice (dimension, key) of history a child stands for."""
    if child.get("rep") is not None:
        return "rep", child["rep"].pk
    if child.get("team") is not None:
        return "team", child["team"].pk
    for dimension in DIMENSION_FILTER:
        if child.get(dimension) is not None:
            return dimension, child[dimension].pk
    return OWNER_DIMENSION[parent.owner_kind], parent.owner_id  # a sub-period of the same owner


def historical_weights(*, parent: Target, children: list[dict]) -> list[float]:
    """Each child's actual in the same period last year: one compute() per (slice dimension, grain),
    read with pandas."""
    ly_start = period_shift(parent.period_start, parent.grain, -PERIODS_PER_YEAR[parent.grain])
    ly_end = period_end(ly_start, parent.grain)
    filters = target_filters(parent)
    if parent.owner_kind == Target.OwnerKind.REP:
        filters["rep_ids"] = [parent.rep_id]
    frames: dict[tuple[str, str], pd.Series] = {}
    weights = []
    for child in children:
        dimension, key = _child_key(parent, child)
        grain = child.get("grain", parent.grain)
        if (dimension, grain) not in frames:
            frame = compute(
                tenant=parent.tenant,
                metrics=[parent.metric],
                grain=grain,
                start=ly_start,
                end=ly_end,
                by=dimension,
                filters=filters,
            )
            frames[(dimension, grain)] = frame[parent.metric] if not frame.empty else pd.Series(dtype=float)
        period = period_floor(child.get("period_start", parent.period_start), grain)
        last = period_shift(period, grain, -PERIODS_PER_YEAR[grain])
        if grain == parent.grain:
            last = ly_start  # the same slice of the parent's own period last year
        weights.append(float(frames[(dimension, grain)].get((key, last), 0.0)))
    return weights


def decompose_amounts(
    *,
    parent: Target,
    children: list[dict],
    method: str = "equal",
    profile: list[float] | None = None,
    seasonal_profile: SeasonalProfile | None = None,
    values: list[Decimal] | None = None,
) -> list[Decimal]:
    """Each child's share of the parent (nothing saved): additive metrics split the value (equal,
    historical share, seasonal profile by the child's months, or by hand, which must then sum); ratio
    metrics give each child the parent's value unless values are given by hand. The breakdown page
    shows these as editable values before it saves."""
    if not children:
        raise ValidationError({"children": _("Give at least one child.")})
    additive = metric_is_additive(tenant=parent.tenant, code=parent.metric)
    if method == "manual":
        if not values or len(values) != len(children):
            raise ValidationError({"values": _("Give one value per child.")})
        amounts = [Decimal(str(v)) for v in values]
        if additive and abs(sum(amounts, Decimal("0")) - parent.value) >= CENT:
            raise ValidationError(
                {
                    "values": _("The children sum to %(sum)s, not %(parent)s.")
                    % {"sum": sum(amounts), "parent": parent.value}
                }
            )
        return amounts
    if not additive:
        return [parent.value] * len(children)
    if method == "equal":
        return _split(parent.value, [1.0] * len(children))
    if method == "history":
        return _split(parent.value, historical_weights(parent=parent, children=children))
    if method == "seasonal":
        if seasonal_profile is not None:
            profile = seasonal_profile.weights
        if not profile or len(profile) != 12 or any(p < 0 for p in profile):
            raise ValidationError(
                {"profile": _("A seasonal profile has twelve non-negative monthly weights.")}
            )
        weights = []
        for child in children:
            start = child.get("period_start", parent.period_start)
            grain = child.get("grain", parent.grain)
            end = period_shift(start, grain, 1)
            months, day = [], start.replace(day=1)
            while day < end:
                months.append(profile[day.month - 1])
                day = period_shift(day, "month", 1)
            weights.append(sum(months))
        return _split(parent.value, weights)
    raise ValidationError({"method": _("Unknown allocation method.")})


@transaction.atomic
def target_decompose(
    *,
    parent: Target,
    by: Membership,
    children: list[dict],
    method: str = "equal",
    profile: list[float] | None = None,
    seasonal_profile: SeasonalProfile | None = None,
    values: list[Decimal] | None = None,
) -> list[Target]:
    """Split a parent the author may set into draft children, each given as target fields (rep/team,
    sub-period, or a dimension row), valued by decompose_amounts."""
    _check_owner_access(by=by, target=parent)
    amounts = decompose_amounts(
        parent=parent,
        children=children,
        method=method,
        profile=profile,
        seasonal_profile=seasonal_profile,
        values=values,
    )
    created = []
    for child, amount in zip(children, amounts, strict=True):
        fields = {
            "metric": parent.metric,
            "owner_kind": parent.owner_kind,
            "team": parent.team,
            "rep": parent.rep,
            "grain": parent.grain,
            "period_start": parent.period_start,
            "dimension": parent.dimension,
            "category": parent.category,
            "product": parent.product,
            "region": parent.region,
            "customer": parent.customer,
            **child,
            "value": amount,
            "parent": parent,
        }
        if child.get("rep") is not None:
            fields.update(owner_kind="rep", team=None)
        elif child.get("team") is not None:
            fields.update(owner_kind="team", rep=None)
        for dimension in DIMENSION_FILTER:
            if child.get(dimension) is not None:
                fields["dimension"] = dimension
        fields.setdefault("statement", parent.statement)
        created.append(target_create(tenant=parent.tenant, by=by, **fields))
    return created


@transaction.atomic
def target_delete(*, target: Target, by: Membership) -> None:
    """Only a draft without children goes away; anything further along is kept for the record."""
    _check_owner_access(by=by, target=target)
    if target.status != Target.Status.DRAFT:
        raise ValidationError({"status": _("Only draft targets can be deleted.")})
    if Target.objects.filter(tenant_id=target.tenant_id, parent=target).exists():
        raise ValidationError({"children": _("Delete or move its children first.")})
    audit_log(target, "targets.target.deleted", actor=by)
    target.delete()
