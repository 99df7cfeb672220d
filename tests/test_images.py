import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.images import validate_image
from news.models import Article

from .factories import ArticleFactory


def image_bytes(size=(2000, 1000), image_format="JPEG", exif=None, mode="RGB", **options):
    buffer = io.BytesIO()
    image = Image.new(mode, size, (20, 80, 160) if mode == "RGB" else 0)
    if exif is not None:
        options["exif"] = exif
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def noisy_image_bytes(image_format, size=(800, 600)):
    """An image whose pixel data is most of the file, so that cutting the file cuts the pixels."""
    buffer = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(buffer, format=image_format)
    return buffer.getvalue()


def upload(data, name="photo.jpg"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def gps_exif():
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 0.0)}  # GPSInfo
    return exif


def test_a_real_image_is_accepted():
    validate_image(upload(image_bytes()))


def test_a_file_that_is_not_an_image_is_refused_clearly():
    with pytest.raises(ValidationError) as error:
        validate_image(upload(b"<?php echo 'not an image'; ?>", name="shell.jpg"))
    assert error.value.code == "invalid_image"


def test_an_image_over_40_megapixels_is_refused():
    # A PNG of one colour compresses to a few kB but would take 150 MB of memory to open.
    with pytest.raises(ValidationError) as error:
        validate_image(
            upload(image_bytes(size=(7000, 6000), image_format="PNG", mode="1"), "big.png")
        )
    assert error.value.code in {"too_many_pixels", "decompression_bomb"}


def test_a_decompression_bomb_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_image(
            upload(image_bytes(size=(15000, 15000), image_format="PNG", mode="1"), "bomb.png")
        )
    assert error.value.code == "decompression_bomb"


def test_a_file_over_20_megabytes_is_refused():
    data = image_bytes(size=(100, 100)) + b"\0" * (20 * 1024 * 1024)
    with pytest.raises(ValidationError) as error:
        validate_image(upload(data))
    assert error.value.code == "too_big"


@pytest.mark.django_db
def test_saving_an_image_strips_metadata_and_makes_renditions_once():
    article = ArticleFactory(image_alt_en="A blue rectangle")
    article.image = upload(image_bytes(exif=gps_exif()))
    article.save()
    article.refresh_from_db()
    with Image.open(article.image.path) as stored:
        assert not stored.getexif()
    widths = sorted({r["width"] for r in article.image_renditions})
    assert widths == [480, 960, 1600]
    types = {r["type"] for r in article.image_renditions}
    assert types == {"image/webp", "image/jpeg"}
    for rendition in article.image_renditions:
        with Image.open(article.image.storage.path(rendition["name"])) as image:
            assert image.width == rendition["width"]
            assert not image.getexif()
    # Saving again without a new upload keeps the renditions and makes no new files.
    names = [r["name"] for r in article.image_renditions]
    article.title_en = "Changed"
    article.save()
    assert [r["name"] for r in Article.objects.get(pk=article.pk).image_renditions] == names


@pytest.mark.django_db
def test_a_small_image_is_not_enlarged():
    article = ArticleFactory(image_alt_en="Small")
    article.image = upload(image_bytes(size=(300, 200)))
    article.save()
    assert {r["width"] for r in article.image_renditions} == {300}


@pytest.mark.django_db
def test_an_image_without_alt_text_is_refused():
    article = ArticleFactory.build(slug="with-image")
    article.image = upload(image_bytes(size=(300, 200)))
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "image_alt_en" in error.value.message_dict


