"""Slugs: made from a title in its own letters (an Arabic title gives an Arabic slug, as
Arabic sites have), matched in URLs as such, and links that never break: a published item
whose slug changes keeps answering at its old URL with a 301 to the new one."""

import re
import unicodedata

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls.converters import StringConverter
from django.utils.text import slugify

from .stored import StoredRow


def slug_of(text):
    """The slug of a title: its letters and digits in any script, lower case, hyphens between
    words (Django's `slugify(allow_unicode=True)`: "عملية ضد الاحتيال" → "عملية-ضد-الاحتيال").
    A title in Latin letters keeps the plain ASCII slug it always had ("Operación" →
    "operacion"): only its accents would differ, and addresses already made stay the same."""
    slug = slugify(text or "", allow_unicode=True)
    bare = "".join(
        char for char in unicodedata.normalize("NFKD", slug) if not unicodedata.combining(char)
    )
    return slugify(text) if bare.isascii() else slug


class UnicodeSlugConverter(StringConverter):
    """`<unicode_slug:slug>` in a URL pattern: Django's `<slug:>` is ASCII only, and would
    answer 404 at every Arabic article. Word characters of any script, digits, `_` and `-`,
    what `slug_of()` and the admin's slug fields (`allow_unicode=True`) allow. A browser sends
    the slug percent-encoded; Django decodes the path before matching it, and `reverse()`
    encodes it again (core/links.py does the same for lists of links)."""

    regex = r"[-\w]+"


def titleless_slug(model_name):
    """A slug that `unique_slug()` made, before slugs were Unicode, from a title without any
    Latin letter: the model's name, then -2, -3…"""
    return re.compile(rf"{re.escape(model_name)}(-[0-9]+)?")


class KeepsPreviousSlugs(StoredRow):
    """Abstract model: remember the slug an item had before each change of slug."""

    class Meta:
        abstract = True

    @classmethod
    def stored_field_names(cls):
        return (*super().stored_field_names(), "slug")

    def save(self, *args, **kwargs):
        from .models import PreviousSlug

        content_type = ContentType.objects.get_for_model(type(self))
        stored = self.stored()
        old_slug = stored["slug"] if stored else None
        if old_slug and old_slug != self.slug:
            PreviousSlug.objects.update_or_create(
                content_type=content_type, slug=old_slug, defaults={"object_id": self.pk}
            )
        super().save(*args, **kwargs)
        if old_slug != self.slug:
            # A slug now in use again is nobody's old slug any more.
            PreviousSlug.objects.filter(content_type=content_type, slug=self.slug).delete()


class PreviousSlugRedirectMixin:
    """Detail-view mixin: an unknown slug that an item of the view's queryset once had
    answers with a 301 to where that item is now."""

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            from .models import PreviousSlug

            queryset = self.get_queryset()
            previous = PreviousSlug.objects.filter(
                content_type=ContentType.objects.get_for_model(queryset.model),
                slug=kwargs.get(self.slug_url_kwarg),
            ).first()
            item = previous and queryset.filter(pk=previous.object_id).first()
            if not item:
                raise
            url = item.get_absolute_url()
            if request.META.get("QUERY_STRING"):
                url = f"{url}?{request.META['QUERY_STRING']}"
            return HttpResponsePermanentRedirect(url)


class TitlelessSlugs:
    """A data migration's two directions for one model (`app_label.ModelName`, slugs made from
    `title_field`): forwards, an item whose slug `unique_slug()` made from a title without any
    Latin letter (`article`, `article-2`) gets the slug of that title in its own letters, and
    its old slug is recorded as a PreviousSlug, so that old links answer 301; backwards, the
    old slug again. The title is the one the slug was made from: the original language's, or
    the first filled in of en, fr, es, ar. Only historical models are used."""

    LANGUAGES = ("en", "fr", "es", "ar")

    def __init__(self, app_label, model_name, title_field, reserved=()):
        self.app_label, self.model_name = app_label, model_name
        self.title_field, self.reserved = title_field, set(reserved)

    def _models(self, apps):
        model = apps.get_model(self.app_label, self.model_name)
        content_types = apps.get_model("contenttypes", "ContentType")
        content_type, _created = content_types.objects.get_or_create(
            app_label=self.app_label, model=self.model_name.lower()
        )
        previous = apps.get_model("cyberwatch", "PreviousSlug").objects.filter(
            content_type=content_type
        )
        return model, content_type, previous

    def _title(self, item):
        original = getattr(item, "original_language", None)
        for code in (original, *self.LANGUAGES) if original else self.LANGUAGES:
            if text := (getattr(item, f"{self.title_field}_{code}", "") or "").strip():
                return text
        return ""

    def forwards(self, apps, schema_editor):
        model, content_type, previous = self._models(apps)
        pattern = titleless_slug(self.model_name.lower())
        max_length = model._meta.get_field("slug").max_length
        taken = set(model._base_manager.values_list("slug", flat=True))
        taken |= set(previous.values_list("slug", flat=True)) | self.reserved
        for item in model._base_manager.order_by("pk"):
            title = self._title(item)
            if not pattern.fullmatch(item.slug) or slugify(title):
                continue  # a slug someone chose, or made from Latin letters
            base = slug_of(title)[: max_length - 6].strip("-")
            if not base:
                continue
            slug, number = base, 2
            while slug in taken:
                slug, number = f"{base}-{number}", number + 1
            taken.add(slug)
            previous.model.objects.create(
                content_type=content_type, object_id=item.pk, slug=item.slug
            )
            model._base_manager.filter(pk=item.pk).update(slug=slug)

    def backwards(self, apps, schema_editor):
        model, _content_type, previous = self._models(apps)
        pattern = titleless_slug(self.model_name.lower())
        for old in previous.order_by("-pk"):
            if not pattern.fullmatch(old.slug):
                continue
            moved = model._base_manager.filter(pk=old.object_id).exclude(
                slug__regex=r"^[-a-z0-9_]+$"
            )
            if moved.update(slug=old.slug):
                old.delete()
