"""The hand-over (客户交接) of the visits app: planned visits from today on move to the new rep.

Per day, the moved visits land in the new rep's plan of that day when there is one. When there is
none, the old plan itself changes hands if every visit in it moves (its status and the manager's
review go with it: the work was approved, only who does it changed); otherwise (today's plan, with
visits already made) a draft plan is made for the new rep to hold the moved visits. A plan of the
old rep left with no visit at all is deleted: it held only what moved. Set-based: a handful of
statements whatever the number of visits.
"""

import datetime as dt

from django.db.models import Case, Count, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.tenancy.models import Membership, Tenant

from ..models import Visit, VisitPlan
from ..selectors.handover import visits_to_hand_over


def visit_handover_transfer(
    *, tenant: Tenant, source: Membership, target: Membership, by: Membership | None, today: dt.date
) -> list[int]:
    moving = list(visits_to_hand_over(tenant=tenant, source=source, today=today).values_list("pk", "plan_id"))
    if not moving:
        return []
    plan_ids = {plan_id for _pk, plan_id in moving}
    plans = dict(VisitPlan.objects.filter(tenant=tenant, pk__in=plan_ids).values_list("pk", "day"))
    sizes = dict(
        Visit.objects.filter(tenant=tenant, plan_id__in=plan_ids)
        .values("plan_id")
        .annotate(n=Count("id"))
        .values_list("plan_id", "n")
    )
    moving_per_plan: dict[int, int] = {}
    for _pk, plan_id in moving:
        moving_per_plan[plan_id] = moving_per_plan.get(plan_id, 0) + 1
    theirs = dict(
        VisitPlan.objects.filter(tenant=tenant, rep=target, day__in=set(plans.values())).values_list(
            "day", "pk"
        )
    )
    destination: dict[int, int] = {}  # source plan → plan the visits land in
    whole, emptied, split = [], [], []
    for plan_id, day in plans.items():
        moves_all = moving_per_plan[plan_id] == sizes[plan_id]
        if day in theirs:
            destination[plan_id] = theirs[day]
            if moves_all:
                emptied.append(plan_id)
        elif moves_all:
            destination[plan_id] = plan_id
            whole.append(plan_id)
        else:
            split.append(plan_id)
    if split:
        note = _("Handed over from %(name)s") % {"name": source.name}
        made = VisitPlan.objects.bulk_create(
            [VisitPlan(tenant=tenant, rep=target, day=plans[plan_id], note=note) for plan_id in split]
        )
        destination.update({plan_id: plan.pk for plan_id, plan in zip(split, made, strict=True)})
    now = timezone.now()
    VisitPlan.objects.filter(tenant=tenant, pk__in=whole).update(rep=target, updated_at=now)
    ids = [pk for pk, _plan in moving]
    Visit.objects.filter(tenant=tenant, pk__in=ids).update(
        rep=target,
        plan_id=Case(
            *[When(plan_id=src, then=Value(dst)) for src, dst in destination.items()],
            output_field=IntegerField(),
        ),
        updated_at=now,
    )
    VisitPlan.objects.filter(tenant=tenant, pk__in=emptied).delete()
    return ids
