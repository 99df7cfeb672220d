"""The one HTML policy for rich text, applied with nh3 on save and again on render."""

import nh3
from django.conf import settings
from django.db import models
from modeltranslation.utils import build_localized_fieldname

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "figcaption", "figure", "h2", "h3",
    "h4", "hr", "i", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    # Any element may say which language its words are in (a French quote in an English text).
    "*": {"lang", "dir"},
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto"}


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def clean_html(html):
    """Return `html` with everything outside the allow-list removed; `<script>` and `<style>`
    lose their content too. Links get `rel="noopener noreferrer"`."""
    if not html:
        return ""
    return _CLEANER.clean(html)


class SanitisedRichTextMixin(models.Model):
    """Abstract model: every language's column of each field in `rich_text_fields` is cleaned
    on save, so that nothing outside the policy ever reaches the database."""

    rich_text_fields = ("body",)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Each language's column by its own name: the untranslated descriptor (`self.body`)
        # would read the fallback language and write it into the active language's column.
        for field in self.rich_text_fields:
            for code, _name in settings.LANGUAGES:
                column = build_localized_fieldname(field, code)
                value = getattr(self, column, None)
                if value:
                    setattr(self, column, clean_html(value))
        super().save(*args, **kwargs)
