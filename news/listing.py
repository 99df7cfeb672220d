"""The news list's two ways of finding its articles, next to the counts:

- without words, the stored counts (news/counts/) give the total, the facets and the seek to a
  deep page, and the cards are read a page at a time;
- with words, the database counts the matches in one aggregate (news/facets.py) and the cards
  are read a page at a time.

Either way: (the counts, the articles as Django's Paginator reads them)."""

from django.db import connection

from core.languages import language_codes
from core.search import word_texts
from crimes import public as crime_area_public

from . import public
from .counts import CountedArticles, SeekableArticles, archive_counts
from .facets import fold_counted
from .models import SEARCHED_FIELDS


def stored(query, now, crime_areas, wide=None, focus=None):
    """The articles matching `query` (a NewsQuery) at `now`, counted from the stored rows.
    With a year chosen, `wide` is the query without it and `focus` the year (and month): the
    counts are read for `wide`, so that the archive lists the other years and the months."""
    counts = archive_counts(wide, now, focus) if focus else archive_counts(query, now)

    def cards(start, stop, before):
        found = public.list_cards(now, query, before, offset=start, stop=stop)
        return crime_area_public.with_crime_areas(found, crime_areas)

    return counts, SeekableArticles(counts, query, cards)


def _texts(words):
    return tuple(word_texts(words, language_codes(), connection.vendor, SEARCHED_FIELDS).values())


def latest(words, query, now, page_language, number):
    """The `number` newest articles matching `words` (none: any) and `query`, as a feed's
    entries (ArticleQuerySet.entries()), with nothing counted."""
    if words:
        return public.word_entries(
            now, _texts(words), query, page_language=page_language, number=number
        )
    return public.list_entries(now, query, language=page_language, number=number)


def searched(words, query, now, page_language, crime_areas, wide=None, focus=None):
    """The articles matching `words` (as a page in `page_language` shows them) and `query`.
    With a year chosen, `wide` is the query without it and `focus` the year (and month): the
    matches are counted for `wide`, by month in that year, so that the archive lists the
    other years and the months."""
    texts = _texts(words)
    bounds = focus.month_bounds() if focus else None
    if bounds:
        rows = public.word_counts(now, texts, wide, bounds, page_language=page_language)
        counts = fold_counted(rows, focus)
    else:
        counts = fold_counted(public.word_counts(now, texts, query, page_language=page_language))

    def cards(start, stop):
        found = public.word_cards(
            now, texts, query, page_language=page_language, offset=start, stop=stop
        )
        return crime_area_public.with_crime_areas(found, crime_areas)

    return counts, CountedArticles(counts.total, cards)
