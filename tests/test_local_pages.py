"""Each process keeps the pages it served in its own memory and serves them without a round
trip to Redis while its copy of the content version stands: until another server announces a
change (a message on core.content_version.CHANGES, written with the version in one
transaction), the next scheduled moment, or the loss of its subscription.

These tests run against the machine's Redis, as a second server would share it."""

import time

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import Client

from core import cache as resilient
from core import content_version
from cyberwatch.caching import Kept, LocalPages
from news.models import Article

from .factories import ArticleFactory
from .servers import redis_url


@pytest.fixture
def shared_redis(settings):
    """The cache is the machine's Redis, as on a server of a deployment."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": redis_url(),
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
            "RETRY_AFTER": 1,
            "KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        }
    }
    resilient.Outage._by_location.clear()
    return redis.Redis.from_url(redis_url())


@pytest.fixture
def article(db):
    return ArticleFactory(title_en="Botnet dismantled", slug="botnet-dismantled")


class RoundTrips:
    """Counts the reads of the shared cache."""

    def __init__(self, monkeypatch):
        self.count = 0
        original = resilient.ResilientRedisCache.get_many

        def counted(cache, *args, **kwargs):
            self.count += 1
            return original(cache, *args, **kwargs)

        monkeypatch.setattr(resilient.ResilientRedisCache, "get_many", counted)


@pytest.fixture
def round_trips(monkeypatch):
    return RoundTrips(monkeypatch)


def another_server_changes(title):
    """What another server does when an editor saves: the row changes, then a new version is
    written and announced, through that server's own connection to Redis (nothing in this
    process hears of it but through its subscription)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Article._meta.db_table} SET title_en = %s",  # noqa: S608
            [title],
        )
    params = dict(settings.CACHES["default"])
    other = resilient.ResilientRedisCache(params.pop("LOCATION"), params)
    other.set_announced(content_version.VERSION_KEY, "another", content_version.CHANGES, None)


def test_a_kept_page_is_served_from_the_process_memory_without_a_round_trip(
    shared_redis, article, round_trips
):
    visitor = Client()
    assert visitor.get("/en/news/")["X-Cache"] == "miss"
    asked = round_trips.count
    for _ in range(5):
        page = visitor.get("/en/news/")
        assert page["X-Cache"] == "hit"
        assert "Botnet dismantled" in page.text
    assert round_trips.count == asked


def test_a_page_another_process_kept_is_read_from_redis_once_then_from_memory(
    shared_redis, article, round_trips
):
    assert Client().get("/en/news/")["X-Cache"] == "miss"  # another process (a new client)
    visitor = Client()
    asked = round_trips.count
    assert visitor.get("/en/news/")["X-Cache"] == "hit"
    assert round_trips.count == asked + 1
    assert visitor.get("/en/news/")["X-Cache"] == "hit"
    assert round_trips.count == asked + 1


def test_a_change_announced_by_another_server_is_on_the_next_page(shared_redis, article):
    visitor = Client()
    visitor.get("/en/news/")
    assert visitor.get("/en/news/")["X-Cache"] == "hit"
    another_server_changes("Botnet taken down")
    page = visitor.get("/en/news/")
    assert page["X-Cache"] == "miss"
    assert "Botnet taken down" in page.text


def test_a_change_this_process_makes_is_on_its_next_page(shared_redis, article):
    visitor = Client()
    visitor.get(f"/en/news/{article.slug}/")
    article.title_en = "Botnet taken down"
    article.save()
    assert "Botnet taken down" in visitor.get(f"/en/news/{article.slug}/").text


def test_a_process_that_lost_its_subscription_asks_redis_again(shared_redis, article, round_trips):
    """A change announced while the subscription was cut is never heard: from the cut on, the
    process's copy is not trusted, and it asks Redis (which has the new version)."""
    visitor = Client()
    visitor.get("/en/news/")
    assert visitor.get("/en/news/")["X-Cache"] == "hit"
    shared_redis.client_kill_filter(_type="pubsub")
    time.sleep(0.05)  # the cut reaches this process's socket
    another_server_changes("Botnet taken down")
    asked = round_trips.count
    assert "Botnet taken down" in visitor.get("/en/news/").text
    assert round_trips.count > asked
    # Subscribed again (at most once an interval): pages come from memory again.
    time.sleep(1.1)
    visitor.get("/en/news/")
    visitor.get("/en/news/")
    asked = round_trips.count
    assert visitor.get("/en/news/")["X-Cache"] == "hit"
    assert round_trips.count == asked


def test_without_redis_there_is_no_copy_to_trust(article, settings, round_trips):
    """The process-local cache of `make run` (no other process to hear from) is read every
    time, as before."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "local-pages-test",
            "KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        }
    }
    visitor = Client()
    visitor.get("/en/news/")
    assert visitor.get("/en/news/")["X-Cache"] == "hit"
    assert content_version.trusted(time.time()) is None


def test_the_pages_a_process_keeps_are_bounded_in_bytes():
    pages = LocalPages(max_bytes=250)
    for number in range(3):
        pages.keep(f"page-{number}", Kept("v1", time.time() + 60, 200, (), b"x" * 100))
    now = time.time()
    assert pages.get("page-0", "v1", now) is None  # the least recently kept went
    assert pages.get("page-2", "v1", now) is not None
    assert pages.get("page-2", "v2", now) is None  # another version: not served
    pages.keep("huge", Kept("v1", time.time() + 60, 200, (), b"x" * 1000))
    assert pages.get("huge", "v1", now) is None  # larger than the whole: not kept
