"""Words: full-text search per language, one module, two backends.

What is searched. Each searchable model gives its fields with a weight: the title counts more
than the summary, and the summary more than the body ("A", "B", "C"). The words a visitor
types and the texts searched go through the same steps, so that the two always agree:
- ligatures spelt out ("cœur" → "coeur", "æ" → "ae"), accents and case folded;
- English, French and Spanish words reduced to their stem ("botnets", "botnet" → "botnet";
  "arrests" → "arrest"; "opérations" → "oper");
- Arabic normalised (`normalise_arabic()`): tashkeel and tatweel removed, أ/إ/آ/ٱ to ا, ؤ to
  و, ئ and ى to ي, ة to ه, and a leading article "ال" taken off, also after و/ف and ب/ك/ل
  ("والإنتربول", "الإنتربول" and "إنتربول" are one word, "انتربول").

PostgreSQL. Each model keeps one search document per language (`search_en`…): a tsvector
made by the database itself (a generated column) with that language's text search
configuration (`cyberwatch_<code>`, news migration 0003: a copy of PostgreSQL's english,
french and spanish, with unaccent, whose rules spell out œ and æ, before the Snowball
stemmer; `simple` with unaccent for Arabic, whose text first goes through the SQL function
`cyberwatch_arabic()`, news migration 0015, the twin of `normalise_arabic()`). Titles,
summaries and bodies are weighted A, B and C (`setweight`); HTML tags in bodies are not words
to PostgreSQL's parser. GIN indexes make a words filter an index scan; results are ranked with
`ts_rank` and shown with `ts_headline` snippets.

SQLite, the embedded default. An FTS5 table `<table>_search` per searchable table holds, per
language and field, the text as `index_text()` gives it (words folded, stemmed and normalised,
by the Python function `cyberwatch_terms()` that every SQLite connection has), kept by
triggers whatever writes the row (news/search_index.py). A searched word matches the start of
a word (`"botnet"*`): case-, accent- and ligature-insensitive, stemmed as on PostgreSQL, and
ranked with FTS5's `bm25()` with the same weights' order.

Words are capped (MAX_WORDS distinct words of MIN_WORD_LENGTH letters or more): the query's size
and cost do not grow with what is typed; the words left out are named on the page.
"""

import functools
import html
import re

import snowballstemmer
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import models
from django.db.backends.signals import connection_created
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.dispatch import receiver
from modeltranslation.utils import build_localized_fieldname

from .folding import LIGATURES, fold

MAX_WORDS = 8
MIN_WORD_LENGTH = 2

# Our configurations (made by a migration: a copy of PostgreSQL's, with unaccent first).
CONFIGURATIONS = {
    "en": ("cyberwatch_en", "english"),
    "fr": ("cyberwatch_fr", "french"),
    "es": ("cyberwatch_es", "spanish"),
    "ar": ("cyberwatch_ar", "simple"),
}
# The Snowball stemmer of each language that has one (the same algorithms as PostgreSQL's).
STEMMERS = {"en": "english", "fr": "french", "es": "spanish"}
WEIGHTS = ("A", "B", "C")  # title, summary, body
# FTS5's bm25() weight of a column of each weight (only their order matters to the ranking).
BM25_WEIGHTS = {"A": 10.0, "B": 4.0, "C": 1.0}

# Arabic. The same characters and pattern are written into the SQL function
# cyberwatch_arabic() (news migration 0015); tests/test_search.py checks that both agree.
ARABIC_LETTERS = "ء-ي"  # U+0621–U+064A
ARABIC_FROM = "أإآٱؤئىة"
ARABIC_TO = "ااااوييه"
# Tashkeel (U+064B–U+065F), the superscript alef (U+0670) and tatweel (U+0640): removed.
ARABIC_REMOVED = "".join(chr(code) for code in range(0x064B, 0x0660)) + "\u0670\u0640"
# A leading article, alone or after و/ف (and) and ب/ك/ل (in, like, to), and the contracted
# "لل" (to the): taken off a word of at least two more letters.
ARABIC_ARTICLE = f"(^|[^{ARABIC_LETTERS}])([وف]?[بكل]?ال|[وف]?لل)(?=[{ARABIC_LETTERS}]{{2}})"
_ARABIC_TABLE = str.maketrans(ARABIC_FROM, ARABIC_TO, ARABIC_REMOVED)
_ARABIC_ARTICLE = re.compile(ARABIC_ARTICLE)
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")


def normalise_arabic(text):
    """`text` with its Arabic spelt one way (see the module's docstring)."""
    return _ARABIC_ARTICLE.sub(r"\1", text.translate(_ARABIC_TABLE))


def normalise(text, language):
    """What both backends search, before their own folding and stemming: ligatures spelt out,
    and Arabic normalised in an Arabic text."""
    text = text.translate(LIGATURES)
    if language == "ar":
        text = normalise_arabic(text)
    return text


@functools.cache
def _stemmer(language):
    return snowballstemmer.stemmer(STEMMERS[language]) if language in STEMMERS else None