@pytest.mark.parametrize("image_format", ["JPEG", "GIF", "PNG", "WEBP"])
def test_a_truncated_image_is_refused(image_format):
    data = noisy_image_bytes(image_format)
    with pytest.raises(ValidationError) as error:
        validate_image(upload(data[: len(data) // 3]))
    assert error.value.code == "invalid_image"


def stored_bytes(article):
    storage = article.image.storage
    names = [article.image.name] + [r["name"] for r in article.image_renditions]
    return {name: storage.open(name).read() for name in names}


@pytest.mark.django_db
def test_comments_exif_and_xmp_are_stripped_from_the_stored_image_and_every_rendition():
    article = ArticleFactory(image_alt_en="A blue rectangle")
    article.image = upload(
        image_bytes(exif=gps_exif(), comment=b"secret", xmp=b"<x:xmpmeta>hidden-xmp</x:xmpmeta>")
    )
    article.save()
    files = stored_bytes(article)
    assert len(files) == 1 + 6
    for name, data in files.items():
        for marker in (b"secret", b"CameraMaker", b"Exif\0\0", b"hidden-xmp", b"xmpmeta"):
            assert marker not in data, (name, marker)


@pytest.mark.django_db
def test_a_png_with_text_and_a_colour_profile_is_stored_in_srgb_without_them():
    from PIL import ImageCms, PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "secret-text")
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    rgba = Image.new("RGBA", (600, 300), (20, 80, 160, 128))
    buffer = io.BytesIO()
    rgba.save(buffer, format="PNG", pnginfo=text, icc_profile=profile)
    article = ArticleFactory(image_alt_en="A translucent rectangle")
    article.image = upload(buffer.getvalue(), name="photo.png")
    article.save()
    for name, data in stored_bytes(article).items():
        assert b"secret-text" not in data, name
        with Image.open(io.BytesIO(data)) as image:
            assert "icc_profile" not in image.info, name


def rendition_files(article):
    storage = article.image.storage
    return [r["name"] for r in article.image_renditions if storage.exists(r["name"])]


@pytest.mark.django_db
def test_replacing_an_image_keeps_the_old_files_until_nothing_names_them(
    django_capture_on_commit_callbacks,
):
    """A replaced image stays in storage (a revision or a review may name it);
    `remove_unused_media` deletes it once nothing does."""
    from django.core.management import call_command

    article = ArticleFactory(image_alt_en="A blue rectangle")
    with django_capture_on_commit_callbacks(execute=True):
        article.image = upload(image_bytes(size=(1200, 600)))
        article.save()
    storage = article.image.storage
    old_image, old_renditions = article.image.name, rendition_files(article)
    assert len(old_renditions) == 6

    with django_capture_on_commit_callbacks(execute=True):
        article = Article.objects.get(pk=article.pk)
        article.image = upload(image_bytes(size=(700, 500)), name="other.jpg")
        article.save()
    assert storage.exists(old_image)
    assert all(storage.exists(name) for name in old_renditions)
    assert storage.exists(article.image.name)
    assert len(rendition_files(article)) == len(article.image_renditions) == 4

    call_command("remove_unused_media", verbosity=0)  # too young: an upload may be in flight
    assert storage.exists(old_image)
    call_command("remove_unused_media", "--min-age", "0", verbosity=0)
    assert not storage.exists(old_image)
    assert not any(storage.exists(name) for name in old_renditions)
    assert storage.exists(article.image.name)
    assert all(storage.exists(name) for name in rendition_files(article))


@pytest.mark.django_db
def test_a_rolled_back_replacement_keeps_the_old_files(django_capture_on_commit_callbacks):
    from django.db import transaction

    article = ArticleFactory(image_alt_en="A blue rectangle")
    with django_capture_on_commit_callbacks(execute=True):
        article.image = upload(image_bytes(size=(1200, 600)))
        article.save()
    storage = article.image.storage
    old_image, old_renditions = article.image.name, rendition_files(article)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        replaced = Article.objects.get(pk=article.pk)
        replaced.image = upload(image_bytes(size=(700, 500)), name="other.jpg")
        replaced.save()
        raise RuntimeError("the rest of the request failed")
    article = Article.objects.get(pk=article.pk)
    assert article.image.name == old_image
    assert storage.exists(old_image)
    assert rendition_files(article) == old_renditions


@pytest.mark.django_db
def test_a_deleted_items_files_go_once_nothing_names_them(django_capture_on_commit_callbacks):
    from django.core.management import call_command

    article = ArticleFactory(image_alt_en="A blue rectangle")
    with django_capture_on_commit_callbacks(execute=True):
        article.image = upload(image_bytes(size=(1200, 600)))
        article.save()
    storage = article.image.storage
    names = [article.image.name, *rendition_files(article)]
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(pk=article.pk).delete()
    assert all(storage.exists(name) for name in names)  # a recovery would bring them back
    call_command("remove_unused_media", "--min-age", "0", verbosity=0)
    assert not any(storage.exists(name) for name in names)


def picture_urls(html):
    """Every address the first `<picture>` of a page names: its `<img src>` and each candidate
    of its `srcset`s."""
    import lxml.html

    picture = lxml.html.fromstring(html).xpath("//picture")[0]
    srcsets = picture.xpath(".//source/@srcset | .//img/@srcset")
    return set(picture.xpath(".//img/@src")) | {
        candidate.split()[0] for srcset in srcsets for candidate in srcset.split(", ")
    }
