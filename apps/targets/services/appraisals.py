"""Appraisals (考核): a rep's weighted KPI lines scored from target progress, the manager's rating
and feedback, and the rep's acknowledgement. Draft → submitted → acknowledged → closed; once
acknowledged an appraisal never changes again, so past appraisals read as they were signed."""

import datetime as dt
import math
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.org.models import ReportingClosure
from apps.org.selectors import can_see_member, supervises
from apps.tenancy.audit import audit_log, diff
from apps.tenancy.dates import period_end, tenant_today
from apps.tenancy.models import Membership, Role, Tenant
from apps.tenancy.money import CENT
from apps.tenancy.notifications import Message, notify_many, recipient_languages

from ..models import Appraisal, AppraisalCycle, AppraisalLine, ImprovementAction, Target
from ..selectors.metrics import metric_exists
from ..selectors.targets import target_progress

SCORE_CAP = 1.5  # attainment above 150 % scores as 150 %, so one line cannot carry the appraisal


HUNDRED = Decimal("100")


def _dec(value, places: str = "0.0001") -> Decimal | None:
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return None
    return Decimal(str(value)).quantize(Decimal(places))


def _score(weight: Decimal, attainment: Decimal | None) -> Decimal | None:
    if attainment is None:
        return None
    return (weight * min(attainment, Decimal(str(SCORE_CAP)))).quantize(Decimal("0.0001"))


def _today(tenant: Tenant, cycle: AppraisalCycle) -> dt.date:
    return min(tenant_today(tenant), cycle.period_end)


def _progress(targets: list[Target], *, tenant: Tenant, cycle: AppraisalCycle) -> dict[int, tuple]:
    """{target id: (actual, attainment)} from the set-based target_progress (one pass for all)."""
    if not targets:
        return {}
    frame = target_progress(tenant=tenant, targets=targets, today=_today(tenant, cycle))
    return {
        int(pk): (_dec(row["actual"]), _dec(row["attainment"]))  # type: ignore[call-overload]  # pk index
        for pk, row in frame[["actual", "attainment"]].iterrows()
    }


# Grains by length, and the grain of each cycle cadence.
_GRAIN_ORDER = {"week": 0, "month": 1, "quarter": 2, "year": 3}


_CADENCE_GRAIN: dict[str, str] = {
    AppraisalCycle.Cadence.MONTHLY: "month",
    AppraisalCycle.Cadence.QUARTERLY: "quarter",
    AppraisalCycle.Cadence.ANNUAL: "year",
}


def _cycle_targets(*, tenant: Tenant, reps: list[int], cycle: AppraisalCycle) -> list[Target]:
    """The rep targets an appraisal of the cycle scores, in one query: for each rep and KPI, its
    targets whose period overlaps the cycle and is no longer than the cycle's cadence; a KPI that has
    none of those is scored by its shortest target overlapping the cycle (a monthly appraisal scores
    the quarter's collections by their progress at the month's end).

    A target used to count when its period started inside the cycle, which made the month decide:
    a January appraisal also took the year's targets and the first quarter's, a November one no
    quarter target at all.
    """
    longest = _GRAIN_ORDER[_CADENCE_GRAIN.get(cycle.cadence, "year")]
    candidates = Target.objects.filter(
        tenant=tenant,
        owner_kind=Target.OwnerKind.REP,
        rep_id__in=reps,
        period_start__lte=cycle.period_end,
        period_start__gt=cycle.period_start - dt.timedelta(days=366),  # no period is longer than a year
    ).order_by("rep_id", "period_start", "metric", "id")
    by_kpi: dict[tuple[int | None, str], list[Target]] = {}
    for target in candidates:
        if period_end(target.period_start, target.grain) >= cycle.period_start:
            by_kpi.setdefault((target.rep_id, target.metric), []).append(target)
    chosen: set[int] = set()
    for own in by_kpi.values():
        fitting = [t for t in own if _GRAIN_ORDER[t.grain] <= longest]
        if not fitting:
            shortest = min(_GRAIN_ORDER[t.grain] for t in own)
            fitting = [t for t in own if _GRAIN_ORDER[t.grain] == shortest]
        chosen.update(t.pk for t in fitting)
    return [t for t in candidates if t.pk in chosen]