def index_words(text, language):
    """The words of `text` as SQLite's FTS5 table holds them: HTML tags and entities out,
    normalised, accents and case folded, stemmed."""
    return list(_index_words(text or "", language))


# The same few texts are matched on every search (the advice pages', crime areas' and
# initiatives' own, and each word of a snippet): stemming them again cost 25 ms a search.
@functools.lru_cache(maxsize=8192)
def _index_words(text, language):
    text = normalise(html.unescape(_TAG.sub(" ", text)), language)
    words = [fold(word) for word in _WORD.findall(text)]
    if stemmer := _stemmer(language):
        words = stemmer.stemWords(words)
    return tuple(words)


@functools.lru_cache(maxsize=1024)
def _word_set(text, language):
    return frozenset(_index_words(text, language))


def index_text(language, text):
    """`index_words()` as one text: the value of the SQL function `cyberwatch_terms()`."""
    return " ".join(index_words(text, language)) if text else ""


@receiver(connection_created)
def _register_terms(sender, connection, **kwargs):
    register_terms(connection)


def register_terms(connection):
    """Give an SQLite connection `cyberwatch_terms(language, text)`, which the FTS5 tables'
    triggers call."""
    if connection.vendor == "sqlite" and connection.connection is not None:
        connection.connection.create_function("cyberwatch_terms", 2, index_text, deterministic=True)


def words_field(label):
    """The form field of words typed to search (`q`): the news list's and the site search's."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=200,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


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
    """The search document of a row in one language, on PostgreSQL: `setweight(to_tsvector(
    '<our config>', <the field>), '<weight>') || …` over `fields` ((column, weight) pairs), an
    Arabic text through `cyberwatch_arabic()` first. NULL elsewhere (SQLite has no full-text
    type: its words filter reads its FTS5 table)."""

    output_field = SearchVectorField()

    def __init__(self, language, *fields):
        # A field is a (column, weight) pair; a bare column (the migrations before news 0015)
        # is not weighted.
        pairs = [field if isinstance(field, tuple | list) else (field, None) for field in fields]
        self.language = language
        self.weights = [weight for _column, weight in pairs]
        super().__init__(*(models.F(column) for column, _weight in pairs))

    def as_sql(self, compiler, connection, **extra_context):
        return "NULL", []

    def as_postgresql(self, compiler, connection, **extra_context):
        parts, params = [], []
        config = configuration(self.language)
        for expression, weight in zip(self.source_expressions, self.weights, strict=True):
            sql, expression_params = compiler.compile(expression)
            text = f"COALESCE({sql}, '')"
            if self.language == "ar" and weight:
                # (news 0003's unweighted documents came before cyberwatch_arabic())
                text = f"cyberwatch_arabic({text})"
            document = f"to_tsvector('{config}'::regconfig, {text})"
            parts.append(f"setweight({document}, '{weight}')" if weight else document)
            params.extend(expression_params)
        return " || ".join(parts), params


def configuration(language):
    return CONFIGURATIONS[language][0]


def search_document_field(fields, language):
    """The generated column of the search document in `language` of `fields` (title, summary,
    body: weighted A, B, C in that order)."""
    return models.GeneratedField(
        expression=SearchDocument(
            language,
            *(
                (build_localized_fieldname(field, language), weight)
                for field, weight in zip(fields, WEIGHTS, strict=False)
            ),
        ),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )


NOTHING = '""'  # an FTS5 query that matches no row: what words without letters find


def query_terms(words, language):
    """The words as SQLite's FTS5 table holds them (`index_words()`), in order, once each."""
    terms = []
    for word in words:
        terms.extend(term for term in index_words(word, language) if term not in terms)
    return terms


def fts5_query(words, columns, language):
    """Every word, as the start of a word, in one of `columns`: `{title_fr summary_fr body_fr}
    : ("reseau"* AND "hamecon"*)`. A word that is several words to the index ("e-mail",
    "a'b") is a phrase of them. Each is quoted, so nothing in it is syntax."""
    phrases = []
    for word in words:
        phrase = " ".join(index_words(word, language))
        if phrase and phrase not in phrases:
            phrases.append(phrase)
    if not phrases:
        return NOTHING
    quoted = " AND ".join('"{}"*'.format(phrase.replace('"', '""')) for phrase in phrases)
    return f"{{{' '.join(columns)}}} : ({quoted})"


def word_texts(words, languages, vendor, fields=()):
    """What the database is given for `words`, per language: the normalised words for
    PostgreSQL's `plainto_tsquery()` in the language's configuration, or an FTS5 query on
    SQLite, on the language's columns of `fields`."""
    if vendor == "postgresql":
        return {code: normalise(" ".join(words), code) for code in languages}
    return {
        code: fts5_query(words, [build_localized_fieldname(field, code) for field in fields], code)
        for code in languages
    }


def _fts5_rows(table, text):
    # The table name is the model's own; the words reach SQLite as a parameter only.
    return RawSQL(  # noqa: S611
        f"SELECT rowid FROM {table}_search WHERE {table}_search MATCH %s",  # noqa: S608
        (text,),
    )


