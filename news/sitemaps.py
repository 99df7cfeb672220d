"""The news section of the sitemap: every public article in each language it is available in.

Django's i18n `Sitemap` paginates a list of every item in every language, built on each
request: at 100,000 articles that is some 200,000 pairs for one page. Here page n holds the
public articles whose pks are in the n-th block of `page_size()` (core/sitemaps.py): one range
of the primary key's index a page, the same cost at any size of the archive. The index lists
the blocks from the first public article's to the last one's, found by walking the primary
key's index from each end: no query of the index reads the archive. So a block of drafts or
deleted articles is an empty page (a valid `<urlset>`), and a news page has no lastmod in the
index (that would read every article); its URLs have theirs."""

from django.http import Http404

from core.languages import language_codes
from core.prepared import together
from core.sitemaps import Entry, SlugPaths, TranslatedSitemap, page_number

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

    def block(self, pk):
        return (pk - 1) // self.limit + 1

    def page_range(self):
        """The pages from the first public article's to the last one's (page 1 when there is
        none: a section always has its first page)."""
        first, last = together(
            public.first_public_pk.later(self.now, descending=False),
            public.first_public_pk.later(self.now, descending=True),
        )
        if not first:
            return range(1, 2)
        return range(self.block(first[0]), self.block(last[0]) + 1)

    def index_pages(self):
        return [(number, None) for number in self.page_range()]

    def page_entries(self, value):
        size = self.limit
        number = page_number(value, BIGGEST_PK // size)
        rows = public.sitemap_rows(self.now, (number - 1) * size, number * size)
        if not rows and number != 1 and number not in self.page_range():
            raise Http404("No such sitemap page")
        paths = SlugPaths(self.url_name)
        codes = language_codes()
        entries = []
        for slug, lastmod, *available in rows:
            languages = [code for code, is_in in zip(codes, available, strict=True) if is_in]
            if languages:
                entries.append(Entry(paths(slug, languages), lastmod))
        return entries
