"""The manager's review shows each visit's evidence — check-in time, distance from the customer in m
or km, the far flag by the organisation's check-in radius, photo thumbnails — in the plan queue and
on the daily report where the 批示 is written, and the queue of reports counts the far visits; all
in a fixed number of queries, whatever the number of visits and photos.

The clock is pinned to Wednesday 18 November 2026, 10:00 in the tenant's time zone (Asia/Shanghai);
the visits were made on Tuesday 17 November."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled
from PIL import Image

from apps.tenancy.models import Tenant, UserProfile
from apps.visits.models import Visit
from tests.factories import CustomerFactory

from .conftest import jpeg_bytes
from .factories import DailyReportFactory, VisitFactory, VisitPhotoFactory, VisitPlanFactory

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)
YESTERDAY = dt.date(2026, 11, 17)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def client_of(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})


def checked_in(visit, *, at=(9, 15), metres, out=None, lat="31.230416"):
    """The visit as check-in left it (the service measured `metres` from the customer)."""
    with scopes_disabled():
        Visit.objects.filter(pk=visit.pk).update(
            check_in_at=dt.datetime.combine(visit.day, dt.time(*at), tzinfo=SHANGHAI),
            check_in_lat=lat,
            check_in_lng=None if lat is None else "121.473701",
            check_in_distance_m=metres,
            check_in_far=metres is not None and metres > 500,
            check_out_at=None
            if out is None
            else dt.datetime.combine(visit.day, dt.time(*out), tzinfo=SHANGHAI),
            outcome=Visit.Outcome.DONE,
        )
    return visit


@pytest.fixture
def yesterdays_plan(tenant, rep):
    """Yesterday's plan of the rep, submitted and not approved yet, its visits made: one 8.2 km from
    the customer with a photo, one 40 m away, one without a position, one not made."""
    plan = VisitPlanFactory(tenant=tenant, rep=rep, day=YESTERDAY, status="submitted")

    def item(name, position):
        customer = CustomerFactory(tenant=tenant, owner=rep, name=name, latitude="31.2", longitude="121.4")
        return VisitFactory(
            tenant=tenant, rep=rep, day=YESTERDAY, plan=plan, customer=customer, position=position
        )

    far = checked_in(item("Faraway Mart", 0), metres=8_240, out=(9, 40))
    near = checked_in(item("Nearby Shop", 1), at=(11, 5), metres=40)
    blind = checked_in(item("Blind Corner", 2), at=(14, 0), metres=None, lat=None)
    item("Skipped Store", 3)
    photo = VisitPhotoFactory(tenant=tenant, visit=far)
    return plan, far, near, blind, photo


def evidence(page: str, visit) -> str:
    """The page's text of one visit's row."""
    start = page.index(f'data-visit="{visit.pk}"')
    end = page.find("data-visit=", start + 12)
    return page[start : end if end > 0 else len(page)]


def test_the_plan_queue_shows_each_visits_check_in_distance_flag_and_photos(tenant, manager, yesterdays_plan):
    plan, far, near, blind, photo = yesterdays_plan
    page = client_of(manager).get(url(tenant, "visits:queue")).text
    row = evidence(page, far)
    assert "Checked in 09:15" in row and "8.2 km from the customer" in row and "out 09:40" in row
    assert "Far from the customer" in row and "data-far" in row
    thumb = url(tenant, "visits:photo", photo_id=photo.pk)
    assert f'<a href="{thumb}"' in row and f'src="{thumb}?size=thumb"' in row and 'loading="lazy"' in row
    row = evidence(page, near)
    assert "Checked in 11:05" in row and "40 m from the customer" in row
    assert "Far from the customer" not in row
    assert "no location" in evidence(page, blind)
    assert "Checked in" not in page[page.index("Skipped Store") :]


def test_the_organisations_check_in_radius_decides_what_is_far(tenant, manager, yesterdays_plan):
    plan, far, near, *_ = yesterdays_plan
    with scopes_disabled():
        Tenant.objects.filter(pk=tenant.pk).update(checkin_radius_m=10_000)
    page = client_of(manager).get(url(tenant, "visits:queue")).text
    assert "8.2 km from the customer" in evidence(page, far)
    assert "Far from the customer" not in page
    with scopes_disabled():
        Tenant.objects.filter(pk=tenant.pk).update(checkin_radius_m=30)
    page = client_of(manager).get(url(tenant, "visits:queue")).text
    assert "Far from the customer" in evidence(page, far) and "Far from the customer" in evidence(page, near)


def test_the_daily_report_under_review_shows_the_evidence_and_counts_the_far_visits(
    tenant, rep, manager, yesterdays_plan
):
    plan, far, near, blind, photo = yesterdays_plan
    report = DailyReportFactory(tenant=tenant, rep=rep, day=YESTERDAY, status="submitted")
    unchecked = VisitFactory(tenant=tenant, rep=rep, day=YESTERDAY, outcome="done", planned=False)
    with scopes_disabled():
        Visit.objects.filter(pk__in=[far.pk, near.pk, blind.pk, unchecked.pk]).update(report=report)
    client = client_of(manager)
    page = client.get(url(tenant, "reports:detail", report_id=report.pk)).text
    assert 'data-far-visits="1"' in page and "1 visit far from the customer" in page
    assert 'data-unchecked-visits="1"' in page and "1 visit done without a check-in" in page
    row = evidence(page, far)
    assert "8.2 km from the customer" in row and "Far from the customer" in row
    assert f"{url(tenant, 'visits:photo', photo_id=photo.pk)}?size=thumb" in row
    assert "Done without a check-in" in evidence(page, unchecked)
    assert 'name="comment"' in page  # where the 批示 is written
    queue = client.get(url(tenant, "reports:queue")).text
    row = queue[queue.index(f'data-report="{report.pk}"') :]
    assert "1 visit far from the customer" in row and "1 visit done without a check-in" in row


def test_a_chinese_manager_reads_the_evidence_in_chinese(tenant, manager, yesterdays_plan):
    UserProfile.objects.create(user=manager.user, language="zh-hans")
    page = client_of(manager).get(url(tenant, "visits:queue")).text
    for text in ("09:15 签到", "距客户 8.2 公里", "距客户 40 米", "远离客户", "无位置", "拜访照片"):
        assert text in page, text


def test_the_review_pages_read_a_fixed_number_of_queries_whatever_the_visits_and_photos(
    tenant, rep, peer, manager, django_assert_max_num_queries
):
    report = DailyReportFactory(tenant=tenant, rep=rep, day=YESTERDAY, status="submitted")

    def add(who, n, plan=None):
        plan = plan or VisitPlanFactory(tenant=tenant, rep=who, day=YESTERDAY, status="submitted")
        for _ in range(n):
            visit = checked_in(VisitFactory(tenant=tenant, rep=who, day=YESTERDAY, plan=plan), metres=9_000)
            VisitPhotoFactory.create_batch(2, tenant=tenant, visit=visit)
            if who == rep:
                with scopes_disabled():
                    Visit.objects.filter(pk=visit.pk).update(report=report)
        return plan

    plan = add(rep, 1)
    client = client_of(manager)
    # session, user, membership and the bar's member lookup, then each page's own: the plans, their
    # visits and photos; the report, its visits, photos, orders, collections and the sign-off right;
    # the queue's count and page.
    pages = {
        url(tenant, "visits:queue"): 7,
        url(tenant, "reports:detail", report_id=report.pk): 10,
        url(tenant, "reports:queue"): 6,
    }
    for page, pinned in pages.items():
        client.get(page)  # the first page of a session also writes the session (the tenant last opened)
        with django_assert_max_num_queries(pinned):
            assert client.get(page).status_code == 200
    add(rep, 6, plan)
    add(peer, 5)
    for page, pinned in pages.items():
        with django_assert_max_num_queries(pinned):
            assert client.get(page).status_code == 200
    pages = list(pages)
    assert client.get(pages[0]).text.count('class="badge badge--far"') == 12


def jpeg_upload(size):
    buf = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buf, "JPEG")
    return SimpleUploadedFile("big.jpg", buf.getvalue(), content_type="image/jpeg")


def test_a_thumbnail_is_a_small_jpeg_of_the_photo_for_those_who_may_see_it(
    tenant, rep, manager, outsider_rep, yesterdays_plan
):
    plan, far, *_ = yesterdays_plan
    photo = VisitPhotoFactory(tenant=tenant, visit=far, image=jpeg_upload((1600, 1200)))
    photo_url = url(tenant, "visits:photo", photo_id=photo.pk)
    thumb = client_of(manager).get(photo_url, {"size": "thumb"})
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert thumb["Cache-Control"] == "private, max-age=3600"
    image = Image.open(io.BytesIO(thumb.content))
    assert max(image.size) <= 288 and image.size[0] > image.size[1]
    full = client_of(manager).get(photo_url)
    assert Image.open(io.BytesIO(b"".join(full.streaming_content))).size == (1600, 1200)
    assert client_of(outsider_rep).get(photo_url, {"size": "thumb"}).status_code == 404


def test_a_file_that_is_no_image_is_answered_as_stored_instead_of_a_thumbnail(
    tenant, manager, yesterdays_plan
):
    *_, photo = yesterdays_plan  # the factory's bytes are not a JPEG
    response = client_of(manager).get(url(tenant, "visits:photo", photo_id=photo.pk), {"size": "thumb"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff\xe0 not a real jpeg")


def test_another_tenants_photo_thumbnail_is_404(tenant, other_tenant, manager):
    photo = VisitPhotoFactory(tenant=other_tenant, visit__day=YESTERDAY, image=jpeg_upload((40, 30)))
    response = client_of(manager).get(url(tenant, "visits:photo", photo_id=photo.pk), {"size": "thumb"})
    assert response.status_code == 404


def test_jpeg_bytes_make_a_thumbnail_too(tenant, manager, yesterdays_plan):
    plan, far, *_ = yesterdays_plan
    photo = VisitPhotoFactory(
        tenant=tenant, visit=far, image=SimpleUploadedFile("s.jpg", jpeg_bytes(), content_type="image/jpeg")
    )
    response = client_of(manager).get(url(tenant, "visits:photo", photo_id=photo.pk), {"size": "thumb"})
    assert Image.open(io.BytesIO(response.content)).size == (8, 8)
