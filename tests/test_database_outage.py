"""With the database down or hung, pages answer a translated 503 with Retry-After, quickly.

Each case runs the site in a subprocess whose DATABASE_URL points at a port that refuses
connections, or at a server that accepts them and never answers (a hung database)."""

import json
import socket
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings

SCRIPT = r"""
import json, os, time
import django
django.setup()
from django.test import Client

results = []
for url, cookies in json.loads(os.environ["OUTAGE_URLS"]):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies.load(cookies)
    started = time.monotonic()
    response = client.get(url)
    results.append({
        "url": url,
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "body": response.content.decode(),
        "seconds": time.monotonic() - started,
    })
print(json.dumps(results))
"""

URLS = [
    ("/en/", {}),
    ("/en/news/", {}),
    ("/fr/news/", {}),
    ("/ar/news/no-such-article/", {}),
    ("/es/crimes/no-such-area/", {}),
    # A signed-in editor's session is read by middleware, before any view.
    ("/admin/", {"sessionid": "a-session-that-cannot-be-loaded"}),
]


def run_site(database_url, connect_timeout=2):
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DEBUG": "0",
        "SECRET_KEY": "outage-test-key-outage-test-key-outage-test-key",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "DATABASE_CONNECT_TIMEOUT": str(connect_timeout),
        "LOG_LEVEL": "CRITICAL",
        "OUTAGE_URLS": json.dumps(URLS),
    }
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def hung_database():
    """A server that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


def assert_unavailable_pages(results, slowest):
    for result in results:
        assert result["status"] == 503, result
        assert result["retry_after"] == str(settings.DATABASE_RETRY_AFTER)
        assert '<meta name="robots" content="noindex">' in result["body"]
        if result["url"].startswith("/en/"):
            assert "Temporarily unavailable" in result["body"]
        assert result["seconds"] < slowest, result


@pytest.mark.slow
def test_a_database_that_refuses_connections_gives_a_503_page():
    results = run_site(f"postgresql://postgres@127.0.0.1:{closed_port()}/cyberwatch")
    assert_unavailable_pages(results, slowest=2)
    french = next(r for r in results if r["url"] == "/fr/news/")
    assert '<html lang="fr"' in french["body"]
    assert "Temporairement indisponible" in french["body"]
    arabic = next(r for r in results if r["url"].startswith("/ar/"))
    assert 'dir="rtl"' in arabic["body"]


@pytest.mark.slow
def test_a_hung_database_gives_a_503_page_within_the_connect_timeout(hung_database):
    started = time.monotonic()
    results = run_site(f"postgresql://postgres@127.0.0.1:{hung_database}/cyberwatch")
    assert_unavailable_pages(results, slowest=4)  # connect timeout: 2 s
    assert time.monotonic() - started < 60


def postgresql_options(**environment):
    script = (
        "import json; from cyberwatch import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": "postgresql://postgres@db.example:5432/cyberwatch",
            **environment,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


def test_postgresql_connections_carry_the_timeouts_from_the_environment():
    options = postgresql_options(DATABASE_CONNECT_TIMEOUT="7", DATABASE_STATEMENT_TIMEOUT="1234")
    assert options["connect_timeout"] == 7
    assert options["options"].startswith("-c jit=off -c statement_timeout=1234 ")


def test_postgresql_queries_are_prepared_unless_turned_off():
    """Server-side binding: a query run again with other values is not parsed again, and
    planned once where a plan for any values is as good (the words filter's
    queries are never prepared: tests/test_prepared.py); DATABASE_PREPARED=0 for a
    transaction-mode pooler."""
    assert postgresql_options() == {
        "connect_timeout": 3,
        "options": "-c jit=off -c statement_timeout=15000 -c plan_cache_mode=auto",
        "server_side_binding": True,
        "prepare_threshold": 2,
    }
    off = postgresql_options(DATABASE_PREPARED="0")
    assert off == {"connect_timeout": 3, "options": "-c jit=off -c statement_timeout=15000"}


def test_postgresql_compiles_no_query_unless_asked():
    """JIT compilation cost the words filter's aggregate more than it saved (settings)."""
    assert "-c jit=off" in postgresql_options()["options"]
    assert "jit" not in postgresql_options(DATABASE_JIT="1")["options"]


@pytest.mark.django_db
def test_the_statement_timeout_reaches_the_database_server():
    from django.db import connection

    if connection.vendor != "postgresql":
        # SQLite has no server to hang; its options carry no timeouts of ours.
        assert "options" not in settings.DATABASES["default"].get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == f"{settings.DATABASE_STATEMENT_TIMEOUT // 1000}s"
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "auto"
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.django_db(transaction=True)
def test_a_kept_connection_is_checked_without_a_round_trip_and_replaced_when_ended():
    """CONN_HEALTH_CHECKS (cyberwatch/postgresql): an idle connection is checked by looking at
    its socket, not by sending `SELECT 1` before every request; when the server ends it (a
    restart), the next query runs on a new connection."""
    from django.db import connection

    from news.models import Article

    if connection.vendor != "postgresql":
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
        return
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    connection.ensure_connection()
    raw = connection.connection
    sent = []
    original_cursor = raw.cursor
    raw.cursor = lambda *args, **kwargs: sent.append(args) or original_cursor(*args, **kwargs)
    try:
        assert connection.is_usable()
        assert sent == []
    finally:
        del raw.cursor
    old_pid = raw.info.backend_pid

    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not connection.is_usable()
    connection.health_check_done = False  # as at the start of a request
    assert Article.objects.count() == 0
    assert connection.connection.info.backend_pid != old_pid


class FailsBeforeTheViews:
    """A middleware (ahead of DatabaseUnavailableMiddleware, whose process_exception only sees
    the views' errors) that loses the database: its error reaches `handler500`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import OperationalError

        if "HTTP_X_LOSE_THE_DATABASE" in request.META:
            raise OperationalError("the server closed the connection unexpectedly")
        if "HTTP_X_FAIL_OTHERWISE" in request.META:
            raise ValueError("a bug")
        return self.get_response(request)


@pytest.mark.django_db
def test_a_database_error_outside_the_views_gives_the_503_page_through_handler500(settings):
    from django.test import Client

    settings.MIDDLEWARE = [f"{__name__}.FailsBeforeTheViews", *settings.MIDDLEWARE]
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/en/", HTTP_X_LOSE_THE_DATABASE="1")
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.DATABASE_RETRY_AFTER)
    assert "Temporarily unavailable" in response.text
    response = client.get("/en/", HTTP_X_FAIL_OTHERWISE="1")
    assert response.status_code == 500  # any other error: Django's 500 page
    assert "Temporarily unavailable" not in response.text
