"""`/health/` (SPEC §5): 200 with each part "ok" when the database and the cache answer; 503
naming the part that does not; never kept by a cache."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

pytestmark = pytest.mark.django_db

SECRET = "password=hunter2 host=db.internal"


def test_health_is_ok_when_the_database_and_the_cache_answer(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_a_failing_database_is_a_503_that_names_it(client):
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError(SECRET)):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "error",
        "database_error": "OperationalError",
        "cache": "ok",
    }
    assert "no-store" in response["Cache-Control"]
    assert "hunter2" not in response.text


def test_a_failing_cache_is_a_503_that_names_it(client):
    failure = ConnectionError(f"Error connecting to redis://:{SECRET}@cache:6379")
    with mock.patch("core.cache.check", side_effect=failure) as check:
        response = client.get("/health/")
    check.assert_called_once_with()
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "cache": "error",
        "cache_error": "ConnectionError",
    }
    assert "no-store" in response["Cache-Control"]
    assert "hunter2" not in response.text


def test_health_answers_get_and_head_only(client):
    assert client.head("/health/").status_code == 200
    refused = client.post("/health/")
    assert refused.status_code == 405
    assert "no-store" in refused["Cache-Control"]


def test_health_is_not_redirected_to_https_for_the_load_balancers_plain_http_check(settings):
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/en/").status_code == 301
    assert client.get("/health/").status_code == 200
