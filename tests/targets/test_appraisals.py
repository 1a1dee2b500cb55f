"""Appraisals: generation from target progress, weights, the workflow's roles and states, isolation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from apps.org.services import closure_rebuild_all
from apps.targets import services
from apps.targets.models import Appraisal, AppraisalLine
from apps.tenancy.models import Role
from tests.factories import MembershipFactory

from .factories import AppraisalCycleFactory, AppraisalFactory, TargetFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/appraisals/"


@pytest.fixture
def cycle(book):
    TargetFactory(tenant=book.tenant, rep=book.rep_a, metric="revenue", value=Decimal("1000"))
    TargetFactory(tenant=book.tenant, rep=book.rep_a, metric="collections", value=Decimal("500"))
    TargetFactory(tenant=book.tenant, rep=book.rep_b, metric="revenue", value=Decimal("400"))
    return AppraisalCycleFactory(tenant=book.tenant, name="November")


def generate(book, cycle, api_as):
    response = api_as(book.manager).post(URL + "generate/", {"cycle": cycle.pk}, format="json")
    assert response.status_code == 201, response.json()
    return {row["rep"]: row for row in response.json()}


def test_generate_prefills_lines_from_the_reps_targets_with_progress(book, cycle, api_as):
    rows = generate(book, cycle, api_as)
    assert set(rows) == {book.rep_a.pk, book.rep_b.pk}
    lines = {line["metric"]: line for line in rows[book.rep_a.pk]["lines"]}
    assert set(lines) == {"revenue", "collections"}
    assert sum(Decimal(line["weight"]) for line in lines.values()) == 100
    # rep_a's November revenue: c2's 300 (the cancelled order does not count).
    assert Decimal(lines["revenue"]["actual"]) == Decimal("300")
    assert Decimal(lines["revenue"]["attainment"]) == Decimal("0.3")
    assert Decimal(lines["revenue"]["score"]) == Decimal("0.3") * Decimal(lines["revenue"]["weight"])
    assert generate(book, cycle, api_as) == {}  # a second run adds nothing


def test_weights_not_summing_to_100_are_refused_and_nothing_is_saved(book, cycle, api_as):
    rows = generate(book, cycle, api_as)
    appraisal = rows[book.rep_a.pk]
    before = sorted((line["metric"], line["weight"]) for line in appraisal["lines"])
    response = api_as(book.manager).post(
        f"{URL}{appraisal['id']}/set-lines/",
        {"lines": [{"metric": "revenue", "weight": "60"}, {"metric": "collections", "weight": "30"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "100" in str(response.json())
    after = api_as(book.manager).get(f"{URL}{appraisal['id']}/").json()
    assert sorted((line["metric"], line["weight"]) for line in after["lines"]) == before

    ok = api_as(book.manager).post(
        f"{URL}{appraisal['id']}/set-lines/",
        {"lines": [{"metric": "revenue", "weight": "70"}, {"metric": "collections", "weight": "30"}]},
        format="json",
    )
    assert ok.status_code == 200, ok.json()
    assert sorted(Decimal(line["weight"]) for line in ok.json()["lines"]) == [30, 70]


def test_the_workflow_and_who_may_move_it(book, cycle, api_as):
    pk = generate(book, cycle, api_as)[book.rep_a.pk]["id"]
    rep, manager = api_as(book.rep_a), api_as(book.manager)

    illegal = rep.post(f"{URL}{pk}/acknowledge/", {"comment": "ok"}, format="json")
    assert illegal.status_code == 400 and "draft" in str(illegal.json())
    assert rep.post(f"{URL}{pk}/submit/", {"rating": 4}, format="json").status_code == 403
    assert manager.post(f"{URL}{pk}/close/", {}, format="json").status_code == 400
    assert manager.post(f"{URL}{pk}/submit/", {"rating": 9}, format="json").status_code == 400

    submitted = manager.post(f"{URL}{pk}/submit/", {"rating": 4, "feedback": "Good month"}, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert manager.post(f"{URL}{pk}/acknowledge/", {"comment": "x"}, format="json").status_code == 403
    again = manager.post(f"{URL}{pk}/submit/", {"rating": 5}, format="json")
    assert again.status_code == 400 and "submitted" in str(again.json())

    acked = rep.post(f"{URL}{pk}/acknowledge/", {"comment": "Agreed"}, format="json")
    assert acked.status_code == 200
    assert acked.json()["status"] == "acknowledged" and acked.json()["acknowledged_at"]
    frozen = manager.post(
        f"{URL}{pk}/set-lines/", {"lines": [{"metric": "revenue", "weight": "100"}]}, format="json"
    )
    assert frozen.status_code == 400
    closed = manager.post(f"{URL}{pk}/close/", {}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    final = rep.get(f"{URL}{pk}/").json()
    assert (final["rating"], final["feedback"], final["rep_comment"]) == (4, "Good month", "Agreed")
    assert len(final["lines"]) == 2


def test_a_rep_sees_only_their_own_and_the_manager_their_line(book, cycle, api_as):
    generate(book, cycle, api_as)
    mine = api_as(book.rep_a).get(URL).json()["results"]
    assert [row["rep"] for row in mine] == [book.rep_a.pk]
    line = api_as(book.manager).get(URL).json()["results"]
    assert {row["rep"] for row in line} == {book.rep_a.pk, book.rep_b.pk}
    other = next(row for row in line if row["rep"] == book.rep_b.pk)
    assert api_as(book.rep_a).get(f"{URL}{other['id']}/").status_code == 404


def test_another_tenants_appraisal_is_404(book, other_tenant, api_as):
    rival_admin = MembershipFactory(tenant=other_tenant, role=Role.ADMIN)
    appraisal = AppraisalFactory(tenant=book.tenant, rep=book.rep_a, manager=book.manager)
    client = api_as(rival_admin)
    assert client.get(f"{URL}{appraisal.pk}/").status_code == 404
    assert client.post(f"{URL}{appraisal.pk}/submit/", {"rating": 3}, format="json").status_code == 404
    assert client.get(f"/api/v1/appraisal-cycles/{appraisal.cycle_id}/").status_code == 404
    theirs = AppraisalCycleFactory(tenant=other_tenant)
    gen = api_as(book.manager).post(URL + "generate/", {"cycle": theirs.pk}, format="json")
    assert gen.status_code == 400


def test_only_admins_write_cycles(book, api_as):
    body = {"name": "Q4", "cadence": "quarterly", "period_start": "2026-10-01", "period_end": "2026-12-31"}
    assert api_as(book.manager).post("/api/v1/appraisal-cycles/", body, format="json").status_code == 403
    admin = MembershipFactory(tenant=book.tenant, role=Role.ADMIN)
    created = api_as(admin).post("/api/v1/appraisal-cycles/", body, format="json")
    assert created.status_code == 201, created.json()
    bad = api_as(admin).post(
        "/api/v1/appraisal-cycles/", {**body, "name": "Bad", "period_end": "2026-09-01"}, format="json"
    )
    assert bad.status_code == 400


def _queries_for(book, reps: int) -> int:
    extra = [
        MembershipFactory(tenant=book.tenant, role=Role.REP, team=book.north, reports_to=book.manager)
        for _ in range(reps - 2)
    ]
    with scopes_disabled():
        closure_rebuild_all(tenant_id=book.tenant.pk)
    for member in [book.rep_a, book.rep_b, *extra]:
        TargetFactory(tenant=book.tenant, rep=member, metric="revenue", value=Decimal("100"))
        TargetFactory(tenant=book.tenant, rep=member, metric="collections", value=Decimal("100"))
    cycle = AppraisalCycleFactory(tenant=book.tenant)
    with scope(tenant=book.tenant.pk), CaptureQueriesContext(connection) as ctx:
        made = services.appraisal_create_for_cycle(cycle=cycle, by=book.manager)
    assert len(made) == reps
    with scopes_disabled():
        assert AppraisalLine.objects.filter(appraisal__cycle=cycle).count() >= 2 * reps
    return len(ctx.captured_queries)


def test_create_for_cycle_query_count_does_not_grow_with_reps(book):
    small = _queries_for(book, 2)
    with scopes_disabled():
        Appraisal.objects.all().delete()
    assert _queries_for(book, 10) == small


def test_the_rep_hears_when_it_is_submitted_and_the_manager_when_it_is_acknowledged(
    book, cycle, api_as, django_capture_on_commit_callbacks
):
    from apps.tenancy.models import Notification, OutboxMail

    pk = generate(book, cycle, api_as)[book.rep_a.pk]["id"]
    rep, manager = api_as(book.rep_a), api_as(book.manager)
    with django_capture_on_commit_callbacks():
        manager.post(f"{URL}{pk}/submit/", {"rating": 4}, format="json")
        rep.post(f"{URL}{pk}/acknowledge/", {"comment": "Agreed"}, format="json")
    with scopes_disabled():
        told = {(n.recipient_id, n.kind): n for n in Notification.objects.filter(tenant=book.tenant)}
        mails = OutboxMail.objects.filter(tenant=book.tenant).count()
    assert set(told) == {(book.rep_a.pk, "appraisal_submitted"), (book.manager.pk, "appraisal_acknowledged")}
    assert told[(book.rep_a.pk, "appraisal_submitted")].url.endswith(f"/appraisals/{pk}/")
    assert "November" in told[(book.manager.pk, "appraisal_acknowledged")].title
    assert told[(book.manager.pk, "appraisal_acknowledged")].body == "Agreed"
    assert mails == 2


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        # January: the month's revenue, not the year's; the first quarter's collections.
        (1, {("revenue", "month", 1), ("collections", "quarter", 1)}),
        # November: the month's revenue; the fourth quarter's collections, begun in October.
        (11, {("revenue", "month", 11), ("collections", "quarter", 10)}),
    ],
)
def test_a_monthly_appraisal_scores_the_same_kinds_of_target_in_every_month(book, month, expected):
    """Each KPI by its targets no longer than the cycle, else by its shortest overlapping target;
    a target of another rep's or of a period the cycle does not touch is never taken."""
    year = 2026
    make = {"tenant": book.tenant, "rep": book.rep_a, "value": Decimal("100")}
    TargetFactory(**make, metric="revenue", grain="year", period_start=dt.date(year, 1, 1))
    for m in (1, 10, 11, 12):
        TargetFactory(**make, metric="revenue", grain="month", period_start=dt.date(year, m, 1))
    for m in (1, 4, 7, 10):
        TargetFactory(**make, metric="collections", grain="quarter", period_start=dt.date(year, m, 1))
    TargetFactory(**make, metric="collections", grain="year", period_start=dt.date(year, 1, 1))
    start = dt.date(year, month, 1)
    cycle = AppraisalCycleFactory(
        tenant=book.tenant,
        period_start=start,
        period_end=(start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1),
    )
    with scope(tenant=book.tenant.pk):
        services.appraisal_create_for_cycle(cycle=cycle, by=book.manager)
        lines = AppraisalLine.objects.filter(appraisal__cycle=cycle, appraisal__rep=book.rep_a)
        taken = {(line.metric, line.target.grain, line.target.period_start.month) for line in lines}
    assert taken == expected
