"""The operations log (core/requestlog.py): a line and an X-Request-ID for every request, the
visitor's address behind our proxies, failed sign-ins and publishing actions with who and where
from, and the JSON format."""

import json
import logging
import os
import re
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import path, reverse

from core.models import AuditEntry
from core.requestlog import (
    JsonFormatter,
    RequestLogMiddleware,
    client_ip,
    current_context,
)
from core.roles import PUBLISHER
from news.models import Article

from .factories import ArticleFactory
from .test_review import person

seen_during_the_view = []


def remember_the_context(request):
    from django.http import HttpResponse

    seen_during_the_view.append(current_context())
    return HttpResponse("ok")


def fail(request):
    raise RuntimeError("the view failed")


# The URLs of the tests marked `pytest.mark.urls(__name__)`.
urlpatterns = [
    path("context/", remember_the_context),
    path("fail/", fail),
]


def request_lines(caplog):
    return [record for record in caplog.records if record.name == "cyberwatch.request"]


# --- one line and an id per request ------------------------------------------------------------


def test_every_response_has_a_request_id_and_one_log_line_with_it(client, caplog):
    caplog.set_level(logging.INFO, logger="cyberwatch.request")
    response = client.get("/?words=secret", REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 302  # to the visitor's language
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    [line] = request_lines(caplog)
    assert line.levelno == logging.INFO
    assert (line.method, line.path, line.status) == ("GET", "/", 302)
    assert line.request_id == request_id
    assert line.ip == "198.51.100.4"
    assert line.user is None
    assert isinstance(line.duration_ms, float)
    assert line.getMessage() == f"GET / 302 {line.duration_ms:.1f}ms id={request_id}"
    assert "secret" not in line.getMessage()  # what visitors search for is not logged

    assert client.get("/").headers["X-Request-ID"] != request_id


@pytest.mark.django_db
def test_the_path_is_logged_as_it_came_percent_encoded_on_one_line(client, caplog):
    caplog.set_level(logging.INFO, logger="cyberwatch.request")
    client.get("/ar/news/%D8%AE%D8%A8%D8%B1/%0A2026-01-01 INFO forged")
    [line] = request_lines(caplog)
    assert line.path == "/ar/news/%D8%AE%D8%A8%D8%B1/%0A2026-01-01%20INFO%20forged"
    assert "\n" not in line.getMessage()


def test_the_proxys_request_id_is_kept_when_it_is_a_safe_token(client):
    kept = client.get("/", headers={"X-Request-ID": "lb-7f3a.91_x"})
    assert kept["X-Request-ID"] == "lb-7f3a.91_x"
    for unsafe in ("two words", "a" * 65, "id\nforged log line", "<script>"):
        replaced = client.get("/", headers={"X-Request-ID": unsafe})
        assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-ID"]), unsafe


@pytest.mark.django_db
def test_the_signed_in_user_is_in_the_line_of_a_request_that_looked_them_up(caplog):
    caplog.set_level(logging.INFO, logger="cyberwatch.request")
    editor = person(PUBLISHER, "Anna")
    assert editor.get(reverse("admin:index")).status_code == 200
    [line] = request_lines(caplog)
    assert line.user == "Anna"


@pytest.mark.urls(__name__)
def test_the_request_is_known_during_the_view_and_forgotten_after_it(client):
    seen_during_the_view.clear()
    response = client.get("/context/", REMOTE_ADDR="192.0.2.8")
    [context] = seen_during_the_view
    assert context.request_id == response["X-Request-ID"]
    assert context.ip == "192.0.2.8"
    assert current_context() is None


@pytest.mark.urls(__name__)
def test_a_view_that_fails_still_gives_a_line_with_status_500(caplog):
    caplog.set_level(logging.INFO, logger="cyberwatch.request")
    response = Client(raise_request_exception=False).get("/fail/")
    assert response.status_code == 500
    [line] = request_lines(caplog)
    assert line.status == 500
    assert line.request_id == response["X-Request-ID"]


def test_an_error_around_the_view_still_gives_a_line_and_leaves_no_request_behind(caplog):
    """An exception that reaches the outermost middleware (Django's handler then answers 500)."""
    caplog.set_level(logging.INFO, logger="cyberwatch.request")

    def broken(request):
        raise RuntimeError("a middleware failed")

    with pytest.raises(RuntimeError):
        RequestLogMiddleware(broken)(RequestFactory().post("/en/news/"))
    [line] = request_lines(caplog)
    assert (line.method, line.path, line.status) == ("POST", "/en/news/", 500)
    assert current_context() is None


# --- the visitor's address ---------------------------------------------------------------------


def address(settings, proxies, forwarded=None, remote="10.0.0.2"):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


def test_the_address_is_remote_addr_unless_proxies_are_trusted(settings):
    assert address(settings, 0, "203.0.113.9") == "10.0.0.2"
    assert address(settings, 0) == "10.0.0.2"


def test_behind_trusted_proxies_the_address_is_the_one_our_outermost_proxy_added(settings):
    # The client may send its own X-Forwarded-For; our load balancer appends what it saw.
    assert address(settings, 1, "1.2.3.4, 203.0.113.9") == "203.0.113.9"
    # A load balancer, then a proxy of ours: the client is second from the right.
    assert address(settings, 2, "1.2.3.4, 203.0.113.9, 10.0.0.7") == "203.0.113.9"
    assert address(settings, 1, "2001:db8::1") == "2001:db8::1"


def test_a_short_or_malformed_forwarded_header_falls_back_to_remote_addr(settings):
    assert address(settings, 1) == "10.0.0.2"
    assert address(settings, 2, "203.0.113.9") == "10.0.0.2"
    assert address(settings, 1, "1.2.3.4, not-an-address") == "10.0.0.2"
    assert address(settings, 1, "1.2.3.4,") == "10.0.0.2"


# --- failed sign-ins and publishing actions ----------------------------------------------------


@pytest.mark.django_db
def test_a_failed_admin_sign_in_is_logged_with_the_name_address_and_request_id(caplog):
    caplog.set_level(logging.INFO)
    get_user_model().objects.create_user("anna", password="right-password", is_staff=True)
    response = Client().post(
        reverse("admin:login"),
        {"username": "anna", "password": "wrong-password-xyz"},
        REMOTE_ADDR="198.51.100.23",
    )
    assert response.status_code == 200  # the form again, with its error
    [line] = [r for r in caplog.records if r.name == "cyberwatch.security"]
    assert line.levelno == logging.WARNING
    assert line.getMessage() == "Failed login for 'anna' from 198.51.100.23"
    assert (line.username, line.ip) == ("anna", "198.51.100.23")
    assert line.request_id == response["X-Request-ID"]
    assert "wrong-password-xyz" not in caplog.text
    for record in caplog.records:
        assert "wrong-password-xyz" not in json.dumps(vars(record), default=str)


@pytest.mark.django_db
def test_a_publishing_action_is_logged_with_the_user_item_address_and_request_id(
    caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="cyberwatch.audit")
    draft = ArticleFactory(draft=True, title_en="Botnet dismantled")
    publisher = person(PUBLISHER, "Anna")
    with django_capture_on_commit_callbacks(execute=True):
        response = publisher.post(
            reverse("admin:news_article_changelist"),
            {"action": "publish_selected", "_selected_action": [draft.pk]},
            REMOTE_ADDR="198.51.100.40",
        )
    assert Article.objects.get(pk=draft.pk).status == "published"
    [line] = [r for r in caplog.records if r.name == "cyberwatch.audit"]
    assert line.levelno == logging.INFO
    assert line.action == "publish"
    assert line.user == "Anna"
    assert line.item == f"news.Article#{draft.pk}"
    assert line.item_repr == "Botnet dismantled"
    assert line.ip == "198.51.100.40"
    assert line.request_id == response["X-Request-ID"]
    assert line.getMessage() == f"publish news.Article#{draft.pk} 'Botnet dismantled' by Anna"


@pytest.mark.django_db
def test_an_action_rolled_back_leaves_no_line(caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.INFO, logger="cyberwatch.audit")
    item = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        AuditEntry.record(AuditEntry.Action.UNPUBLISH, None, item)
        with pytest.raises(RuntimeError), transaction.atomic():
            AuditEntry.record(AuditEntry.Action.DELETE, None, item)
            raise RuntimeError("undone")
    assert [r.action for r in caplog.records if r.name == "cyberwatch.audit"] == ["unpublish"]


# --- the format --------------------------------------------------------------------------------


def test_the_json_formatter_writes_one_object_per_line_with_the_extra_fields():
    record = logging.makeLogRecord(
        {
            "name": "cyberwatch.request",
            "levelno": logging.INFO,
            "levelname": "INFO",
            "msg": "GET %s 200",
            "args": ("/en/",),
            "created": 1_700_000_000.25,
            "request_id": "abc",
            "status": 200,
            "duration_ms": 3.5,
            "user": None,
        }
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line) == {
        "time": "2023-11-14T22:13:20.250+00:00",
        "level": "INFO",
        "logger": "cyberwatch.request",
        "message": "GET /en/ 200",
        "request_id": "abc",
        "status": 200,
        "duration_ms": 3.5,
    }
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.makeLogRecord({"msg": "failed", "exc_info": sys.exc_info()})
    assert "ValueError: broken" in json.loads(JsonFormatter().format(record))["exc_info"]


LOG_SCRIPT = """
import logging, django
django.setup()
from core.requestlog import RequestLogMiddleware
from django.http import HttpResponse
from django.test import RequestFactory
middleware = RequestLogMiddleware(lambda request: HttpResponse())
middleware(RequestFactory().get("/en/", REMOTE_ADDR="192.0.2.1"))
logging.getLogger("cyberwatch.audit").info("publish news.Article#1", extra={"action": "publish"})
"""


def log_output(**environment):
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-c", LOG_SCRIPT],
        cwd=os.path.dirname(os.path.dirname(__file__)),
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DJANGO_SETTINGS_MODULE": "cyberwatch.settings",
            **environment,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stderr.strip().splitlines()


def test_log_format_json_makes_the_console_log_json_lines_with_the_request_fields():
    request, audit = (json.loads(line) for line in log_output(LOG_FORMAT="json"))
    assert request["logger"] == "cyberwatch.request"
    assert request["level"] == "INFO"
    assert (request["method"], request["path"], request["status"]) == ("GET", "/en/", 200)
    assert request["ip"] == "192.0.2.1"
    assert re.fullmatch(r"[0-9a-f]{32}", request["request_id"])
    assert request["time"].endswith("+00:00")
    assert audit["action"] == "publish"
    assert "request_id" not in audit  # written outside any request


def test_the_console_log_is_one_readable_line_by_default():
    request, audit = log_output()
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO cyberwatch\.request GET /en/ 200 "
        r"[\d.]+ms id=[0-9a-f]{32}",
        request,
    )
    assert audit.endswith(" INFO cyberwatch.audit publish news.Article#1")
