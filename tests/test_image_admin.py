"""Images as an editor meets them in the admin: upload, save again, replace, clear, delete, and
clear form errors for files that cannot be used."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.forms import modelform_factory
from django.urls import reverse
from PIL import Image

from crimes.models import CrimeArea
from initiatives.models import Initiative
from news.models import Article

from .admin_forms import change_url, opened_version
from .factories import ArticleFactory, CrimeAreaFactory, InitiativeFactory
from .test_images import image_bytes, noisy_image_bytes


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return sorted(
        path.relative_to(root).as_posix() for path in Path(root).rglob("*") if path.is_file()
    )


def image_upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def article_form(**overrides):
    data = {
        "title_en": "Operation with a photo",
        "summary_en": "What happened.",
        "slug": "operation-with-a-photo",
        "original_language": "en",
        "status": "draft",
        "published_at_0": "2026-01-01",
        "published_at_1": "10:00:00",
        "image_alt_en": "Officers in front of a screen",
    }
    data.update(overrides)
    return data


def add_url():
    return reverse("admin:news_article_add")


def edit_form(client, article, **overrides):
    """The change form's data, with the version the form was opened with."""
    version = opened_version(client, article)
    return article_form(version=version, **overrides)


def form_errors(response):
    return response.context["adminform"].form.errors if response.context else None


def rendition_names(article):
    return [rendition["name"] for rendition in article.image_renditions]


@pytest.mark.django_db
def test_an_article_with_an_image_can_be_saved_again_and_its_image_replaced(
    admin_client, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            add_url(), article_form(image=image_upload(image_bytes(size=(1200, 600))))
        )
    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get(slug="operation-with-a-photo")
    first_image = article.image.name
    first_renditions = rendition_names(article)
    assert first_image and first_renditions

    # Saving the change form again without touching the image keeps it as it is.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            change_url(article), edit_form(admin_client, article, title_en="Saved again")
        )
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.title_en == "Saved again"
    assert article.image.name == first_image
    assert rendition_names(article) == first_renditions
    assert stored_files(media_root) == sorted([first_image, *first_renditions])

    # A new image replaces the old one, whose files stay: the first save's revision names them.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            change_url(article),
            edit_form(
                admin_client,
                article,
                image=image_upload(image_bytes(size=(700, 500)), name="other.png"),
            ),
        )
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.image.name != first_image
    assert (article.image_width, article.image_height) == (700, 500)
    assert stored_files(media_root) == sorted(
        [first_image, *first_renditions, article.image.name, *rendition_names(article)]
    )

    # And the item can still be saved again after that.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change_url(article), edit_form(admin_client, article))
    assert response.status_code == 302, form_errors(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "model"),
    [(CrimeAreaFactory, CrimeArea), (InitiativeFactory, Initiative), (ArticleFactory, Article)],
    ids=["CrimeArea", "Initiative", "Article"],
)
def test_an_item_with_a_stored_image_can_be_saved_again_through_its_form(factory, model):
    item = factory(image_alt_en="A blue rectangle")
    item.image = image_upload(image_bytes(size=(600, 300)))
    item.save()
    form_class = modelform_factory(model, fields=["image", "image_alt_en", "image_credit"])
    stored = model.objects.get(pk=item.pk)
    form = form_class(
        {"image_alt_en": "A blue rectangle", "image_credit": "INTERPOL"}, {}, instance=stored
    )
    assert form.is_valid(), form.errors  # used to raise "seek of closed file"
    form.save()
    stored.refresh_from_db()
    assert (stored.image.name, stored.image_credit) == (item.image.name, "INTERPOL")


@pytest.mark.django_db
def test_clearing_the_image_in_the_admin_keeps_its_files_for_the_revisions(
    admin_client, media_root, django_capture_on_commit_callbacks
):
    article = ArticleFactory(image_alt_en="A blue rectangle", slug="operation-with-a-photo")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            change_url(article),
            edit_form(admin_client, article, image=image_upload(image_bytes(size=(1200, 600)))),
        )
    assert response.status_code == 302, form_errors(response)
    assert len(stored_files(media_root)) == 1 + 6
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            change_url(article), edit_form(admin_client, article, **{"image-clear": "on"})
        )
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert not article.image
    assert article.image_renditions == []
    kept = stored_files(media_root)
    assert len(kept) == 1 + 6  # the revision of the save that uploaded it names them
    call_command("remove_unused_media", "--min-age", "0", verbosity=0)
    assert stored_files(media_root) == kept


@pytest.mark.django_db
def test_deleting_an_article_in_the_admin_keeps_its_image_for_a_recovery(
    admin_client, media_root, django_capture_on_commit_callbacks
):
    article = ArticleFactory(image_alt_en="A blue rectangle")
    with django_capture_on_commit_callbacks(execute=True):
        article.image = image_upload(image_bytes(size=(1200, 600)))
        article.save()
    assert len(stored_files(media_root)) == 1 + 6
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:news_article_delete", args=[article.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    # Its files stay while a revision names them (none here: it was made in code)…
    assert len(stored_files(media_root)) == 1 + 6
    call_command("remove_unused_media", "--min-age", "0", verbosity=0)
    assert stored_files(media_root) == []  # …and go when nothing does


def truncated(data):
    return data[: len(data) // 3]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cut.jpg", truncated(noisy_image_bytes("JPEG"))),
        ("cut.gif", truncated(noisy_image_bytes("GIF"))),
        ("shell.jpg", b"<?php echo 'not an image'; ?>"),
    ],
    ids=["truncated-jpeg", "truncated-gif", "not-an-image"],
)
def test_an_unreadable_upload_is_a_form_error_and_nothing_is_stored(
    admin_client, media_root, name, data
):
    response = admin_client.post(add_url(), article_form(image=image_upload(data, name=name)))
    assert response.status_code == 200
    assert "This file is not an image that can be read (JPEG, PNG, WebP or GIF)." in response.text
    assert not Article.objects.exists()
    assert stored_files(media_root) == []


def one_bit_png(size):
    """A one-colour PNG: a few kB on disk, many megapixels once opened."""
    buffer = io.BytesIO()
    Image.new("1", size).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("size", "message"),
    [
        ((7500, 6000), "This image is 7500 × 6000 pixels; at most 40 megapixels are accepted."),
        ((15000, 15000), "This image is too large to open safely (more than 40 megapixels)."),
    ],
    ids=["45-megapixels", "decompression-bomb"],
)
def test_an_oversized_image_shows_our_message_on_the_form(admin_client, media_root, size, message):
    response = admin_client.post(
        add_url(), article_form(image=image_upload(one_bit_png(size), "big.png", "image/png"))
    )
    assert response.status_code == 200
    assert message in response.text
    assert not Article.objects.exists()
    assert stored_files(media_root) == []
