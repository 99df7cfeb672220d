"""gunicorn as configured (gunicorn.conf.py): threaded workers, so that requests waiting on the
database hold threads, not whole workers, and static files and `/health/` still answer at once;
the app's own log line per request, as JSON with LOG_FORMAT=json.

With 2 sync workers, two statements waiting on the database made a static file wait 13 s.
"""

import json
import re
import threading
import time

import psycopg
import pytest

from . import servers

pytestmark = pytest.mark.slow

THREADS = 4  # gunicorn.conf.py's default, per worker
# Requests left waiting on the database: more than the 2 workers (with sync workers, a static
# file would wait behind them), fewer than a worker's threads: however the workers share them
# out, each keeps a thread free. (A worker accepts connections while its threads are busy and
# queues them: a worker whose every thread waits makes its next visitors wait too.)
WAITING = THREADS - 1
FAST = 0.1  # seconds


@pytest.fixture
def start_server(transactional_db, static_root):
    """Starts the site under gunicorn with the repository's configuration and 2 workers;
    `environment` adds to the production one."""
    servers.require_postgresql()
    started = []

    def start(**environment):
        server = servers.Server(
            servers.production_environment(
                DATABASE_URL=servers.database_url(),
                STATIC_ROOT=str(static_root),
                LOG_LEVEL="INFO",
                LOG_FORMAT="json",
                # Every news page rendered, none from the page cache: each asks the database.
                PAGE_CACHE_SECONDS="0",
                **environment,
            ),
            workers=2,
            name="gunicorn",
        )
        server.static_root = static_root
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(start_server):
    return start_server()


def static_file_path(static_root):
    """The site's CSS under its hashed name, as the pages link it."""
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    return f"/static/{manifest['paths']['css/site.css']}"


def fastest(port, path, tries=3):
    """The quickest of a few answers (a try that waits longer than a second counts as slow)."""
    best = None
    for _ in range(tries):
        started = time.monotonic()
        try:
            response = servers.request(port, "GET", path, timeout=1)
        except TimeoutError:
            continue
        seconds = time.monotonic() - started
        if best is None or seconds < best[1]:
            best = (response, seconds)
    assert best is not None, f"{path} never answered within a second"
    return best


class ArticlesLocked:
    """Holds an ACCESS EXCLUSIVE lock on the articles' table, from a connection of its own:
    every query on it waits until `release()`."""

    def __init__(self):
        self.connection = psycopg.connect(servers.database_url())
        self.connection.execute("LOCK TABLE news_article IN ACCESS EXCLUSIVE MODE")

    def waiting(self):
        """How many queries wait for the lock."""
        return self.connection.execute(
            "SELECT count(*) FROM pg_locks "
            "WHERE relation = 'news_article'::regclass AND NOT granted"
        ).fetchone()[0]

    def release(self):
        self.connection.rollback()
        self.connection.close()


def test_static_files_and_health_answer_at_once_while_requests_wait_on_the_database(server):
    static = static_file_path(server.static_root)
    # Each worker past its first requests (imports, templates, connections).
    for _ in range(10):
        for path in (static, "/health/", "/en/news/"):
            assert server.get(path).status == 200, path

    lock = ArticlesLocked()
    answers = []
    waiting = [
        threading.Thread(target=lambda: answers.append(server.get("/en/news/")))
        for _ in range(WAITING)
    ]
    try:
        for thread in waiting:
            thread.start()
        deadline = time.monotonic() + 10
        while lock.waiting() < WAITING and time.monotonic() < deadline:
            time.sleep(0.05)
        assert lock.waiting() == WAITING, "the news pages are not waiting on the database"

        response, seconds = fastest(server.port, static)
        assert response.status == 200
        assert seconds < FAST, f"a static file took {seconds * 1000:.0f} ms"

        response, seconds = fastest(server.port, "/health/")
        assert response.status == 200
        assert json.loads(response.body) == {"status": "ok", "database": "ok", "cache": "ok"}
        assert seconds < FAST, f"/health/ took {seconds * 1000:.0f} ms"
        assert not answers, "a news page answered while its table was locked"
    finally:
        lock.release()
        for thread in waiting:
            thread.join(timeout=30)
    assert [answer.status for answer in answers] == [200] * WAITING


def test_each_request_is_one_json_log_line_with_the_id_sent_back(server):
    response = server.get("/health/", **{"X-Request-ID": "probe-1"})
    assert response.status == 200
    assert response.headers["x-request-id"] == "probe-1"
    assert "no-store" in response.headers["cache-control"]
    static = server.get(static_file_path(server.static_root))
    server.stop()  # the log is complete

    lines = []
    for line in server.output().splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            continue  # gunicorn's own lines (booting a worker…); no access log of its own
    requests = {
        line["request_id"]: line for line in lines if line["logger"] == "cyberwatch.request"
    }
    assert requests["probe-1"]["path"] == "/health/"
    assert requests["probe-1"]["status"] == 200
    assert requests["probe-1"]["ip"] == "127.0.0.1"
    assert requests[static.headers["x-request-id"]]["path"].startswith("/static/css/site.")
    assert not any('"GET /health/ HTTP/1.1"' in line for line in server.output().splitlines())


def scheme_of(server, **headers):
    """The scheme Django saw, by the absolute URL of the page's x-default alternate link."""
    page = server.get("/en/news/", **headers).text
    return re.search(r'hreflang="x-default" href="(\w+)://', page).group(1)


def test_https_is_known_from_the_proxys_header_without_trusting_it_from_anyone(start_server):
    """gunicorn believes `X-Forwarded-Proto` from FORWARDED_ALLOW_IPS (by default this machine)
    and tells Django; no SECURE_PROXY_SSL_HEADER is needed, and nobody else is believed."""
    server = start_server()
    assert scheme_of(server) == "http"
    assert scheme_of(server, **{"X-Forwarded-Proto": "https"}) == "https"
    untrusted = start_server(FORWARDED_ALLOW_IPS="192.0.2.1")
    assert scheme_of(untrusted, **{"X-Forwarded-Proto": "https"}) == "http"


def test_static_files_are_served_compressed_under_hashed_names_cached_for_good(server):
    static = static_file_path(server.static_root)
    assert re.search(r"/site\.[0-9a-f]{12}\.css$", static)
    plain = servers.request(server.port, "GET", static)
    compressed = servers.request(server.port, "GET", static, {"Accept-Encoding": "gzip"})
    assert compressed.status == plain.status == 200
    assert compressed.headers["content-encoding"] == "gzip"
    assert len(compressed.body) < len(plain.body) / 2
    assert "immutable" in compressed.headers["cache-control"]
    max_age = int(re.search(r"max-age=(\d+)", compressed.headers["cache-control"]).group(1))
    assert max_age >= 365 * 24 * 3600
    assert "Accept-Encoding" in compressed.headers["vary"]