def _equal_weights(n: int) -> list[Decimal]:
    """n weights in hundredths summing to exactly 100, the remainder on the first."""
    if n == 0:
        return []
    share = (HUNDRED / n).quantize(CENT, rounding="ROUND_DOWN")
    weights = [share] * n
    weights[0] += HUNDRED - share * n
    return weights


def _line_reps(*, tenant: Tenant, by: Membership):
    reps = Membership.objects.filter(tenant=tenant, is_active=True, role=Role.REP)
    if by.role == Role.ADMIN:
        return reps
    if by.role != Role.MANAGER:
        raise PermissionDenied(_("Only a manager or an admin may start appraisals."))
    below = ReportingClosure.objects.filter(tenant=tenant, ancestor_id=by.pk, depth__gt=0).values(
        "descendant_id"
    )
    return reps.filter(pk__in=below)


@transaction.atomic
def appraisal_create_for_cycle(*, cycle: AppraisalCycle, by: Membership) -> list[Appraisal]:
    """A draft appraisal for every rep in the caller's line who has none in the cycle yet, its lines
    pre-filled from the rep's targets in the cycle period (equal weights) with their progress.

    A fixed number of queries whatever the number of reps: reps, existing appraisals, targets, the
    grouped progress queries, and one insert each for appraisals and lines.
    """
    tenant = cycle.tenant
    if cycle.status != AppraisalCycle.Status.OPEN:
        raise ValidationError({"cycle": _("The appraisal cycle is closed.")})
    reps = list(_line_reps(tenant=tenant, by=by).order_by("id").values_list("id", flat=True))
    existing = set(
        Appraisal.objects.filter(tenant=tenant, cycle=cycle, rep_id__in=reps).values_list("rep_id", flat=True)
    )
    reps = [r for r in reps if r not in existing]
    if not reps:
        return []
    targets = _cycle_targets(tenant=tenant, reps=reps, cycle=cycle)
    progress = _progress(targets, tenant=tenant, cycle=cycle)
    appraisals = Appraisal.objects.bulk_create(
        [Appraisal(tenant=tenant, cycle=cycle, rep_id=rep, manager=by) for rep in reps]
    )
    by_rep: dict[int | None, Appraisal] = {a.rep_id: a for a in appraisals}
    targets_of: dict[int | None, list[Target]] = {}
    for t in targets:
        targets_of.setdefault(t.rep_id, []).append(t)
    lines = []
    for rep, own in targets_of.items():
        for target, weight in zip(own, _equal_weights(len(own)), strict=True):
            actual, attainment = progress.get(target.pk, (None, None))
            lines.append(
                AppraisalLine(
                    tenant=tenant,
                    appraisal=by_rep[rep],
                    metric=target.metric,
                    target=target,
                    weight=weight,
                    actual=actual,
                    attainment=attainment,
                    score=_score(weight, attainment),
                )
            )
    AppraisalLine.objects.bulk_create(lines)
    audit_log(cycle, "targets.appraisal.created_for_cycle", actor=by, changes={"appraisals": len(appraisals)})
    return appraisals


def _locked(appraisal: Appraisal) -> Appraisal:
    return Appraisal.objects.select_for_update().get(tenant_id=appraisal.tenant_id, pk=appraisal.pk)


def _require(appraisal: Appraisal, status: str, action: str) -> None:
    if appraisal.status != status:
        raise ValidationError(
            {
                "status": _("Cannot %(action)s an appraisal that is %(status)s.")
                % {"action": action, "status": appraisal.status}
            }
        )


def _require_manager(appraisal: Appraisal, by: Membership) -> None:
    if not supervises(by, appraisal.rep_id):
        raise PermissionDenied(_("Only the manager above the account manager may do this."))


