import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_scopes import scope

from apps.visits.models import Visit, VisitPlan

from .conftest import jpeg_bytes
from .factories import VisitFactory, VisitPhotoFactory, VisitPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_member():
    def make(membership):
        client = Client()
        client.force_login(membership.user)
        return client

    return make


def url(name, tenant, **kwargs):
    return reverse(f"visits:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def test_a_rep_builds_todays_plan_and_submits_it(as_member, rep, shop, today):
    client = as_member(rep)
    page = client.get(url("today", rep.tenant))
    assert page.status_code == 200 and "No visits planned yet" in page.text
    options = client.get(url("customer-search", rep.tenant), {"q": "bund"})
    assert f'data-pick-customer="{shop.pk}"' in options.text
    added = client.post(
        url("item-add", rep.tenant),
        {
            "day": today.isoformat(),
            "customer": shop.pk,
            "purpose": "order",
            "planned_time": "10:00",
            "area": "Huangpu",
        },
        follow=True,
    )
    assert "Visit added to the plan." in added.text and "Bund Grocery" in added.text
    client.post(
        url("item-add", rep.tenant),
        {"day": today.isoformat(), "prospect_name": "New Mart", "purpose": "new_customer"},
    )
    with scope(tenant=rep.tenant):
        plan = VisitPlan.objects.get(rep=rep, day=today)
        assert plan.items.count() == 2
    submitted = client.post(url("plan-submit", rep.tenant, plan_id=plan.pk), follow=True)
    assert "Plan submitted for approval." in submitted.text
    assert "Add a visit" not in submitted.text  # a submitted plan is not edited


def test_an_item_without_customer_or_prospect_shows_the_error(as_member, rep, today):
    page = as_member(rep).post(url("item-add", rep.tenant), {"day": today.isoformat(), "purpose": "order"})
    assert page.status_code == 400 and "Choose a customer or enter a prospect" in page.text


def test_a_peers_customer_cannot_be_picked(as_member, rep, peer_shop, today):
    client = as_member(rep)
    assert "Peer Shop" not in client.get(url("customer-search", rep.tenant), {"q": "peer"}).text
    page = client.post(url("item-add", rep.tenant), {"day": today.isoformat(), "customer": peer_shop.pk})
    assert page.status_code == 400
    with scope(tenant=rep.tenant):
        assert not Visit.objects.exists()


def test_check_in_with_and_without_a_position_then_check_out(as_member, rep, shop, today):
    plan = VisitPlanFactory(tenant=rep.tenant, rep=rep, day=today, status="approved")
    near = VisitFactory(tenant=rep.tenant, rep=rep, day=today, plan=plan, customer=shop)
    blind = VisitFactory(tenant=rep.tenant, rep=rep, day=today, plan=plan, customer=shop)
    client = as_member(rep)
    page = client.post(
        url("check-in", rep.tenant, visit_id=near.pk),
        {"lat": "31.2305", "lng": "121.4737", "accuracy_m": "9"},
        follow=True,
    )
    assert "Checked in." in page.text and "m from the customer" in page.text
    page = client.post(url("check-in", rep.tenant, visit_id=blind.pk), {"lat": "", "lng": ""}, follow=True)
    assert "Checked in." in page.text and "no location" in page.text
    page = client.post(url("check-out", rep.tenant, visit_id=near.pk), {}, follow=True)
    assert "Checked out." in page.text
    bad = client.post(url("check-in", rep.tenant, visit_id=near.pk), {"lat": "x", "lng": "y"}, follow=True)
    assert "already checked in" in bad.text or "not a position" in bad.text


def test_photo_from_the_phone_is_stored_and_served_only_to_those_who_may_see_it(
    as_member, rep, peer, manager, today
):
    visit = VisitFactory(tenant=rep.tenant, rep=rep, day=today, check_in_at="2026-11-02T01:00:00Z")
    client = as_member(rep)
    upload = SimpleUploadedFile("cam.jpg", jpeg_bytes(), content_type="image/jpeg")
    page = client.post(url("photo-upload", rep.tenant, visit_id=visit.pk), {"image": upload}, follow=True)
    assert "Photo added." in page.text
    src = re.search(r'<img src="([^"]+)"', page.text).group(1)
    assert "/media/" not in src
    got = as_member(manager).get(src)
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    assert got["X-Content-Type-Options"] == "nosniff"
    assert as_member(peer).get(src).status_code == 404
    text = SimpleUploadedFile("x.jpg", b"MZ not an image", content_type="image/jpeg")
    page = client.post(url("photo-upload", rep.tenant, visit_id=visit.pk), {"image": text}, follow=True)
    assert "Only photos" in page.text


def test_carry_over_on_the_today_page(as_member, rep, shop, today, yesterday):
    left = VisitFactory(tenant=rep.tenant, rep=rep, day=yesterday, customer=shop)
    client = as_member(rep)
    assert "Unfinished from the last working day" in client.get(url("today", rep.tenant)).text
    page = client.post(
        url("carry-over", rep.tenant), {"day": today.isoformat(), "visits": [left.pk]}, follow=True
    )
    assert "carried into the plan" in page.text and "carried over" in page.text
    assert "Unfinished from the last working day" not in page.text


def test_the_manager_approves_and_returns_from_the_queue(as_member, rep, peer, manager, today):
    one = VisitPlanFactory(tenant=rep.tenant, rep=rep, day=today, status="submitted")
    VisitFactory(tenant=rep.tenant, rep=rep, day=today, plan=one, area="Pudong")
    two = VisitPlanFactory(tenant=rep.tenant, rep=peer, day=today, status="submitted")
    client = as_member(manager)
    queue = client.get(url("queue", rep.tenant))
    assert queue.status_code == 200 and "Pudong" in queue.text and f'data-plan="{two.pk}"' in queue.text
    page = client.post(url("plan-approve", rep.tenant, plan_id=one.pk), follow=True)
    assert "approved" in page.text and f'data-plan="{one.pk}"' not in page.text
    page = client.post(url("plan-return", rep.tenant, plan_id=two.pk), {"comment": ""}, follow=True)
    assert "Say what should change" in page.text
    client.post(url("plan-return", rep.tenant, plan_id=two.pk), {"comment": "Add the mall"})
    with scope(tenant=rep.tenant):
        assert VisitPlan.objects.get(pk=two.pk).status == "returned"
    rep_page = as_member(peer).get(url("today", rep.tenant))
    assert "Add the mall" in rep_page.text and "Add a visit" in rep_page.text


def test_a_rep_has_no_queue_and_a_viewer_no_today(as_member, rep, viewer):
    assert as_member(rep).get(url("queue", rep.tenant)).status_code == 404
    assert as_member(viewer).get(url("today", rep.tenant)).status_code == 404


def test_nav_links_per_role(as_member, rep, manager):
    rep_nav = as_member(rep).get(reverse("dashboard", kwargs={"tenant_slug": rep.tenant.slug})).text
    assert url("today", rep.tenant) in rep_nav and url("queue", rep.tenant) not in rep_nav
    boss_nav = as_member(manager).get(reverse("dashboard", kwargs={"tenant_slug": rep.tenant.slug})).text
    assert url("queue", rep.tenant) in boss_nav


def test_today_page_query_count_does_not_grow_with_visits(
    as_member, rep, today, django_assert_max_num_queries
):
    plan = VisitPlanFactory(tenant=rep.tenant, rep=rep, day=today)
    VisitPhotoFactory(tenant=rep.tenant, visit=VisitFactory(tenant=rep.tenant, rep=rep, day=today, plan=plan))
    client = as_member(rep)
    page = url("today", rep.tenant)
    client.get(page)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(page)
    for _ in range(8):
        VisitPhotoFactory(
            tenant=rep.tenant, visit=VisitFactory(tenant=rep.tenant, rep=rep, day=today, plan=plan)
        )
    with CaptureQueriesContext(connection) as many:
        client.get(page)
    assert len(many) == len(few)


def test_a_chinese_user_sees_today_and_the_queue_in_chinese(as_member, rep, manager, shop, today):
    from apps.tenancy.models import UserProfile

    UserProfile.objects.create(user=rep.user, language="zh-hans")
    UserProfile.objects.create(user=manager.user, language="zh-hans")
    plan = VisitPlanFactory(
        tenant=rep.tenant, rep=rep, day=today, status="returned", review_comment="再加一家"
    )
    VisitFactory(tenant=rep.tenant, rep=rep, day=today, plan=plan, customer=shop, purpose="collection")
    text = as_member(rep).get(url("today", rep.tenant)).text
    for label in ("今日", "已退回", "货款回收", "签到", "添加拜访", "重新提交审批", "拜访目的"):
        assert label in text, label
    assert "计划审批" in as_member(manager).get(url("queue", rep.tenant)).text


def test_queue_page_query_count_does_not_grow_with_plans(as_member, manager, rep, peer, today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(who, n, start):
        for i in range(n):
            plan = VisitPlanFactory(
                tenant=who.tenant, rep=who, day=today + dt.timedelta(days=start + i), status="submitted"
            )
            VisitFactory.create_batch(2, tenant=who.tenant, rep=who, day=plan.day, plan=plan)

    add(rep, 1, 0)
    client = as_member(manager)
    client.get(url("queue", rep.tenant))
    with CaptureQueriesContext(connection) as few:
        client.get(url("queue", rep.tenant))
    add(rep, 5, 1)
    add(peer, 5, 1)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url("queue", rep.tenant)).text.count("data-plan=") == 11
    assert len(many) == len(few)
