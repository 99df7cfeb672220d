"""Uploaded images: validated with Pillow, stripped of metadata, and turned into responsive
renditions once, when they are saved (never per request).

A replaced or deleted image stays in storage, original and renditions: a revision or a review
may name it, and a roll-back brings it back. `manage.py remove_unused_media` deletes the files
that nothing names any more (core/media.py)."""

import contextlib
import io
import warnings
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .stored import StoredRow

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
RENDITION_WIDTHS = (480, 960, 1600)
RENDITION_FORMATS = (("webp", "WEBP", "image/webp"), ("jpg", "JPEG", "image/jpeg"))
_SRGB = ImageCms.createProfile("sRGB")


def validate_image(file):
    """Refuse anything that is not a real image of reasonable size, with a clear message.

    Only a new upload is checked: a file already in storage was checked when it came in, and
    reopening it on every save is what made items with an image impossible to save again."""
    if not isinstance(file, UploadedFile):
        return
    if file.size > MAX_BYTES:
        raise ValidationError(
            _("This file is %(size)s; images of at most %(limit)s are accepted."),
            code="too_big",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(MAX_BYTES)},
        )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                if image.format not in ACCEPTED_FORMATS:
                    raise ValidationError(
                        _("Images must be JPEG, PNG, WebP or GIF files."), code="invalid_format"
                    )
                if width * height > MAX_PIXELS:
                    raise _too_many_pixels(width, height)
                image.verify()
            # verify() reads the structure only; decoding every pixel is what finds a truncated
            # file (ImageFile.LOAD_TRUNCATED_IMAGES stays at its default, False).
            file.seek(0)
            with Image.open(file) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("This image is too large to open safely (more than %(limit)s megapixels)."),
            code="decompression_bomb",
            params={"limit": MAX_PIXELS // 1_000_000},
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            _("This file is not an image that can be read (JPEG, PNG, WebP or GIF)."),
            code="invalid_image",
        ) from None
    finally:
        file.seek(0)


def _too_many_pixels(width, height):
    return ValidationError(
        _(
            "This image is %(width)s × %(height)s pixels; "
            "at most %(limit)s megapixels are accepted."
        ),
        code="too_many_pixels",
        params={"width": width, "height": height, "limit": MAX_PIXELS // 1_000_000},
    )


def _encode(image, pillow_format):
    buffer = io.BytesIO()
    if pillow_format == "JPEG" and image.mode != "RGB":
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A") if "A" in image.getbands() else None)
        image = background
    # Nothing but pixels: no `exif=`/`xmp=` argument, and `_opened` emptied `info`, which
    # Pillow would otherwise copy from (a JPEG comment, a PNG colour profile).
    image.save(buffer, format=pillow_format, quality=82, optimize=True)
    return buffer.getvalue()


def _opened(field_file):
    """The image upright, in sRGB, as RGB or RGBA, carrying nothing but its pixels: no EXIF/GPS,
    XMP, comment, text chunk or colour profile is left in `info` for an encoder to copy."""
    field_file.open("rb")
    field_file.seek(0)
    with Image.open(field_file) as opened:
        image = ImageOps.exif_transpose(opened)  # always a new, loaded image
    mode = "RGBA" if image.has_transparency_data else "RGB"
    if profile := image.info.get("icc_profile"):
        # A profile Little CMS cannot use is dropped and the pixels kept as they are.
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError, KeyError):
            image = ImageCms.profileToProfile(image, io.BytesIO(profile), _SRGB, outputMode=mode)
    if image.mode != mode:
        image = image.convert(mode)
    image.info = {}
    return image


def image_files(name, renditions):
    """The files of an image stored as `name` with `renditions` (its JSON list)."""
    names = [rendition["name"] for rendition in renditions or ()]
    return [name, *names] if name else names


class ValidatedImageFormField(forms.ImageField):
    """Runs `validate_image` on a new upload before Django's own check, so that the editor sees
    why a file is refused (too large, too many pixels, truncated) on the form."""

    def to_python(self, data):
        if isinstance(data, UploadedFile):
            validate_image(data)
        return super().to_python(data)


