"""Tomorrow's plan, suggested: the registry of suggestion sources.

A source is one set-based SQL query over ALL reps of a tenant at once (never a query per rep or per
customer) that returns rows `(rep_id, customer_id, reason, score, detail)`: the rep whose plan the
visit is suggested for (the customer's owner), the customer, the source's code, a score from 1 to
100 (how pressing the visit is) and a JSON object of what the reason text shows. The pass
(services/suggestions.py) unions every source in one statement, adds up the scores of a customer
suggested for several reasons, and keeps all the reasons.

Parameters bound in every source: %(tenant)s, %(day)s (the day planned for), and `{reps}`, a
predicate on a rep column that is empty for the whole tenant and narrows the pass to some reps
(`reps_filter`). To add a source: write its SQL function and describe function here, and add an
entry to SOURCES. Care reminders join the same way once they exist.

Sources and their scores:
- key_account: an active key account (Customer.is_key_account) not visited for longer than its
  usual interval. The usual interval is the median gap, in days, between the distinct days of its
  done visits in the last HISTORY_DAYS before the day planned for, when there are at least
  MIN_GAPS gaps; otherwise DEFAULT_INTERVAL_DAYS. It never goes below MIN_INTERVAL_DAYS. A key
  account with no done visit in that window is due too. Score: 50 × days since the last visit ÷ the
  usual interval (just over the interval ≈ 50; twice the interval or more, or never visited, 100).
- task: an open task (customers.Task, 任务) at the customer, owned by the customer's account manager,
  due on the day planned for or earlier. Score: 60, plus 5 per day overdue, plus 10 when one of them
  is of high priority, at most 100. One row per customer, with the earliest due date, the number of
  tasks and the title of the earliest.
- overdue: a balance to collect (应收账款): the customer's open invoices (sales.Invoice) due before the
  day planned for, suggested to the customer's account manager. Score: 50, plus 1 per 2 days the
  oldest has been overdue, at most 100. Detail: the overdue amount, the oldest due day, the number of
  invoices. The plan item's purpose is a collection visit.
- opportunity: an open opportunity (pipeline.Opportunity, 商机) of the customer whose next step is due
  on the day planned for or earlier, suggested to the opportunity's owner. Score: 60, plus 5 per day
  the next step is late, at most 100. Detail: the earliest next step, its day, the opportunity's name
  and how many are due. The plan item's purpose is order taking.
- follow_up: an open follow-up of an interaction (follow_up_on, not done) due by the day planned
  for that has no task of its own (an interaction's follow-up task is counted as a task, not twice).
  Score and detail as for tasks, with the interaction's subject.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Visit

HISTORY_DAYS = 180
MIN_GAPS = 3
DEFAULT_INTERVAL_DAYS = 30
MIN_INTERVAL_DAYS = 7
# How many visits are suggested to a rep for a day when settings.VISIT_SUGGESTIONS_PER_REP is unset.
DEFAULT_PER_REP = 8


def reps_filter(column: str, reps: list[int] | None) -> str:
    """The `{reps}` predicate of a source: nothing for the whole tenant, else `column` among %(reps)s."""
    return "" if reps is None else f" AND {column} = ANY(%(reps)s)"


def key_accounts_sql(reps: list[int] | None) -> str:
    only = reps_filter("c.owner_id", reps)
    return f"""
    SELECT c.owner_id AS rep_id, c.id AS customer_id, 'key_account' AS reason,
           CASE WHEN u.last_day IS NULL THEN 100
                ELSE LEAST(100, GREATEST(1, round(50.0 * (%(day)s::date - u.last_day) / k.interval)))
           END::int AS score,
           jsonb_build_object('last', u.last_day, 'interval', k.interval,
                              'days', %(day)s::date - u.last_day) AS detail
    FROM customers_customer c
    LEFT JOIN (
        SELECT customer_id, max(day) AS last_day, count(gap) AS gaps,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median_gap
        FROM (
            SELECT d.customer_id, d.day,
                   d.day - lag(d.day) OVER (PARTITION BY d.customer_id ORDER BY d.day) AS gap
            FROM (
                SELECT DISTINCT v.customer_id, v.day
                FROM visits_visit v
                JOIN customers_customer c ON c.tenant_id = v.tenant_id AND c.id = v.customer_id
                WHERE v.tenant_id = %(tenant)s AND v.outcome = 'done'
                  AND v.day < %(day)s::date AND v.day >= %(day)s::date - {HISTORY_DAYS}
                  AND c.is_key_account AND c.status = 'active'{only}
            ) d
        ) g
        GROUP BY customer_id
    ) u ON u.customer_id = c.id
    CROSS JOIN LATERAL (
        SELECT CASE WHEN u.gaps >= {MIN_GAPS} THEN GREATEST({MIN_INTERVAL_DAYS}, round(u.median_gap))::int
                    ELSE {DEFAULT_INTERVAL_DAYS} END AS interval
    ) k
    WHERE c.tenant_id = %(tenant)s AND c.is_key_account AND c.status = 'active'{only}
      AND (u.last_day IS NULL OR %(day)s::date - u.last_day > k.interval)
    """


def follow_ups_sql(reps: list[int] | None) -> str:
    # The open follow-ups are few (a partial index keeps only those not done): one grouped pass.
    only = reps_filter("c.owner_id", reps)
    return f"""
    SELECT c.owner_id AS rep_id, c.id AS customer_id, 'follow_up' AS reason,
           LEAST(100, 60 + 5 * (%(day)s::date - min(i.follow_up_on)))::int AS score,
           jsonb_build_object('due', min(i.follow_up_on), 'count', count(*),
                              'subject', (array_agg(i.subject ORDER BY i.follow_up_on, i.id))[1]) AS detail
    FROM customers_interaction i
    JOIN customers_customer c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id
    WHERE i.tenant_id = %(tenant)s AND i.follow_up_on IS NOT NULL AND i.follow_up_done_at IS NULL
      AND i.follow_up_on <= %(day)s::date AND c.status <> 'lost'{only}
      AND NOT EXISTS (SELECT 1 FROM customers_task t
                      WHERE t.tenant_id = i.tenant_id AND t.interaction_id = i.id)
    GROUP BY c.owner_id, c.id
    """


def tasks_sql(reps: list[int] | None) -> str:
    # Open tasks by owner and due day come from a partial index (task_open_by_owner_due).
    only = reps_filter("t.owner_id", reps)
    return f"""
    SELECT t.owner_id AS rep_id, t.customer_id, 'task' AS reason,
           LEAST(100, 60 + 5 * (%(day)s::date - min(t.due_on))
                      + CASE WHEN bool_or(t.priority = 'high') THEN 10 ELSE 0 END)::int AS score,
           jsonb_build_object('due', min(t.due_on), 'count', count(*),
                              'subject', (array_agg(t.title ORDER BY t.due_on, t.id))[1]) AS detail
    FROM customers_task t
    JOIN customers_customer c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
    WHERE t.tenant_id = %(tenant)s AND t.status = 'open' AND t.due_on <= %(day)s::date
      AND c.owner_id = t.owner_id AND c.status <> 'lost'{only}
    GROUP BY t.owner_id, t.customer_id
    """


def overdue_sql(reps: list[int] | None) -> str:
    # Open invoices by customer and due day: the partial index of open invoices.
    only = reps_filter("c.owner_id", reps)
    return f"""
    SELECT c.owner_id AS rep_id, c.id AS customer_id, 'overdue' AS reason,
           LEAST(100, 50 + (%(day)s::date - min(i.due_on)) / 2)::int AS score,
           jsonb_build_object('amount', sum(i.open_amount)::text, 'oldest', min(i.due_on),
                              'count', count(*)) AS detail
    FROM sales_invoice i
    JOIN customers_customer c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id
    WHERE i.tenant_id = %(tenant)s AND i.status = 'open' AND i.open_amount > 0
      AND i.due_on < %(day)s::date AND c.status <> 'lost'{only}
    GROUP BY c.owner_id, c.id
    """


def opportunities_sql(reps: list[int] | None) -> str:
    only = reps_filter("o.owner_id", reps)
    return f"""
    SELECT o.owner_id AS rep_id, o.customer_id, 'opportunity' AS reason,
           LEAST(100, 60 + 5 * (%(day)s::date - min(o.next_step_on)))::int AS score,
           jsonb_build_object('due', min(o.next_step_on), 'count', count(*),
                              'subject', (array_agg(o.next_step ORDER BY o.next_step_on, o.id))[1],
                              'name', (array_agg(o.name ORDER BY o.next_step_on, o.id))[1]) AS detail
    FROM pipeline_opportunity o
    JOIN customers_customer c ON c.tenant_id = o.tenant_id AND c.id = o.customer_id
    WHERE o.tenant_id = %(tenant)s AND o.status = 'open' AND o.next_step_on <= %(day)s::date
      AND c.status <> 'lost'{only}
    GROUP BY o.owner_id, o.customer_id
    """


def _date(value: str | None) -> str:
    return value or ""  # stored by the pass as an ISO date (jsonb), shown as it is


def _counted(text: str, detail: dict, more: str) -> str:
    """A reason's text, with "(n …)" after it when the source counted several rows at the customer;
    `more` is that suffix, a translated message with %(n)d."""
    count = int(detail.get("count") or 1)
    return f"{text} {more % {'n': count}}" if count > 1 else text


def key_account_text(detail: dict) -> str:
    if not detail.get("last"):
        return _("Key account: no visit in the last %(days)d days.") % {"days": HISTORY_DAYS}
    return _("Key account: last visited %(last)s, %(days)d days ago; usually every %(interval)d days.") % {
        "last": _date(detail["last"]),
        "days": detail.get("days") or 0,
        "interval": detail.get("interval") or DEFAULT_INTERVAL_DAYS,
    }


def follow_up_text(detail: dict) -> str:
    text = _("Follow-up due %(due)s: %(subject)s") % {
        "due": _date(detail.get("due")),
        "subject": detail.get("subject") or "",
    }
    return _counted(text, detail, _("(%(n)d open follow-ups)"))


def overdue_text(detail: dict) -> str:
    text = _("Overdue balance to collect: %(amount)s, due since %(oldest)s") % {
        "amount": detail.get("amount") or "0",
        "oldest": _date(detail.get("oldest")),
    }
    return _counted(text, detail, _("(%(n)d overdue invoices)"))


def opportunity_text(detail: dict) -> str:
    text = _("Opportunity %(name)s: next step due %(due)s: %(step)s") % {
        "name": detail.get("name") or "",
        "due": _date(detail.get("due")),
        "step": detail.get("subject") or "",
    }
    return _counted(text, detail, _("(%(n)d opportunities with a step due)"))


def task_text(detail: dict) -> str:
    text = _("Task due %(due)s: %(title)s") % {
        "due": _date(detail.get("due")),
        "title": detail.get("subject") or "",
    }
    return _counted(text, detail, _("(%(n)d open tasks)"))


@dataclass(frozen=True)
class SuggestionSource:
    code: str
    label: str | Promise
    sql: Callable[[list[int] | None], str]  # reps (None: all) → the source's query
    describe: Callable[[dict], str]  # detail → the reason as the rep reads it
    purpose: str  # the purpose of the plan item when the rep accepts (its strongest reason's)


SOURCES: list[SuggestionSource] = [
    SuggestionSource(
        code="key_account",
        label=gettext_lazy("Key account due for a visit"),
        sql=key_accounts_sql,
        describe=key_account_text,
        purpose=Visit.Purpose.SERVICE,
    ),
    SuggestionSource(
        code="overdue",
        label=gettext_lazy("Overdue balance to collect"),
        sql=overdue_sql,
        describe=overdue_text,
        purpose=Visit.Purpose.COLLECTION,
    ),
    SuggestionSource(
        code="opportunity",
        label=gettext_lazy("Opportunity's next step due"),
        sql=opportunities_sql,
        describe=opportunity_text,
        purpose=Visit.Purpose.ORDER,
    ),
    SuggestionSource(
        code="task",
        label=gettext_lazy("Task due at the customer"),
        sql=tasks_sql,
        describe=task_text,
        purpose=Visit.Purpose.SERVICE,
    ),
    SuggestionSource(
        code="follow_up",
        label=gettext_lazy("Follow-up due"),
        sql=follow_ups_sql,
        describe=follow_up_text,
        purpose=Visit.Purpose.SERVICE,
    ),
]


def source(code: str) -> SuggestionSource | None:
    return next((s for s in SOURCES if s.code == code), None)


def reason_text(reason: dict) -> str:
    """One stored reason ({"code", "score", "detail"}) as the rep reads it, in the active language."""
    entry = source(reason.get("code", ""))
    if entry is None:
        return str(reason.get("code", ""))
    return entry.describe(reason.get("detail") or {})


def reason_purpose(reasons: list[dict]) -> str:
    """The plan item's purpose: that of the strongest reason's source (reasons are stored strongest first)."""
    for reason in reasons:
        entry = source(reason.get("code", ""))
        if entry is not None:
            return entry.purpose
    return Visit.Purpose.SERVICE
