"""Words: full-text search per language on PostgreSQL, FTS5 on SQLite.

Each searchable model keeps one search document per language (`search_en`…): a tsvector of the
title and summary in that language, made by the database itself (a generated column) with that
language's text search configuration, accents removed (`unaccent`): english, french, spanish,
and `simple` for Arabic (PostgreSQL has no Arabic stemmer). GIN indexes make a words filter an
index scan. On SQLite, the embedded default, those columns are empty: an FTS5 table
`<table>_search` indexes the same fields in every language (made and kept by triggers, see
news/migrations/0005), and each word matches the start of a word of the shown text, case and
accents folded, with no stemming (`botnet` finds "botnets", not "robotnet").

Words are capped (MAX_WORDS distinct words of MIN_WORD_LENGTH letters or more): the query's size
and cost do not grow with what is typed; the words left out are named on the page.
"""

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from modeltranslation.utils import build_localized_fieldname

MAX_WORDS = 8
MIN_WORD_LENGTH = 2

# Our configurations (made by a migration: a copy of PostgreSQL's, with unaccent first).
CONFIGURATIONS = {
    "en": ("cyberwatch_en", "english"),
    "fr": ("cyberwatch_fr", "french"),
    "es": ("cyberwatch_es", "spanish"),
    "ar": ("cyberwatch_ar", "simple"),
}


def configuration(language):
    return CONFIGURATIONS[language][0]


def search_words(text):
    """`(used, ignored)`: the words of `text` that a search uses, and those it leaves out.
    Repeats (whatever their case) count once; one-letter words and words past the first
    MAX_WORDS are left out."""
    used, ignored, seen = [], [], set()
    for word in text.split():
        if word.casefold() in seen:
            continue
        seen.add(word.casefold())
        if len(word) < MIN_WORD_LENGTH or len(used) >= MAX_WORDS:
            ignored.append(word)
        else:
            used.append(word)
    return used, ignored


class SearchDocument(models.Func):
    """`to_tsvector('<our config>', title || ' ' || summary)` on PostgreSQL; NULL elsewhere
    (SQLite has no full-text type: its words filter does not read these columns)."""

    output_field = SearchVectorField()

    def __init__(self, language, *columns):
        self.language = language
        super().__init__(*(models.F(column) for column in columns))

    def as_sql(self, compiler, connection, **extra_context):
        return "NULL", []

    def as_postgresql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.source_expressions:
            sql, expression_params = compiler.compile(expression)
            parts.append(f"COALESCE({sql}, '')")
            params.extend(expression_params)
        text = " || ' ' || ".join(parts)
        config = configuration(self.language)
        return f"to_tsvector('{config}'::regconfig, {text})", params


def search_document_field(fields, language):
    return models.GeneratedField(
        expression=SearchDocument(
            language, *(build_localized_fieldname(field, language) for field in fields)
        ),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )


def fts5_query(words, columns):
    """Every word, as the start of a word, in one of `columns`: `{title_fr summary_fr} :
    ("réseau"* AND "hameçonnage"*)`. Each word is quoted, so nothing in it is syntax."""
    terms = " AND ".join('"{}"*'.format(word.replace('"', '""')) for word in words)
    return f"{{{' '.join(columns)}}} : ({terms})"


def word_texts(words, languages, vendor, fields=()):
    """What the database is given for `words`, per language: the words for PostgreSQL's
    `plainto_tsquery()` (the same in every language), or an FTS5 query on SQLite, on the
    language's columns of `fields`."""
    if vendor == "postgresql":
        return {code: " ".join(words) for code in languages}
    return {
        code: fts5_query(words, [build_localized_fieldname(field, code) for field in fields])
        for code in languages
    }


def matching_q(texts, shown_language_column, vendor, table=None):
    """Items whose shown text (the language in `shown_language_column`) contains every word of
    `texts` ({language: text}, from `word_texts()`, which a query compiled once takes as
    values): for each language, the item is shown in it and its document in it matches. On
    SQLite, `<table>_search` is an FTS5 index of the searched fields in every language (news
    migration 0005)."""
    matches = Q()
    for code, text in texts.items():
        if vendor == "postgresql":
            query = SearchQuery(text, config=configuration(code), search_type="plain")
            matches |= Q(**{shown_language_column: code, f"search_{code}": query})
        else:
            # The table name is the model's own; the words reach SQLite as a parameter only.
            found = RawSQL(  # noqa: S611
                f"SELECT rowid FROM {table}_search WHERE {table}_search MATCH %s",  # noqa: S608
                (text,),
            )
            matches |= Q(pk__in=found, **{shown_language_column: code})
    return matches
