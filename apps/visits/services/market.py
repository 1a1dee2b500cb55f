"""Market situation reports (市场状况反映表): raised by a rep at any time, escalated to their manager
at once (in-app and by mail through the outbox), acknowledged and closed by a manager above."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.customers.models import Customer
from apps.customers.services import ensure_can_write, ensure_customer_writable, ensure_same_tenant
from apps.org.models import Region
from apps.org.selectors import supervises
from apps.tenancy.audit import audit_log
from apps.tenancy.models import Membership, Role, Tenant
from apps.tenancy.notifications import Message, notify_many, recipient_languages

from ..models import MarketReport
from .reports import lock_status


def escalation_recipients(rep: Membership) -> list[Membership]:
    """Who hears of a rep's market report at once.

    The direct manager in the reporting line (`reports_to`): the reporting line is what decides who
    may act on the report (`supervises` walks it), so the person told can also acknowledge it. Without
    one, the lead of the rep's team; without that, the organisation's administrators.
    """
    members = Membership.objects.select_related("user", "tenant").filter(
        tenant_id=rep.tenant_id, is_active=True
    )
    if rep.reports_to_id:
        found = list(members.filter(pk=rep.reports_to_id))
        if found:
            return found
    if rep.team is not None:
        found = list(members.filter(pk=rep.team.lead_id).exclude(pk=rep.pk)) if rep.team.lead_id else []
        if found:
            return found
    return list(members.filter(role=Role.ADMIN).exclude(pk=rep.pk))


def _detail_url(report: MarketReport, tenant: Tenant) -> str:
    return reverse("reports:market-detail", kwargs={"tenant_slug": tenant.slug, "report_id": report.pk})


@transaction.atomic
def market_report_create(
    *,
    tenant: Tenant,
    by: Membership,
    title: str,
    body: str = "",
    category: str = MarketReport.Category.COMPETITOR,
    urgency: str = MarketReport.Urgency.NORMAL,
    customer: Customer | None = None,
    region: Region | None = None,
) -> MarketReport:
    """Raise a market report; the author's manager is told in the same transaction (mail after commit)."""
    ensure_can_write(by)
    if customer is not None:
        ensure_customer_writable(by=by, customer=customer)
    ensure_same_tenant(tenant, region=region)
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the report a title.")})
    report = MarketReport.objects.create(
        tenant=tenant,
        rep=by,
        raised_at=timezone.now(),
        title=title.strip(),
        body=body,
        category=category,
        urgency=urgency,
        customer=customer,
        region=region,
    )
    audit_log(report, "visits.market_report.created", actor=by)
    recipients = escalation_recipients(by)
    languages = recipient_languages(recipients)
    messages = []
    for member in recipients:
        with translation.override(languages[member.pk]):
            prefix = _("URGENT: ") if urgency == MarketReport.Urgency.URGENT else ""
            messages.append(
                Message(
                    recipient=member,
                    kind="market_report",
                    title=prefix
                    + _("Market report from %(rep)s: %(title)s") % {"rep": by.name, "title": report.title},
                    body=f"{report.get_category_display()}\n{report.body}",
                    url=_detail_url(report, tenant),
                    dedupe_key=f"market-report:{report.pk}:{member.pk}",
                )
            )
    notify_many(tenant=tenant, messages=messages)
    return report


def _ensure_supervisor(report: MarketReport, by: Membership) -> None:
    ensure_can_write(by)
    if not supervises(by, report.rep_id):
        raise PermissionDenied(_("Only a manager above the author may handle this market report."))
    lock_status(report)  # two managers acting at once: the second sees the first's status


@transaction.atomic
def market_report_acknowledge(*, report: MarketReport, by: Membership, response: str = "") -> MarketReport:
    _ensure_supervisor(report, by)
    if report.status != MarketReport.Status.OPEN:
        raise ValidationError(_("Only an open market report can be acknowledged."))
    report.status = MarketReport.Status.ACKNOWLEDGED
    report.acknowledged_by, report.acknowledged_at = by, timezone.now()
    if response:
        report.response = response
    report.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "response", "updated_at"])
    audit_log(report, "visits.market_report.acknowledged", actor=by)
    _tell_author(report, by)
    return report


@transaction.atomic
def market_report_close(*, report: MarketReport, by: Membership, response: str) -> MarketReport:
    """Close with the manager's response (what was decided), from open or acknowledged."""
    _ensure_supervisor(report, by)
    if report.status == MarketReport.Status.CLOSED:
        raise ValidationError(_("This market report is already closed."))
    if not (response or report.response or "").strip():
        raise ValidationError({"response": _("Write a response before closing the report.")})
    fields: dict[str, Any] = {"status": MarketReport.Status.CLOSED}
    if response:
        fields["response"] = response
    if report.acknowledged_by_id is None:
        fields["acknowledged_by"], fields["acknowledged_at"] = by, timezone.now()
    for key, value in fields.items():
        setattr(report, key, value)
    report.save(update_fields=[*fields, "updated_at"])
    audit_log(report, "visits.market_report.closed", actor=by)
    _tell_author(report, by)
    return report


def _tell_author(report: MarketReport, by: Membership) -> None:
    """The author hears in the app (no mail) when their report is acknowledged or closed."""
    author = Membership.objects.select_related("user", "tenant").get(pk=report.rep_id)
    with translation.override(recipient_languages([author])[author.pk]):
        title = _("Your market report “%(title)s” is now %(status)s by %(manager)s") % {
            "title": report.title,
            "status": report.get_status_display().lower(),
            "manager": by.name,
        }
    notify_many(
        tenant=author.tenant,
        messages=[
            Message(
                recipient=author,
                kind="market_report_" + report.status,
                title=title,
                body=report.response,
                url=_detail_url(report, author.tenant),
                dedupe_key=f"market-report:{report.pk}:{report.status}",
                mail=False,
            )
        ],
    )
