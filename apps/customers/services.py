"""Writes to customers, contacts and interactions: ownership rules, audit, one transaction each."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.org.selectors import can_see_member
from apps.tenancy.audit import audit_log, diff
from apps.tenancy.models import Membership, Tenant
from apps.tenancy.notifications import Message, notify_many, recipient_languages
from apps.tenancy.phones import phone_fields_check

from . import task_sources
from .models import Contact, Customer, Interaction, Task
from .selectors import tasks_due_by_owner
from .task_sources import task_source


def ensure_can_write(by: Membership) -> None:
    if not by.can_write:
        raise PermissionDenied(_("Your role may not change records."))


def ensure_assignable(*, by: Membership, member: Membership, field: str) -> None:
    """A rep may only name themself, a manager someone in their reporting subtree, an admin anyone."""
    if member.tenant_id != by.tenant_id or not member.is_active:
        raise ValidationError({field: _("Unknown member.")})
    if not can_see_member(by, member.pk):
        raise PermissionDenied(_("You may not assign records to this member."))


def ensure_same_tenant(tenant: Tenant, **objs: models.Model | None) -> None:
    """Belt and braces under the scoped querysets: a related row of another tenant is a field error."""
    for field, obj in objs.items():
        if obj is not None and obj.tenant_id != tenant.pk:  # type: ignore[attr-defined]  # tenant rows only
            raise ValidationError({field: _("Unknown record.")})


def ensure_customer_writable(*, by: Membership, customer: Customer, field: str = "customer") -> None:
    if customer.tenant_id != by.tenant_id:
        raise ValidationError({field: _("Unknown record.")})
    if not can_see_member(by, customer.owner_id):
        raise PermissionDenied(_("You may not change records of this customer."))


def apply_changes(instance: models.Model, data: dict[str, Any]) -> dict:
    """Set `data` on the instance and save only what changed; returns the audit diff."""
    changes = diff(instance, data)
    for field, value in data.items():
        setattr(instance, field, value)
    fields = [f for f in data if f in changes]
    instance.save(update_fields=[*fields, "updated_at"] if fields else ["updated_at"])
    return changes


def _ensure_code_free(*, tenant: Tenant, code: str, exclude_pk: int | None = None) -> None:
    qs = Customer.objects.filter(tenant=tenant, code=code)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError({"code": _("A customer with this code already exists.")})


@transaction.atomic
def customer_create(
    *, tenant: Tenant, by: Membership, code: str, name: str, owner: Membership | None = None, **fields: Any
) -> Customer:
    """A new customer, owned by the caller unless a manager or admin names someone they supervise."""
    ensure_can_write(by)
    owner = owner or by
    ensure_assignable(by=by, member=owner, field="owner")
    ensure_same_tenant(tenant, region=fields.get("region"))
    phone_fields_check(fields, country=tenant.country)
    _ensure_code_free(tenant=tenant, code=code)
    customer = Customer.objects.create(tenant=tenant, code=code, name=name, owner=owner, **fields)
    audit_log(customer, "customers.customer.created", actor=by)
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, by: Membership, **data: Any) -> Customer:
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=customer, field="owner")
    if "owner" in data:
        ensure_assignable(by=by, member=data["owner"], field="owner")
    ensure_same_tenant(customer.tenant, region=data.get("region"))
    phone_fields_check(data, country=customer.tenant.country, instance=customer)
    if "code" in data and data["code"] != customer.code:
        _ensure_code_free(tenant=customer.tenant, code=data["code"], exclude_pk=customer.pk)
    changes = apply_changes(customer, data)
    audit_log(customer, "customers.customer.updated", actor=by, changes=changes)
    return customer


@transaction.atomic
def customer_delete(*, customer: Customer, by: Membership) -> None:
    """Deleting a customer with orders or payments raises ProtectedError (the API answers 409)."""
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=customer)
    audit_log(customer, "customers.customer.deleted", actor=by)
    customer.delete()


def _unset_other_primaries(contact: Contact) -> None:
    if contact.is_primary:
        Contact.objects.filter(tenant_id=contact.tenant_id, customer_id=contact.customer_id).exclude(
            pk=contact.pk
        ).filter(is_primary=True).update(is_primary=False)


@transaction.atomic
def contact_create(
    *, tenant: Tenant, by: Membership, customer: Customer, name: str, **fields: Any
) -> Contact:
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=customer)
    phone_fields_check(fields, country=tenant.country)
    contact = Contact.objects.create(tenant=tenant, customer=customer, name=name, **fields)
    _unset_other_primaries(contact)
    audit_log(contact, "customers.contact.created", actor=by)
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, by: Membership, **data: Any) -> Contact:
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=contact.customer)
    if "customer" in data:
        ensure_customer_writable(by=by, customer=data["customer"])
    phone_fields_check(data, country=contact.customer.tenant.country, instance=contact)
    changes = apply_changes(contact, data)
    _unset_other_primaries(contact)
    audit_log(contact, "customers.contact.updated", actor=by, changes=changes)
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, by: Membership) -> None:
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=contact.customer)
    audit_log(contact, "customers.contact.deleted", actor=by)
    contact.delete()


def _ensure_contact_of(customer: Customer, contact: Contact | None) -> None:
    if contact is not None and contact.customer_id != customer.pk:
        raise ValidationError({"contact": _("This contact belongs to another customer.")})


@transaction.atomic
def interaction_create(
    *,
    tenant: Tenant,
    by: Membership,
    customer: Customer,
    rep: Membership | None = None,
    contact: Contact | None = None,
    **fields: Any,
) -> Interaction:
    """Log a touchpoint on a customer's timeline; the caller is the rep unless they name a report."""
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=customer)
    rep = rep or by
    ensure_assignable(by=by, member=rep, field="rep")
    ensure_same_tenant(tenant, contact=contact)
    _ensure_contact_of(customer, contact)
    interaction = Interaction(tenant=tenant, customer=customer, rep=rep, contact=contact, **fields)
    _check_follow_up(interaction)
    interaction.save()
    audit_log(interaction, "customers.interaction.created", actor=by)
    _follow_up_task_sync(interaction, by=by)
    return interaction


