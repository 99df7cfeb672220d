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

`set_announced()` and `subscription()` let each process keep a copy of a value in its own
memory and know, without a round trip, when another server changed it: the value is written
with a message on a channel in one transaction, and every process reads its subscription to
that channel (without waiting) before it trusts its copy (core/content_version.py's version).
"""

import logging
import os
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.redis import RedisCache
from django.dispatch import Signal
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

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

    def set_announced(self, key, value, channel, timeout=DEFAULT_TIMEOUT):
        """`set()`, and a message on `channel`, both or neither (MULTI/EXEC)."""

        def write():
            client = self._cache.get_client(write=True)
            with client.pipeline(transaction=True) as pipeline:
                self._set_in(pipeline, key, value, timeout)
                pipeline.publish(self.make_and_validate_key(channel), b"")
                pipeline.execute()

        self._call(None, write)

    def _set_in(self, pipeline, key, value, timeout):
        """What RedisCacheClient.set() sends, sent in `pipeline`."""
        key = self.make_and_validate_key(key)
        value = self._cache._serializer.dumps(value)
        timeout = self.get_backend_timeout(timeout)
        if timeout == 0:
            pipeline.delete(key)
        else:
            pipeline.set(key, value, ex=timeout)

    def subscription(self, channel):
        return Subscription.of(self, channel)


class Subscription:
    """This process's subscription to `channel` on one Redis: `mark()` reads what came on it
    without waiting and answers a number that changes whenever a message came; None while the
    process is not subscribed (not yet, or Redis failed: nothing may be trusted then).

    A copy taken with mark `m` stands as long as `mark()` still answers `m`: Redis sends a
    message of `set_announced()` to the subscribers in the same turn of its event loop as its
    answer to the writer, so the message is there before a request that follows the change
    (the writer's own process drops its copy itself). One connection a process, opened on first use
    and again after a failure (at most once per RETRY_AFTER), never retried silently: messages
    missed while reconnecting would go unseen."""

    _by_channel = {}
    _lock = threading.Lock()

    def __init__(self, cache, channel):
        self.cache = cache
        self.channel = cache.make_and_validate_key(channel)
        self.lock = threading.Lock()
        self.connection = None
        self.pid = None
        self.count = 0
        self.next_attempt = 0.0

    @classmethod
    def of(cls, cache, channel):
        with cls._lock:
            key = (cache._location, channel)
            if key not in cls._by_channel:
                cls._by_channel[key] = cls(cache, channel)
            return cls._by_channel[key]

    def mark(self):
        with self.lock:
            if self.pid != os.getpid():  # a forked worker: its parent's socket is not its own
                self.connection, self.pid = None, os.getpid()
            if self.cache._outage.skipping():
                self._close()
                return None
            try:
                if self.connection is None and not self._subscribe():
                    return None
                while self.connection.can_read(timeout=0):
                    self.connection.read_response(push_request=True)
                    self.count += 1
            except UNAVAILABLE:
                # Redis itself failing is logged by the cache's calls; this only stops trusting.
                self._close()
                return None
            return self.count

    def _subscribe(self):
        if time.monotonic() < self.next_attempt:
            return False
        self.next_attempt = time.monotonic() + self.cache._outage.retry_after
        pool = self.cache._cache.get_client(write=True).connection_pool
        options = {**pool.connection_kwargs, "retry": Retry(NoBackoff(), 0)}
        connection = pool.connection_class(**options)
        connection.send_command("SUBSCRIBE", self.channel)
        connection.read_response(push_request=True)  # confirmed: from here on, nothing is missed
        self.connection = connection
        self.count += 1
        return True

    def _close(self):
        if self.connection is not None:
            self.connection.disconnect()
            self.connection = None


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


def set_announced(cache, key, value, channel, timeout=DEFAULT_TIMEOUT):
    """`cache.set()`, announced on `channel` to the subscribed processes when `cache` is
    Redis (a process-local cache has no other process to tell)."""
    if isinstance(cache, ResilientRedisCache):
        cache.set_announced(key, value, channel, timeout)
    else:
        cache.set(key, value, timeout)


def subscription(cache, channel):
    """This process's Subscription to `channel` on `cache`; None when `cache` is not Redis."""
    return cache.subscription(channel) if isinstance(cache, ResilientRedisCache) else None
