"""A Redis cache that is never the reason a page fails.

``CACHE_URL=redis://...`` (or ``rediscache://``) selects ``ResilientRedisCache`` (newsroom/settings.py):
Django's own ``RedisCache`` with short socket timeouts, no retries inside redis-py, and every operation
guarded. When Redis is down, slow or refuses a command, an operation answers as a miss would (``get``
returns the default, ``set`` stores nothing, ``add`` and ``delete`` answer ``False``), the error is
logged once, and for ``CACHE_RETRY_SECONDS`` this process does not try Redis again at all (each page
would otherwise wait for a timeout several times over). After that interval the next operation tries
again: when Redis is back the cache is used at once and the recovery is logged; when it is not, the
error is logged again, at most once per interval.

The state is per process and per server list, shared by every thread of the process.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger("newsroom.cache")


class _Breaker:
    """Whether Redis may be tried now; when it last failed; whether the failure was logged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.failing = False

    def open(self) -> bool:
        return self.failing and time.monotonic() < self.down_until

    def failed(self, location: str, exc: Exception, retry_seconds: float) -> None:
        with self.lock:
            now = time.monotonic()
            if self.failing and now < self.down_until:
                return  # another thread already logged this interval's failure
            first = not self.failing
            self.failing = True
            self.down_until = now + retry_seconds
        log.error(
            "cache %s %s (%s: %s): serving uncached, next try in %gs",
            location,
            "unreachable" if first else "still unreachable",
            type(exc).__name__,
            exc,
            retry_seconds,
        )

    def succeeded(self, location: str) -> None:
        if not self.failing:
            return
        with self.lock:
            if not self.failing:
                return
            self.failing = False
            self.down_until = 0.0
        log.warning("cache %s reachable again: caching resumed", location)


_breakers: dict[tuple[str, ...], _Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker(servers) -> _Breaker:
    key = tuple(servers)
    with _breakers_lock:
        return _breakers.setdefault(key, _Breaker())


def _redis_options() -> dict:
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    timeout = settings.CACHE_SOCKET_TIMEOUT
    return {
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
        # redis-py retries a failed command with backoff by default: a down Redis would cost every
        # cache operation half a second. One immediate retry (on a fresh connection: a pooled one is
        # dead after Redis restarts); after that the breaker decides when to try again.
        "retry": Retry(NoBackoff(), 1),
        "health_check_interval": 30,
    }


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**_redis_options(), **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._breaker = _breaker(self._servers)
        self._location = ",".join(self._servers)

    def _guard(self, miss, operation, *args, **kwargs):
        from redis.exceptions import RedisError

        if self._breaker.open():
            return miss
        try:
            result = operation(*args, **kwargs)
        except RedisError as exc:
            self._breaker.failed(self._location, exc, settings.CACHE_RETRY_SECONDS)
            return miss
        self._breaker.succeeded(self._location)
        return result

    def reachable(self) -> bool:
        """One PING, whatever the breaker says (``/readyz``); a success closes the breaker."""
        from redis.exceptions import RedisError

        try:
            self._cache.get_client(write=True).ping()
        except RedisError as exc:
            log.debug("cache %s: ping failed: %s", self._location, exc)
            return False
        self._breaker.succeeded(self._location)
        return True

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guard(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guard(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._guard({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guard(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._guard(missing, super().incr, key, delta, version)
        if result is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        data = dict(data)
        return self._guard(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guard(None, super().delete_many, keys, version)

    def clear(self):
        return self._guard(False, super().clear)
