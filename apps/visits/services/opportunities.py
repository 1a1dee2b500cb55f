"""A visit advances an opportunity (商机): at a customer with open opportunities, the rep picks one and
moves its stage or sets its next step; the pipeline keeps the stage change, this app the visit it
came from."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.pipeline import services as pipeline_services
from apps.pipeline.models import Opportunity, Stage
from apps.tenancy.models import Membership

from ..models import Visit, VisitOpportunityMove


@transaction.atomic
def visit_opportunity_advance(
    *, visit: Visit, by: Membership, opportunity: Opportunity, stage: Stage, note: str = "", **changes: Any
) -> VisitOpportunityMove:
    """Move `opportunity` (of the visit's customer) to `stage` with `changes` (next step, its date,
    expected close), noting the visit on the stage change; refused like any move when the stage
    requires a field the opportunity lacks."""
    if visit.rep_id != by.pk:
        raise PermissionDenied(_("Only the visit's own account manager records what came of it."))
    if visit.customer_id is None or opportunity.customer_id != visit.customer_id:
        raise ValidationError({"opportunity": _("Choose an open opportunity of the visited customer.")})
    change = pipeline_services.opportunity_move(
        opportunity=opportunity,
        by=by,
        stage=stage,
        note=note or _("Visit of %(day)s") % {"day": visit.day.isoformat()},
        **changes,
    )
    return VisitOpportunityMove.objects.create(tenant_id=visit.tenant_id, visit=visit, stage_change=change)
