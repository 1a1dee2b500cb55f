"""The demo tenant's people: users and memberships (admin, three managers, the reps), the team tree
with its reporting lines, and the region tree with the cities the customers are spread over."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from apps.org.models import Region, Team
from apps.tenancy.demo import DEMO_PASSWORD, DemoContext
from apps.tenancy.models import Membership, Role, UserProfile

from .pools import City, Pools, person_name


@dataclass
class Org:
    admin: Membership
    managers: list[Membership]
    reps_by_team: list[list[Membership]]
    teams: list[Team]
    cities: list[tuple[Region, City, int]] = field(default_factory=list)  # (region, city, team index)


def seed_people(ctx: DemoContext, pools: Pools, rng) -> Org:
    """Users (upserted, so ids and API tokens survive a re-seed), memberships, and the team tree."""
    slug, tenant = ctx.spec.slug, ctx.tenant
    User = get_user_model()
    # A fixed salt keeps the hash, and so the seeded data, identical from run to run.
    password = make_password(DEMO_PASSWORD, salt=f"demo{slug}salt0")
    reps_per_team = [ctx.spec.reps // 3 + (1 if i < ctx.spec.reps % 3 else 0) for i in range(3)]

    manager_names = (
        ["demo-manager", "demo-m2", "demo-m3"] if slug == "demo" else [f"{slug}-m{i}" for i in (1, 2, 3)]
    )
    people: list[tuple[str, str, str]] = [(f"{slug}-admin", Role.ADMIN, "")]  # username, role, team index
    people += [(name, Role.MANAGER, str(i)) for i, name in enumerate(manager_names)]
    n = 0
    for team_idx, count in enumerate(reps_per_team):
        for _ in range(count):
            n += 1
            username = "demo-rep" if (slug == "demo" and n == 1) else f"{slug}-r{n:02d}"
            people.append((username, Role.REP, str(team_idx)))

    names = {}
    used = set()
    for username, _role, _team in people:
        while True:
            last, first, display = person_name(pools, rng)
            if display not in used:
                used.add(display)
                break
        names[username] = (last, first, display)

    users = User.objects.bulk_create(
        [
            User(
                username=u,
                first_name=names[u][1],
                last_name=names[u][0],
                email=f"{u}@{pools.mail_domain}",
                password=password,
                is_active=True,
            )
            for u, _r, _t in people
        ],
        update_conflicts=True,
        unique_fields=["username"],
        update_fields=["first_name", "last_name", "email", "password", "is_active"],
    )
    user_ids = {u.username: u.pk for u in users}
    UserProfile.objects.bulk_create(
        [
            UserProfile(user_id=user_ids[u], language=ctx.spec.language, last_tenant=tenant)
            for u, _r, _t in people
        ],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["language", "last_tenant"],
    )
    members = Membership.objects.bulk_create(
        [
            Membership(
                tenant=tenant,
                user_id=user_ids[u],
                role=role,
                display_name=names[u][2],
                employee_no=f"E{i + 1:04d}",
                phone=f"1{38 + i % 10}{(i * 7919) % 100000000:08d}",
                is_active=True,
            )
            for i, (u, role, _t) in enumerate(people)
        ],
        update_conflicts=True,
        unique_fields=["tenant", "user"],
        update_fields=["role", "display_name", "employee_no", "phone", "is_active", "team", "reports_to"],
    )
    by_name = dict(zip([p[0] for p in people], members, strict=True))
    admin = by_name[people[0][0]]
    managers = [by_name[p[0]] for p in people[1:4]]

    root = Team.objects.create(tenant=tenant, name=pools.root_team, lead=admin)
    teams = Team.objects.bulk_create(
        [Team(tenant=tenant, name=name, parent=root, lead=managers[i]) for i, name in enumerate(pools.teams)]
    )
    reps_by_team: list[list[Membership]] = [[], [], []]
    admin.team, admin.reports_to = root, None
    for i, manager in enumerate(managers):
        manager.team, manager.reports_to = teams[i], admin
    for username, role, team_idx in people[4:]:
        if role == Role.REP:
            member = by_name[username]
            member.team, member.reports_to = teams[int(team_idx)], managers[int(team_idx)]
            reps_by_team[int(team_idx)].append(member)
    Membership.objects.bulk_update(members, ["team", "reports_to"])

    for username, role, _t in people[:4]:
        ctx.logins.append((username, role, names[username][2]))
    if slug == "demo":
        rep = by_name["demo-rep"]
        ctx.logins.append(("demo-rep", Role.REP, names["demo-rep"][2]))
        assert rep.reports_to_id == by_name["demo-manager"].pk
    return Org(admin=admin, managers=managers, reps_by_team=reps_by_team, teams=teams)


def seed_regions(ctx: DemoContext, pools: Pools, org: Org) -> None:
    tenant = ctx.tenant
    root = Region.objects.create(tenant=tenant, code=pools.root_region[0], name=pools.root_region[1])
    tops = Region.objects.bulk_create(
        [Region(tenant=tenant, code=code, name=name, parent=root) for code, name, _c in pools.regions]
    )
    city_rows = [
        (top, city, i)
        for i, (top, (_c, _n, cities)) in enumerate(zip(tops, pools.regions, strict=True))
        for city in cities
    ]
    regions = Region.objects.bulk_create(
        [Region(tenant=tenant, code=city.code, name=city.name, parent=top) for top, city, _i in city_rows]
    )
    org.cities = [(region, city, i) for region, (_top, city, i) in zip(regions, city_rows, strict=True)]
