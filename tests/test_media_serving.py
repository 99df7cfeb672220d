"""One server without a bucket: with DEBUG off the site serves the uploaded images from
MEDIA_ROOT itself (cyberwatch/media.py), and nothing else from there or outside it."""

import datetime

import pytest
from django.utils import timezone

from .factories import ArticleFactory
from .test_image_admin import image_upload
from .test_images import image_bytes, picture_urls

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production(settings, tmp_path):
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def article():
    article = ArticleFactory(image_alt_en="A blue rectangle")
    article.image = image_upload(image_bytes(size=(1200, 600)))
    article.save()
    return article


def test_an_uploaded_image_is_served_with_long_caching_and_its_own_type(client, article):
    response = client.get(article.image.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == article.image.open("rb").read()
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]
    assert "Cookie" not in response.get("Vary", "")


def test_every_image_of_the_public_page_answers(client, article):
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    urls = picture_urls(page.content)
    types = {article.image.storage.url(r["name"]): r["type"] for r in article.image_renditions}
    assert urls == set(types)
    for url in urls:
        response = client.get(url)
        assert (response.status_code, response["Content-Type"]) == (200, types[url])


def test_an_unchanged_image_answers_304(client, article):
    first = client.get(article.image.url)
    by_date = client.get(article.image.url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert by_date.status_code == 304
    assert by_date["ETag"] == first["ETag"]
    assert by_date["Cache-Control"] == "public, max-age=86400"
    by_tag = client.get(article.image.url, headers={"If-None-Match": first["ETag"]})
    assert by_tag.status_code == 304
    older = timezone.now() - datetime.timedelta(days=400)
    stale = client.get(
        article.image.url,
        headers={"If-Modified-Since": older.strftime("%a, %d %b %Y %H:%M:%S GMT")},
    )
    assert stale.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/media/images/missing.jpg",
        "/media/images/",
        "/media/../outside.jpg",
        "/media/%2e%2e/outside.jpg",
        "/media/images/../../outside.jpg",
        "/media//etc/hostname.jpg",
        "/media/page.html",
        "/media/drawing.svg",
        "/media/notes.txt",
    ],
)
def test_anything_but_a_stored_image_under_media_root_is_404(client, production, path):
    (production.parent / "outside.jpg").write_bytes(image_bytes(size=(10, 10)))
    (production / "images").mkdir()
    (production / "page.html").write_text("<script>alert(1)</script>")
    (production / "drawing.svg").write_text("<svg><script>alert(1)</script></svg>")
    (production / "notes.txt").write_text("notes")
    assert client.get(path).status_code == 404


def test_only_reading_is_allowed(client, article):
    assert client.post(article.image.url).status_code == 405


def test_nothing_is_served_from_media_root_when_the_images_are_in_a_bucket(
    client, settings, article
):
    url = article.image.url
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": "b"}},
    }
    assert client.get(url).status_code == 404
