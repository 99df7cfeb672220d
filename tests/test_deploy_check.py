"""Production settings: `manage.py check --deploy` is clean with DEBUG off (SPEC §7), the HTTPS
settings an operator may change, and database connections kept by default."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Read from the environment by the settings; the tests' own values must not leak in.
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CONN_MAX_AGE",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "DJANGO_SETTINGS_MODULE",
    # Set by the browser tests (Playwright's event loop) in this process: never in production.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def environment(**variables):
    kept = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return {**kept, **variables}


def production(**variables):
    return environment(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="cyberwatch.example.org",
        **variables,
    )


def settings_of(names, env):
    script = (
        "import json; from cyberwatch import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


def test_check_deploy_is_clean_with_production_settings():
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "no issues" in completed.stdout


def test_with_debug_off_cookies_are_secure_and_https_is_enforced():
    values = settings_of(
        [
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
            "SECURE_PROXY_SSL_HEADER",
        ],
        production(),
    )
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        # Trusted only when the operator says a proxy sets it (gunicorn's
        # FORWARDED_ALLOW_IPS does the same job without it).
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_the_proxy_header_and_hsts_come_from_the_environment():
    values = settings_of(
        ["SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD"],
        production(
            SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
            SECURE_HSTS_SECONDS="600",
            SECURE_HSTS_PRELOAD="1",
        ),
    )
    assert values == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 600,
        "SECURE_HSTS_PRELOAD": True,
    }
    subdomains = production(SECURE_HSTS_INCLUDE_SUBDOMAINS="0")
    assert settings_of(["SECURE_HSTS_INCLUDE_SUBDOMAINS"], subdomains) == {
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False
    }


def test_a_proxy_header_without_its_value_refuses_to_start():
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import cyberwatch.settings"],
        cwd=ROOT,
        env=environment(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER is a header and its value" in completed.stderr


def test_database_connections_are_kept_between_requests_by_default():
    [default] = settings_of(["DATABASES"], environment())["DATABASES"].values()
    assert default["CONN_MAX_AGE"] > 0
    assert default["CONN_HEALTH_CHECKS"] is True
    [default] = settings_of(["DATABASES"], environment(CONN_MAX_AGE="0"))["DATABASES"].values()
    assert default["CONN_MAX_AGE"] == 0