class ValidatedImageField(models.ImageField):
    """An ImageField whose form field validates uploads with `validate_image`."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ValidatedImageFormField, **kwargs})


class WithImage(StoredRow):
    """An optional illustrative image with its alternative text, caption and credit."""

    image = ValidatedImageField(
        _("image"),
        upload_to="images/%Y/%m/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
        help_text=_("JPEG, PNG, WebP or GIF; at most 20 MB and 40 megapixels."),
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        _("image description (alt text)"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    image_caption = models.CharField(_("image caption"), max_length=300, blank=True)
    image_credit = models.CharField(_("image credit"), max_length=200, blank=True)
    image_renditions = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.store_new_image()
        super().save(*args, **kwargs)

    def image_files(self):
        """The names of the image's files in storage: the original and its renditions."""
        return image_files(self.image.name if self.image else "", self.image_renditions)

    def store_new_image(self):
        """Stores an uploaded image (without its metadata) and its renditions, before the row:
        on save, or when a change awaiting review proposes it (core/review.py)."""
        if self.image and not self.image._committed:
            image = _opened(self.image)
            self._store_image_without_metadata(image)
            # From the decoded upload, not the stored file: one decode, no second JPEG loss.
            self.image_renditions = self._make_renditions(image)
        elif not self.image:
            self.image_renditions = []

    def clean(self):
        super().clean()
        if self.image and not any(
            getattr(self, f"image_alt_{code}", "") for code, _name in settings.LANGUAGES
        ):
            raise ValidationError(
                {
                    f"image_alt_{settings.LANGUAGE_CODE}": _(
                        "Describe the image for people who cannot see it."
                    )
                }
            )

    def _store_image_without_metadata(self, image):
        pillow_format = "PNG" if image.mode == "RGBA" else "JPEG"
        name = (
            PurePosixPath(self.image.name)
            .with_suffix(".png" if pillow_format == "PNG" else ".jpg")
            .name
        )
        self.image.save(name, ContentFile(_encode(image, pillow_format)), save=False)
        self.image_width, self.image_height = image.size

    def _make_renditions(self, image):
        width, height = image.size
        stem = PurePosixPath(self.image.name).stem
        widths = [w for w in RENDITION_WIDTHS if w < width] + [min(width, RENDITION_WIDTHS[-1])]
        renditions = []
        storage = self.image.storage
        for target in sorted(set(widths)):
            resized = image.resize((target, max(1, round(height * target / width))), Image.LANCZOS)
            for extension, pillow_format, mime_type in RENDITION_FORMATS:
                name = storage.save(
                    f"renditions/{stem}-{target}.{extension}",
                    ContentFile(_encode(resized, pillow_format)),
                )
                renditions.append(
                    {
                        "name": name,
                        "width": resized.width,
                        "height": resized.height,
                        "type": mime_type,
                    }
                )
        return renditions

    def sharing_rendition(self):
        """The rendition a link preview shows (og:image, twitter:image), or None: the widest
        JPEG (at most 1600 px), the format every preview reads, at the size they ask for.
        {"url", "width", "height", "type"}; the URL is the storage's (relative when local)."""
        if not self.image:
            return None
        jpegs = [r for r in self.image_renditions if r["type"] == "image/jpeg"]
        if not jpegs:
            return None
        widest = max(jpegs, key=lambda rendition: rendition["width"])
        return {
            "url": self.image.storage.url(widest["name"]),
            "width": widest["width"],
            "height": widest["height"],
            "type": widest["type"],
        }

    def image_sources(self):
        """The renditions for a `<picture>`, best format first, the fallback (JPEG) last:
        [{"type", "srcset", "src", "width", "height"}]."""
        storage = self.image.storage
        sources = []
        for _extension, _format, mime_type in RENDITION_FORMATS:
            candidates = [r for r in self.image_renditions if r["type"] == mime_type]
            if candidates:
                largest = candidates[-1]
                sources.append(
                    {
                        "type": mime_type,
                        "srcset": ", ".join(
                            f"{storage.url(r['name'])} {r['width']}w" for r in candidates
                        ),
                        "src": storage.url(largest["name"]),
                        "width": largest["width"],
                        "height": largest["height"],
                    }
                )
        return sources
