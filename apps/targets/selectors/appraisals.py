"""Reads of appraisals and their improvement actions, restricted to what the viewer may see."""

from django.db.models import Q, QuerySet

from apps.org.selectors import restrict_to_viewer, visible_member_ids
from apps.tenancy.models import Membership, Tenant

from ..models import Appraisal, ImprovementAction


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
