import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from apps.customers.models import Customer
from apps.tenancy.models import AuditLog
from apps.visits import services
from apps.visits.models import Visit, VisitPhoto, VisitPlan
from apps.visits.selectors import carry_over_candidates, visit_plan_queue
from tests.factories import CustomerFactory

from .factories import VisitFactory, VisitPlanFactory

pytestmark = pytest.mark.django_db


def _plan(tenant, rep, day, items):
    return services.visit_plan_save(tenant=tenant, by=rep, day=day, items=items)


def test_a_rep_plans_the_day_with_customers_and_prospects(tenant, rep, shop, today):
    with scope(tenant=tenant):
        plan = _plan(
            tenant,
            rep,
            today,
            [
                {"customer": shop, "area": "Huangpu", "planned_time": dt.time(9, 30), "purpose": "order"},
                {"prospect_name": "  New Mart ", "purpose": "new_customer", "note": "cold call"},
            ],
        )
        items = list(plan.items.order_by("position"))
        assert plan.status == VisitPlan.Status.DRAFT and plan.rep == rep
        assert [(v.customer, v.prospect_name, v.position, v.planned) for v in items] == [
            (shop, "", 0, True),
            (None, "New Mart", 1, True),
        ]
        assert all(v.day == today and v.rep == rep for v in items)
        assert AuditLog.objects.filter(action="visits.plan.created", object_id=plan.pk).exists()


def test_saving_again_updates_kept_items_adds_new_and_drops_missing(tenant, rep, shop, today):
    with scope(tenant=tenant):
        plan = _plan(tenant, rep, today, [{"customer": shop}, {"prospect_name": "Gone"}])
        first = plan.items.get(customer=shop)
        _plan(
            tenant,
            rep,
            today,
            [{"prospect_name": "Added"}, {"id": first.pk, "customer": shop, "area": "East"}],
        )
        rows = list(plan.items.order_by("position").values_list("id", "prospect_name", "area"))
        assert rows[1] == (first.pk, "", "East") and rows[0][1] == "Added" and len(rows) == 2


def test_an_item_added_to_a_day_without_a_plan_creates_it_then_joins_it(tenant, rep, shop, today):
    with scope(tenant=tenant):
        plan = services.visit_plan_item_add(tenant=tenant, by=rep, day=today, customer=shop)
        again = services.visit_plan_item_add(tenant=tenant, by=rep, day=today, prospect_name="New Mart")
        assert again == plan and VisitPlan.objects.filter(rep=rep, day=today).count() == 1
        assert list(plan.items.order_by("position").values_list("customer", "prospect_name")) == [
            (shop.pk, ""),
            (None, "New Mart"),
        ]


@pytest.mark.parametrize("which", ["peer", "foreign"])
def test_an_item_for_a_customer_the_rep_may_not_see_is_refused_and_nothing_saved(
    tenant, other_tenant, rep, peer_shop, today, which
):
    customer = peer_shop if which == "peer" else CustomerFactory(tenant=other_tenant)
    with scope(tenant=tenant), pytest.raises(ValidationError) as err:
        _plan(tenant, rep, today, [{"prospect_name": "ok"}, {"customer": customer}])
    assert "Item 2" in str(err.value)
    with scope(tenant=tenant):
        assert not VisitPlan.objects.filter(rep=rep).exists()


def test_an_item_needs_a_customer_or_a_prospect(tenant, rep, today):
    with scope(tenant=tenant), pytest.raises(ValidationError, match="prospect"):
        _plan(tenant, rep, today, [{"area": "nowhere"}])


def test_no_plan_for_a_past_day(tenant, rep, yesterday):
    with scope(tenant=tenant), pytest.raises(ValidationError, match="today or a later day"):
        _plan(tenant, rep, yesterday, [{"prospect_name": "x"}])


