"""Writes of the targets app, one module per sub-area: metrics (the tenant's own KPIs), targets
(SMART targets, workflow, decomposition, seasonal profiles), appraisals (考核 and improvement
actions).

Callers outside the app import from here; the modules inside import each other directly."""

from .appraisals import (
    appraisal_acknowledge,
    appraisal_close,
    appraisal_create_for_cycle,
    appraisal_cycle_delete,
    appraisal_cycle_save,
    appraisal_set_lines,
    appraisal_submit,
    improvement_action_create,
    improvement_action_delete,
    improvement_action_set_done,
    improvement_action_update,
    notification_title,
)
from .metrics import (
    custom_metric_delete,
    custom_metric_save,
)
from .targets import (
    decompose_amounts,
    seasonal_profile_delete,
    seasonal_profile_save,
    target_create,
    target_decompose,
    target_delete,
    target_transition,
    target_update,
    targets_lock_due,
)

__all__ = [
    "appraisal_acknowledge",
    "appraisal_close",
    "appraisal_create_for_cycle",
    "appraisal_cycle_delete",
    "appraisal_cycle_save",
    "appraisal_set_lines",
    "appraisal_submit",
    "custom_metric_delete",
    "custom_metric_save",
    "decompose_amounts",
    "improvement_action_create",
    "improvement_action_delete",
    "improvement_action_set_done",
    "improvement_action_update",
    "notification_title",
    "seasonal_profile_delete",
    "seasonal_profile_save",
    "target_create",
    "target_decompose",
    "target_delete",
    "target_transition",
    "target_update",
    "targets_lock_due",
]
