"""Links to items by slug without a full `reverse()` for each one.

A news list links every card and every card's crime areas: some sixty links, and `reverse()`
costs about 50 µs each. The part of the URL around the slug depends only on the view, the
active language (i18n_patterns), the script prefix and the URLconf, so it is reversed once per
such combination and the slug is put in between.
"""

import functools
from urllib.parse import quote

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

PLACEHOLDER = "slug-placeholder"  # matches Django's slug converter
# What reverse() leaves unquoted (django.urls.resolvers: RFC 3986 sub-delimiters, /~:@).
SAFE = "!$&'()*+,;=/~:@"


@functools.lru_cache(maxsize=256)
def _around_slug(viewname, language, script_prefix, urlconf):
    url = reverse(viewname, kwargs={"slug": PLACEHOLDER}, urlconf=urlconf)
    before, _placeholder, after = url.partition(PLACEHOLDER)
    return before, after


def slug_url(viewname, slug):
    """`reverse(viewname, kwargs={"slug": slug})`, in the active language."""
    return slug_urls(viewname)(slug)


def around_slug(viewname):
    """(before, after): the parts of `viewname`'s URL around the slug, in the active language;
    a slug goes between them through `quote_slug()`."""
    return _around_slug(viewname, get_language(), get_script_prefix(), get_urlconf())


def quote_slug(slug):
    return quote(slug, safe=SAFE)


def slug_urls(viewname):
    """`slug_url(viewname, slug)` as a function of the slug, for a list of links: the active
    language, script prefix and URLconf are read once."""
    before, after = _around_slug(viewname, get_language(), get_script_prefix(), get_urlconf())
    return lambda slug: f"{before}{quote(slug, safe=SAFE)}{after}"


@receiver(setting_changed)
def _forget_urls(setting, **kwargs):
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "FORCE_SCRIPT_NAME"}:
        _around_slug.cache_clear()
