"""Two versions of an item side by side, as a reader would see them: rich text keeps its
headings, lists and links, with what changed marked `<ins>`/`<del>` inside that structure
(lxml's `htmldiff`, then the site's nh3 policy); other text word by word (diff-match-patch,
as django-reversion-compare uses); an image as a thumbnail. Internal fields (an image's
dimensions and renditions, versions, derived flags) are never shown, and a language empty on
both sides prints nothing. Used by the review page, the compare view and a refused stale save.
"""

import re

import nh3
from diff_match_patch import diff_match_patch
from django.db import models
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from lxml.html.diff import htmldiff

from .sanitising import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, clean_html

# Kept by saves, not typed by anyone: never compared.
INTERNAL = frozenset(
    {
        "version",
        "image_width",
        "image_height",
        "image_renditions",
        "outdated_languages",
        "published_at_chosen",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
    }
)

_DIFF_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS | {"ins", "del"},
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)
_EMPTY_MARKS = re.compile(r"<(ins|del)>\s*</\1>")


def same_moment(one, other):
    """Equal to the second: the form's date-time fields carry no microseconds, and a stored
    moment may (items made in code), which would read as a change nobody made."""
    if one is None or other is None:
        return one is other
    return one.replace(microsecond=0) == other.replace(microsecond=0)


def same_value(before, after):
    """Whether a field's value is unchanged: None and "" are both empty, moments are equal to
    the second, files by their name, related rows by their pk."""
    if hasattr(before, "pk"):
        before = before.pk
    if hasattr(after, "pk"):
        after = after.pk
    if hasattr(before, "name") and not isinstance(before, str):
        before = before.name
    if hasattr(after, "name") and not isinstance(after, str):
        after = after.name
    if before in (None, "") and after in (None, ""):
        return True
    if hasattr(before, "tzinfo") and hasattr(after, "tzinfo"):
        return same_moment(before, after)
    return before == after


def is_internal(field):
    return field.name in INTERNAL or getattr(field, "generated", False) or not field.editable


def is_rich_text(field):
    source = getattr(field, "translated_field", None) or field
    model = field.model
    return source.name in getattr(model, "rich_text_fields", ())


def rich_text_diff(before, after):
    """`after` as it reads, with what it adds in `<ins>` and what it removes in `<del>`, inside
    its paragraphs, headings, lists and links. Both sides pass the site's policy first, the
    result again (with `ins` and `del` allowed)."""
    before, after = clean_html(before or ""), clean_html(after or "")
    if before == after:
        return mark_safe(after)  # noqa: S308 (cleaned by the site's nh3 policy)
    marked = _EMPTY_MARKS.sub("", htmldiff(before, after))
    return mark_safe(_DIFF_CLEANER.clean(marked))  # noqa: S308 (cleaned just now)


def text_diff(before, after):
    """`after` with what it adds marked `<ins>` and what it removes `<del>`, word by word, in
    the text's own flow; everything escaped."""
    matcher = diff_match_patch()
    diffs = matcher.diff_main(before or "", after or "")
    matcher.diff_cleanupSemantic(diffs)
    marks = {matcher.DIFF_INSERT: "ins", matcher.DIFF_DELETE: "del"}
    return format_html_join(
        "",
        "{}",
        (
            (format_html("<{0}>{1}</{0}>", marks[op], text) if op in marks else text,)
            for op, text in diffs
        ),
    )


def thumbnail(field, name):
    """An image's thumbnail (its stored file, at most 240 px wide), or "" for none."""
    if not name:
        return ""
    url = field.storage.url(name)
    return format_html(
        '<a href="{}"><img src="{}" alt="" class="newsroom-thumbnail" width="240"></a>', url, url
    )


def shown(field, value):
    """A field's value as a person reads it: rich text rendered (cleaned), a choice by its
    label, a moment in the site's time zone, an image as a thumbnail, related rows by name."""
    if field.many_to_many:
        return ", ".join(sorted(str(related) for related in value or ()))
    if isinstance(field, models.FileField):
        return thumbnail(field, getattr(value, "name", value) or "")
    if value is None:
        return ""
    if isinstance(field, models.ForeignKey):
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(field, models.BooleanField):
        return formats.localize(value)
    if is_rich_text(field):
        return mark_safe(clean_html(str(value)))  # noqa: S308 (the site's nh3 policy)
    return str(value)


def field_diff(field, before, after):
    """`after` against `before`, marked as the field's kind reads best: rich text in its
    structure, images as thumbnails old beside new, anything else word by word."""
    if isinstance(field, models.FileField):
        old = getattr(before, "name", before) or ""
        new = getattr(after, "name", after) or ""
        if old == new:
            return thumbnail(field, new)
        return format_html(
            '<span class="newsroom-images"><del>{}</del> <ins>{}</ins></span>',
            thumbnail(field, old) or "—",
            thumbnail(field, new) or "—",
        )
    if is_rich_text(field):
        return rich_text_diff(before, after)
    return text_diff(str(shown(field, before)), str(shown(field, after)))


def rows(model, before, after, names):
    """The rows of a comparison of `before` and `after` (items, or None for nothing), one per
    field in `names` that a person typed: [{"name", "label", "language", "before", "after",
    "changed", "diff"}]. A field empty on both sides is left out."""
    compared = []
    for name in names:
        field = model._meta.get_field(name)
        if is_internal(field) or _is_translation_source(model, name):
            continue
        old = _value(field, before)
        new = _value(field, after)
        old_text, new_text = shown(field, old), shown(field, new)
        if not old_text and not new_text:
            continue
        source = getattr(field, "translated_field", None)
        changed = before is not None and str(old_text) != str(new_text)
        compared.append(
            {
                "name": name,
                "label": (source or field).verbose_name,
                "language": getattr(field, "language", ""),
                "before": old_text,
                "after": new_text,
                "changed": changed,
                "diff": field_diff(field, old, new) if changed else "",
            }
        )
    return compared


def _value(field, item):
    if item is None:
        return None
    if field.many_to_many:
        return list(getattr(item, field.name).all())
    return getattr(item, field.name)


def _is_translation_source(model, name):
    """`title` beside `title_en`…: the language columns stand for it."""
    return name in getattr(model, "translated_fields", tuple)()
