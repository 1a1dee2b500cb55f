"""Daily sales reports (每日销售报告): filing, submitting and the manager's sign-off (批示).

A report is filed by its rep for one day. It carries the outcome of every visit of that day (the
plan's items, plus unplanned visits added in the report), and the orders and collections taken on
those visits, which become real sales Orders and Payments through the sales bulk services, so the
targets move. Everything a call writes is one transaction: a refused report leaves nothing behind.

Query budget (pinned in tests): filing a report with 10 visits, 3 orders and 2 payments costs a
fixed number of statements — one per table and step, never one per visit, order or payment.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.customers.models import Customer
from apps.customers.selectors import visible_customers
from apps.customers.services import ensure_can_write
from apps.org.selectors import supervises
from apps.sales.services import BulkValidationError, order_bulk_create, payment_bulk_create
from apps.tenancy.audit import audit_log
from apps.tenancy.dates import tenant_today
from apps.tenancy.models import Membership, Tenant
from apps.tenancy.notifications import notify, recipient_languages

from ..models import DailyReport, MarketReport, ReportOrder, ReportPayment, Visit

REPORT_FIELDS = ("attendance", "complaints_handled", "competitor_info", "customer_feedback", "learnings")
VISIT_FIELDS = ("outcome", "result_note", "effective", "cost", "area", "purpose", "note")


def report_deadline(*, tenant: Tenant, day: dt.date) -> dt.datetime:
    """The tenant's report deadline on `day`, in the tenant's time zone (DST-correct)."""
    deadline = tenant.report_deadline
    if isinstance(deadline, str):  # an unsaved tenant still holds the field's default text
        deadline = dt.time.fromisoformat(deadline)
    return dt.datetime.combine(day, deadline, tzinfo=tenant.tzinfo)


def lock_status(report: DailyReport | MarketReport) -> None:
    """Take the report's row lock and its current status, so two writes racing each other (an edit
    and a sign-off, two managers acknowledging) are serialised: whichever comes second sees the
    other's outcome. For daily and market reports alike."""
    report.status = (
        type(report).objects.select_for_update().filter(pk=report.pk).values_list("status", flat=True).get()
    )


def _ensure_editable(report: DailyReport, by: Membership) -> None:
    ensure_can_write(by)
    lock_status(report)
    if report.rep_id != by.pk:
        raise PermissionDenied(_("Only the account manager who filed a report may change it."))
    if report.status == DailyReport.Status.REVIEWED:
        raise ValidationError(_("This report has been signed off and can no longer be changed."))


def _visit_label(index: int) -> str:
    return _("Visit %(n)s") % {"n": index + 1}


def _visit_error(message: str, index: int, *field: str | int, **params: Any) -> ValidationError:
    """A refusal of the `index`-th listed visit: the message names it ("Visit 2: …"), and its
    `path` param says which visit (and field) it is about, so a page shows it beside what was typed."""
    path = ("visits", index, *field)
    return ValidationError(message, params={"visit": _visit_label(index), "path": path, **params})


def _write_visits(*, tenant: Tenant, by: Membership, report: DailyReport, visits: list[dict]) -> list[Visit]:
    """Record the outcome of the listed visits, add the unplanned ones, and link every visit of the
    rep's day to the report. Returns the visits in the order they were listed."""
    day_visits = {
        v.pk: v
        for v in Visit.objects.filter(tenant=tenant, rep=by, day=report.day).filter(report__isnull=True)
        | Visit.objects.filter(tenant=tenant, report=report)
    }
    errors: list[ValidationError] = []
    new_customer_ids = {v["customer"] for v in visits if not v.get("id") and v.get("customer")}
    customers = (
        set(
            visible_customers(
                Customer.objects.filter(tenant=tenant, pk__in=new_customer_ids), by
            ).values_list("pk", flat=True)
        )
        if new_customer_ids
        else set()
    )
    listed: list[Visit] = []
    new: list[Visit] = []
    seen: set[int] = set()
    for i, item in enumerate(visits):
        if item.get("id"):
            visit = day_visits.get(item["id"])
            if visit is None or item["id"] in seen:
                errors.append(_visit_error(_("%(visit)s: not a visit of yours on this day."), i))
                continue
            seen.add(visit.pk)
        else:
            customer_id = item.get("customer")
            if customer_id and customer_id not in customers:
                errors.append(_visit_error(_("%(visit)s: unknown customer."), i, "customer"))
                continue
            if not customer_id and not (item.get("prospect_name") or "").strip():
                errors.append(
                    _visit_error(_("%(visit)s: name the customer or the prospect visited."), i, "customer")
                )
                continue
            visit = Visit(
                tenant=tenant,
                rep=by,
                day=report.day,
                planned=False,
                customer_id=customer_id,
                prospect_name=(item.get("prospect_name") or "").strip() if not customer_id else "",
                position=len(day_visits) + len(new) + 1,
            )
            new.append(visit)
        for field in VISIT_FIELDS:
            if field in item:
                setattr(visit, field, item[field])
        if visit.cost is None or Decimal(visit.cost) < 0:
            errors.append(_visit_error(_("%(visit)s: the cost cannot be negative."), i, "cost"))
        if (item.get("orders") or item.get("payments")) and not visit.customer_id:
            errors.append(
                _visit_error(
                    _(
                        "%(visit)s: orders and collections need a customer; add the prospect as a customer first."
                    ),
                    i,
                    "orders" if item.get("orders") else "payments",
                )
            )
        listed.append(visit)
    if errors:
        raise ValidationError({"visits": errors})
    now = timezone.now()
    for visit in [*day_visits.values(), *new]:
        visit.report = report
        visit.updated_at = now  # bulk_update does not apply auto_now
    if new:
        Visit.objects.bulk_create(new)
    if day_visits:
        Visit.objects.bulk_update(list(day_visits.values()), ["report", *VISIT_FIELDS, "updated_at"])
    return listed


