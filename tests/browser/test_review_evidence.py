"""The real browser, at phone width: a rep checks in 8 km from the customer (the phone's position
mocked); their manager sees that distance and the far flag where the plan is approved, then on the
daily report where the 批示 is written, with the visit's photo as a lazy-loaded thumbnail."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled
from PIL import Image
from playwright.sync_api import expect

from apps.tenancy.dates import tenant_today
from apps.visits.models import Visit
from tests.factories import CustomerFactory
from tests.visits.factories import DailyReportFactory, VisitFactory, VisitPhotoFactory, VisitPlanFactory

from .test_shell import PHONE, no_horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOP = {"latitude": 31.230416, "longitude": 121.473701}
# About 8.3 km north of the shop: 0.075° of latitude.
AWAY = {"latitude": SHOP["latitude"] + 0.075, "longitude": SHOP["longitude"], "accuracy": 20}


def photo_file() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (1200, 900), (40, 140, 90)).save(buf, "JPEG")
    return SimpleUploadedFile("shop.jpg", buf.getvalue(), content_type="image/jpeg")


def test_a_visit_checked_in_far_away_shows_its_distance_and_flag_where_it_is_signed_off(
    browser, live_server, tenant, rep, manager
):
    day = tenant_today(tenant)
    shop = CustomerFactory(
        tenant=tenant,
        owner=rep,
        name="Bund Grocery",
        latitude=str(SHOP["latitude"]),
        longitude=str(SHOP["longitude"]),
    )
    plan = VisitPlanFactory(tenant=tenant, rep=rep, day=day, status="submitted")
    visit = VisitFactory(tenant=tenant, rep=rep, day=day, plan=plan, customer=shop)

    field = browser.new_context(viewport=PHONE, geolocation=AWAY, permissions=["geolocation"])
    page = field.new_page()
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/t/acme/visits/today/")
    page.get_by_role("button", name="Check in").click()
    expect(page.locator(".messages")).to_contain_text("Checked in.")
    field.close()
    VisitPhotoFactory(tenant=tenant, visit=visit, image=photo_file())

    boss = browser.new_context(viewport=PHONE)
    page = boss.new_page()
    sign_in(page, live_server, username="mgr")
    page.goto(f"{live_server.url}/t/acme/visits/queue/")
    item = page.locator(f"[data-plan='{plan.pk}'] [data-visit='{visit.pk}']")
    expect(item.locator("[data-evidence]")).to_contain_text(re.compile(r"Checked in \d\d:\d\d"))
    expect(item.locator("[data-distance]")).to_have_text(re.compile(r"^8\.\d km from the customer$"))
    expect(item.locator(".badge--far")).to_have_text("Far from the customer")
    thumb = item.locator(".visit__photos img")
    expect(thumb).to_have_attribute("loading", "lazy")
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    assert thumb.evaluate("img => img.naturalWidth") <= 288  # the thumbnail, not the 1200 px photo
    assert no_horizontal_overflow(page)
    page.screenshot(path="/tmp/salesmgmt-review-queue.png", full_page=True)

    report = DailyReportFactory(tenant=tenant, rep=rep, day=day, status="submitted")
    with scopes_disabled():
        Visit.objects.filter(pk=visit.pk).update(report=report, outcome=Visit.Outcome.DONE)
    page.goto(f"{live_server.url}/t/acme/reports/review/")
    row = page.locator(f"[data-report='{report.pk}']")
    expect(row).to_contain_text("1 visit far from the customer")
    row.get_by_role("link", name="Review").click()
    expect(page.locator(".page-header")).to_contain_text("1 visit far from the customer")
    evidence = page.locator(f"[data-visit='{visit.pk}'] [data-evidence]")
    expect(evidence.locator("[data-distance]")).to_have_text(re.compile(r"^8\.\d km from the customer$"))
    expect(evidence.locator(".badge--far")).to_be_visible()
    expect(page.locator(f"[data-visit='{visit.pk}'] .visit__photos img")).to_have_count(1)
    assert no_horizontal_overflow(page)
    page.screenshot(path="/tmp/salesmgmt-review-report.png", full_page=True)
    page.fill("textarea[name=comment]", "8 km from Bund Grocery: explain tomorrow")
    page.get_by_role("button", name="Sign off").click()
    expect(page.locator(".messages")).to_contain_text("signed off")
    boss.close()
