"""`/sitemap.xml` and its sections' pages (`/sitemap-<section>.xml?p=n`): every public page in
every language it is available in, with hreflang alternates (core/sitemaps.py).

Outside the language prefix, and kept by the page cache like the public pages
(cyberwatch/caching.py): a change of content or a scheduled moment gives a new one. The XML
is written directly rather than through Django's sitemap templates (core/sitemaps.py says
why)."""

from django.contrib.sitemaps.views import x_robots_tag
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation

from core.languages import language_codes
from core.sitemaps import Entry, TranslatedSitemap, sitemapindex, urlset
from crimes.sitemaps import AdviceSitemap, CrimeAreaSitemap
from initiatives.sitemaps import InitiativeSitemap
from news.sitemaps import ArticleSitemap

CONTENT_TYPE = "application/xml; charset=utf-8"


class FixedPagesSitemap(TranslatedSitemap):
    """The pages that are not items: the home page and the lists, in every language."""

    def items(self):
        return [
            "home",
            "crimes:crimearea_list",
            "advice:advice_list",
            "initiatives:initiative_list",
            "news:article_list",
        ]

    def location(self, name):
        return reverse(name)

    def get_languages_for_item(self, name):
        return language_codes()

    def entries(self, names):
        entries = []
        for name in names:
            paths = []
            for code in language_codes():
                with translation.override(code):
                    paths.append((code, reverse(name)))
            entries.append(Entry(tuple(paths)))
        return entries


SECTIONS = {
    "pages": FixedPagesSitemap,
    "crime-areas": CrimeAreaSitemap,
    "advice": AdviceSitemap,
    "initiatives": InitiativeSitemap,
    "news": ArticleSitemap,
}


def origin(request):
    return f"{request.scheme}://{request.get_host()}"


@x_robots_tag
def index(request):
    """The sitemap index: each section's pages, with the latest change on each when known."""
    now = timezone.now()
    pages = []
    for section, sitemap in SECTIONS.items():
        address = origin(request) + reverse("sitemap_section", kwargs={"section": section})
        for number, lastmod in sitemap(now).index_pages():
            pages.append((address if number == 1 else f"{address}?p={number}", lastmod))
    return HttpResponse(sitemapindex(pages), content_type=CONTENT_TYPE)


@x_robots_tag
def section(request, section):
    """A page of a section (`?p=`, 1 when absent); 404 for a section or page there is not."""
    if section not in SECTIONS:
        raise Http404("No such sitemap section")
    entries = SECTIONS[section]().page_entries(request.GET.get("p", "1"))
    return HttpResponse(urlset(entries, origin(request)), content_type=CONTENT_TYPE)