def test_a_rep_cannot_plan_for_a_peer_but_their_manager_can(tenant, rep, peer, manager, today):
    with scope(tenant=tenant):
        with pytest.raises(PermissionDenied):
            services.visit_plan_save(
                tenant=tenant, by=rep, rep=peer, day=today, items=[{"prospect_name": "x"}]
            )
        plan = services.visit_plan_save(
            tenant=tenant, by=manager, rep=peer, day=today, items=[{"prospect_name": "x"}]
        )
        assert plan.rep == peer


def test_the_workflow_submit_return_resubmit_approve(tenant, rep, manager, shop, today):
    with scope(tenant=tenant):
        plan = _plan(tenant, rep, today, [{"customer": shop}])
        services.visit_plan_submit(plan=plan, by=rep)
        assert list(visit_plan_queue(tenant=tenant, viewer=manager)) == [plan]
        with pytest.raises(ValidationError, match="only a draft or a returned"):
            _plan(tenant, rep, today, [{"customer": shop}, {"prospect_name": "late add"}])
        with pytest.raises(ValidationError, match="comment"):
            services.visit_plan_return(plan=plan, by=manager, comment="  ")
        plan = services.visit_plan_return(plan=plan, by=manager, comment="Add the new mall")
        assert plan.status == "returned" and plan.review_comment == "Add the new mall"
        _plan(tenant, rep, today, [{"customer": shop}, {"prospect_name": "New mall"}])
        services.visit_plan_submit(plan=plan, by=rep)
        plan = services.visit_plan_approve(plan=plan, by=manager)
        plan.refresh_from_db()
        assert (plan.status, plan.reviewed_by, plan.items.count()) == ("approved", manager, 2)
        assert list(visit_plan_queue(tenant=tenant, viewer=manager)) == []
        actions = list(
            AuditLog.objects.filter(object_id=plan.pk, object_type="visits.visitplan").values_list(
                "action", flat=True
            )
        )
        assert actions.count("visits.plan.submitted") == 2 and "visits.plan.approved" in actions


@pytest.mark.parametrize(
    ("status", "action"),
    [("draft", "approve"), ("approved", "approve"), ("approved", "submit"), ("returned", "return")],
)
def test_transitions_not_allowed_are_refused_with_a_reason(tenant, rep, manager, today, status, action):
    plan = VisitPlanFactory(tenant=tenant, rep=rep, day=today, status=status)
    VisitFactory(tenant=tenant, rep=rep, day=today, plan=plan)
    with scope(tenant=tenant), pytest.raises(ValidationError):
        if action == "submit":
            services.visit_plan_submit(plan=plan, by=rep)
        elif action == "approve":
            services.visit_plan_approve(plan=plan, by=manager)
        else:
            services.visit_plan_return(plan=plan, by=manager, comment="no")


def test_an_empty_plan_cannot_be_submitted(tenant, rep, today):
    plan = VisitPlanFactory(tenant=tenant, rep=rep, day=today)
    with scope(tenant=tenant), pytest.raises(ValidationError, match="at least one"):
        services.visit_plan_submit(plan=plan, by=rep)


def test_only_a_manager_above_the_rep_reviews(tenant, rep, peer, outsider_rep, manager, admin, today):
    plan = VisitPlanFactory(tenant=tenant, rep=rep, day=today, status="submitted")
    with scope(tenant=tenant):
        for who in (rep, peer, outsider_rep):
            with pytest.raises(PermissionDenied):
                services.visit_plan_approve(plan=plan, by=who)
        assert list(visit_plan_queue(tenant=tenant, viewer=rep)) == []
        assert list(visit_plan_queue(tenant=tenant, viewer=admin)) == [plan]
        services.visit_plan_approve(plan=plan, by=admin)