def _bulk_errors(
    exc: BulkValidationError, owners: list[tuple[int, int]], kind: str, group: str
) -> ValidationError:
    """The sales bulk errors (by row) as reasons naming the visit and its order/collection."""
    errors = []
    for row in exc.errors:
        visit_index, n = owners[row["row"]]
        detail = "; ".join(f"{field}: {msgs}" for field, msgs in row["errors"].items())
        message = _("%(visit)s, %(kind)s %(n)s: %(detail)s")
        errors.append(_visit_error(message, visit_index, group, n, kind=kind, n=n + 1, detail=detail))
    return ValidationError({"visits": errors})


def _write_sales(
    *, tenant: Tenant, by: Membership, report: DailyReport, visits: list[Visit], data: list[dict]
):
    """Orders and collections of the listed visits, through the sales bulk services; linked to the
    report and visit with one insert per link table."""
    order_rows, order_owners, payment_rows, payment_owners = [], [], [], []
    for i, (visit, item) in enumerate(zip(visits, data, strict=True)):
        for n, order in enumerate(item.get("orders") or []):
            order_rows.append(
                {
                    "customer": visit.customer_id,
                    "rep": by.pk,
                    "order_date": report.day,
                    "note": order.get("note", ""),
                    "lines": [
                        {
                            "product": line["product"],
                            "quantity": line["quantity"],
                            "unit_price": line.get("unit_price"),
                        }
                        for line in order["lines"]
                    ],
                }
            )
            order_owners.append((i, n))
        for n, payment in enumerate(item.get("payments") or []):
            payment_rows.append(
                {
                    "customer": visit.customer_id,
                    "rep": by.pk,
                    "received_on": report.day,
                    "amount": payment["amount"],
                    "method": payment.get("method") or "",
                    "reference": payment.get("reference", ""),
                }
            )
            payment_owners.append((i, n))
    links_o, links_p = [], []
    if order_rows:
        try:
            created = order_bulk_create(tenant=tenant, by=by, rows=order_rows)
        except BulkValidationError as exc:
            raise _bulk_errors(exc, order_owners, _("order"), "orders") from exc
        links_o = [
            ReportOrder(tenant=tenant, report=report, visit=visits[i], order_id=c.id)
            for c, (i, _n) in zip(created, order_owners, strict=True)
        ]
        ReportOrder.objects.bulk_create(links_o)
    if payment_rows:
        try:
            created = payment_bulk_create(tenant=tenant, by=by, rows=payment_rows)
        except BulkValidationError as exc:
            raise _bulk_errors(exc, payment_owners, _("collection"), "payments") from exc
        links_p = [
            ReportPayment(tenant=tenant, report=report, visit=visits[i], payment_id=c.id)
            for c, (i, _n) in zip(created, payment_owners, strict=True)
        ]
        ReportPayment.objects.bulk_create(links_p)
    return len(links_o), len(links_p)


def _create(
    *, tenant: Tenant, by: Membership, day: dt.date, visits: list[dict], **fields: Any
) -> DailyReport:
    ensure_can_write(by)
    today = tenant_today(tenant)
    if day > today:
        raise ValidationError({"day": _("A report cannot be filed for a future day.")})
    if day < today - dt.timedelta(days=settings.DAILY_REPORT_MAX_DAYS_LATE):
        raise ValidationError(
            {
                "day": _("A report can be filed at most %(days)d days after the day it reports.")
                % {"days": settings.DAILY_REPORT_MAX_DAYS_LATE}
            }
        )
    report = DailyReport(
        tenant=tenant,
        rep=by,
        day=day,
        deadline_at=report_deadline(tenant=tenant, day=day),
        **{k: v for k, v in fields.items() if k in REPORT_FIELDS},
    )
    # The unique (tenant, rep, day) key is the check for a second report: no extra read, and no
    # race between two devices filing at once.
    report.save()
    listed = _write_visits(tenant=tenant, by=by, report=report, visits=visits)
    orders, payments = _write_sales(tenant=tenant, by=by, report=report, visits=listed, data=visits)
    audit_log(
        report,
        "visits.report.created",
        actor=by,
        changes={
            "visits": [None, str(len(listed))],
            "orders": [None, str(orders)],
            "payments": [None, str(payments)],
        },
    )
    return report


