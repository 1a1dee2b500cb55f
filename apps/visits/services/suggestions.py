"""Tomorrow's plan, suggested: the pass that writes the suggestions of every rep of a tenant for a
day, and the rep's decisions on them (accept, drop, reorder).

The pass is ONE statement, whatever the number of reps and customers: the sources of
apps/visits/suggestions.py unioned, their scores added per (rep, customer) with every reason kept,
customers already planned for that day or already decided on left out, the strongest kept up to the
cap per rep (less the ones the rep has already decided on), ordered by area (the area with the
strongest suggestion first, then by score inside it) so the route is sensible, then upserted on
(tenant, rep, day, customer) and the pending suggestions no longer offered deleted, in data-modifying
CTEs. Running it twice leaves the same rows: decided suggestions are never touched."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.customers.services import ensure_assignable, ensure_can_write
from apps.tenancy.audit import audit_log
from apps.tenancy.dates import tenant_today
from apps.tenancy.models import Membership, Tenant

from ..models import PlanSuggestion, VisitPlan
from ..suggestions import DEFAULT_PER_REP, SOURCES, reason_purpose, reason_text, reps_filter
from .plans import visit_create, visit_plan_save

# Who gets suggestions: the members who make visits (a manager may own customers too).
FIELD_ROLES = ("rep", "manager")
DROP_REASON_MAX = 200


def suggestions_per_rep() -> int:
    return int(getattr(settings, "VISIT_SUGGESTIONS_PER_REP", DEFAULT_PER_REP))


def _pass_sql(reps: list[int] | None) -> str:
    sources = "\nUNION ALL\n".join(f"({s.sql(reps)})" for s in SOURCES)
    only = reps_filter("s.rep_id", reps)
    return f"""
    WITH raw AS (
        {sources}
    ), eligible AS (
        SELECT r.rep_id, r.customer_id, r.reason, r.score, r.detail
        FROM raw r
        JOIN tenancy_membership m ON m.tenant_id = %(tenant)s AND m.id = r.rep_id
        WHERE m.is_active AND m.role = ANY(%(roles)s)
          AND NOT EXISTS (
              SELECT 1 FROM visits_visit v
              WHERE v.tenant_id = %(tenant)s AND v.rep_id = r.rep_id AND v.day = %(day)s::date
                AND v.customer_id = r.customer_id)
          AND NOT EXISTS (
              SELECT 1 FROM visits_plansuggestion s
              WHERE s.tenant_id = %(tenant)s AND s.day = %(day)s::date AND s.rep_id = r.rep_id
                AND s.customer_id = r.customer_id AND s.status <> 'pending')
    ), combined AS (
        SELECT rep_id, customer_id, sum(score)::int AS score,
               jsonb_agg(jsonb_build_object('code', reason, 'score', score, 'detail', detail)
                         ORDER BY score DESC, reason) AS reasons,
               row_number() OVER (PARTITION BY rep_id ORDER BY sum(score) DESC, customer_id) AS n
        FROM eligible
        GROUP BY rep_id, customer_id
    ), decided AS (
        SELECT s.rep_id, count(*) AS n
        FROM visits_plansuggestion s
        WHERE s.tenant_id = %(tenant)s AND s.day = %(day)s::date AND s.status <> 'pending'{only}
        GROUP BY s.rep_id
    ), kept AS (
        SELECT k.rep_id, k.customer_id, k.score, k.reasons, COALESCE(rg.name, '') AS area
        FROM combined k
        LEFT JOIN decided d ON d.rep_id = k.rep_id
        JOIN customers_customer c ON c.tenant_id = %(tenant)s AND c.id = k.customer_id
        LEFT JOIN org_region rg ON rg.tenant_id = %(tenant)s AND rg.id = c.region_id
        WHERE k.n <= %(cap)s - COALESCE(d.n, 0)
    ), areas AS (
        SELECT kept.*, max(score) OVER (PARTITION BY rep_id, area) AS area_score FROM kept
    ), placed AS (
        SELECT areas.*,
               row_number() OVER (PARTITION BY rep_id
                                  ORDER BY area_score DESC, area, score DESC, customer_id) - 1 AS position
        FROM areas
    ), upserted AS (
        INSERT INTO visits_plansuggestion AS s
            (tenant_id, rep_id, day, customer_id, area, score, reasons, position, status, drop_reason,
             created_at, updated_at)
        SELECT %(tenant)s, rep_id, %(day)s::date, customer_id, left(area, 120), score, reasons, position,
               'pending', '', %(now)s, %(now)s
        FROM placed
        ON CONFLICT (tenant_id, rep_id, day, customer_id) DO UPDATE
            SET area = EXCLUDED.area, score = EXCLUDED.score, reasons = EXCLUDED.reasons,
                position = EXCLUDED.position, updated_at = EXCLUDED.updated_at
            WHERE s.status = 'pending'
        RETURNING 1
    ), removed AS (
        DELETE FROM visits_plansuggestion s
        WHERE s.tenant_id = %(tenant)s AND s.day = %(day)s::date AND s.status = 'pending'{only}
          AND NOT EXISTS (SELECT 1 FROM placed p WHERE p.rep_id = s.rep_id AND p.customer_id = s.customer_id)
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM upserted), (SELECT count(*) FROM removed)
    """  # noqa: S608 - the sources' SQL and fixed fragments; every value is a bound parameter


@transaction.atomic
def plan_suggestions_compute(
    *, tenant: Tenant, day: dt.date, reps: list[Membership] | None = None, cap: int | None = None
) -> dict[str, int]:
    """Suggest the visits of `day` for every rep of the tenant (or only `reps`) in one statement;
    returns how many suggestions were written and how many stale pending ones were removed."""
    rep_ids = None if reps is None else [m.pk for m in reps]
    params: dict[str, Any] = {
        "tenant": tenant.pk,
        "day": day,
        "reps": rep_ids,
        "roles": list(FIELD_ROLES),
        "cap": suggestions_per_rep() if cap is None else cap,
        "now": timezone.now(),
    }
    with connection.cursor() as cur:
        cur.execute(_pass_sql(rep_ids), params)
        written, removed = cur.fetchone()
    return {"written": written, "removed": removed}


def _ensure_decider(*, by: Membership, suggestion: PlanSuggestion) -> None:
    """The rep decides on their own suggestions; a manager or admin may for someone they supervise."""
    ensure_can_write(by)
    ensure_assignable(by=by, member=suggestion.rep, field="rep")


def _locked(suggestion: PlanSuggestion) -> PlanSuggestion:
    return (
        PlanSuggestion.objects.select_for_update(of=("self",))
        .select_related("customer", "rep")
        .get(tenant_id=suggestion.tenant_id, pk=suggestion.pk)
    )


def _ensure_pending(suggestion: PlanSuggestion, tenant: Tenant) -> None:
    if suggestion.status != PlanSuggestion.Status.PENDING:
        raise ValidationError(
            _("This suggestion was already %(status)s.") % {"status": suggestion.get_status_display().lower()}
        )
    if suggestion.day < tenant_today(tenant):
        raise ValidationError({"day": _("This suggestion was for a day that has passed.")})


def _decided(suggestion: PlanSuggestion, by: Membership, action: str, **fields) -> PlanSuggestion:
    changes = {"status": [suggestion.status, fields["status"]]}
    for name, value in {**fields, "decided_at": timezone.now(), "decided_by": by}.items():
        setattr(suggestion, name, value)
    suggestion.save(update_fields=[*fields, "decided_at", "decided_by", "updated_at"])
    audit_log(suggestion, f"visits.suggestion.{action}", actor=by, changes=changes)
    return suggestion


@transaction.atomic
def plan_suggestion_accept(*, suggestion: PlanSuggestion, by: Membership) -> PlanSuggestion:
    """Add the suggested visit to the rep's plan of its day (the plan is created with it when there
    is none; it must be a draft or returned); the new plan item is remembered in `visit`."""
    suggestion = _locked(suggestion)
    tenant = by.tenant
    _ensure_decider(by=by, suggestion=suggestion)
    _ensure_pending(suggestion, tenant)
    rep, day = suggestion.rep, suggestion.day
    plan = VisitPlan.objects.filter(tenant=tenant, rep=rep, day=day).first()
    if plan is None:
        plan = visit_plan_save(tenant=tenant, by=by, day=day, rep=rep)
    note = " ".join(reason_text(r) for r in suggestion.reasons)
    visit = visit_create(
        tenant=tenant,
        by=by,
        plan=plan,
        customer=suggestion.customer,
        area=suggestion.area,
        purpose=reason_purpose(suggestion.reasons),
        note=note[:500],
    )
    return _decided(suggestion, by, "accepted", status=PlanSuggestion.Status.ACCEPTED, visit=visit)


@transaction.atomic
def plan_suggestion_drop(*, suggestion: PlanSuggestion, by: Membership, reason: str = "") -> PlanSuggestion:
    """Not this time: the suggestion is kept as dropped (with the rep's reason, if given), so the
    evening pass does not offer it again for that day."""
    reason = (reason or "").strip()
    if len(reason) > DROP_REASON_MAX:
        raise ValidationError({"reason": _("At most %(n)d characters, please.") % {"n": DROP_REASON_MAX}})
    suggestion = _locked(suggestion)
    _ensure_decider(by=by, suggestion=suggestion)
    _ensure_pending(suggestion, by.tenant)
    return _decided(suggestion, by, "dropped", status=PlanSuggestion.Status.DROPPED, drop_reason=reason)


@transaction.atomic
def plan_suggestion_reorder(
    *, tenant: Tenant, by: Membership, rep: Membership, day: dt.date, order: list[int]
) -> list[PlanSuggestion]:
    """Put the rep's pending suggestions of `day` in the given order: `order` names each of them once."""
    ensure_can_write(by)
    ensure_assignable(by=by, member=rep, field="rep")
    pending = {
        s.pk: s
        for s in PlanSuggestion.objects.select_for_update().filter(
            tenant=tenant, rep=rep, day=day, status=PlanSuggestion.Status.PENDING
        )
    }
    if len(order) != len(set(order)) or set(order) != set(pending):
        raise ValidationError(
            {"order": _("Name each pending suggestion of this account manager and day once.")}
        )
    changed, now = [], timezone.now()
    for position, pk in enumerate(order):
        if pending[pk].position != position:
            pending[pk].position, pending[pk].updated_at = position, now
            changed.append(pending[pk])
    if changed:
        PlanSuggestion.objects.bulk_update(changed, ["position", "updated_at"])
    return [pending[pk] for pk in order]


@transaction.atomic
def plan_suggestion_move(*, suggestion: PlanSuggestion, by: Membership, offset: int) -> list[PlanSuggestion]:
    """One step up (-1) or down (+1) among the rep's pending suggestions of the day (the page's arrows).
    The day's pending rows are locked as they are read, so a decision taken meanwhile is seen here."""
    ids = list(
        PlanSuggestion.objects.select_for_update()
        .filter(
            tenant_id=suggestion.tenant_id,
            rep_id=suggestion.rep_id,
            day=suggestion.day,
            status=PlanSuggestion.Status.PENDING,
        )
        .order_by("position", "-score", "id")
        .values_list("pk", flat=True)
    )
    if suggestion.pk not in ids:
        raise ValidationError(_("Only a pending suggestion can be moved."))
    at = ids.index(suggestion.pk)
    to = max(0, min(len(ids) - 1, at + offset))
    ids.insert(to, ids.pop(at))
    return plan_suggestion_reorder(tenant=by.tenant, by=by, rep=suggestion.rep, day=suggestion.day, order=ids)