def _check_follow_up(interaction: Interaction) -> None:
    """A follow-up day is on or after the day of the interaction (in the organisation's zone)."""
    if interaction.follow_up_on is None or interaction.occurred_at is None:
        return
    occurred = timezone.localtime(interaction.occurred_at, interaction.tenant.tzinfo).date()
    if interaction.follow_up_on < occurred:
        raise ValidationError(
            {
                "follow_up_on": _("The follow-up cannot be before the interaction (%(day)s).")
                % {"day": occurred}
            }
        )


@transaction.atomic
def interaction_update(*, interaction: Interaction, by: Membership, **data: Any) -> Interaction:
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=interaction.customer)
    customer = data.get("customer", interaction.customer)
    if "customer" in data:
        ensure_customer_writable(by=by, customer=customer)
    if "rep" in data:
        ensure_assignable(by=by, member=data["rep"], field="rep")
    contact = data["contact"] if "contact" in data else interaction.contact  # noqa: SIM401 (lazy)
    _ensure_contact_of(customer, contact)
    if "follow_up_on" in data and data["follow_up_on"] != interaction.follow_up_on:
        data["follow_up_done_at"] = None  # a new follow-up day opens it again
    changes = apply_changes(interaction, data)
    _check_follow_up(interaction)
    audit_log(interaction, "customers.interaction.updated", actor=by, changes=changes)
    if {"follow_up_on", "subject", "customer"} & set(changes):
        _follow_up_task_sync(interaction, by=by)
    return interaction


def _follow_up_task_sync(interaction: Interaction, *, by: Membership) -> None:
    """Keep an interaction's follow-up (跟进) and its task in step: a follow-up day makes the task (the
    customer's account manager's, titled by the subject), a new day moves it and opens it again, no
    day removes an open one (a done one stays, as the record of what was done)."""
    task = Task.objects.filter(
        tenant_id=interaction.tenant_id, interaction=interaction, source=task_sources.FOLLOW_UP
    ).first()
    if interaction.follow_up_on is None:
        if task is not None and task.status == Task.Status.OPEN:
            audit_log(task, "customers.task.deleted", actor=by)
            task.delete()
        return
    customer = interaction.customer
    title = interaction.subject[:200]
    done_at = interaction.follow_up_done_at
    if task is None:
        task = Task.objects.create(
            tenant_id=interaction.tenant_id,
            title=title,
            owner_id=customer.owner_id,
            due_on=interaction.follow_up_on,
            customer=customer,
            interaction=interaction,
            source=task_sources.FOLLOW_UP,
            created_by=by,
            status=Task.Status.OPEN if done_at is None else Task.Status.DONE,
            done_at=done_at,
        )
        audit_log(task, "customers.task.created", actor=by)
        return
    data: dict[str, Any] = {"title": title, "due_on": interaction.follow_up_on, "customer": customer}
    if done_at is None and task.status != Task.Status.OPEN:
        data.update(status=Task.Status.OPEN, done_at=None, done_by=None, done_note="")
    if data.get("status", task.status) == Task.Status.OPEN:
        data["owner"] = customer.owner  # an open follow-up is the account manager's of its customer
    changes = apply_changes(task, data)
    if changes:
        audit_log(task, "customers.task.updated", actor=by, changes=changes)


