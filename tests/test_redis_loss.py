"""With Redis unreachable or hung, pages are served from the database within its short
time-outs, the error is logged once an interval, sessions and sign-ins keep working, and
caching resumes by itself when Redis is back.

Redis is reached through a switch (a TCP relay in this process) that the tests turn off, hang
or turn back on; behind it, the machine's Redis."""

import contextlib
import logging
import socket
import threading
import time
import urllib.parse

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from core import cache as resilient

from .factories import ArticleFactory
from .servers import redis_url


class RedisSwitch:
    """A TCP relay to Redis that can be `up`, `down` (connections refused or cut) or `hung`
    (connections accepted, never answered)."""

    def __init__(self, target):
        self.target = target
        self.mode = "up"
        self.connections = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            if self.mode == "down":
                client.close()
                continue
            self.connections.append(client)
            if self.mode == "up":
                upstream = socket.create_connection(self.target)
                self.connections.append(upstream)
                for source, sink in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self.pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.close()

    def set(self, mode):
        """Switches, cutting every connection made before."""
        self.mode = mode
        for connection in self.connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            except OSError:
                pass
        self.connections = []

    def close(self):
        self.set("down")
        self.listener.close()


@pytest.fixture
def switch():
    parts = urllib.parse.urlsplit(redis_url())
    relay = RedisSwitch((parts.hostname, parts.port or 6379))
    yield relay
    relay.close()


@pytest.fixture
def through_switch(switch, settings):
    database = urllib.parse.urlsplit(redis_url()).path or "/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{switch.port}{database}",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
            "RETRY_AFTER": 1,
            "KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        }
    }
    resilient.Outage._by_location.clear()
    return switch


@pytest.fixture
def article(db):
    return ArticleFactory(title_en="Botnet dismantled", slug="botnet-dismantled")


def timed_get(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def cache_errors(caplog):
    return [r for r in caplog.records if r.name == "core.cache" and r.levelno >= logging.ERROR]


@pytest.mark.parametrize("mode", ["down", "hung"])
def test_pages_are_served_from_the_database_while_redis_fails(
    through_switch, article, caplog, mode
):
    visitor = Client()
    assert visitor.get("/en/news/")["X-Cache"] == "miss"
    assert visitor.get("/en/news/")["X-Cache"] == "hit"
    through_switch.set(mode)
    caplog.set_level(logging.INFO, logger="core.cache")
    started = time.monotonic()
    for _ in range(20):
        response, seconds = timed_get(visitor, "/en/news/")
        assert response.status_code == 200
        assert "Botnet dismantled" in response.text
        assert seconds < 2
    # One time-out (0.25 s, twice at most for the connection and the answer), not twenty.
    assert time.monotonic() - started < 3
    assert len(cache_errors(caplog)) == 1
    assert "trying again in 1 s" in cache_errors(caplog)[0].getMessage()
    assert visitor.get(f"/en/news/{article.slug}/").status_code == 200


def test_caching_resumes_by_itself_when_redis_is_back(through_switch, article, caplog):
    visitor = Client()
    through_switch.set("down")
    caplog.set_level(logging.INFO, logger="core.cache")
    assert visitor.get("/en/news/").status_code == 200
    with pytest.raises(Exception):  # noqa: B017 — whatever redis-py raises
        resilient.check()
    through_switch.set("up")
    time.sleep(1.1)  # RETRY_AFTER
    assert visitor.get("/en/news/")["X-Cache"] == "miss"
    assert visitor.get("/en/news/")["X-Cache"] == "hit"
    assert any("answers again" in record.getMessage() for record in caplog.records)
    assert resilient.check() is None


def test_errors_are_logged_again_once_an_interval(through_switch, article, caplog):
    visitor = Client()
    through_switch.set("down")
    caplog.set_level(logging.INFO, logger="core.cache")
    for _ in range(5):
        visitor.get("/en/news/")
    time.sleep(1.1)
    for _ in range(5):
        visitor.get("/en/news/")
    assert len(cache_errors(caplog)) == 2


def test_sign_in_sessions_and_the_admin_work_without_redis(through_switch, article):
    get_user_model().objects.create_superuser("admin", "admin@example.org", "a long passphrase")
    through_switch.set("hung")
    browser = Client(enforce_csrf_checks=True)
    login = browser.get("/admin/login/")
    token = login.cookies["csrftoken"].value
    response = browser.post(
        "/admin/login/?next=/admin/",
        {"username": "admin", "password": "a long passphrase", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert browser.get("/admin/").status_code == 200
    assert browser.get("/admin/news/article/").status_code == 200
    page = browser.get("/en/news/")
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"


def test_a_change_made_while_redis_was_unreachable_is_on_the_pages_once_it_is_back(
    through_switch, article
):
    visitor = Client()
    assert "Botnet dismantled" in kept_page(visitor)
    through_switch.set("down")
    article.title_en = "Botnet taken down"
    article.save()  # its new content version is lost with Redis
    through_switch.set("up")
    time.sleep(1.1)  # RETRY_AFTER
    assert "Botnet taken down" in visitor.get("/en/news/").text


def kept_page(visitor):
    visitor.get("/en/news/")
    page = visitor.get("/en/news/")
    assert page["X-Cache"] == "hit"
    return page.text