def test_yesterdays_unfinished_visits_are_offered_once_and_carried(tenant, rep, shop, today, yesterday):
    old_plan = VisitPlanFactory(tenant=tenant, rep=rep, day=yesterday, status="approved")
    pending = VisitFactory(tenant=tenant, rep=rep, day=yesterday, plan=old_plan, customer=shop, area="East")
    postponed = VisitFactory(tenant=tenant, rep=rep, day=yesterday, plan=old_plan, outcome="postponed")
    VisitFactory(tenant=tenant, rep=rep, day=yesterday, plan=old_plan, outcome="done")
    VisitFactory(tenant=tenant, rep=rep, day=yesterday - dt.timedelta(days=1), outcome="pending")
    with scope(tenant=tenant):
        offered = list(carry_over_candidates(tenant=tenant, rep=rep, day=today))
        assert offered == [pending, postponed]
        plan = services.visit_plan_carry_over(tenant=tenant, by=rep, day=today, visit_ids=[pending.pk])
        carried = plan.items.get()
        assert (carried.carried_from, carried.customer, carried.area, carried.day) == (
            pending,
            shop,
            "East",
            today,
        )
        pending.refresh_from_db()
        assert pending.outcome == Visit.Outcome.POSTPONED
        assert list(carry_over_candidates(tenant=tenant, rep=rep, day=today)) == [postponed]
        with pytest.raises(ValidationError):
            services.visit_plan_carry_over(tenant=tenant, by=rep, day=today, visit_ids=[pending.pk])


def test_carry_over_looks_back_past_a_weekend(tenant, rep, today):
    friday = today - dt.timedelta(days=3)
    left = VisitFactory(tenant=tenant, rep=rep, day=friday)
    with scope(tenant=tenant):
        assert list(carry_over_candidates(tenant=tenant, rep=rep, day=today)) == [left]


def test_a_peer_cannot_carry_someone_elses_visits(tenant, rep, peer, yesterday, today):
    theirs = VisitFactory(tenant=tenant, rep=peer, day=yesterday)
    with scope(tenant=tenant), pytest.raises(ValidationError):
        services.visit_plan_carry_over(tenant=tenant, by=rep, day=today, visit_ids=[theirs.pk])


# ---- check-in / check-out ---------------------------------------------------------------------


def test_haversine_matches_a_known_distance():
    # Shanghai People's Square to the Oriental Pearl Tower: about 2.2 km
    assert 2100 < services.haversine_m(31.230416, 121.473701, 31.239693, 121.499727) < 2700


def test_check_in_near_the_customer_records_distance(tenant, rep, shop, today):
    visit = VisitFactory(tenant=tenant, rep=rep, day=today, customer=shop)
    with scope(tenant=tenant):
        visit = services.visit_check_in(visit=visit, by=rep, lat=31.2306, lng=121.4740, accuracy_m=12.4)
        assert visit.check_in_at is not None and visit.check_in_accuracy_m == 12
        assert visit.check_in_distance_m < 50 and visit.check_in_far is False


def test_check_in_far_away_is_flagged_against_the_tenant_radius(tenant, rep, shop, today):
    tenant.checkin_radius_m = 1000
    tenant.save()
    visit = VisitFactory(tenant=tenant, rep=rep, day=today, customer=shop)
    with scope(tenant=tenant):
        visit = services.visit_check_in(visit=visit, by=rep, lat="31.239693", lng="121.499727")
        assert visit.check_in_far is True and visit.check_in_distance_m > 2000


def test_check_in_without_location_still_records_the_time(tenant, rep, shop, today):
    visit = VisitFactory(tenant=tenant, rep=rep, day=today, customer=shop)
    with scope(tenant=tenant):
        visit = services.visit_check_in(visit=visit, by=rep)
        assert visit.check_in_at and visit.check_in_distance_m is None and not visit.check_in_far


