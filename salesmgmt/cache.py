"""The Redis cache, made optional: when Redis is down (restarting, failing over) a cache read is a
miss and a write is dropped, with a warning, instead of a 500. What the app keeps in the cache
(API throttle counters) can afford that: for the outage a throttle counts from zero again."""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def _always(value):
    return lambda *args, **kwargs: value


def _callers_default(key, default=None, version=None):
    return default


def _all_keys_unstored(data, *args, **kwargs):
    return list(data)


# operation -> its answer when Redis cannot be reached, from the call's own arguments
_FALLBACK = {
    "add": _always(False),
    "get": _callers_default,
    "set": _always(None),
    "touch": _always(False),
    "delete": _always(False),
    "get_many": lambda *args, **kwargs: {},  # a new dict each time: a caller may fill it in
    "has_key": _always(False),
    "set_many": _all_keys_unstored,
    "delete_many": _always(None),
    "clear": _always(False),
}


def _degrading(cls, name: str, fallback):
    """cls's operation `name`, answering `fallback(*args, **kwargs)` when Redis is unreachable."""

    @functools.wraps(getattr(RedisCache, name))
    def operation(self, *args, **kwargs):
        try:
            return getattr(super(cls, self), name)(*args, **kwargs)
        except RedisError as exc:
            self._degraded(name, exc)
            return fallback(*args, **kwargs)

    return operation


def _degrade_to_fallbacks(cls):
    for name, fallback in _FALLBACK.items():
        setattr(cls, name, _degrading(cls, name, fallback))
    return cls


@_degrade_to_fallbacks
class ResilientRedisCache(RedisCache):
    """django.core.cache's RedisCache whose operations (those of _FALLBACK) degrade to a miss when
    Redis is unreachable.

    `incr` still raises ValueError for a missing key, as the cache API says; nothing degrades it
    to a silent 0."""

    _warned_at = 0.0

    def _degraded(self, operation: str, exc: Exception) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._warned_at > 10:  # one line per 10 s, not one per request
            ResilientRedisCache._warned_at = now
            log.warning("cache unavailable (%s: %s); serving without it", operation, exc)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            self._degraded("incr", exc)
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from exc