@transaction.atomic
def appraisal_set_lines(*, appraisal: Appraisal, by: Membership, lines: list[dict]) -> Appraisal:
    """Replace a draft's KPI lines. Each line: metric, optional target (one of the rep's), weight,
    note. Weights must sum to 100; actual, attainment and score are computed from progress."""
    appraisal = _locked(appraisal)
    _require(appraisal, Appraisal.Status.DRAFT, "edit")
    _require_manager(appraisal, by)
    if not lines:
        raise ValidationError({"lines": _("An appraisal needs at least one KPI line.")})
    total = sum((Decimal(str(line["weight"])) for line in lines), Decimal("0"))
    if total != HUNDRED:
        raise ValidationError({"lines": _("The weights sum to %(total)s, not 100.") % {"total": total}})
    targets = [line["target"] for line in lines if line.get("target") is not None]
    for line in lines:
        target = line.get("target")
        if target is not None:
            if target.tenant_id != appraisal.tenant_id or target.rep_id != appraisal.rep_id:
                raise ValidationError({"lines": _("A line's target must be one of the account manager's.")})
            line["metric"] = line.get("metric") or target.metric
        if not line.get("metric") or not metric_exists(tenant=appraisal.tenant, code=line["metric"]):
            raise ValidationError({"lines": _("Unknown metric %(code)s.") % {"code": line.get("metric")}})
    progress = _progress(targets, tenant=appraisal.tenant, cycle=appraisal.cycle)
    appraisal.lines.all().delete()
    rows = []
    for line in lines:
        weight = Decimal(str(line["weight"]))
        target = line.get("target")
        actual, attainment = progress.get(target.pk, (None, None)) if target else (None, None)
        rows.append(
            AppraisalLine(
                tenant_id=appraisal.tenant_id,
                appraisal=appraisal,
                metric=line["metric"],
                target=target,
                weight=weight,
                actual=actual,
                attainment=attainment,
                score=_score(weight, attainment),
                note=line.get("note", ""),
            )
        )
    AppraisalLine.objects.bulk_create(rows)
    appraisal.save(update_fields=["updated_at"])
    audit_log(appraisal, "targets.appraisal.lines_set", actor=by, changes={"lines": len(rows)})
    return appraisal


@transaction.atomic
def appraisal_submit(*, appraisal: Appraisal, by: Membership, rating: int, feedback: str = "") -> Appraisal:
    """The manager above the rep rates the draft (1–5) and hands it to the rep."""
    appraisal = _locked(appraisal)
    _require(appraisal, Appraisal.Status.DRAFT, "submit")
    _require_manager(appraisal, by)
    if not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": _("The rating is from 1 to 5.")})
    weights = list(appraisal.lines.values_list("weight", flat=True))
    if sum(weights, Decimal("0")) != HUNDRED:
        raise ValidationError({"lines": _("The weights must sum to 100 before submitting.")})
    appraisal.status, appraisal.rating, appraisal.feedback = Appraisal.Status.SUBMITTED, rating, feedback
    appraisal.manager, appraisal.submitted_at = by, timezone.now()
    appraisal.save()
    audit_log(appraisal, "targets.appraisal.submitted", actor=by, changes={"status": ["draft", "submitted"]})
    _tell(appraisal, appraisal.rep_id, by, "appraisal_submitted")
    return appraisal


@transaction.atomic
def appraisal_acknowledge(*, appraisal: Appraisal, by: Membership, comment: str = "") -> Appraisal:
    """The rep reads the submitted appraisal and signs it, with a comment; it is frozen from here on."""
    appraisal = _locked(appraisal)
    _require(appraisal, Appraisal.Status.SUBMITTED, "acknowledge")
    if by.pk != appraisal.rep_id:
        raise PermissionDenied(_("Only the appraised account manager may acknowledge."))
    appraisal.status, appraisal.rep_comment = Appraisal.Status.ACKNOWLEDGED, comment
    appraisal.acknowledged_at = timezone.now()
    appraisal.save()
    audit_log(
        appraisal,
        "targets.appraisal.acknowledged",
        actor=by,
        changes={"status": ["submitted", "acknowledged"]},
    )
    _tell(appraisal, appraisal.manager_id, by, "appraisal_acknowledged")
    return appraisal


