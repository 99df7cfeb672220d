"""Several app servers behind a load balancer: two gunicorn servers in production mode share
PostgreSQL and Redis (tests/servers.py). An edit made through one is on the other's next
answer; a server whose Redis is gone still serves; media uploaded through one is served to the
other's visitors from the shared S3-compatible storage (moto's server, tests/s3.py)."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from news.models import Article

from .servers import (
    Browser,
    Server,
    database_url,
    form_errors,
    form_fields,
    free_port,
    production_environment,
    redis_url,
    replaced,
    require_postgresql,
)
from .test_images import image_bytes

pytestmark = pytest.mark.slow

LANGUAGES = ("en", "fr", "es", "ar")
PASSWORD = "a long passphrase"


@pytest.fixture
def environment(transactional_db, static_root, tmp_path, settings):
    require_postgresql()
    call_command("seed_content", verbosity=0)
    # The servers' own hasher (the tests' fast one is not in their settings).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    get_user_model().objects.create_superuser("chief", "chief@example.org", PASSWORD)
    return production_environment(
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url(),
        CACHE_KEY_PREFIX=f"scale-out-{uuid.uuid4().hex}",
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(tmp_path / "media"),
    )


@pytest.fixture
def servers():
    started = []

    def start(environment, name):
        server = Server(environment, workers=2, name=name)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def pages_of(article):
    return [
        *(f"/{language}/news/{article.slug}/" for language in LANGUAGES),
        *(f"/{language}/news/" for language in LANGUAGES),
        *(f"/{language}/" for language in LANGUAGES),
        *(f"/{language}/news/feed/" for language in LANGUAGES),
        "/en/news/feed/atom/",
    ]


def test_an_edit_through_one_server_is_on_the_others_next_answer(environment, servers):
    a, b = servers(environment, "a"), servers(environment, "b")
    article = Article.objects.published().order_by("-published_at").first()
    urls = pages_of(article)
    for url in urls:
        b.get(url)
        again = b.get(url)
        assert again.status == 200, url
        assert again.headers["x-cache"] == "hit", url
        assert article.title_en in again.text or article.title_fr in again.text, url

    editor = Browser(a).sign_in("chief", PASSWORD)
    change = f"/admin/news/article/{article.pk}/change/"
    fields = form_fields(editor.get(change).text, "article_form")
    title = f"title_{article.original_language}"
    new_title = "Opération mondiale contre un botnet : nouveau titre"
    response = editor.post(change, replaced(fields, **{title: new_title, "_save": "Save"}))
    assert response.status == 302, form_errors(response.text)
    article.refresh_from_db()
    assert getattr(article, title) == new_title

    for url in urls:
        page = b.get(url)
        assert page.status == 200, url
        assert new_title.replace("'", "&#x27;") in page.text, url


def test_a_server_whose_redis_is_gone_still_serves_and_says_so_on_health(environment, servers):
    environment["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    server = servers(environment, "no-redis")
    for url in ["/en/", "/en/news/", "/ar/news/", "/fr/crimes/"]:
        assert server.get(url).status == 200, url
    health = server.get("/health/")
    assert health.status == 503
    assert b'"cache": "error"' in health.body
    assert b'"database": "ok"' in health.body
    # Sign-in and the admin do not need Redis.
    editor = Browser(server).sign_in("chief", PASSWORD)
    assert editor.get("/admin/news/article/").status == 200
    errors = [line for line in server.output().splitlines() if "Cache unavailable" in line]
    assert 1 <= len(errors) <= 2 * 2  # once an interval, per worker: not once per request


def test_media_uploaded_through_one_server_is_served_through_the_other(
    environment,
    servers,
    s3_server,
):
    environment.update(s3_server.env)
    a, b = servers(environment, "a"), servers(environment, "b")
    article = Article.objects.published().order_by("-published_at").first()
    editor = Browser(a).sign_in("chief", PASSWORD)
    change = f"/admin/news/article/{article.pk}/change/"
    fields = form_fields(editor.get(change).text, "article_form")
    described = {f"image_alt_{language}": "A seized server" for language in ("en", "fr")}
    fields = replaced(fields, **described, _save="Save")
    image = ("seized.png", image_bytes(size=(1200, 800), image_format="PNG"), "image/png")
    response = editor.post(change, fields, files={"image": image})
    assert response.status == 302, form_errors(response.text)
    # Read as stored: this process's storage is not the bucket.
    name = Article.objects.filter(pk=article.pk).values_list("image", flat=True).get()
    assert name in s3_server.object_keys()

    page = b.get(f"/en/news/{article.slug}/").text
    sources = renditions_in(page, s3_server)
    assert sources, "no image of the bucket on the other server's page"
    import urllib.request

    for address in sources:
        with urllib.request.urlopen(address, timeout=10) as answer:  # noqa: S310
            assert answer.status == 200
            assert answer.headers["Content-Type"].startswith("image/")


def renditions_in(page, s3):
    import re

    prefix = f"{s3.endpoint_url}/{s3.bucket}/"
    return set(re.findall(re.escape(prefix) + r"[^\s\"',]+", page))
