"""The demo's customers (segment, status, owner, the window in which they order), their contacts and
a year of interactions with them."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from apps.customers.models import Contact, Customer, Interaction
from apps.tenancy.demo import DemoContext

from .people import Org
from .pools import ZH, Pools, person_name
from .season import DAYS

SEGMENT_WEIGHTS = {"retail": 35, "dealer": 25, "enterprise": 28, "public": 6, "other": 6}


@dataclass
class CustomerPlan:
    customer: Customer
    start: int  # first day (index into the 365-day window) the customer may order
    end: int  # last such day, inclusive


def seed_customers(ctx: DemoContext, pools: Pools, rng, org: Org) -> list[CustomerPlan]:
    tenant = ctx.tenant
    segments, weights = zip(*SEGMENT_WEIGHTS.items(), strict=True)
    used_names: set[str] = set()
    plans = []
    customers = []
    for n in range(1, ctx.spec.customers + 1):
        region, city, team_idx = rng.choice(org.cities)
        segment = rng.choices(segments, weights)[0]
        while True:
            brand, form = rng.choice(pools.brands), rng.choice(pools.company_forms[segment])
            if pools is ZH:
                name = f"{city.name}{brand}{form}" if segment != "public" else f"{city.name}{form}"
                if segment == "public" and name in used_names:
                    name = f"{city.name}{rng.choice(city.districts)}{form}"
            else:
                name = f"{brand} {form}" if segment != "public" else f"{city.name} {form}"
                if name in used_names:
                    name = f"{brand} {city.name} {form}"
            if name not in used_names:
                used_names.add(name)
                break
            if len(used_names) > 50 * ctx.spec.customers:  # pragma: no cover - pools far larger
                raise RuntimeError("demo name pool exhausted")
        roll = rng.random()
        status = (
            Customer.Status.PROSPECT
            if roll < 0.08
            else Customer.Status.LOST
            if roll < 0.13
            else Customer.Status.DORMANT
            if roll < 0.23
            else Customer.Status.ACTIVE
        )
        key = segment in ("dealer", "enterprise", "public") and rng.random() < 0.22
        start = 0 if rng.random() < 0.75 else rng.randrange(30, DAYS - 20)  # some were won this year
        end = DAYS - 1
        if status == Customer.Status.LOST:
            start, end = 0, rng.randrange(60, 200)
        elif status == Customer.Status.DORMANT:
            start, end = 0, DAYS - 1 - rng.randrange(100, 180)
        elif status == Customer.Status.PROSPECT:
            start, end = DAYS, DAYS - 1
        owner = rng.choice(org.reps_by_team[team_idx])
        district = rng.choice(city.districts)
        customer = Customer(
            tenant=tenant,
            code=f"{pools.code_prefix}{n:04d}",
            name=name,
            owner=owner,
            region=region,
            segment=segment,
            is_key_account=key,
            status=status,
            address=f"{city.name}{district}{rng.choice(pools.roads)}{rng.randrange(1, 999)}号"
            if pools is ZH
            else f"{rng.randrange(1, 300)} {rng.choice(pools.roads)}, {district}, {city.name}",
            phone=f"{city.phone_prefix}-{rng.randrange(10000000, 99999999)}"
            if pools is ZH
            else f"{city.phone_prefix}{rng.randrange(1000000, 9999999)}",
            latitude=Decimal(f"{city.lat + rng.gauss(0, 0.05):.6f}"),
            longitude=Decimal(f"{city.lng + rng.gauss(0, 0.05):.6f}"),
            notes="",
        )
        customers.append(customer)
        plans.append(CustomerPlan(customer=customer, start=start, end=end))
    Customer.objects.bulk_create(customers, batch_size=1000)
    return plans


def seed_contacts(ctx: DemoContext, pools: Pools, rng, plans: list[CustomerPlan]) -> dict[int, list[Contact]]:
    contacts: list[Contact] = []
    for plan in plans:
        c = plan.customer
        for i in range(rng.choice((1, 1, 2, 2, 3))):
            _last, _first, display = person_name(pools, rng)
            contacts.append(
                Contact(
                    tenant=ctx.tenant,
                    customer=c,
                    name=display,
                    title=rng.choice(pools.titles),
                    phone=f"1{rng.choice((35, 36, 37, 38, 39, 58, 86, 88))}{rng.randrange(10000000, 99999999)}"
                    if pools is ZH
                    else f"+65 9{rng.randrange(1000000, 9999999)}",
                    email=f"{c.code.lower().replace('-', '')}.{i + 1}@{pools.mail_domain}"
                    if rng.random() < 0.6
                    else "",
                    birthday=dt.date(rng.randrange(1965, 1998), rng.randrange(1, 13), rng.randrange(1, 29))
                    if rng.random() < 0.4
                    else None,
                    is_primary=i == 0,
                )
            )
    Contact.objects.bulk_create(contacts, batch_size=2000)
    by_customer: dict[int, list[Contact]] = {}
    for contact in contacts:
        by_customer.setdefault(contact.customer_id, []).append(contact)
    return by_customer


def seed_interactions(ctx: DemoContext, pools: Pools, rng, plans, contacts) -> None:
    tz = zoneinfo.ZoneInfo(ctx.spec.timezone)
    first_day = ctx.today - dt.timedelta(days=DAYS - 1)
    kinds = list(pools.subjects)
    rows = []
    for plan in plans:
        c = plan.customer
        for _ in range(rng.randrange(2, 6)):
            day = first_day + dt.timedelta(days=rng.randrange(0, DAYS - 1))  # before today, all day long
            kind = rng.choices(kinds, (5, 4, 2, 1, 2, 1))[0]
            when = dt.datetime.combine(
                day, dt.time(rng.randrange(9, 18), rng.choice((0, 15, 30, 45))), tzinfo=tz
            )
            rows.append(
                Interaction(
                    tenant=ctx.tenant,
                    customer=c,
                    rep_id=c.owner_id,
                    contact=rng.choice(contacts[c.pk]),
                    kind=kind,
                    occurred_at=when,
                    subject=rng.choice(pools.subjects[kind]),
                    notes=rng.choice(pools.notes),
                )
            )
    _follow_ups(ctx, rows)
    Interaction.objects.bulk_create(rows, batch_size=2000)


FOLLOW_UP_SHARE = 0.15  # of the last fortnight's interactions, those that named a day to follow up


def _follow_ups(ctx: DemoContext, rows: list[Interaction]) -> None:
    """Follow-up days on the last fortnight's interactions, one to six days after each; those whose
    day has passed are mostly done (on that day, before today began), the rest wait on the homes.
    Its own random stream, so the rest of the demo stays as it was."""
    rng = ctx.rng("follow-ups")
    recent = ctx.day_start - dt.timedelta(days=14)
    for row in rows:
        if row.occurred_at < recent or rng.random() >= FOLLOW_UP_SHARE:
            continue
        local = row.occurred_at.astimezone(ctx.tenant.tzinfo)
        row.follow_up_on = local.date() + dt.timedelta(days=rng.randrange(1, 7))
        if row.follow_up_on < ctx.today and rng.random() < 0.7:
            done = dt.datetime.combine(
                row.follow_up_on, dt.time(rng.randrange(9, 18)), tzinfo=ctx.tenant.tzinfo
            )
            row.follow_up_done_at = ctx.before_today(done, after=row.occurred_at)
