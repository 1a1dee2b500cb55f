"""Review cycles in the browser: an admin adds, edits, closes and deletes them; a manager reads
them; refusals say why and save nothing."""

import datetime as dt

import pytest
from django_scopes import scopes_disabled

from apps.targets.models import AppraisalCycle
from apps.tenancy.models import AuditLog
from tests.targets.factories import AppraisalCycleFactory, AppraisalFactory
from tests.web.test_i18n import compiled_messages  # noqa: F401  (autouse: compile the .mo first)

pytestmark = pytest.mark.django_db

FORM = {"name": "2027 Q1", "cadence": "quarterly", "period_start": "2027-01-01", "period_end": "2027-03-31"}


def cycles(tenant):
    with scopes_disabled():
        return list(AppraisalCycle.objects.filter(tenant=tenant).order_by("id"))


def test_an_admin_adds_a_cycle(client_as, url, admin):
    response = client_as(admin).post(url("appraisals:cycles"), {**FORM, "status": "open"})
    assert response.status_code == 302
    [cycle] = cycles(admin.tenant)
    assert (cycle.name, cycle.period_end) == ("2027 Q1", dt.date(2027, 3, 31))
    page = client_as(admin).get(url("appraisals:cycles")).text
    assert "2027 Q1" in page and url("appraisals:cycle-edit", cycle_id=cycle.pk) in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"period_end": "2026-12-31"}, "The period ends before it starts."),
        ({"name": "Taken"}, "A cycle with this name already exists."),
        ({"cadence": "weekly"}, "Select a valid choice"),
    ],
)
def test_a_bad_cycle_is_refused_with_the_reason(client_as, url, admin, changes, message):
    AppraisalCycleFactory(tenant=admin.tenant, name="Taken")
    response = client_as(admin).post(url("appraisals:cycles"), {**FORM, "status": "open", **changes})
    assert response.status_code == 400 and message in response.text and "Constraint" not in response.text
    assert [c.name for c in cycles(admin.tenant)] == ["Taken"]


def test_an_admin_closes_a_cycle_and_the_change_is_audited(client_as, url, admin):
    cycle = AppraisalCycleFactory(tenant=admin.tenant, name="2027-01")
    edit = url("appraisals:cycle-edit", cycle_id=cycle.pk)
    form = {
        "name": "2027-01",
        "cadence": cycle.cadence,
        "period_start": cycle.period_start,
        "period_end": cycle.period_end,
        "status": "closed",
    }
    assert client_as(admin).post(edit, form).status_code == 302
    with scopes_disabled():
        cycle.refresh_from_db()
        entry = AuditLog.objects.filter(action="targets.appraisal_cycle.updated").get()
    assert cycle.status == "closed" and entry.changes == {"status": ["open", "closed"]}


def test_a_cycle_with_appraisals_is_not_deleted(client_as, url, admin):
    kept = AppraisalFactory(tenant=admin.tenant).cycle
    empty = AppraisalCycleFactory(tenant=admin.tenant)
    client = client_as(admin)
    refused = client.post(url("appraisals:cycle-edit", cycle_id=kept.pk), {"delete": "1"}, follow=True)
    assert "cannot be deleted; close it instead" in refused.text
    assert client.post(url("appraisals:cycle-edit", cycle_id=empty.pk), {"delete": "1"}).status_code == 302
    assert [c.pk for c in cycles(admin.tenant)] == [kept.pk]


def test_a_manager_reads_the_cycles_but_cannot_change_them(client_as, url, manager):
    cycle = AppraisalCycleFactory(tenant=manager.tenant, name="Visible")
    client = client_as(manager)
    page = client.get(url("appraisals:cycles"))
    assert page.status_code == 200 and "Visible" in page.text and "Add a review cycle" not in page.text
    assert client.post(url("appraisals:cycles"), {**FORM, "status": "open"}).status_code == 404
    assert client.get(url("appraisals:cycle-edit", cycle_id=cycle.pk)).status_code == 404
    assert len(cycles(manager.tenant)) == 1


def test_a_rep_cannot_open_the_cycles(client_as, url, rep):
    assert client_as(rep).get(url("appraisals:cycles")).status_code == 404


def test_the_list_counts_appraisals_in_a_fixed_number_of_queries(
    client_as, url, admin, django_assert_max_num_queries
):
    for _n in range(3):
        AppraisalFactory(tenant=admin.tenant)
    client = client_as(admin)
    with django_assert_max_num_queries(12):
        text = client.get(url("appraisals:cycles")).text
    assert text.count('class="cell-title"') == 3
