"""Reads of the reporting app, restricted to what the viewer may see; one module per sub-area:

- rollup: weekly progress computed from the facts (the frame the rollup writes and the report reads
  for a week not rolled up yet);
- report: weekly progress rows, the teams a viewer may report on, the weekly report itself;
- home: the app's cards on the role homes.

Callers outside the package import from here (`from apps.reporting import selectors`), which
re-exports what they use; the sub-modules import each other directly, never through this file.
"""

from .home import last_week_card
from .report import (
    lost_customers,
    reportable_teams,
    team_member_ids,
    visible_team_ids,
    weekly_progress_list,
    weekly_report,
)
from .rollup import (
    COLUMNS,
    COUNT_COLUMNS,
    METRICS,
    MONEY_COLUMNS,
    OVERDUE_COLUMNS,
    RATE_COLUMNS,
    rollup_frame,
)

__all__ = [
    # rollup
    "COLUMNS",
    "COUNT_COLUMNS",
    "METRICS",
    "MONEY_COLUMNS",
    "OVERDUE_COLUMNS",
    "RATE_COLUMNS",
    "rollup_frame",
    # report
    "lost_customers",
    "reportable_teams",
    "team_member_ids",
    "visible_team_ids",
    "weekly_progress_list",
    "weekly_report",
    # home (registered in ReportingConfig.ready())
    "last_week_card",
]
