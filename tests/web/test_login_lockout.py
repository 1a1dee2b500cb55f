"""django-axes with the project's settings: a username is locked out *from one address* after
AXES_FAILURE_LIMIT wrong passwords, so one colleague mistyping behind the office's NAT address
locks out nobody else; the lock-out is a page in the user's language (and JSON on the API)."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests.web.test_i18n import compiled_messages  # noqa: F401  (autouse: the Chinese page needs the .mo)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]

LIMIT = 3
OFFICE, HOME = "198.51.100.7", "203.0.113.9"


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=LIMIT, AXES_COOLOFF_TIME=0.25):
        yield


def sign_in(username, password, ip, **extra):
    return Client(REMOTE_ADDR=ip).post(
        reverse("login"), {"username": username, "password": password}, **extra
    )


def fail(username, ip, times=LIMIT):
    for _ in range(times):
        sign_in(username, "wrong-password", ip)


def test_wrong_passwords_lock_the_username_at_that_address_with_a_clear_page(rep):
    fail("rep1", OFFICE, LIMIT - 1)
    assert sign_in("rep1", "wrong-password", OFFICE).status_code == 429  # the limit-th failure
    response = sign_in("rep1", "pass-123-word", OFFICE)  # even the right password, for now
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert "Sign-in paused" in response.text and "rep1" in response.text
    assert "Try again in 15 minutes." in response.text
    assert int(response["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in response.wsgi_request.session


def test_a_colleague_at_the_same_address_still_signs_in(rep, peer):
    fail("rep1", OFFICE)
    assert sign_in("rep2", "pass-123-word", OFFICE).status_code == 302


def test_the_same_user_from_another_address_still_signs_in(rep):
    fail("rep1", OFFICE)
    assert sign_in("rep1", "pass-123-word", HOME).status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock_and_success_resets_them(rep):
    fail("rep1", OFFICE, LIMIT - 1)
    assert sign_in("rep1", "pass-123-word", OFFICE).status_code == 302
    fail("rep1", OFFICE, LIMIT - 1)
    assert sign_in("rep1", "pass-123-word", OFFICE).status_code == 302


def test_the_lockout_page_speaks_chinese(rep):
    fail("rep1", OFFICE)
    response = sign_in("rep1", "pass-123-word", OFFICE, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429
    assert 'lang="zh-hans"' in response.text
    assert "登录已暂停" in response.text and "15 分钟后再试" in response.text


def test_the_token_endpoint_shares_the_lockout_and_answers_json(rep, peer):
    client = APIClient()
    url = reverse("api:token-obtain")
    for _ in range(LIMIT):
        client.post(url, {"username": "rep1", "password": "wrong", "tenant": "acme"}, REMOTE_ADDR=OFFICE)
    response = client.post(
        url, {"username": "rep1", "password": "pass-123-word", "tenant": "acme"}, REMOTE_ADDR=OFFICE
    )
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail"} and "15 minutes" in response.json()["detail"]
    assert int(response["Retry-After"]) == 15 * 60
    ok = client.post(
        url, {"username": "rep2", "password": "pass-123-word", "tenant": "acme"}, REMOTE_ADDR=OFFICE
    )
    assert ok.status_code == 201
    ok = client.post(
        url, {"username": "rep1", "password": "pass-123-word", "tenant": "acme"}, REMOTE_ADDR=HOME
    )
    assert ok.status_code == 201


def test_a_sign_in_without_a_client_address_is_recorded_without_one(rep):
    from axes.models import AccessLog
    from django_scopes import scopes_disabled

    client = Client(REMOTE_ADDR="")  # gunicorn on a unix socket, no trusted proxy
    assert client.post(reverse("login"), {"username": "rep1", "password": "pass-123-word"}).status_code == 302
    Client().force_login(rep.user)  # an in-process login has no address at all
    with scopes_disabled():
        assert list(AccessLog.objects.values_list("ip_address", flat=True)) == [None, None]
