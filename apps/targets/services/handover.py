"""The hand-over (客户交接) of the targets app: the rep's targets of open periods move to the new rep.

See apps.targets.selectors.handover for which targets and why a begun period moves whole. A locked
target changes only through its change log, so each locked one moved gets a new version with the
hand-over as its reason (one bulk insert); the others just change owner. Set-based throughout.
"""

import datetime as dt

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.tenancy.models import Membership, Tenant

from ..models import Target, TargetChange
from ..selectors.handover import targets_to_hand_over


def target_handover_transfer(
    *, tenant: Tenant, source: Membership, target: Membership, by: Membership | None, today: dt.date
) -> list[int]:
    rows = list(
        targets_to_hand_over(tenant=tenant, source=source, today=today).values_list("pk", "status", "version")
    )
    if not rows:
        return []
    ids = [pk for pk, _status, _version in rows]
    locked = [(pk, version) for pk, status, version in rows if status == Target.Status.LOCKED]
    Target.objects.filter(tenant=tenant, pk__in=ids).update(rep=target, updated_at=timezone.now())
    if locked:
        Target.objects.filter(tenant=tenant, pk__in=[pk for pk, _v in locked]).update(
            version=F("version") + 1
        )
        reason = _("Hand-over from %(source)s to %(target)s") % {"source": source.name, "target": target.name}
        TargetChange.objects.bulk_create(
            [
                TargetChange(
                    tenant=tenant,
                    target_id=pk,
                    version=version + 1,
                    changed_by=by,
                    reason=reason,
                    changes={"rep": [str(source.pk), str(target.pk)]},
                )
                for pk, version in locked
            ]
        )
    return ids
