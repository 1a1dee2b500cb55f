"""The organisation's own settings: tenant_settings_update checks every field, audits each change
from what to what, and only the organisation's admins may make one."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.tenancy.context import tenant_context
from apps.tenancy.models import AuditLog, Tenant
from apps.tenancy.selectors import settings_change_lines, tenant_settings_trail
from apps.tenancy.services import SETTINGS_ACTION, tenant_settings_update

pytestmark = pytest.mark.django_db

# Mid-June in Shanghai: holidays may be added for 2025 to 2028.
NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def pinned_now():
    with time_machine.travel(NOW, tick=False):
        yield


def image(kind="PNG", size=(64, 32), name="logo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def update(tenant, by, **fields):
    with tenant_context(tenant):
        return tenant_settings_update(tenant=tenant, by=by, **fields)


def errors_of(tenant, by, **fields) -> dict:
    with pytest.raises(ValidationError) as caught:
        update(tenant, by, **fields)
    return caught.value.message_dict


def trail(tenant) -> list[AuditLog]:
    with tenant_context(tenant):
        return list(tenant_settings_trail(tenant=tenant))


def test_an_admin_changes_the_settings_and_the_change_is_audited_field_by_field(tenant, admin):
    saved = update(
        tenant,
        admin,
        name="Acme Trading",
        timezone="Asia/Singapore",
        currency="sgd",
        working_days=[6, 1, 2, 3, 4, 5],
        work_start=dt.time(8, 30),
        report_deadline=dt.time(21, 0),
        checkin_radius_m=300,
        managers_manage_people=True,
    )
    saved.refresh_from_db()
    assert (saved.name, saved.timezone, saved.currency) == ("Acme Trading", "Asia/Singapore", "SGD")
    assert saved.working_days == [1, 2, 3, 4, 5, 6]
    assert saved.managers_manage_people is True
    [entry] = trail(tenant)
    assert entry.action == SETTINGS_ACTION and entry.actor == admin
    assert entry.changes == {
        "name": ["Acme", "Acme Trading"],
        "timezone": ["Asia/Shanghai", "Asia/Singapore"],
        "currency": ["CNY", "SGD"],
        "working_days": ["1,2,3,4,5", "1,2,3,4,5,6"],
        "work_start": ["09:00", "08:30"],
        "report_deadline": ["20:00", "21:00"],
        "checkin_radius_m": ["500", "300"],
        "managers_manage_people": ["False", "True"],
    }


def test_the_trail_reads_as_labelled_lines(tenant, admin):
    update(tenant, admin, working_days=[1, 2, 3], managers_manage_people=True)
    lines = {line.field: line for line in settings_change_lines(trail(tenant)[0])}
    assert lines["working_days"].label == "Working days"
    assert lines["working_days"].new == "Monday, Tuesday, Wednesday"
    assert (lines["managers_manage_people"].old, lines["managers_manage_people"].new) == ("No", "Yes")


def test_saving_the_same_values_writes_no_audit_entry(tenant, admin):
    update(tenant, admin, name="Acme", currency="CNY", working_days=[1, 2, 3, 4, 5], work_end=dt.time(18))
    assert trail(tenant) == []


@pytest.mark.parametrize("role", ["manager", "rep", "viewer"])
def test_only_an_admin_may_change_the_settings(request, tenant, role):
    member = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        update(tenant, member, name="Taken over")
    assert Tenant.objects.get(pk=tenant.pk).name == "Acme"


def test_another_organisations_admin_may_not_change_them(tenant, rival):
    with pytest.raises(PermissionDenied):
        update(tenant, rival, name="Taken over")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "   "}, "name"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"currency": "XYZ"}, "currency"),
        ({"default_language": "fr"}, "default_language"),
        ({"working_days": []}, "working_days"),
        ({"working_days": [1, 1, 2]}, "working_days"),
        ({"working_days": [0, 8]}, "working_days"),
        ({"checkin_radius_m": 10}, "checkin_radius_m"),
        ({"checkin_radius_m": 50_000}, "checkin_radius_m"),
        ({"work_start": dt.time(18), "work_end": dt.time(9)}, "work_end"),
        ({"plan_cutoff": dt.time(21)}, "plan_cutoff"),  # after the 20:00 report deadline
        ({"work_start": "25:00"}, "work_start"),
        ({"managers_manage_people": "yes"}, "managers_manage_people"),
    ],
)
def test_a_bad_setting_is_refused_on_its_field_and_nothing_changes(tenant, admin, fields, field):
    assert field in errors_of(tenant, admin, **fields)
    assert Tenant.objects.get(pk=tenant.pk).name == "Acme"
    assert trail(tenant) == []


def test_every_bad_field_is_reported_at_once(tenant, admin):
    errors = errors_of(tenant, admin, name="", currency="XYZ", checkin_radius_m=1)
    assert set(errors) == {"name", "currency", "checkin_radius_m"}


def test_holidays_are_kept_sorted_and_their_change_lists_what_came_and_went(tenant, admin):
    update(
        tenant,
        admin,
        holidays=[
            {"date": dt.date(2026, 10, 1), "name": "National Day"},
            {"date": "2026-05-01", "name": "Labour Day"},
        ],
    )
    assert Tenant.objects.get(pk=tenant.pk).holidays == [
        {"date": "2026-05-01", "name": "Labour Day"},
        {"date": "2026-10-01", "name": "National Day"},
    ]
    update(
        tenant,
        admin,
        holidays=[{"date": "2026-10-01", "name": "National Day"}, {"date": "2027-01-01", "name": "New Year"}],
    )
    latest = trail(tenant)[0]
    assert latest.changes == {"holidays": ["2026-05-01 Labour Day", "2027-01-01 New Year"]}


@pytest.mark.parametrize(
    "holidays",
    [
        [{"date": "2026-10-01", "name": "A"}, {"date": "2026-10-01", "name": "B"}],  # twice
        [{"date": "2024-12-31", "name": "Too old"}],  # before last year
        [{"date": "2029-01-01", "name": "Too far"}],  # after the year after next
        [{"date": "2026-10-01", "name": ""}],
        [{"date": "1 October", "name": "National Day"}],
        [{"date": "2026-10-01", "name": "x" * 101}],
        [{"date": f"2026-10-{day:02d}", "name": "Day"} for day in range(1, 32)] * 4,  # more than 100
        "2026-10-01",
    ],
)
def test_bad_holidays_are_refused(tenant, admin, holidays):
    assert "holidays" in errors_of(tenant, admin, holidays=holidays)


def test_a_stored_holiday_outside_the_range_may_stay_on_the_list(tenant, admin):
    Tenant.objects.filter(pk=tenant.pk).update(holidays=[{"date": "2020-01-01", "name": "Old"}])
    tenant.refresh_from_db()
    update(
        tenant, admin, holidays=[{"date": "2020-01-01", "name": "Old"}, {"date": "2026-10-01", "name": "New"}]
    )
    assert len(Tenant.objects.get(pk=tenant.pk).holidays) == 2


def test_a_logo_is_stored_under_the_organisation_and_replaced_and_removed(
    tenant, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = update(tenant, admin, logo=image()).logo.name
    assert first.startswith(f"logos/{tenant.pk}/") and first.endswith(".png")
    assert default_storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        second = update(tenant, admin, logo=image("JPEG", name="new.jpg")).logo.name
    assert second.endswith(".jpg") and default_storage.exists(second)
    assert not default_storage.exists(first)  # the replaced file goes once the change committed
    with django_capture_on_commit_callbacks(execute=True):
        assert not update(tenant, admin, logo=False).logo
    assert not default_storage.exists(second)
    assert [list(e.changes) for e in trail(tenant)] == [["logo"], ["logo"], ["logo"]]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "PNG, JPEG"),
        (SimpleUploadedFile("logo.png", b"not an image"), "PNG, JPEG"),
        (image(size=(2400, 100)), "2000"),
        (image(size=(8, 8)), "at least"),
        (SimpleUploadedFile("big.png", b"\0" * (1024 * 1024 + 1)), "1 MB"),
    ],
)
def test_a_bad_logo_is_refused_with_the_reason(tenant, admin, upload, message):
    errors = errors_of(tenant, admin, logo=upload)
    assert message in errors["logo"][0]
    assert not Tenant.objects.get(pk=tenant.pk).logo


def test_an_unknown_field_is_a_programming_error(tenant, admin):
    with pytest.raises(TypeError):
        update(tenant, admin, slug="taken")
