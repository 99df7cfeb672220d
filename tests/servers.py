"""App servers for the integration tests: the site in gunicorn subprocesses, in production mode
(DEBUG off, the repository's gunicorn.conf.py), against the tests' PostgreSQL database and
Redis, as several servers behind a load balancer would run it; and `Browser`, an HTTP client
with cookies that signs in to the admin and posts its forms.

The tests that use them need `transactional_db` (the servers read what the test commits) and
are skipped on SQLite; in CI (`CYBERWATCH_REQUIRE_SERVICES`) a missing Redis fails them.
"""

import dataclasses
import http.client
import http.cookies
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


def require_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the app servers share the tests' PostgreSQL database (DATABASE_URL)")


def answers(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def redis_url():
    """The Redis the servers share: the suite's own (REDIS_URL), else the local one."""
    url = settings.REDIS_URL or TEST_REDIS_URL
    parts = urllib.parse.urlsplit(url)
    if not answers(parts.hostname, parts.port or 6379):
        if os.environ.get("CYBERWATCH_REQUIRE_SERVICES"):
            pytest.fail(f"Redis does not answer at {url}")
        pytest.skip(f"Redis does not answer at {url}")
    return url


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    from django.db import connection

    database = connection.settings_dict
    user = urllib.parse.quote(database["USER"] or "postgres")
    password = f":{urllib.parse.quote(database['PASSWORD'])}" if database["PASSWORD"] else ""
    host = database["HOST"] or "127.0.0.1"
    return f"postgresql://{user}{password}@{host}:{database['PORT'] or 5432}/{database['NAME']}"


def production_environment(**overrides):
    """The environment of a server in production mode; `overrides` win."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "cyberwatch.settings",
        "DEBUG": "0",
        "SECRET_KEY": "integration-test-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }
    environment.update(overrides)
    return environment


def collect_static(static_root):
    """`collectstatic` as a deployment runs it (hashed, compressed names, manifest)."""
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=production_environment(STATIC_ROOT=str(static_root), DATABASE_URL="sqlite://"),
        check=True,
    )


@dataclasses.dataclass
class Response:
    status: int
    headers: dict  # lower-case names
    body: bytes

    @property
    def text(self):
        return self.body.decode()


def request(port, method, path, headers=None, body=None, timeout=30):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        headers = {}
        for name, value in answer.getheaders():
            name = name.lower()
            headers[name] = f"{headers[name]}\n{value}" if name in headers else value
        return Response(answer.status, headers, answer.read())
    finally:
        connection.close()


class Server:
    """One app server: gunicorn in a subprocess, on a free port."""

    def __init__(self, environment, workers=2, name="server"):
        self.port = free_port()
        self.name = name
        self.log = Path(tempfile.mkstemp(prefix=f"cyberwatch-{name}-", suffix=".log")[1])
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", str(workers)]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            self.wait_until_up()
        except BaseException:
            self.stop()
            raise

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def wait_until_up(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited:\n{self.log.read_text()}")
            try:
                # Any answer: /health/ says 503 with a cache or database that fails on purpose.
                if self.get("/health/").status in (200, 503):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{self.name} did not answer in {seconds} s:\n{self.log.read_text()}")

    def get(self, path, **headers):
        return request(self.port, "GET", path, headers)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def output(self):
        return self.log.read_text()


class Browser:
    """Cookies, the admin's sign-in and its forms, over HTTP against one server."""

    def __init__(self, server):
        self.server = server
        self.cookies = http.cookies.SimpleCookie()

    def send(self, method, path, body=None, content_type=None):
        headers = {"Cookie": "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        response = request(self.server.port, method, path, headers, body)
        for line in response.headers.get("set-cookie", "").split("\n"):
            if line:
                self.cookies.load(line)
        return response

    def get(self, path):
        return self.send("GET", path)

    def post(self, path, fields, files=None):
        """`fields`: (name, value) pairs; `files`: {name: (filename, bytes, content type)}."""
        body, content_type = multipart(fields, files or {})
        return self.send("POST", path, body, content_type)

    def sign_in(self, username, password):
        fields = form_fields(self.get("/admin/login/").text, "login-form")
        fields = [(k, v) for k, v in fields if k not in ("username", "password")]
        fields += [("username", username), ("password", password)]
        response = self.post("/admin/login/?next=/admin/", fields)
        assert response.status == 302, response.text[:2000]
        return self


def form_fields(page, form_id):
    """What a browser submits from the form `form_id` of `page` as it stands."""
    import lxml.html

    form = lxml.html.fromstring(page).get_element_by_id(form_id)
    return [
        (name, value)
        for name, value in form.form_values()
        if not form.xpath(f'.//*[@name="{name}"][@disabled]')
    ]


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + str(value).encode()
            + b"\r\n"
        )
    for name, (filename, content, content_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def replaced(fields, **values):
    """`fields` with the values of `values` instead of theirs (added when missing)."""
    kept = [(name, value) for name, value in fields if name not in values]
    return kept + list(values.items())


def form_errors(page):
    """The error messages a refused admin form shows, for a failing test's message."""
    import lxml.html

    tree = lxml.html.fromstring(page)
    found = tree.xpath('//*[contains(@class, "errorlist") or contains(@class, "errornote")]')
    return [" ".join(element.text_content().split()) for element in found]
