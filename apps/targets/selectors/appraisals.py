"""Reads of appraisals and their improvement actions, restricted to what the viewer may see."""

from django.db.models import Count, Q, QuerySet

from apps.org.selectors import restrict_to_viewer, visible_member_ids
from apps.tenancy.models import Membership, Tenant

from ..models import Appraisal, AppraisalCycle, ImprovementAction


def appraisal_list(*, tenant: Tenant, viewer: Membership) -> QuerySet[Appraisal]:
    """Appraisals the viewer may read: a rep their own, a manager their line's, an admin all."""
    qs = Appraisal.objects.filter(tenant=tenant)
    return restrict_to_viewer(qs, viewer, "rep")


def improvement_action_list(*, tenant: Tenant, viewer: Membership) -> QuerySet[ImprovementAction]:
    """Actions of the appraisals the viewer may read, and the actions the viewer owns."""
    qs = ImprovementAction.objects.filter(tenant=tenant)
    ids = visible_member_ids(viewer)
    if ids is None:
        return qs
    return qs.filter(Q(appraisal__rep__in=ids) | Q(owner=viewer))


def appraisal_cycle_list(*, tenant: Tenant) -> QuerySet[AppraisalCycle]:
    """Every member may read the cycles (they name what an appraisal covers); newest first, each with
    the number of appraisals it holds."""
    return (
        AppraisalCycle.objects.filter(tenant=tenant)
        .annotate(appraisal_count=Count("appraisals"))
        .order_by("-period_start", "id")
    )
