"""Rate limits of the public endpoints (apps.tenancy.throttling): the API token endpoint per client
address and per username, the sign-in form the same way; signed-in API traffic is never limited."""

import uuid

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from apps.tenancy import throttling

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def rates(monkeypatch):
    """rates(token="2/min", …): those rates, every other one unlimited, a cache namespace of the
    test's own (no count left by another test or run) and a clock pinned mid-window."""
    monkeypatch.setattr(throttling, "clock", lambda: 1_800_000_030.0)
    overrides = []

    def set_rates(**given):
        rest = dict(settings.REST_FRAMEWORK)
        rest["DEFAULT_THROTTLE_RATES"] = {
            scope: given.get(scope, "100000/min") for scope in rest["DEFAULT_THROTTLE_RATES"]
        }
        caches = {
            "default": {**settings.CACHES["default"], "KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}"}
        }
        override = override_settings(REST_FRAMEWORK=rest, CACHES=caches)
        override.enable()
        overrides.append(override)

    yield set_rates
    for override in reversed(overrides):
        override.disable()


def ask_token(username="rep1", password="pass-123-word", ip="10.0.0.1", **extra):
    return APIClient().post(
        TOKEN_URL, {"username": username, "password": password, "tenant": "acme"}, REMOTE_ADDR=ip, **extra
    )


def assert_throttled_json(response):
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail"} and response.json()["detail"]
    assert 0 < int(response["Retry-After"]) <= 60


def test_the_token_endpoint_is_limited_per_client_address(rates, rep, peer):
    rates(token="2/min")
    assert ask_token("rep1", ip="10.0.0.1").status_code == 201
    assert ask_token("rep2", ip="10.0.0.1").status_code == 201
    assert_throttled_json(ask_token("rep2", ip="10.0.0.1"))
    # Another address is counted on its own.
    assert ask_token("rep1", ip="10.0.0.2").status_code == 201


def test_the_token_endpoint_is_limited_per_username_across_addresses(rates, rep, peer):
    rates(token_credential="2/min")
    assert ask_token("rep1", password="wrong", ip="10.0.1.1").status_code == 400
    assert ask_token("rep1", password="wrong", ip="10.0.1.2").status_code == 400
    assert_throttled_json(ask_token("rep1", ip="10.0.1.3"))
    # The username is compared without case, so changing it does not dodge the limit.
    assert_throttled_json(ask_token("REP1", ip="10.0.1.4"))
    # Another username from the same address is not affected.
    assert ask_token("rep2", ip="10.0.1.3").status_code == 201


def test_a_forged_forwarded_for_header_does_not_dodge_the_address_limit(rates, rep):
    rates(token="1/min")
    assert ask_token(ip="10.0.2.1", HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 201
    assert_throttled_json(ask_token(ip="10.0.2.1", HTTP_X_FORWARDED_FOR="2.2.2.2"))


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(rates, rep):
    rates(token="1/min")
    with override_settings(TRUSTED_PROXY_COUNT=1):
        # The proxy (10.0.3.1) appends the address it saw; what the client sent before it is ignored.
        assert ask_token(ip="10.0.3.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5").status_code == 201
        assert_throttled_json(ask_token(ip="10.0.3.1", HTTP_X_FORWARDED_FOR="8.8.8.8, 203.0.113.5"))
        assert ask_token(ip="10.0.3.1", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 201


def test_the_throttled_answer_is_documented_in_the_schema(client):
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    responses = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert "429" in responses


def test_signed_in_api_traffic_is_not_limited(rates, api_as, rep):
    rates(**dict.fromkeys(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "1/min"))
    client = api_as(rep)
    for _ in range(5):
        assert client.get(reverse("api:member-list"), REMOTE_ADDR="10.0.4.1").status_code == 200


def test_the_sign_in_form_is_limited_per_address_and_showing_it_is_free(rates, rep, peer):
    rates(login="2/min")
    client = Client(REMOTE_ADDR="10.0.5.1")
    for _ in range(3):
        assert client.get(reverse("login")).status_code == 200
    assert client.post(reverse("login"), {"username": "rep1", "password": "wrong"}).status_code == 200
    assert client.post(reverse("login"), {"username": "rep2", "password": "wrong"}).status_code == 200
    response = client.post(reverse("login"), {"username": "rep2", "password": "pass-123-word"})
    assert response.status_code == 429
    assert [t.name for t in response.templates][0] == "429.html"
    assert "Too many requests" in response.text and int(response["Retry-After"]) > 0
    other = Client(REMOTE_ADDR="10.0.5.2").post(
        reverse("login"), {"username": "rep2", "password": "pass-123-word"}
    )
    assert other.status_code == 302


def test_the_sign_in_form_is_limited_per_username(rates, rep, peer):
    rates(login_credential="1/min")
    assert (
        Client(REMOTE_ADDR="10.0.6.1")
        .post(reverse("login"), {"username": "rep1", "password": "x"})
        .status_code
        == 200
    )
    response = Client(REMOTE_ADDR="10.0.6.2").post(reverse("login"), {"username": "rep1", "password": "x"})
    assert response.status_code == 429
    assert (
        Client(REMOTE_ADDR="10.0.6.2")
        .post(reverse("login"), {"username": "rep2", "password": "x"})
        .status_code
        == 200
    )


def test_password_resets_are_limited_per_email_address_and_per_client_address(rates, rep):
    rates(password_reset_credential="2/hour", password_reset="2/hour")
    for ip in ("10.0.8.1", "10.0.8.2"):
        assert (
            Client(REMOTE_ADDR=ip).post(reverse("password_reset"), {"email": rep.user.email}).status_code
            == 302
        )
    refused = Client(REMOTE_ADDR="10.0.8.3").post(
        reverse("password_reset"), {"email": rep.user.email.upper()}
    )
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 60
    assert len(mail.outbox) == 2  # the refused request sent nothing
    client = Client(REMOTE_ADDR="10.0.8.1")
    assert client.post(reverse("password_reset"), {"email": "other@example.com"}).status_code == 302
    assert client.post(reverse("password_reset"), {"email": "third@example.com"}).status_code == 429


def test_a_window_ends_and_the_client_may_ask_again(rates, rep, monkeypatch):
    rates(token="1/min")
    assert ask_token(ip="10.0.7.1").status_code == 201
    response = ask_token(ip="10.0.7.1")
    assert response.status_code == 429 and int(response["Retry-After"]) == 30  # pinned 30 s into the minute
    monkeypatch.setattr(throttling, "clock", lambda: 1_800_000_061.0)
    assert ask_token(ip="10.0.7.1").status_code == 201


class _NoScope(APIView):
    throttle_classes = throttling.PUBLIC_THROTTLES
    throttle_scope = None
    permission_classes: list = []

    def get(self, request):
        return None


def test_a_public_view_without_a_scope_or_rate_is_a_configuration_error(rates):
    rates()
    with pytest.raises(ImproperlyConfigured):
        _NoScope.as_view()(APIRequestFactory().get("/"))
    with pytest.raises(ImproperlyConfigured):
        _NoScope.as_view(throttle_scope="no-such-scope")(APIRequestFactory().get("/"))


@pytest.mark.parametrize(
    "rate, parsed", [("20/min", (20, 60)), ("5/s", (5, 1)), ("100/hour", (100, 3600)), ("3/day", (3, 86400))]
)
def test_rates_are_read_as_drf_writes_them(rate, parsed):
    assert throttling.parse_rate(rate) == parsed


def test_a_malformed_rate_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured):
        throttling.parse_rate("lots")
