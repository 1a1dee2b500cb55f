"""The organisation settings page: admins only, every setting validated with the form re-rendered as
typed, each saved change in the trail below it, and the logo shown in the top bar."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.tenancy.context import tenant_context
from apps.tenancy.models import AuditLog, Tenant
from apps.tenancy.services import tenant_settings_update
from apps.tenancy.starter import starter_data_load

pytestmark = pytest.mark.django_db

NAME = "organisation-settings"


@pytest.fixture(autouse=True)
def pinned_now():
    with time_machine.travel(dt.datetime(2026, 9, 10, 11, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def form_data(holidays=(), **overrides) -> dict:
    """What the browser posts for the stored defaults of the `tenant` fixture, with changes."""
    data = {
        "name": "Acme",
        "timezone": "Asia/Shanghai",
        "currency": "CNY",
        "country": "CN",
        "default_language": "en",
        "working_days": ["1", "2", "3", "4", "5"],
        "work_start": "09:00",
        "work_end": "18:00",
        "plan_cutoff": "09:30",
        "report_deadline": "20:00",
        "checkin_radius_m": "500",
        "holidays-TOTAL_FORMS": str(len(holidays) + 1),
        "holidays-INITIAL_FORMS": "0",
        "holidays-MIN_NUM_FORMS": "0",
        "holidays-MAX_NUM_FORMS": "100",
        f"holidays-{len(holidays)}-date": "",
        f"holidays-{len(holidays)}-name": "",
    }
    for n, (day, name, *delete) in enumerate(holidays):
        data[f"holidays-{n}-date"] = day
        data[f"holidays-{n}-name"] = name
        if delete:
            data[f"holidays-{n}-DELETE"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def png(size=(120, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 90, 200)).save(buffer, "PNG")
    return SimpleUploadedFile("brand.png", buffer.getvalue(), content_type="image/png")


def test_an_admin_opens_the_page_with_the_current_settings(client_as, url, admin):
    response = client_as(admin).get(url(NAME))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Asia/Shanghai"' in html and '<datalist id="timezone-list">' in html
    assert 'value="09:30"' in html and 'value="20:00"' in html
    assert "No changes yet." in html


@pytest.mark.parametrize("role", ["manager", "rep", "viewer"])
def test_other_roles_get_404(request, client_as, url, role):
    member = request.getfixturevalue(role)
    assert client_as(member).get(url(NAME)).status_code == 404
    assert client_as(member).post(url(NAME), form_data(name="Taken over")).status_code == 404
    assert Tenant.objects.get(slug="acme").name == "Acme"


def test_saving_changes_the_settings_and_lists_the_change_below(client_as, url, admin, tenant):
    client = client_as(admin)
    response = client.post(
        url(NAME),
        form_data(
            name="Acme Trading",
            working_days=["1", "2", "3", "4", "5", "6"],
            checkin_radius_m="300",
            managers_manage_people="on",
            holidays=[("2026-10-01", "National Day")],
        ),
    )
    assert response.status_code == 302 and response["Location"] == url(NAME)
    tenant.refresh_from_db()
    assert tenant.name == "Acme Trading" and tenant.checkin_radius_m == 300
    assert tenant.working_days == [1, 2, 3, 4, 5, 6] and tenant.managers_manage_people
    assert tenant.holidays == [{"date": "2026-10-01", "name": "National Day"}]
    html = client.get(url(NAME)).content.decode()
    assert "Acme → Acme Trading" in html
    assert (
        "Monday, Tuesday, Wednesday, Thursday, Friday → Monday, Tuesday, Wednesday, Thursday, Friday, Saturday"
        in html
    )
    assert "added 2026-10-01 National Day" in html
    assert admin.name in html


def test_a_holiday_is_removed_by_ticking_delete(client_as, url, admin, tenant):
    with tenant_context(tenant):
        tenant_settings_update(
            tenant=tenant,
            by=admin,
            holidays=[
                {"date": "2026-10-01", "name": "National Day"},
                {"date": "2026-10-02", "name": "Bridge"},
            ],
        )
    response = client_as(admin).post(
        url(NAME), form_data(holidays=[("2026-10-01", "National Day"), ("2026-10-02", "Bridge", "delete")])
    )
    assert response.status_code == 302
    assert Tenant.objects.get(pk=tenant.pk).holidays == [{"date": "2026-10-01", "name": "National Day"}]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"checkin_radius_m": "10"}, "greater than or equal to 50"),
        ({"timezone": "Mars/Olympus"}, "Unknown time zone: Mars/Olympus"),
        ({"work_start": "19:00"}, "Working hours end after they start."),
        ({"plan_cutoff": "20:30"}, "The visit plan cut-off comes before the daily report deadline."),
        ({"working_days": None}, "Choose at least one working day."),
        ({"holidays": [("2026-10-01", "A"), ("2026-10-01", "B")]}, "This date is listed twice."),
        ({"holidays": [("2026-10-01", "")]}, "Give the holiday a name."),
        (
            {"holidays": [("2031-05-01", "Too far")]},
            "outside the years a holiday may be added for (2025–2028)",
        ),
    ],
)
def test_a_bad_value_re_renders_the_form_with_the_reason_and_keeps_what_was_typed(
    client_as, url, admin, tenant, changes, message
):
    response = client_as(admin).post(url(NAME), form_data(name="Typed But Not Saved", **changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Typed But Not Saved"' in html
    assert Tenant.objects.get(pk=tenant.pk).name == "Acme"
    with tenant_context(tenant):
        assert not AuditLog.objects.filter(action="tenancy.settings.updated").exists()


def test_a_bad_logo_is_refused_on_the_form(client_as, url, admin, tenant):
    response = client_as(admin).post(
        url(NAME),
        {**form_data(), "logo": SimpleUploadedFile("logo.png", b"<svg/>", content_type="image/png")},
    )
    assert response.status_code == 200
    assert not Tenant.objects.get(pk=tenant.pk).logo


def test_an_uploaded_logo_shows_in_the_top_bar_for_every_member(client_as, url, admin, rep, tenant):
    response = client_as(admin).post(url(NAME), {**form_data(), "logo": png()})
    assert response.status_code == 302
    tenant.refresh_from_db()
    html = client_as(rep).get(url("dashboard")).content.decode()
    assert '<img class="brand__logo" src="/t/acme/logo/?v=' in html
    logo = client_as(rep).get(url("organisation-logo"))
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")
    # cleared again with the form's box
    client_as(admin).post(url(NAME), {**form_data(), "remove_logo": "on"})
    assert client_as(rep).get(url("organisation-logo")).status_code == 404
    assert "brand__logo" not in client_as(rep).get(url("dashboard")).content.decode()


def test_no_logo_is_404_and_the_brand_keeps_its_mark(client_as, url, rep):
    assert client_as(rep).get(url("organisation-logo")).status_code == 404
    assert 'class="brand__mark"' in client_as(rep).get(url("dashboard")).content.decode()


def test_another_organisations_logo_is_404(client_as, url, admin, rival, tenant):
    client_as(admin).post(url(NAME), {**form_data(), "logo": png()})
    assert client_as(rival).get(url("organisation-logo")).status_code == 404


def test_the_trail_is_paginated_and_its_queries_do_not_grow(
    client_as, url, admin, tenant, django_assert_max_num_queries
):
    client = client_as(admin)
    with tenant_context(tenant):
        for radius in range(100, 112):
            tenant_settings_update(tenant=tenant, by=admin, checkin_radius_m=radius)
    with django_assert_max_num_queries(10):
        first = client.get(url(NAME))
    assert "1–10 of 12" in first.content.decode()
    second = client.get(url(NAME) + "?page=2").content.decode()
    assert "500 → 100" in second and "110 → 111" not in second


def test_the_trail_names_the_starter_data_an_organisation_got(client_as, url, admin, tenant):
    starter_data_load(tenant=tenant, only=["targets.seasonal_profiles", "visits.custom_metrics"])
    html = client_as(admin).get(url(NAME)).content.decode()
    assert "Starter data Seasonal profiles: 3 rows added" in html
    assert "Starter data Custom KPIs on visits: 3 rows added" in html
    assert "System" in html


def test_a_logo_change_reads_as_images_not_file_paths(client_as, url, admin, tenant):
    client_as(admin).post(url(NAME), {**form_data(), "logo": png()})
    html = client_as(admin).get(url(NAME)).content.decode()
    assert "(none) → image " in html and "logos/" not in html.split('id="settings-trail"')[1]