@transaction.atomic
def interaction_follow_up_done(*, interaction: Interaction, by: Membership) -> Interaction:
    """Mark the interaction's follow-up as done, and its task with it (the home, the API's
    follow-up-done); refused when it has none or is done."""
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=interaction.customer)
    interaction = Interaction.objects.select_for_update().get(
        tenant_id=interaction.tenant_id, pk=interaction.pk
    )
    if interaction.follow_up_on is None:
        raise ValidationError(_("This interaction has no follow-up."))
    if interaction.follow_up_done_at is not None:
        raise ValidationError(_("This follow-up is done already."))
    task = Task.objects.filter(
        tenant_id=interaction.tenant_id,
        interaction=interaction,
        source=task_sources.FOLLOW_UP,
        status=Task.Status.OPEN,
    ).first()
    if task is not None:
        _task_transition(task=task, by=by, to=Task.Status.DONE)  # marks the interaction too
        interaction.refresh_from_db(fields=["follow_up_done_at", "updated_at"])
    else:
        interaction.follow_up_done_at = timezone.now()
        interaction.save(update_fields=["follow_up_done_at", "updated_at"])
    done = interaction.follow_up_done_at
    audit_log(
        interaction,
        "customers.interaction.follow_up_done",
        actor=by,
        changes={"follow_up_done_at": [None, done.isoformat() if done else None]},
    )
    return interaction


@transaction.atomic
def interaction_delete(*, interaction: Interaction, by: Membership) -> None:
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=interaction.customer)
    audit_log(interaction, "customers.interaction.deleted", actor=by)
    interaction.delete()


# Every interaction with a follow-up day that has no task yet gets one, in one statement (the demo
# seeds interactions in bulk; migration 0007 did the same once for the rows that existed then).
FOLLOW_UP_BACKFILL = """
INSERT INTO customers_task (
    tenant_id, created_at, updated_at, sync_xid, title, notes, owner_id, due_on, priority, status,
    customer_id, interaction_id, source, created_by_id, done_at, done_by_id, done_note
)
SELECT i.tenant_id, now(), now(), 0, left(i.subject, 200), '', c.owner_id, i.follow_up_on, 'normal',
       CASE WHEN i.follow_up_done_at IS NULL THEN 'open' ELSE 'done' END,
       i.customer_id, i.id, %(source)s, i.rep_id, i.follow_up_done_at, NULL, ''
FROM customers_interaction i
JOIN customers_customer c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id
WHERE i.tenant_id = %(tenant)s AND i.follow_up_on IS NOT NULL
ON CONFLICT DO NOTHING
"""


@transaction.atomic
def follow_up_tasks_backfill(*, tenant: Tenant) -> int:
    """Give the tenant's follow-ups written without the services (bulk loads) their tasks; returns
    how many were made. Safe to run twice (one follow-up task per interaction, a unique key)."""
    with connection.cursor() as cursor:
        cursor.execute(FOLLOW_UP_BACKFILL, {"tenant": tenant.pk, "source": task_sources.FOLLOW_UP})
        return cursor.rowcount


# ---- hand-over (客户交接): registered with apps.org.handover in CustomersConfig.ready() ----------


def customer_handover_transfer(
    *, tenant: Tenant, source: Membership, target: Membership, by: Membership | None, today
) -> list[int]:
    """The source's customers change owner in one statement (inside the hand-over's transaction,
    which audits the ids); interactions, orders and payments keep their rep."""
    ids = list(Customer.objects.filter(tenant=tenant, owner=source).values_list("pk", flat=True))
    now = timezone.now()
    Customer.objects.filter(tenant=tenant, pk__in=ids).update(owner=target, updated_at=now)
    # The source's open tasks at those customers (follow-ups, plan tasks…) go with them; done ones
    # stay credited to whoever did them, and tasks of others at those customers stay theirs.
    Task.objects.filter(tenant=tenant, customer_id__in=ids, owner=source, status=Task.Status.OPEN).update(
        owner=target, updated_at=now
    )
    return ids


