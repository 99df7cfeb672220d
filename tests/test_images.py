import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cyberwatch.images import validate_image
from news.models import Article

from .factories import ArticleFactory


def image_bytes(size=(2000, 1000), image_format="JPEG", exif=None):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (20, 80, 160))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=image_format, **kwargs)
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
        validate_image(upload(image_bytes(size=(7000, 6000), image_format="PNG"), "big.png"))
    assert error.value.code in {"too_many_pixels", "decompression_bomb"}


def test_a_decompression_bomb_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_image(upload(image_bytes(size=(15000, 15000), image_format="PNG"), "bomb.png"))
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
