"""What a public page tells search engines and link previews about itself: its description as
plain text, its Open Graph locale, and an article's schema.org `NewsArticle` (JSON-LD).
templates/jinja2/base.jinja writes them into the page's <head>; core/jinja2.py adds what needs
the request (the canonical address, absolute URLs)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import to_locale
from markupsafe import Markup

# Search engines show about 160 characters of a description; sharing previews fewer.
DESCRIPTION_LENGTH = 160

# Open Graph locales are language_TERRITORY. Facebook reads only the locales it lists, and
# lists Arabic as ar_AR; the others are the languages' home countries.
OPEN_GRAPH_LOCALES = {"en": "en_GB", "fr": "fr_FR", "es": "es_ES", "ar": "ar_AR"}

# The characters that could end a <script> element or start a comment in it, escaped as JSON
# escapes them: the text parses back to the same value (django.utils.html.json_script's set).
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

_TRAILING = " ,;:.–—-،؛"


def plain_description(html, limit=DESCRIPTION_LENGTH):
    """The text of `html` (tags removed, entities decoded, white space collapsed), cut at a word
    boundary to at most `limit` characters, an ellipsis marking the cut."""
    text = Markup(html).striptags()  # noqa: S704 — read as text, never output as HTML
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not text[limit - 1].isspace():
        head, space, _word = cut.rpartition(" ")
        # A text without spaces (or one very long word) is cut where the limit falls.
        if space and len(head) >= limit // 2:
            cut = head
    return cut.rstrip(_TRAILING) + "…"


def open_graph_locale(language):
    """`og:locale` of a language code (`ar` → `ar_AR`)."""
    return OPEN_GRAPH_LOCALES.get(language) or to_locale(language)


def json_ld(data):
    """`<script type="application/ld+json">` holding `data`, escaped as Django's `json_script`
    escapes: no title can end the element early, and the JSON parses back to `data`."""
    text = Markup(json.dumps(data, cls=DjangoJSONEncoder).translate(_SCRIPT_ESCAPES))  # noqa: S704
    return Markup('<script type="application/ld+json">%s</script>') % text


def news_article(
    *, headline, description, url, language, published, modified, image, publisher, logo
):
    """schema.org `NewsArticle` of an article page (https://schema.org/NewsArticle): dates are
    aware datetimes (`published` None: no dates), `image` an absolute URL or None, `logo` the
    publisher's or None."""
    organisation = {"@type": "Organization", "name": publisher}
    if logo:
        organisation["logo"] = {"@type": "ImageObject", "url": logo}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": headline,
        "description": description,
        "inLanguage": language,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "publisher": organisation,
    }
    if published:  # a draft seen in preview may have no date yet
        data["datePublished"] = published.isoformat()
        # A row saved before its publication time was not modified after it.
        data["dateModified"] = max(published, modified or published).isoformat()
    if image:
        data["image"] = [image]
    return data
