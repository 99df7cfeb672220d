"""The shared cache when Redis is unreachable or hung: an empty cache, not an error.

`ResilientRedisCache` is Django's own `RedisCache` whose every call gives up within its short
socket time-outs (settings: `REDIS_SOCKET_TIMEOUT`) and then answers as an empty cache would:
`get()` misses, `set()` stores nothing. After a failure it does not ask Redis again for
`RETRY_AFTER` seconds, so that a hung Redis costs one time-out per interval and process, not one
per request; the error is logged once per interval; the first call after the interval tries
again, and caching resumes by itself when Redis answers. Nothing else depends on Redis:
sessions live in the database, CSRF in a cookie.

`check()` is `/health/`'s question: a real round trip, past the interval, that raises when the
cache does not answer.
"""

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.redis import RedisCache
from django.dispatch import Signal
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisError, OSError)

# Sent when Redis answers again after a failure: what was written meanwhile was lost (a new
# content version among it: core/content_version.py gives a new one then).
recovered = Signal()


class Outage:
    """Whether one Redis (by its location) is failing, shared by the threads of a process
    (Django makes a cache object per thread)."""

    _by_location = {}
    _lock = threading.Lock()

    def __init__(self, retry_after):
        self.retry_after = retry_after
        self.until = 0.0  # monotonic time before which Redis is not asked
        self.lock = threading.Lock()

    @classmethod
    def of(cls, location, retry_after):
        with cls._lock:
            return cls._by_location.setdefault(location, cls(retry_after))

    def skipping(self):
        return time.monotonic() < self.until

    def failed(self, location, error):
        with self.lock:
            if self.skipping():
                return  # another thread logged it for this interval
            self.until = time.monotonic() + self.retry_after
        logger.error(
            "Cache unavailable at %s (%s: %s): pages are served from the database; "
            "trying again in %s s",
            location,
            type(error).__name__,
            error,
            self.retry_after,
        )

    def answered(self, location):
        """Redis answered: True when it had failed before (and `recovered` was sent)."""
        if not self.until:
            return False
        with self.lock:
            was_down, self.until = bool(self.until), 0.0
        if was_down:
            logger.warning("Cache at %s answers again: caching resumes", location)
            recovered.send(sender=Outage, location=location)
        return was_down


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, answering as an empty cache while Redis fails (module docstring).
    `RETRY_AFTER` (seconds) in the cache's settings: how long it is left alone after a failure."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        self._outage = Outage.of(self._location, params.get("RETRY_AFTER", 5))

    def _call(self, empty, method, *args, read=False, **kwargs):
        """`method(*args, **kwargs)`, or `empty` (what an empty cache answers) when Redis fails
        now or failed less than RETRY_AFTER seconds ago. A read that is the first answer after
        a failure is made again, after what `recovered` wrote."""
        if self._outage.skipping():
            return empty
        try:
            result = method(*args, **kwargs)
            if self._outage.answered(self._location) and read:
                result = method(*args, **kwargs)
        except UNAVAILABLE as error:
            self._outage.failed(self._location, error)
            return empty
        return result

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version, read=True)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version, read=True)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version, read=True)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._call(None, super().delete_many, keys, version)

    def clear(self):
        return self._call(False, super().clear)

    def incr(self, key, delta=1, version=None):
        # An absent Redis is absent keys: the ValueError every cache raises for one.
        missing = object()
        value = self._call(missing, super().incr, key, delta, version)
        if value is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return value

    def check(self):
        """A real round trip, even while calls are being skipped; raises when Redis fails."""
        self._cache.get_client(write=True).ping()
        self._outage.answered(self._location)


def check(alias="default"):
    """Raises when the cache `alias` does not answer (`/health/`); None when it does. Without
    a cache at all (`dummycache://`) there is nothing to fail."""
    cache = caches[alias]
    if isinstance(cache, ResilientRedisCache):
        cache.check()
    elif not isinstance(cache, DummyCache):
        key = "health-check"
        cache.set(key, "ok", timeout=10)
        if cache.get(key) != "ok":
            raise RuntimeError(f"the cache {alias!r} did not keep a value")


def is_shared_cache_off(alias="default"):
    """Whether the cache is the dummy one (`CACHE_URL=dummycache://`): nothing is kept."""
    return isinstance(caches[alias], DummyCache)
