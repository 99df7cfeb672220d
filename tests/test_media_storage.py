"""Images stored in an S3-compatible bucket (django-storages; moto's server stands in for it):
what the admin uploads lands in the bucket, the public pages link to the bucket's URLs, which
answer with the image, and remove_unused_media lists and deletes the bucket's unused objects."""

import datetime
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from core.images import RENDITION_WIDTHS
from news.models import Article

from .factories import ArticleFactory
from .test_image_admin import add_url, article_form, form_errors, image_upload, stored_files
from .test_images import image_bytes, picture_urls


@pytest.fixture
def bucket(settings, s3_server, tmp_path):
    """The site's default storage is the bucket, emptied after the test; MEDIA_ROOT is an empty
    folder, which must stay empty."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storage_settings()}
    yield s3_server
    s3_server.empty()


def upload_through_admin(client, capture, **overrides):
    with capture(execute=True):
        response = client.post(
            add_url(), article_form(image=image_upload(image_bytes(size=(1200, 600))), **overrides)
        )
    assert response.status_code == 302, form_errors(response)
    return Article.objects.get(slug=overrides.get("slug", "operation-with-a-photo"))


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (http://127.0.0.1)
        return response.status, response.headers, response.read()


def test_the_settings_store_media_in_the_bucket_only_when_one_is_named(s3_server):
    storage = s3_server.storage_settings()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == s3_server.bucket
    assert storage["OPTIONS"]["endpoint_url"] == s3_server.endpoint_url
    assert storage["OPTIONS"]["file_overwrite"] is False
    assert storage["OPTIONS"]["querystring_auth"] is False

    from cyberwatch import settings as defaults  # read without AWS_STORAGE_BUCKET_NAME

    assert defaults.STORAGES["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


def test_webp_renditions_get_their_type_without_the_systems_mime_types(s3_server):
    # As on a slim image without /etc/mime.types, where Python 3.11 does not know .webp.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import mimetypes; mimetypes.knownfiles.clear(); import cyberwatch.settings; "
            "print(mimetypes.guess_type('renditions/photo-480.webp')[0])",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, **s3_server.env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "image/webp"


@pytest.mark.django_db
def test_an_image_uploaded_in_the_admin_is_stored_in_the_bucket_with_its_renditions(
    admin_client, bucket, settings, django_capture_on_commit_callbacks
):
    article = upload_through_admin(admin_client, django_capture_on_commit_callbacks)

    names = article.image_files()
    assert len(names) == 1 + 2 * len(RENDITION_WIDTHS)
    assert bucket.object_keys() == sorted(names)
    assert stored_files(settings.MEDIA_ROOT) == []
    client = bucket.client()
    head = client.head_object(Bucket=bucket.bucket, Key=article.image.name)
    assert head["ContentType"] == "image/jpeg"
    assert head["CacheControl"] == f"public, max-age={settings.MEDIA_CACHE_MAX_AGE}"
    for rendition in article.image_renditions:
        head = client.head_object(Bucket=bucket.bucket, Key=rendition["name"])
        assert head["ContentType"] == rendition["type"]


@pytest.mark.django_db
def test_an_upload_under_a_name_in_use_never_replaces_the_stored_files(
    admin_client, bucket, django_capture_on_commit_callbacks
):
    first = upload_through_admin(admin_client, django_capture_on_commit_callbacks)
    first_bytes = {name: default_storage.open(name).read() for name in first.image_files()}
    second = upload_through_admin(
        admin_client, django_capture_on_commit_callbacks, slug="second-photo", title_en="Second"
    )

    assert not set(first.image_files()) & set(second.image_files())
    assert bucket.object_keys() == sorted([*first.image_files(), *second.image_files()])
    assert {name: default_storage.open(name).read() for name in first_bytes} == first_bytes


@pytest.mark.django_db
def test_the_public_page_shows_the_image_from_the_bucket(
    admin_client, client, bucket, django_capture_on_commit_callbacks
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    article = upload_through_admin(
        admin_client,
        django_capture_on_commit_callbacks,
        status="published",
        published_at_0=yesterday.isoformat(),
    )

    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    urls = picture_urls(page.content)
    renditions = {r["name"]: r["type"] for r in article.image_renditions}
    assert urls == {f"{bucket.endpoint_url}/{bucket.bucket}/{name}" for name in renditions}
    client_s3 = bucket.client()
    for url in urls:
        name = url.removeprefix(f"{bucket.endpoint_url}/{bucket.bucket}/")
        status, headers, body = fetch(url)
        assert status == 200
        assert headers["Content-Type"] == renditions[name]
        stored = client_s3.get_object(Bucket=bucket.bucket, Key=name)["Body"].read()
        assert body == stored


@pytest.mark.django_db
def test_remove_unused_media_deletes_unused_objects_of_the_bucket_only(bucket):
    kept = ArticleFactory(image_alt_en="A blue rectangle")
    kept.image = image_upload(image_bytes(size=(600, 300)))
    kept.save()
    deleted = ArticleFactory(image_alt_en="A red rectangle")
    deleted.image = image_upload(image_bytes(size=(600, 300)), name="other.jpg")
    deleted.save()
    unused = deleted.image_files()
    deleted.delete()
    assert bucket.object_keys() == sorted([*kept.image_files(), *unused])

    # Younger than a day: kept (their modification time is read from the bucket).
    call_command("remove_unused_media", verbosity=0)
    assert bucket.object_keys() == sorted([*kept.image_files(), *unused])

    call_command("remove_unused_media", "--min-age", "0", "--dry-run", verbosity=0)
    assert bucket.object_keys() == sorted([*kept.image_files(), *unused])

    call_command("remove_unused_media", "--min-age", "0", verbosity=0)
    assert bucket.object_keys() == sorted(kept.image_files())
