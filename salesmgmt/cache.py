"""The Redis cache, made optional: when Redis is down (restarting, failing over) a cache read is a
miss and a write is dropped, with a warning, instead of a 500. What the app keeps in the cache
(API throttle counters) can afford that: for the outage a throttle counts from zero again."""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# operation -> what it answers when Redis cannot be reached
_FALLBACK = {
    "add": False,
    "get": None,  # replaced by the caller's default
    "set": None,
    "touch": False,
    "delete": False,
    "get_many": {},
    "has_key": False,
    "set_many": [],
    "delete_many": None,
    "clear": False,
}


class ResilientRedisCache(RedisCache):
    """django.core.cache's RedisCache whose operations degrade to a miss when Redis is unreachable.

    `incr` still raises ValueError for a missing key, as the cache API says; nothing degrades it
    to a silent 0."""

    _warned_at = 0.0

    def _degraded(self, operation: str, exc: Exception):
        now = time.monotonic()
        if now - ResilientRedisCache._warned_at > 10:  # one line per 10 s, not one per request
            ResilientRedisCache._warned_at = now
            log.warning("cache unavailable (%s: %s); serving without it", operation, exc)
        return _FALLBACK[operation]

    def add(self, *args, **kwargs):
        try:
            return super().add(*args, **kwargs)
        except RedisError as exc:
            return self._degraded("add", exc)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            self._degraded("get", exc)
            return default

    def set(self, *args, **kwargs):
        try:
            return super().set(*args, **kwargs)
        except RedisError as exc:
            return self._degraded("set", exc)

    def touch(self, *args, **kwargs):
        try:
            return super().touch(*args, **kwargs)
        except RedisError as exc:
            return self._degraded("touch", exc)

    def delete(self, *args, **kwargs):
        try:
            return super().delete(*args, **kwargs)
        except RedisError as exc:
            return self._degraded("delete", exc)

    def get_many(self, *args, **kwargs):
        try:
            return super().get_many(*args, **kwargs)
        except RedisError as exc:
            return dict(self._degraded("get_many", exc))

    def has_key(self, *args, **kwargs):
        try:
            return super().has_key(*args, **kwargs)
        except RedisError as exc:
            return self._degraded("has_key", exc)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            self._degraded("get", exc)
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from exc

    def set_many(self, data, *args, **kwargs):
        try:
            return super().set_many(data, *args, **kwargs)
        except RedisError as exc:
            self._degraded("set_many", exc)
            return list(data)  # the keys that were not stored

    def delete_many(self, *args, **kwargs):
        try:
            return super().delete_many(*args, **kwargs)
        except RedisError as exc:
            return self._degraded("delete_many", exc)

    def clear(self):
        try:
            return super().clear()
        except RedisError as exc:
            return self._degraded("clear", exc)
