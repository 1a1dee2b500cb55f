"""The cache is optional: with Redis unreachable, cache calls degrade to misses and the pages and API
that use it (the token endpoint's throttle) still answer."""

import socket

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_down(settings):
    with socket.socket() as sock:  # a port nothing listens on: connections are refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{port}/0"}}
    yield cache


def test_cache_calls_degrade_to_misses_when_redis_is_unreachable(cache_down):
    assert cache_down.get("k", "fallback") == "fallback"
    assert cache_down.get("k", default="fallback") == "fallback"
    assert cache_down.get_or_set("k", 5) == 5
    cache_down.set("k", 1)
    assert cache_down.touch("k") is False
    assert cache_down.add("k", 1) is False
    assert cache_down.get_many(["a", "b"]) == {}
    assert cache_down.set_many({"a": 1}) == ["a"]
    assert cache_down.has_key("k") is False
    assert cache_down.delete("k") is False
    cache_down.delete_many(["a", "b"])
    assert cache_down.clear() is False
    with pytest.raises(ValueError):
        cache_down.incr("k")


def test_the_throttled_token_endpoint_answers_while_the_cache_is_down(cache_down, rep):
    response = APIClient().post(
        reverse("api:token-obtain"), {"username": "rep1", "password": "pass-123-word", "tenant": "acme"}
    )
    assert response.status_code == 201
