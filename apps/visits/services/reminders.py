"""Reminders sent by the per-tenant schedule: reps without a submitted visit plan at the morning
cut-off, and without a submitted daily report at the evening deadline, in each tenant's own time.

A reminder is a notification (and a mail through the outbox) with the dedupe key
(kind, rep, day): a job that runs again for the same day reminds nobody twice.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.tenancy.models import Membership, Role, Tenant
from apps.tenancy.notifications import Message, notify_many, recipient_languages

from ..models import DailyReport, VisitPlan


def _reps_without(tenant: Tenant, model, done_statuses: list[str], day: dt.date) -> list[Membership]:
    done = model.objects.filter(tenant=tenant, rep=OuterRef("pk"), day=day, status__in=done_statuses)
    return list(
        Membership.objects.select_related("user", "tenant")
        .filter(tenant=tenant, role=Role.REP, is_active=True)
        .filter(~Exists(done))
        .order_by("pk")
    )


def _remind(tenant: Tenant, reps: list[Membership], kind: str, day: dt.date, title, body, url: str) -> int:
    languages = recipient_languages(reps)
    messages = []
    for rep in reps:
        with translation.override(languages[rep.pk]):
            messages.append(
                Message(
                    recipient=rep,
                    kind=kind,
                    title=str(title(day)),
                    body=str(body(tenant)),
                    url=url,
                    dedupe_key=f"{kind}:{rep.pk}:{day.isoformat()}",
                )
            )
    return len(notify_many(tenant=tenant, messages=messages))


@transaction.atomic
def remind_missing_plans(*, tenant: Tenant, day: dt.date) -> int:
    """Remind every active rep with no submitted (or approved) plan for `day`; returns how many
    were reminded now (0 when the job ran before for that day)."""
    reps = _reps_without(tenant, VisitPlan, [VisitPlan.Status.SUBMITTED, VisitPlan.Status.APPROVED], day)
    return _remind(
        tenant,
        reps,
        "plan_reminder",
        day,
        lambda d: _("Your visit plan for %(day)s is missing") % {"day": d.isoformat()},
        lambda t: (
            _("Please submit today's visit plan; the cut-off was %(time)s.")
            % {"time": t.plan_cutoff.strftime("%H:%M")}
        ),
        reverse("visits:today", kwargs={"tenant_slug": tenant.slug}),
    )


@transaction.atomic
def remind_missing_reports(*, tenant: Tenant, day: dt.date) -> int:
    """Remind every active rep with no submitted (or signed-off) daily report for `day`."""
    reps = _reps_without(
        tenant, DailyReport, [DailyReport.Status.SUBMITTED, DailyReport.Status.REVIEWED], day
    )
    return _remind(
        tenant,
        reps,
        "report_reminder",
        day,
        lambda d: _("Your daily report for %(day)s is missing") % {"day": d.isoformat()},
        lambda t: (
            _("Please file and submit today's daily report; the deadline was %(time)s.")
            % {"time": t.report_deadline.strftime("%H:%M")}
        ),
        reverse("reports:mine", kwargs={"tenant_slug": tenant.slug}),
    )
