"""Follow-ups (跟进) on interactions: set with the interaction, checked against its day, opened again
by a new day, marked done from the home or the API (once), and moved with the customer."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope

from apps.customers import services
from apps.customers.models import Interaction
from tests.factories import InteractionFactory

pytestmark = pytest.mark.django_db

INTERACTIONS = reverse("api:interaction-list")
OCCURRED = "2026-11-02T10:00:00+08:00"


def done_url(interaction) -> str:
    return reverse("api:interaction-follow-up-done", kwargs={"pk": interaction.pk})


def test_a_follow_up_day_is_set_with_the_interaction_and_shown_by_the_api(api_as, rep, own_customer):
    payload = {
        "customer": own_customer.pk,
        "occurred_at": OCCURRED,
        "subject": "Tasting",
        "follow_up_on": "2026-11-05",
    }
    response = api_as(rep).post(INTERACTIONS, payload, format="json")
    assert response.status_code == 201, response.data
    assert (response.data["follow_up_on"], response.data["follow_up_done_at"]) == ("2026-11-05", None)


def test_a_follow_up_before_the_interaction_is_a_field_error(api_as, rep, own_customer):
    payload = {
        "customer": own_customer.pk,
        "occurred_at": OCCURRED,
        "subject": "X",
        "follow_up_on": "2026-11-01",
    }
    response = api_as(rep).post(INTERACTIONS, payload, format="json")
    assert response.status_code == 400 and "follow_up_on" in response.data
    assert "cannot be before the interaction (2026-11-02)" in str(response.data["follow_up_on"])
    with scope(tenant=rep.tenant_id):
        assert not Interaction.objects.exists()


def test_the_follow_up_day_counts_in_the_organisations_zone(tenant, rep, own_customer):
    # 2 November 20:00 UTC is already 3 November in Shanghai: the 3rd is allowed, the 2nd is not
    with scope(tenant=tenant.pk):
        services.interaction_create(
            tenant=tenant,
            by=rep,
            customer=own_customer,
            occurred_at=dt.datetime(2026, 11, 2, 20, tzinfo=dt.UTC),
            subject="Late call",
            follow_up_on=dt.date(2026, 11, 3),
        )
        with pytest.raises(ValidationError):
            services.interaction_create(
                tenant=tenant,
                by=rep,
                customer=own_customer,
                occurred_at=dt.datetime(2026, 11, 2, 20, tzinfo=dt.UTC),
                subject="Late call",
                follow_up_on=dt.date(2026, 11, 2),
            )


def test_done_once_then_refused_with_the_reason(api_as, rep, own_customer):
    item = InteractionFactory(customer=own_customer, follow_up_on=dt.date(2026, 11, 5))
    client = api_as(rep)
    response = client.post(done_url(item))
    assert response.status_code == 200 and response.data["follow_up_done_at"] is not None
    again = client.post(done_url(item))
    assert again.status_code == 400 and "done already" in str(again.data)
    without = InteractionFactory(customer=own_customer)
    assert client.post(done_url(without)).status_code == 400


def test_a_new_follow_up_day_opens_it_again(tenant, rep, own_customer):
    item = InteractionFactory(customer=own_customer, follow_up_on=dt.date(2026, 11, 5))
    with scope(tenant=tenant.pk):
        services.interaction_follow_up_done(interaction=item, by=rep)
        item.refresh_from_db()
        assert item.follow_up_done_at is not None
        services.interaction_update(interaction=item, by=rep, subject="Renamed")  # same day: stays done
        item.refresh_from_db()
        assert item.follow_up_done_at is not None
        services.interaction_update(interaction=item, by=rep, follow_up_on=dt.date(2026, 11, 9))
        item.refresh_from_db()
    assert item.follow_up_done_at is None


def test_a_peer_or_a_viewer_may_not_mark_it_done(api_as, rep, peer, viewer, own_customer):
    item = InteractionFactory(customer=own_customer, follow_up_on=dt.date(2026, 11, 5))
    assert api_as(peer).post(done_url(item)).status_code == 404  # not theirs to see
    assert api_as(viewer).post(done_url(item)).status_code == 403
    with scope(tenant=rep.tenant_id):
        item.refresh_from_db()
    assert item.follow_up_done_at is None
