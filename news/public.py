"""The queries of the public news pages, compiled once (core/prepared.py): what the
public sees is always `published(now)`, and these run it without building the ORM query again
on every request."""

from django.db import connection

from core.languages import language_codes
from core.prepared import Prepared
from core.search import matching_q

from .counts import tag_pks, with_any_crime_area
from .facets import counted_rows
from .models import Article

# Columns a public page never shows: the search documents (read by the words filter in SQL
# only) and the fallback language per page language (read in SQL by the list's filters).
NOT_SHOWN = [
    *(f"search_{code}" for code in language_codes()),
    *(f"shown_language_{code}" for code in language_codes()),
]


@Prepared
def article(now, slug):
    """The public article at `slug` (a list of at most one), with its crime areas' and
    initiatives' pks as `crime_area_pks` and `initiative_pks` (text, `3,1`)."""
    return (
        Article.objects.published(now)
        .filter(slug=slug)
        .defer(*NOT_SHOWN)
        .annotate(
            crime_area_pks=tag_pks(Article.crime_areas.through, "crimearea_id"),
            initiative_pks=tag_pks(Article.initiatives.through, "initiative_id"),
        )[:1]
    )


@Prepared
def related_cards(now, pk, crime_area_pks, *, number):
    """Cards of other public articles sharing one of `crime_area_pks`, newest first."""
    return with_any_crime_area(
        Article.objects.published(now).exclude(pk=pk), crime_area_pks
    ).cards()[:number]


@Prepared
def tagged_cards(now, pk, *, tag, number):
    """Cards of the newest public articles with the crime area or initiative `pk` (`tag`:
    "crime_areas" or "initiatives"): the crime area and initiative pages' related news
    (core/seams.py)."""
    return Article.objects.published(now).filter(**{tag: pk}).cards()[:number]


@Prepared
def latest_cards(now, *, number):
    return Article.objects.published(now).cards()[:number]


@Prepared
def list_cards(now, query, before, *, offset, stop):
    """A page of the news list without words: the cards `[offset:stop]` of the public articles
    matching `query` (a NewsQuery), published before `before` when it is given (a deep page's
    seek)."""
    articles = query.articles(Article.objects.published(now))
    if before is not None:
        articles = articles.filter(published_at__lt=before)
    return articles.cards()[offset:stop]


def _matching(now, texts, query, page_language):
    """The public articles matching the words (`texts`: core.search.word_texts() in the
    order of language_codes()) as a page in `page_language` shows them, and `query`."""
    return query.articles(Article.objects.published(now)).filter(
        matching_q(
            dict(zip(language_codes(), texts, strict=True)),
            f"shown_language_{page_language}",
            connection.vendor,
            table=Article._meta.db_table,
        )
    )


@Prepared.replanned
def word_counts(now, texts, query, month_bounds=None, *, page_language):
    """news.facets.counted_rows() of the articles matching words and `query`, by month in the
    year of `month_bounds` (its months' first moments and the next year's) when given."""
    return counted_rows(
        _matching(now, texts, query, page_language), Article.crime_areas.through, month_bounds
    )


@Prepared.replanned
def word_cards(now, texts, query, *, page_language, offset, stop):
    """A page of the news list with words: the cards `[offset:stop]`, newest first."""
    return _matching(now, texts, query, page_language).cards()[offset:stop]
