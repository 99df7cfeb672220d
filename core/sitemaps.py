"""Sitemaps of translated content: each public item once per language it is available in, with
hreflang alternates and `x-default`, on pages of at most `page_size()` items.

The sections are `django.contrib.sitemaps.Sitemap` subclasses (`items()` from `published()`,
`location()`, `lastmod()`, `get_languages_for_item()`, `i18n` and `alternates`), so Django's
own `get_urls()` lists the same addresses (tests/test_sitemap.py compares them). The site's
views (cyberwatch/sitemaps.py) neither call it nor render Django's templates: a page of 250
articles is some 440 `<url>` elements with their alternates, which Django's `sitemap.xml`
template took 23 ms to write where `urlset()` takes 1 ms; and `get_urls()` activates a
language and reverses a URL for every item, language and alternate. `urlset()` writes the XML
itself, escaped, from `Entry` rows that a section builds with one reverse per language for the
page (core/links.py); an item's alternates are written once and repeated for each of its
languages. A page of 250 articles takes about 3 ms to read and write so.

Two rules differ from Django's `_urls()`: `x-default` is the item's English address when it
has one, else its first language in LANGUAGES order, as on the pages' own hreflang links
(Django's: the default language's without its prefix, which this site redirects, and only when
available in it); and a page holds `page_size()` items (up to
one URL a language each) instead of `limit` URLs, so that the news section is paginated on the
database (news/sitemaps.py) instead of in a list of every article in every language.
"""

import datetime
import re
from typing import NamedTuple
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from django.utils import timezone, translation

from .languages import language_codes, x_default_language
from .links import around_slug, quote_slug, slug_url

PROTOCOL_LIMIT = 50_000  # URLs in a sitemap, and sitemaps in an index (sitemaps.org)
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,17}")  # ASCII digits: int() would take "٣" and " 3"
URLSET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
SITEMAPINDEX = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
)


def page_size():
    """Items on a sitemap page: `SITEMAP_PAGE_SIZE`, and never more than keeps the page within
    the protocol's 50,000 URLs when every item is in every language."""
    return max(1, min(settings.SITEMAP_PAGE_SIZE, PROTOCOL_LIMIT // len(language_codes())))


def page_number(value, biggest):
    """The page number a sitemap's `?p=` asks for, at most `biggest`; else 404."""
    if not PAGE_NUMBER.fullmatch(value) or int(value) > biggest:
        raise Http404("No such sitemap page")
    return int(value)


def w3c_datetime(moment):
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds")


class Entry(NamedTuple):
    """One item of a sitemap: its path in each language it is available in, as ((code, path),
    …) in LANGUAGES order, and when it last changed (or None). A tuple: a page makes
    thousands."""

    paths: tuple
    lastmod: datetime.datetime | None = None


def urlset(entries, origin):
    """The `<urlset>` of `entries`, their paths made absolute with `origin`
    (`https://host`)."""
    origin = escape(origin)
    parts = [URLSET]
    append = parts.append
    for paths, lastmod in entries:
        links = [(code, origin + escape(path)) for code, path in paths]
        alternates = "".join(
            [
                f'<xhtml:link rel="alternate" hreflang="{code}" href="{location}"/>'
                for code, location in links
            ]
        )
        default = dict(links)[x_default_language([code for code, _location in links])]
        alternates += f'<xhtml:link rel="alternate" hreflang="x-default" href="{default}"/></url>\n'
        lastmod = f"<lastmod>{w3c_datetime(lastmod)}</lastmod>" if lastmod else ""
        for _code, location in links:
            append(f"<url><loc>{location}</loc>{lastmod}{alternates}")
    append("</urlset>\n")
    return "".join(parts)


def sitemapindex(pages):
    """The `<sitemapindex>` of `pages`: (absolute address, lastmod or None)."""
    parts = [SITEMAPINDEX]
    for location, lastmod in pages:
        lastmod = f"<lastmod>{w3c_datetime(lastmod)}</lastmod>" if lastmod else ""
        parts.append(f"<sitemap><loc>{escape(location)}</loc>{lastmod}</sitemap>\n")
    parts.append("</sitemapindex>\n")
    return "".join(parts)


class TranslatedSitemap(Sitemap):
    """A section of public translated items with slugs (`url_name`: their detail view). The
    items are few (crime areas, advice, initiatives): each page reads them all, once."""

    i18n = True
    alternates = True
    # Django's x-default is the English address without its prefix, which this site redirects:
    # urlset() writes the site's own (module docstring).
    x_default = False
    url_name = None

    def __init__(self, now=None):
        self.now = now or timezone.now()

    @property
    def limit(self):
        return page_size()

    def location(self, item):
        # In the active language: Django's get_urls() activates each in turn.
        return slug_url(self.url_name, item.slug)

    def get_languages_for_item(self, item):
        return item.available_languages

    def lastmod(self, item):
        return None

    def _shown_items(self):
        return [item for item in self.items() if self.get_languages_for_item(item)]

    def index_pages(self):
        """(page number, lastmod or None) of each page: the latest lastmod of its items, None
        when one of them has none."""
        paginator = Paginator(self._shown_items(), self.limit)
        pages = []
        for number in paginator.page_range:
            lastmods = [self.lastmod(item) for item in paginator.page(number)]
            pages.append((number, None if None in lastmods else max(lastmods, default=None)))
        return pages

    def page_entries(self, value):
        """The `Entry` rows of the page `value` (`?p=`, text); 404 when there is none."""
        number = page_number(value, PROTOCOL_LIMIT)
        try:
            items = Paginator(self._shown_items(), self.limit).page(number)
        except EmptyPage as error:
            raise Http404("No such sitemap page") from error
        return self.entries(items)

    def entries(self, items):
        """The `Entry` of each of `items`."""
        paths = SlugPaths(self.url_name)
        return [
            Entry(paths(item.slug, self.get_languages_for_item(item)), self.lastmod(item))
            for item in items
        ]


class SlugPaths:
    """The paths of items with a slug, for the view `url_name`, in each language: one reverse
    per language for a whole page, one quote per item (core/links.py)."""

    def __init__(self, url_name):
        self.around = {}
        for code in language_codes():
            with translation.override(code):
                self.around[code] = around_slug(url_name)

    def __call__(self, slug, languages):
        """((code, path), …) of the item at `slug` in `languages`."""
        quoted = quote_slug(slug)
        around = self.around
        return tuple((code, f"{around[code][0]}{quoted}{around[code][1]}") for code in languages)