# ---- tasks (任务): the one to-do every app creates through these ------------------------------

TASK_FIELDS = ("title", "notes", "owner", "due_on", "priority", "customer")  # what task_update changes


def _ensure_task_writable(*, by: Membership, task: Task) -> None:
    """The owner, anyone whose reporting line holds the owner, and admins; viewers never."""
    ensure_can_write(by)
    if task.tenant_id != by.tenant_id or not can_see_member(by, task.owner_id):
        raise PermissionDenied(_("You may not change this task."))


def _check_task_fields(task: Task) -> None:
    errors = {}
    task.title = (task.title or "").strip()
    if not task.title:
        errors["title"] = _("A task needs a title.")
    if task.priority not in Task.Priority.values:
        errors["priority"] = _("Unknown priority.")
    if task_source(task.source) is None:
        errors["source"] = _("Unknown task source.")
    if task.interaction is not None and task.customer_id != task.interaction.customer_id:
        errors["interaction"] = _("This interaction belongs to another customer.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def task_create(
    *,
    tenant: Tenant,
    by: Membership,
    title: str,
    owner: Membership | None = None,
    due_on: dt.date | None = None,
    customer: Customer | None = None,
    interaction: Interaction | None = None,
    notes: str = "",
    priority: str = Task.Priority.NORMAL,
    source: str = task_sources.MANUAL,
) -> Task:
    """A new open task, owned by the caller unless a manager or admin names someone in their line.
    A task at a customer needs the right to change that customer's records; an interaction's task
    is at the interaction's customer."""
    ensure_can_write(by)
    owner = owner or by
    ensure_assignable(by=by, member=owner, field="owner")
    ensure_same_tenant(tenant, customer=customer, interaction=interaction)
    if interaction is not None and customer is None:
        customer = interaction.customer
    if customer is not None:
        ensure_customer_writable(by=by, customer=customer)
    task = Task(
        tenant=tenant,
        title=title,
        notes=notes or "",
        owner=owner,
        due_on=due_on,
        priority=priority,
        customer=customer,
        interaction=interaction,
        source=source,
        created_by=by,
    )
    _check_task_fields(task)
    task.save()
    audit_log(task, "customers.task.created", actor=by)
    return task


@transaction.atomic
def task_update(*, task: Task, by: Membership, **data: Any) -> Task:
    """Change an open task's title, notes, owner, due day, priority or customer."""
    unknown = sorted(set(data) - set(TASK_FIELDS))
    if unknown:
        raise ValidationError({field: _("This field cannot be changed here.") for field in unknown})
    _ensure_task_writable(by=by, task=task)
    task = _locked_task(task)
    if task.status != Task.Status.OPEN:
        raise ValidationError(_("Only an open task can be changed: reopen it first."))
    if "owner" in data and data["owner"].pk != task.owner_id:
        ensure_assignable(by=by, member=data["owner"], field="owner")
    if "customer" in data and data["customer"] is not None and data["customer"].pk != task.customer_id:
        ensure_same_tenant(task.tenant, customer=data["customer"])
        ensure_customer_writable(by=by, customer=data["customer"])
    if task.interaction_id is not None and "customer" in data and data["customer"] != task.customer:
        raise ValidationError({"customer": _("A follow-up stays at the customer of its interaction.")})
    changes = diff(task, data)
    for field, value in data.items():
        setattr(task, field, value)
    _check_task_fields(task)
    fields = [f for f in data if f in changes]
    task.save(update_fields=[*fields, "updated_at"])
    audit_log(task, "customers.task.updated", actor=by, changes=changes)
    return task


def _locked_task(task: Task) -> Task:
    """The task re-read under a row lock, so two clicks cannot both complete (or reopen) it."""
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("tenant")
        .get(tenant_id=task.tenant_id, pk=task.pk)
    )