def test_check_in_rules(tenant, rep, manager, shop, today, yesterday):
    other_day = VisitFactory(tenant=tenant, rep=rep, day=yesterday, customer=shop)
    visit = VisitFactory(tenant=tenant, rep=rep, day=today, customer=shop)
    with scope(tenant=tenant):
        with pytest.raises(ValidationError, match="day of the visit"):
            services.visit_check_in(visit=other_day, by=rep)
        with pytest.raises(PermissionDenied):
            services.visit_check_in(visit=visit, by=manager)
        with pytest.raises(ValidationError, match="both latitude and longitude"):
            services.visit_check_in(visit=visit, by=rep, lat=31.2)
        with pytest.raises(ValidationError, match="Check in before"):
            services.visit_check_out(visit=visit, by=rep)
        services.visit_check_in(visit=visit, by=rep)
        with pytest.raises(ValidationError, match="already checked in"):
            services.visit_check_in(visit=visit, by=rep)
        visit = services.visit_check_out(visit=visit, by=rep, lat=31.23, lng=121.47)
        assert visit.check_out_at >= visit.check_in_at and visit.outcome == "done"
        with pytest.raises(ValidationError, match="already checked out"):
            services.visit_check_out(visit=visit, by=rep)


def test_the_owner_sets_the_customer_location_from_a_check_in(tenant, rep, manager, today):
    customer = CustomerFactory(tenant=tenant, owner=rep)
    visit = VisitFactory(tenant=tenant, rep=rep, day=today, customer=customer)
    with scope(tenant=tenant):
        with pytest.raises(ValidationError, match="no check-in position"):
            services.customer_location_from_visit(visit=visit, by=rep)
        services.visit_check_in(visit=visit, by=rep, lat=31.1, lng=121.2)
        with pytest.raises(PermissionDenied):
            services.customer_location_from_visit(visit=visit, by=manager)
        visit = services.customer_location_from_visit(visit=visit, by=rep)
        customer = Customer.objects.get(pk=customer.pk)
        assert (customer.latitude, customer.longitude) == (Decimal("31.100000"), Decimal("121.200000"))
        assert visit.check_in_distance_m == 0


# ---- photos -----------------------------------------------------------------------------------


def test_a_photo_is_stored_with_its_real_type(tenant, rep, today, jpeg, settings):
    visit = VisitFactory(tenant=tenant, rep=rep, day=today)
    with scope(tenant=tenant):
        photo = services.visit_photo_add(visit=visit, by=rep, upload=jpeg("whatever.png"))
        assert photo.content_type == "image/jpeg" and photo.size > 0
        assert photo.image.name.startswith("visits/") and photo.image.path.startswith(settings.MEDIA_ROOT)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.jpg", b"%PDF-1.4 not an image", "Only photos"),
        ("a.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "Only photos"),
        ("a.jpg", b"", "empty"),
        ("big.jpg", b"\xff\xd8" + b"0" * (5 * 1024 * 1024), "5 MB"),
    ],
)
def test_what_is_not_a_small_image_is_refused(tenant, rep, today, name, data, reason):
    visit = VisitFactory(tenant=tenant, rep=rep, day=today)
    with scope(tenant=tenant), pytest.raises(ValidationError, match=reason):
        services.visit_photo_add(
            visit=visit, by=rep, upload=SimpleUploadedFile(name, data, content_type="image/jpeg")
        )
    with scope(tenant=tenant):
        assert not VisitPhoto.objects.exists()


def test_only_the_visits_rep_adds_photos(tenant, rep, manager, today, jpeg):
    visit = VisitFactory(tenant=tenant, rep=rep, day=today)
    with scope(tenant=tenant), pytest.raises(PermissionDenied):
        services.visit_photo_add(visit=visit, by=manager, upload=jpeg())


def test_one_plan_per_rep_and_day_is_the_services_rule(tenant, rep, today):
    with scope(tenant=tenant):
        first = services.visit_plan_save(tenant=tenant, by=rep, day=today, new=True)
        with pytest.raises(ValidationError, match="already a plan"):
            services.visit_plan_save(tenant=tenant, by=rep, day=today, new=True)
        # Without `new` the same call changes the existing plan (the pages' and carry-over's use).
        assert services.visit_plan_save(tenant=tenant, by=rep, day=today, note="later").pk == first.pk
        assert VisitPlan.objects.filter(tenant=tenant, rep=rep, day=today).count() == 1
