"""The news section of the sitemap: every public article in each language it is available in.

Django's i18n `Sitemap` paginates a list of every item in every language, built on each
request: at 100,000 articles that is some 200,000 pairs for one page. Here page n holds the
public articles whose pks are in the n-th block of `page_size()` (core/sitemaps.py): one range
of the primary key's index a page, the same cost at any size of the archive. Gaps in the pks
(drafts, deleted articles) leave pages shorter; the index lists only the pages that hold a
public article, with the latest change among them as their lastmod (one grouped query)."""

from django.http import Http404

from core.languages import language_codes
from core.sitemaps import Entry, TranslatedSitemap, page_number, path_makers

from . import public
from .models import Article

BIGGEST_PK = 2**63 - 1  # a page past it would ask the database for a pk out of range


class ArticleSitemap(TranslatedSitemap):
    url_name = Article.url_name

    def items(self):
        # Django's own get_urls(): every public article, in a list (module docstring).
        return Article.objects.published(self.now)

    def lastmod(self, article):
        return max(article.updated_at, article.published_at)

    def index_pages(self):
        return public.sitemap_pages(self.now, size=self.limit)

    def page_entries(self, value):
        size = self.limit
        number = page_number(value, BIGGEST_PK // size)
        rows = public.sitemap_rows(self.now, (number - 1) * size, number * size)
        if not rows and number != 1:
            raise Http404("No such sitemap page")
        makers = path_makers(self.url_name)
        codes = language_codes()
        entries = []
        for slug, lastmod, *available in rows:
            paths = tuple(
                (code, makers[code](slug))
                for code, is_available in zip(codes, available, strict=True)
                if is_available
            )
            if paths:
                entries.append(Entry(paths, lastmod))
        return entries