def _follow_up_mark(task: Task, done_at: dt.datetime | None) -> None:
    """An interaction's follow-up is done (or open again) with its task."""
    if task.source == task_sources.FOLLOW_UP and task.interaction_id is not None:
        Interaction.objects.filter(tenant_id=task.tenant_id, pk=task.interaction_id).update(
            follow_up_done_at=done_at, updated_at=timezone.now()
        )


def _task_transition(*, task: Task, by: Membership, to: str, note: str = "") -> Task:
    _ensure_task_writable(by=by, task=task)
    task = _locked_task(task)
    old = task.status
    if to == Task.Status.OPEN and old == Task.Status.OPEN:
        raise ValidationError(_("This task is open already."))
    if to != Task.Status.OPEN and old != Task.Status.OPEN:
        raise ValidationError(
            _("This task is %(status)s already: reopen it first.") % {"status": task.get_status_display()}
        )
    now = timezone.now()
    task.status = to
    if to == Task.Status.OPEN:
        task.done_at, task.done_by, task.done_note = None, None, ""
    else:
        task.done_at, task.done_by, task.done_note = now, by, (note or "").strip()
    task.save(update_fields=["status", "done_at", "done_by", "done_note", "updated_at"])
    _follow_up_mark(task, None if to == Task.Status.OPEN else now)
    changes: dict[str, Any] = {"status": [old, to]}
    if task.done_note:
        changes["done_note"] = ["", task.done_note]
    audit_log(task, f"customers.task.{_TRANSITION_ACTION[to]}", actor=by, changes=changes)
    return task


_TRANSITION_ACTION: dict[str, str] = {
    Task.Status.DONE: "completed",
    Task.Status.OPEN: "reopened",
    Task.Status.CANCELLED: "cancelled",
}


@transaction.atomic
def task_complete(*, task: Task, by: Membership, note: str = "") -> Task:
    """Done, with an optional note; a follow-up's interaction is marked done with it."""
    return _task_transition(task=task, by=by, to=Task.Status.DONE, note=note)


@transaction.atomic
def task_reopen(*, task: Task, by: Membership) -> Task:
    """A done or cancelled task is open again (and so is its interaction's follow-up)."""
    return _task_transition(task=task, by=by, to=Task.Status.OPEN)


@transaction.atomic
def task_cancel(*, task: Task, by: Membership, note: str = "") -> Task:
    """Not to be done after all (the note says why); it leaves the open lists."""
    return _task_transition(task=task, by=by, to=Task.Status.CANCELLED, note=note)


@transaction.atomic
def task_delete(*, task: Task, by: Membership) -> None:
    """Gone for good. A follow-up goes with its interaction's follow-up day, not on its own."""
    _ensure_task_writable(by=by, task=task)
    if task.source == task_sources.FOLLOW_UP:
        raise ValidationError(
            _("A follow-up cannot be deleted: cancel it, or clear the follow-up day of its interaction.")
        )
    audit_log(task, "customers.task.deleted", actor=by)
    task.delete()


@transaction.atomic
def task_reminders_send(*, tenant: Tenant, day: dt.date) -> int:
    """The morning reminder (a per-tenant job): each owner of open tasks due on `day` gets one
    notification (and mail) saying how many. The dedupe key (owner, day) makes a second run for the
    same day remind nobody twice; returns how many were reminded now."""
    rows = tasks_due_by_owner(tenant=tenant, day=day)
    if not rows:
        return 0
    owners = {
        m.pk: m
        for m in Membership.objects.select_related("user").filter(pk__in=[r["owner_id"] for r in rows])
    }
    languages = recipient_languages(list(owners.values()))
    url = reverse("tasks:list", kwargs={"tenant_slug": tenant.slug})
    messages = []
    for row in rows:
        owner = owners[row["owner_id"]]
        with translation.override(languages[owner.pk]):
            title = ngettext("%(count)d task due today", "%(count)d tasks due today", row["n"]) % {
                "count": row["n"]
            }
            body = (
                _("Due today: %(title)s") % {"title": row["first"]}
                if row["n"] == 1
                else _("Due today: %(title)s and %(more)d more")
                % {"title": row["first"], "more": row["n"] - 1}
            )
        messages.append(
            Message(
                recipient=owner,
                kind="task_reminder",
                title=title,
                body=body,
                url=url,
                dedupe_key=f"task_reminder:{owner.pk}:{day.isoformat()}",
            )
        )
    return len(notify_many(tenant=tenant, messages=messages))
