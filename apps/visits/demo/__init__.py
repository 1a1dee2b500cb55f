"""Demo data for field work: six weeks of daily visit plans, visits with check-ins, daily reports with
the manager's sign-off (批示), the orders and collections of the foundation linked to the visits they
were taken on, and a handful of market situation reports with the managers' notifications.

Runs after the foundation (`sales.foundation`); the weekly rollup (`reporting.weekly_progress`)
reads what is written here. The seeder is in field_work.py, its texts per locale in texts.py.
Deterministic for a given `ctx.today`, and set-based: a few reads, then one bulk insert per table
(sync columns are filled by the tables' triggers).

What a login finds on the demo's today: plans of today in the manager's approval queue (demo-rep's
among them), yesterday's reports waiting for the 批示, open market reports with unread notifications.

Then `seed_suggestions` (suggestions.py): the next working day's suggested visits of every rep.
"""

from .field_work import seed_field_work
from .suggestions import seed_suggestions

__all__ = ["seed_field_work", "seed_suggestions"]