def daily_report_create(
    *, tenant: Tenant, by: Membership, day: dt.date, visits: list[dict] | None = None, **fields: Any
) -> DailyReport:
    """File the caller's report for `day` (today or earlier, in the tenant's calendar).

    `visits`: dicts with `id` (a visit of the caller's day, e.g. a plan item) or, for an unplanned
    visit, `customer` (id) or `prospect_name`; outcome fields; and `orders` ([{lines: [{product,
    quantity, unit_price?}], note?}]) and `payments` ([{amount, method?, reference?}]) taken there.
    Every other visit of the day is linked to the report as it stands.
    """
    try:
        with transaction.atomic():
            return _create(tenant=tenant, by=by, day=day, visits=visits or [], **fields)
    except IntegrityError as exc:
        if "dailyreport_unique_rep_day" in str(exc):
            raise ValidationError({"day": _("You have already filed a report for this day.")}) from exc
        raise


@transaction.atomic
def daily_report_update(
    *, report: DailyReport, by: Membership, visits: list[dict] | None = None, **fields: Any
) -> DailyReport:
    """Change a report until it is signed off: its fields, listed visits' outcomes, added unplanned
    visits, and further orders/collections (orders already created are changed in Orders)."""
    _ensure_editable(report, by)
    if "day" in fields and fields.pop("day") != report.day:
        raise ValidationError({"day": _("The day of a report cannot change.")})
    tenant = report.tenant
    changes: dict[str, list[str | None]] = {}
    for field in REPORT_FIELDS:
        if field in fields and getattr(report, field) != fields[field]:
            changes[field] = [str(getattr(report, field)), str(fields[field])]
            setattr(report, field, fields[field])
    report.save()  # also when only visits changed: sync clients see the report as changed
    listed = _write_visits(tenant=tenant, by=by, report=report, visits=visits or [])
    orders, payments = _write_sales(tenant=tenant, by=by, report=report, visits=listed, data=visits or [])
    if orders or payments:
        changes["orders_added"], changes["payments_added"] = [None, str(orders)], [None, str(payments)]
    audit_log(report, "visits.report.updated", actor=by, changes=changes)
    return report


@transaction.atomic
def daily_report_submit(*, report: DailyReport, by: Membership) -> DailyReport:
    """Hand the report in; whether it was on time is decided now, against the day's deadline."""
    _ensure_editable(report, by)
    if report.status != DailyReport.Status.DRAFT:
        raise ValidationError(_("This report has already been submitted."))
    now = timezone.now()
    report.status = DailyReport.Status.SUBMITTED
    report.submitted_at = now
    report.on_time = now <= report.deadline_at
    report.save(update_fields=["status", "submitted_at", "on_time", "updated_at"])
    audit_log(report, "visits.report.submitted", actor=by, changes={"on_time": [None, str(report.on_time)]})
    return report


@transaction.atomic
def daily_report_save(
    *,
    tenant: Tenant,
    by: Membership,
    day: dt.date,
    report: DailyReport | None,
    submit: bool = False,
    **data: Any,
) -> DailyReport:
    """The report page's save: file the caller's report of `day` (or change `report`, the one filed),
    and hand it in when `submit`. One transaction: when the submission is refused, the changes (and
    the orders and collections they would make) are not written either, so the page shows the form
    again as typed and a second save does not take the orders twice."""
    if report is None:
        report = daily_report_create(tenant=tenant, by=by, day=day, **data)
    else:
        daily_report_update(report=report, by=by, day=day, **data)
    if submit:
        daily_report_submit(report=report, by=by)
    return report


@transaction.atomic
def daily_report_review(*, report: DailyReport, by: Membership, comment: str) -> DailyReport:
    """The manager's comment and sign-off (批示), by a manager above the rep (or an admin)."""
    ensure_can_write(by)
    if not supervises(by, report.rep_id):
        raise PermissionDenied(_("Only a manager above the account manager may sign off this report."))
    lock_status(report)
    if report.status != DailyReport.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be signed off."))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Write your comment (批示) before signing off.")})
    report.status = DailyReport.Status.REVIEWED
    report.reviewed_by = by
    report.reviewed_at = timezone.now()
    report.manager_comment = comment.strip()
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "manager_comment", "updated_at"])
    audit_log(report, "visits.report.reviewed", actor=by)
    rep = Membership.objects.select_related("user", "tenant").get(pk=report.rep_id)
    with translation.override(recipient_languages([rep])[rep.pk]):
        notify(
            rep,
            "report_reviewed",
            _("Your daily report of %(day)s was signed off") % {"day": report.day.isoformat()},
            report.manager_comment,
            url=reverse("reports:detail", kwargs={"tenant_slug": rep.tenant.slug, "report_id": report.pk}),
            dedupe_key=f"report-reviewed:{report.pk}",
            mail=False,
        )
    return report
