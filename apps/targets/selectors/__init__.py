"""Reads of the targets app, one module per sub-area: metrics (KPI definitions and values),
targets (visibility, rights, progress, trees), breakdown (the breakdown page), appraisals.

Callers outside the app import from here; the modules inside import each other directly."""

from .appraisals import (
    appraisal_cycle_list,
    appraisal_list,
    improvement_action_list,
)
from .breakdown import (
    BREAKDOWNS,
    MAX_CHILDREN,
    breakdown_children,
    breakdown_splits,
    period_label,
)
from .metrics import (
    custom_metric_list,
    kpi_values,
    metric_catalogue,
    metric_exists,
    metric_is_additive,
    metric_trend,
)
from .targets import (
    DIMENSION_FILTER,
    EDITABLE,
    OWNER_DIMENSION,
    STATUSES,
    TreeNode,
    dashboard_targets,
    profile_share,
    seasonal_profile_list,
    settable_teams,
    target_filters,
    target_list,
    target_progress,
    target_rights,
    target_roots,
    target_tree_nodes,
)

__all__ = [
    "appraisal_cycle_list",
    "settable_teams",
    "MAX_CHILDREN",
    "dashboard_targets",
    "metric_trend",
    "BREAKDOWNS",
    "DIMENSION_FILTER",
    "EDITABLE",
    "OWNER_DIMENSION",
    "STATUSES",
    "TreeNode",
    "appraisal_list",
    "breakdown_children",
    "breakdown_splits",
    "custom_metric_list",
    "improvement_action_list",
    "kpi_values",
    "metric_catalogue",
    "metric_exists",
    "metric_is_additive",
    "period_label",
    "profile_share",
    "seasonal_profile_list",
    "target_filters",
    "target_list",
    "target_progress",
    "target_rights",
    "target_roots",
    "target_tree_nodes",
]
