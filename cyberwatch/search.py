"""Site search (`/<lang>/search/?q=`): articles, advice pages, crime areas (with their
examples) and initiatives, each shown in its fallback language, the best match first.

The words go through core/search.py, as the news list's do: one search module, two backends.
- Articles, of which there may be a million, are matched, ranked and cut into snippets by the
  database: PostgreSQL's full text (`ts_rank`, `ts_headline`) or SQLite's FTS5 (`bm25`), a
  page of 20 at a time (news/public.py).
- Advice pages, crime areas and initiatives are a handful of rows (seven in the seed, tens
  at most in the product). The page reads them whole, as the home page does, and matches
  them in Python with the same folding, stemming and Arabic normalisation
  (`core.search.python_score()`): no index to keep for rows a page reads anyway, and their
  text is matched in the language each is shown in, fallback included.
They are shown in two groups: the pages (labelled by kind) first, then the news, paginated.
"""

import dataclasses

from django.core.paginator import InvalidPage, Paginator
from django.db import connection
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from core.languages import language_codes
from core.prepared import together
from core.search import (
    marked_html,
    python_score,
    python_snippet,
    query_terms,
    word_texts,
)
from crimes import public as crime_area_public
from initiatives import public as initiative_public
from news import public as news_public
from news.counts import CountedArticles
from news.models import SITE_SEARCHED_FIELDS
from news.query import NewsQuery

KINDS = {
    "crime_area": _("Crime area"),
    "advice": _("Advice"),
    "initiative": _("Initiative"),
}


@dataclasses.dataclass(frozen=True)
class Found:
    """A page the words found: its kind's label, the item as the page shows it, its snippet
    (HTML, the matched words in <mark>) and how well it matched."""

    kind: str
    shown: object
    snippet: str
    score: float

    @property
    def label(self):
        return KINDS[self.kind]

    @property
    def item(self):
        return self.shown.item


def _fields(kind, item, shown):
    """(text, weight) of what a search reads of `item` in its shown language."""
    fields = [(shown.label, "A"), (shown.summary, "B"), (shown.body, "C")]
    if kind == "initiative":
        fields += [(item.acronym, "A"), (shown.location, "C")]
    if kind == "crime_area":
        fields += [(example.shown_in(shown.language).label, "B") for example in item.card_examples]
    return fields


def found_pages(words, language, now):
    """The advice pages, crime areas and initiatives that every word finds, best first: the
    four queries the home page also sends, at once."""
    areas, examples, initiatives, advice = together(
        crime_area_public.crime_areas.later(),
        crime_area_public.examples.later(),
        initiative_public.initiatives.later(),
        crime_area_public.advice.later(now),
    )
    areas = crime_area_public.with_examples(areas, examples)
    found = []
    for kind, items in (("crime_area", areas), ("advice", advice), ("initiative", initiatives)):
        for item in items:
            shown = item.shown_in(language)
            terms = query_terms(words, shown.language)
            fields = _fields(kind, item, shown)
            score = python_score(fields, terms, shown.language)
            if score:
                text = " ".join(text for text, weight in fields[1:3] if text)
                snippet = marked_html(python_snippet(text, terms, shown.language))
                found.append(Found(kind, shown, snippet, score))
    found.sort(key=lambda result: -result.score)
    return found, areas


def found_articles(words, language, now, crime_areas, page_number, per_page):
    """Page `page_number` of the articles that every word finds, `per_page` a page, the best
    match first, each with its `search_snippet`: Django's Paginator and Page, or Http404 for a
    page number that is not one. The page's query counts all the matches too, so that no
    query of its own counts them: no rows on a page past the first means a page past the end."""
    try:
        number = int(page_number)
    except (TypeError, ValueError):
        raise Http404("not a page number") from None
    if number < 1:
        raise Http404("not a page number")
    texts = tuple(
        word_texts(words, language_codes(), connection.vendor, SITE_SEARCHED_FIELDS).values()
    )
    start = (number - 1) * per_page
    rows = news_public.ranked_page(
        now, texts, NewsQuery(), page_language=language, offset=start, stop=start + per_page
    )
    if not rows and number > 1:
        raise Http404("past the last page")
    for article in rows:
        article.search_snippet = _snippet(article, words, language)
    crime_area_public.with_crime_areas(rows, crime_areas)
    total = rows[0].match_total if rows else 0
    paginator = Paginator(CountedArticles(total, lambda _start, _stop: rows), per_page)
    try:
        return paginator, paginator.page(number)
    except InvalidPage as error:
        raise Http404(str(error)) from error


def _snippet(article, words, language):
    if getattr(article, "snippet", None):
        return marked_html(article.snippet)  # PostgreSQL's ts_headline()
    shown_language = article.shown_in(language).language
    if (opening := getattr(article, "snippet_opening", None)) is not None:
        # A text without the words (they are in the title): its first words, nothing marked.
        return marked_html(python_snippet(opening, (), shown_language))
    terms = query_terms(words, shown_language)
    return marked_html(python_snippet(article.snippet_source, terms, shown_language))