def notification_title(kind: str, *, cycle: str, rep: str) -> str:
    """The title of an appraisal notification in the active language: to the rep when it is ready
    ("appraisal_submitted"), to the manager when the rep `rep` has signed it."""
    # The cycle's name usually says "appraisal" itself ("2026-11 monthly appraisal", "11 月月度考核"):
    # it stands apart after a colon, so no word is said twice.
    if kind == "appraisal_submitted":
        return _("Your appraisal is ready to read and acknowledge: %(cycle)s") % {"cycle": cycle}
    return _("%(rep)s acknowledged their appraisal: %(cycle)s") % {"rep": rep, "cycle": cycle}


def _tell(appraisal: Appraisal, recipient_id: int | None, by: Membership, kind: str) -> None:
    """In the app and by mail, in the recipient's language: the rep when their appraisal is ready
    to read and sign, the manager when the rep has signed. Once per appraisal and step."""
    if not recipient_id:
        return
    recipient = Membership.objects.select_related("user", "tenant").get(pk=recipient_id)
    cycle = AppraisalCycle.objects.get(pk=appraisal.cycle_id)
    with translation.override(recipient_languages([recipient])[recipient.pk]):
        title = notification_title(kind, cycle=cycle.name, rep=by.name)
    url = reverse(
        "appraisals:detail", kwargs={"tenant_slug": recipient.tenant.slug, "appraisal_id": appraisal.pk}
    )
    notify_many(
        tenant=recipient.tenant,
        messages=[
            Message(
                recipient=recipient,
                kind=kind,
                title=title,
                body=appraisal.rep_comment if kind == "appraisal_acknowledged" else "",
                url=url,
                dedupe_key=f"{kind}:{appraisal.pk}",
            )
        ],
    )


@transaction.atomic
def appraisal_close(*, appraisal: Appraisal, by: Membership) -> Appraisal:
    """The manager closes an acknowledged appraisal."""
    appraisal = _locked(appraisal)
    _require(appraisal, Appraisal.Status.ACKNOWLEDGED, "close")
    _require_manager(appraisal, by)
    appraisal.status = Appraisal.Status.CLOSED
    appraisal.save(update_fields=["status", "updated_at"])
    audit_log(appraisal, "targets.appraisal.closed", actor=by, changes={"status": ["acknowledged", "closed"]})
    return appraisal


@transaction.atomic
def appraisal_cycle_save(
    *, tenant: Tenant, by: Membership | None, cycle: AppraisalCycle | None = None, **data
) -> AppraisalCycle:
    """Create or edit a cycle (admins; `by=None` is the system: starter data): its name is unique in
    the organisation, its period in order."""
    if by is not None and by.role != Role.ADMIN:
        raise PermissionDenied(_("Only administrators define appraisal cycles."))
    start = data.get("period_start", cycle.period_start if cycle else None)
    end = data.get("period_end", cycle.period_end if cycle else None)
    if start and end and end < start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    name = data.get("name", cycle.name if cycle else "")
    taken = AppraisalCycle.objects.filter(tenant=tenant, name=name)
    if (taken.exclude(pk=cycle.pk) if cycle else taken).exists():
        raise ValidationError({"name": _("A cycle with this name already exists.")})
    if cycle is None:
        cycle = AppraisalCycle.objects.create(tenant=tenant, **data)
        audit_log(cycle, "targets.appraisal_cycle.created", actor=by)
        return cycle
    changes = diff(cycle, data)
    for field, value in data.items():
        setattr(cycle, field, value)
    cycle.save()
    audit_log(cycle, "targets.appraisal_cycle.updated", actor=by, changes=changes)
    return cycle


@transaction.atomic
def appraisal_cycle_delete(*, cycle: AppraisalCycle, by: Membership) -> None:
    if by.role != Role.ADMIN:
        raise PermissionDenied(_("Only administrators define appraisal cycles."))
    if cycle.appraisals.exists():
        raise ValidationError({"cycle": _("A cycle with appraisals cannot be deleted; close it instead.")})
    audit_log(cycle, "targets.appraisal_cycle.deleted", actor=by)
    cycle.delete()


ACTION_HORIZON_DAYS = 366  # an action is due at most a year after the cycle ends


def _open_for_actions(appraisal: Appraisal) -> None:
    """Actions are agreed while the appraisal is a draft or submitted; once the rep has signed it,
    what was agreed stays as it was signed."""
    if appraisal.is_frozen:
        raise ValidationError(
            {
                "appraisal": _("The appraisal is %(status)s: its improvement actions can no longer change.")
                % {"status": appraisal.get_status_display()}
            }
        )