def matching_q(texts, shown_language_column, vendor, table=None):
    """Items whose shown text (the language in `shown_language_column`) contains every word of
    `texts` ({language: text}, from `word_texts()`, which a query compiled once takes as
    values): for each language, the item is shown in it and its document in it matches. On
    SQLite, `<table>_search` is the FTS5 index of the searched fields in every language
    (news/search_index.py)."""
    matches = Q()
    for code, text in texts.items():
        if vendor == "postgresql":
            query = SearchQuery(text, config=configuration(code), search_type="plain")
            matches |= Q(**{shown_language_column: code, f"search_{code}": query})
        else:
            matches |= Q(pk__in=_fts5_rows(table, text), **{shown_language_column: code})
    return matches


def relevance(texts, shown_language_column, vendor, table, fields):
    """How well each matching row matches `texts` (as `matching_q()` takes them), higher
    first: `ts_rank()` of the shown language's document on PostgreSQL, and on SQLite FTS5's
    `bm25()` with the fields' weights (negated: bm25 is lower for a better match)."""
    whens = []
    for code, text in texts.items():
        if vendor == "postgresql":
            query = SearchQuery(text, config=configuration(code), search_type="plain")
            rank = models.Func(
                models.F(f"search_{code}"),
                query,
                function="ts_rank",
                output_field=models.FloatField(),
            )
        else:
            weights = ", ".join(
                str(BM25_WEIGHTS[weight])
                for _language in texts
                for _field, weight in zip(fields, WEIGHTS, strict=False)
            )
            search = f"{table}_search"
            rank = RawSQL(  # noqa: S611 — names are the model's own, the words a parameter
                f"SELECT -bm25({search}, {weights}) FROM {search} "  # noqa: S608
                f"WHERE {search} MATCH %s AND {search}.rowid = {table}.id",
                (text,),
                output_field=models.FloatField(),
            )
        whens.append(models.When(**{shown_language_column: code}, then=rank))
    return models.Case(*whens, default=models.Value(0.0), output_field=models.FloatField())


MARK_START, MARK_STOP = "\ue000", "\ue001"  # private-use characters: never in a text
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_STOP}, MaxWords=30, MinWords=15, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)


# Matching and snippets in Python: for the few rows of the small kinds (crime areas, advice,
# initiatives), read whole in their shown language, and for SQLite's snippets.


def _word_forms(word, language):
    return index_words(word, language) or [""]


def python_score(fields, terms, language):
    """How well `fields` ((text, weight) pairs, in the shown language) match `terms`
    (`query_terms()`): 0 when a term is missing, else the sum over the terms of the best
    weight (A 10, B 4, C 1) of a field with a word starting with it."""
    if not terms:
        return 0
    best = dict.fromkeys(terms, 0.0)
    for text, weight in fields:
        words = _word_set(text or "", language)
        for term in terms:
            if any(word.startswith(term) for word in words):
                best[term] = max(best[term], BM25_WEIGHTS[weight])
    return 0 if not all(best.values()) else sum(best.values())


def marked_html(text):
    """A snippet (PostgreSQL's `ts_headline()` with HEADLINE_OPTIONS, or `python_snippet()`)
    as HTML: escaped, the marks as <mark>."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    text = escape(html.unescape(text or ""))
    # Safe: every character of the text was escaped on the line above; only the two
    # private-use marks, which escape() leaves as they are, become tags.
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))  # noqa: S308


def python_snippet(text, terms, language, length=30):
    """About `length` words of `text` (tags out) around its first word that starts with one
    of `terms`, the matching words between MARK_START and MARK_STOP (as `ts_headline()` gives them);
    its first `length` words when none does. Words are read, and stemmed, only as far as the
    snippet needs: up to the first match and the words after it."""
    plain = html.unescape(_TAG.sub(" ", text or ""))
    tokens, matched, first = [], [], None
    for token in _WORD.finditer(plain):
        is_match = bool(terms) and any(
            form.startswith(term) for form in _word_forms(token.group(), language) for term in terms
        )
        if first is None and is_match:
            first = len(tokens)
        tokens.append(token)
        matched.append(is_match)
        # Read far enough: the window, and a word past it (to know that the text goes on).
        found = first is not None or not terms
        if found and len(tokens) > (first or 0) + length:
            break
    if not tokens:
        return ""
    start = max(0, (first or 0) - length // 3)
    stop = min(len(tokens), start + length)
    pieces = []
    position = tokens[start].start()
    for token, is_match in zip(tokens[start:stop], matched[start:stop], strict=True):
        pieces.append(_SPACES.sub(" ", plain[position : token.start()]))
        pieces.append(f"{MARK_START}{token.group()}{MARK_STOP}" if is_match else token.group())
        position = token.end()
    snippet = "".join(pieces).strip()
    return f"{'… ' if start else ''}{snippet}{' …' if stop < len(tokens) else ''}"
