"""The queries of the public news pages, compiled once (core/prepared.py): what the
public sees is always `published(now)`, and these run it without building the ORM query again
on every request."""

from django.db import connection
from django.db.models import Case, Count, F, TextField, Value, When, Window
from django.db.models.functions import Coalesce, Concat, Greatest

from core.languages import language_codes
from core.prepared import Prepared
from core.search import matching_q, relevance

from .counts import tag_pks, with_any_crime_area
from .facets import counted_rows
from .models import SITE_SEARCHED_FIELDS, Article
from .search_index import page_sql

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


def last_change():
    """When an article last changed for the public: its last save, or its publication when that
    came later (a scheduled article appears without a save)."""
    return Greatest("updated_at", "published_at")


@Prepared
def first_public_pk(now, *, descending):
    """The smallest (`descending`: the largest) pk of a public article, in a list of at most
    one: where the news sitemap's pages start and end (news/sitemaps.py). A walk of the
    primary key's index from one end to the first public row."""
    order = "-pk" if descending else "pk"
    return (
        Article.objects.published(now)
        .rewrite(False)
        .order_by(order)
        .values_list("pk", flat=True)[:1]
    )


@Prepared
def sitemap_rows(now, first, last):
    """(slug, lastmod, available in each of language_codes()…) of the public articles with
    `first` < pk <= `last`: a range of the primary key's index, whatever the archive's size.
    No translated field is read: modeltranslation's rewriting is off, whose `values_list()`
    turns each row into a dict and back (a third of the query's time)."""
    return (
        Article.objects.published(now)
        .rewrite(False)
        .filter(pk__gt=first, pk__lte=last)
        .annotate(lastmod=last_change())
        .order_by("pk")
        .values_list("slug", "lastmod", *(f"available_{code}" for code in language_codes()))
    )


@Prepared
def list_entries(now, query, *, language, number):
    """The feed's entries (ArticleQuerySet.entries()) of the `number` newest public articles
    matching `query` (a NewsQuery)."""
    return query.articles(Article.objects.published(now)).entries(language)[:number]


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


def _texts_by_language(texts):
    return dict(zip(language_codes(), texts, strict=True))


def _shown_text(page_language, languages):
    """The shown language's summary and body, as one text (what a snippet is cut from), for
    the articles shown in one of `languages`."""
    return Case(
        *(
            When(
                **{f"shown_language_{page_language}": code},
                then=Concat(
                    Coalesce(F(f"summary_{code}"), Value(""), output_field=TextField()),
                    Value(" "),
                    Coalesce(F(f"body_{code}"), Value(""), output_field=TextField()),
                    output_field=TextField(),
                ),
            )
            for code in languages
        ),
        default=Value(""),
        output_field=TextField(),
    )


@Prepared.replanned
def ranked_cards(now, texts, query, *, page_language, offset, stop):
    """A page of the site search's articles: the cards `[offset:stop]` of the public articles
    matching the words, the best match first (then the newest), each with its `relevance`, the
    number of all the matches (`match_total`: counted in the same pass over them, where a
    count of its own read them all again) and the text of its snippet, the shown summary and
    body, as `snippet_source` (core.search.python_snippet() cuts it). The site search's page
    on SQLite; on PostgreSQL `ranked_page()` reads the search's own table, and the tests
    check that both find the same articles in the same order."""
    shown = f"shown_language_{page_language}"
    by_language = _texts_by_language(texts)
    table = Article._meta.db_table
    found = _matching(now, texts, query, page_language).annotate(
        relevance=relevance(by_language, shown, connection.vendor, table, SITE_SEARCHED_FIELDS),
        match_total=Window(Count("pk")),
        snippet_source=_shown_text(page_language, language_codes()),
    )
    return found.cards().order_by("-relevance", "-published_at", "-pk")[offset:stop]


@Prepared.replanned
def word_entries(now, texts, query, *, page_language, number):
    """The feed's entries of the `number` newest articles matching words and `query`."""
    return _matching(now, texts, query, page_language).entries(page_language)[:number]


def ranked_page(now, texts, query, *, page_language, offset, stop):
    """The site search's page of articles (`ranked_cards()`'s rows, best match first, each
    with its `relevance`, `match_total` and snippet: `snippet`, `snippet_source` or
    `snippet_opening`, see news.search_index.page_sql()). On PostgreSQL in two queries:
    which articles, from the search's own narrow table (news/search_index.py), with their
    snippets, then their cards.

    Which: the ids, ranks and number of the matches, in one pass over that table's rows, one
    index scan for each distinct query (the words as each shown language reads them: the
    four are often one), each row kept if the query is that of the language its page shows
    it in. 51 → 3 ms for a word found in 4,400 of 100,000 articles (`news_article`'s rows,
    a block each, were the cost). Then the page's cards, by id.
    `query`: only an empty NewsQuery (the site search has no filters)."""
    if connection.vendor != "postgresql":
        return ranked_cards(
            now, texts, query, page_language=page_language, offset=offset, stop=stop
        )
    if query != type(query)():
        raise ValueError("the search's table has no filters: pass an empty NewsQuery")
    params = [*texts, now, now, stop - offset, offset]
    # Prepared by psycopg from its second run on a connection (settings.py), as the ORM's
    # queries are: its plan (the words' index, whatever the words) suits any values, and
    # planning it again cost 0.7–1 ms a search.
    with connection.cursor() as cursor:
        cursor.execute(page_sql(page_language), params)
        found = cursor.fetchall()
    if not found:
        return []
    cards = {card.pk: card for card in found_cards(now, tuple(row[0] for row in found))}
    page = []
    for pk, rank, total, snippet, source, opening in found:
        card = cards.get(pk)
        if card is None:  # unpublished since the first query
            continue
        card.relevance, card.match_total = rank, total
        card.snippet, card.snippet_source, card.snippet_opening = snippet, source, opening
        page.append(card)
    return page


@Prepared
def found_cards(now, pks):
    """The cards of the public articles `pks` (the site search's page, in any order)."""
    return Article.objects.published(now).filter(pk__in=pks).cards()