def _check_owner(appraisal: Appraisal, by: Membership, owner: Membership) -> None:
    if owner.tenant_id != appraisal.tenant_id or not owner.is_active or not can_see_member(by, owner.pk):
        raise ValidationError({"owner": _("The owner must be an active member you can see.")})


def _check_due(appraisal: Appraisal, due_date: dt.date) -> None:
    today = tenant_today(appraisal.tenant)
    if due_date < today:
        raise ValidationError({"due_date": _("The due date is in the past.")})
    latest = appraisal.cycle.period_end + dt.timedelta(days=ACTION_HORIZON_DAYS)
    if due_date > latest:
        raise ValidationError(
            {
                "due_date": _("The due date is at most a year after the cycle ends (%(latest)s).")
                % {"latest": latest}
            }
        )


@transaction.atomic
def improvement_action_create(
    *, appraisal: Appraisal, by: Membership, description: str, owner: Membership, due_date: dt.date
) -> ImprovementAction:
    """The manager above the rep agrees an action with an owner and a due date."""
    appraisal = _locked(appraisal)
    _require_manager(appraisal, by)
    _open_for_actions(appraisal)
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe the action.")})
    _check_owner(appraisal, by, owner)
    _check_due(appraisal, due_date)
    action = ImprovementAction.objects.create(
        tenant_id=appraisal.tenant_id,
        appraisal=appraisal,
        description=description.strip(),
        owner=owner,
        due_date=due_date,
    )
    audit_log(
        action,
        "targets.improvement_action.created",
        actor=by,
        changes={"appraisal": appraisal.pk, "owner": owner.pk, "due_date": str(due_date)},
    )
    return action


@transaction.atomic
def improvement_action_update(*, action: ImprovementAction, by: Membership, **data) -> ImprovementAction:
    """Change an action's description, owner or due date (same rules as creating it)."""
    appraisal = _locked(action.appraisal)
    _require_manager(appraisal, by)
    _open_for_actions(appraisal)
    if "appraisal" in data and data.pop("appraisal").pk != appraisal.pk:
        raise ValidationError({"appraisal": _("An action stays with the appraisal it was agreed in.")})
    if "description" in data:
        data["description"] = (data["description"] or "").strip()
        if not data["description"]:
            raise ValidationError({"description": _("Describe the action.")})
    if "owner" in data and data["owner"].pk != action.owner_id:
        _check_owner(appraisal, by, data["owner"])
    if "due_date" in data and data["due_date"] != action.due_date:
        _check_due(appraisal, data["due_date"])
    changes = diff(action, data)
    for field, value in data.items():
        setattr(action, field, value)
    action.save()
    audit_log(action, "targets.improvement_action.updated", actor=by, changes=changes)
    return action


@transaction.atomic
def improvement_action_delete(*, action: ImprovementAction, by: Membership) -> None:
    appraisal = _locked(action.appraisal)
    _require_manager(appraisal, by)
    _open_for_actions(appraisal)
    audit_log(action, "targets.improvement_action.deleted", actor=by, changes={"appraisal": appraisal.pk})
    action.delete()


@transaction.atomic
def improvement_action_set_done(
    *, action: ImprovementAction, by: Membership, done: bool
) -> ImprovementAction:
    """The owner (or the manager above the rep) marks an action done or open again.

    Follow-up happens after the rep has signed, so this is allowed up to acknowledged; a closed
    appraisal is history and does not change."""
    appraisal = _locked(action.appraisal)
    if by.pk != action.owner_id and not supervises(by, appraisal.rep_id):
        raise PermissionDenied(_("Only the action's owner or the manager above may mark it done."))
    if appraisal.status == Appraisal.Status.CLOSED:
        raise ValidationError({"appraisal": _("The appraisal is closed: its actions no longer change.")})
    if action.done == done:
        return action
    action.done = done
    action.save(update_fields=["done", "updated_at"])
    status = ["open", "done"] if done else ["done", "open"]
    audit_log(action, "targets.improvement_action.status", actor=by, changes={"status": status})
    return action
