"""SQLite's words index: an FTS5 table of the articles' titles, summaries and bodies in every
language, as core/search.py's `index_text()` gives them (folded, stemmed, Arabic normalised),
kept by triggers whatever writes the row (the admin, update(), bulk_create(), SQL through
Django). The triggers call `cyberwatch_terms()`, a Python function that every SQLite
connection Django opens has (core/search.py): a write to these columns from outside Django (the
sqlite3 shell) fails with "no such function" rather than leave the index stale. PostgreSQL has
its own generated full-text columns instead.

SQLite rebuilds a table for most schema changes (a new column, say), and the rebuild drops the
table's triggers: after every `migrate`, `ensure()` puts back what is missing and fills the
index again if a trigger was gone (news migration 0015 made them first).
"""

# Every name in this SQL is a constant of this module or a language code of the settings.
# ruff: noqa: S608

from django.db.models.signals import post_migrate

from core.languages import language_codes
from core.search import register_terms

TABLE = "news_article"
SEARCH = f"{TABLE}_search"
FIELDS = ("title", "summary", "body")


def _columns():
    return [(f"{field}_{code}", code) for code in language_codes() for field in FIELDS]


def statements():
    """The CREATE VIRTUAL TABLE, {trigger name: CREATE TRIGGER's body}, and the statement that
    fills the index from the table."""
    columns = _columns()
    listed = ", ".join(column for column, _code in columns)
    terms = ", ".join(f"cyberwatch_terms('{code}', new.{column})" for column, code in columns)
    add = f"INSERT INTO {SEARCH} (rowid, {listed}) VALUES (new.id, {terms});"
    remove = f"DELETE FROM {SEARCH} WHERE rowid = old.id;"
    table = (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH} USING fts5({listed}, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    triggers = {
        f"{SEARCH}_insert": f"AFTER INSERT ON {TABLE} BEGIN {add} END",
        f"{SEARCH}_delete": f"AFTER DELETE ON {TABLE} BEGIN {remove} END",
        f"{SEARCH}_update": f"AFTER UPDATE OF {listed} ON {TABLE} BEGIN {remove} {add} END",
    }
    selected = ", ".join(f"cyberwatch_terms('{code}', {column})" for column, code in columns)
    fill = f"INSERT INTO {SEARCH} (rowid, {listed}) SELECT id, {selected} FROM {TABLE}"
    return table, triggers, fill


def drop(connection):
    """Remove the index and its triggers (news migration 0015 replaces 0005's this way)."""
    with connection.cursor() as cursor:
        for name in ("insert", "delete", "update"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {SEARCH}_{name}")
        cursor.execute(f"DROP TABLE IF EXISTS {SEARCH}")


def ensure(connection):
    """Make the index and its triggers where missing; fill the index again if any was."""
    if connection.vendor != "sqlite":
        return
    connection.ensure_connection()
    register_terms(connection)
    table, triggers, fill = statements()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {name for (name,) in cursor.fetchall()}
        if TABLE not in present:
            return  # before news' first migration
        missing = [name for name in [SEARCH, *triggers] if name not in present]
        if not missing:
            return
        cursor.execute(table)
        for name, body in triggers.items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        cursor.execute(f"DELETE FROM {SEARCH}")
        cursor.execute(fill)


def after_migrate(sender, using, **kwargs):
    from django.db import connections

    ensure(connections[using])


def connect(app_config):
    post_migrate.connect(after_migrate, sender=app_config, dispatch_uid="news_search_index")


# PostgreSQL: the site search's table -------------------------------------------------------
#
# Which articles the site search finds, and in what order, is read from a narrow table of its
# own, `news_articlesearch`, one row an article, kept by a trigger on `news_article` whatever
# writes the row. Why: a word found in 4,400 of 100,000 articles made the database visit 4,400
# rows of `news_article`, each in its own 8 KB block (a row holds four languages' titles,
# summaries, bodies and documents), to test their publication and shown language and to rank
# them: 25–35 ms a search, most of the search page's time. Here a row holds, for each page
# language <code>, what that page shows of the article: `shown_<code>` (its shown language),
# `match_<code>` (the document of the shown text: title, summary and body, weighted A, B, C;
# out of line, read by its GIN index only) and `rank_<code>` (the title and summary: the
# article's own `search_<x>`, what a result's rank is worked out from, kept in the row), with
# the publication fields that `published()` reads. Its rows are a sixth of `news_article`'s
# and stay in memory.

RANKED = "news_articlesearch"


def _shown_case(row, requested, expression):
    """`CASE <row>.shown_language_<requested> WHEN 'en' THEN <expression for en> … END`."""
    whens = " ".join(f"WHEN '{code}' THEN {expression(row, code)}" for code in language_codes())
    return f"CASE {row}.shown_language_{requested} {whens} END"


def _document(row, code):
    """The shown text's document: the article's own (title A, summary B: what the news
    list's words read) with its body, weighted C."""
    from core.search import configuration

    body = f"COALESCE({row}.body_{code}, '')"
    if code == "ar":
        body = f"cyberwatch_arabic({body})"
    config = f"'{configuration(code)}'::regconfig"
    return f"{row}.search_{code} || setweight(to_tsvector({config}, {body}), 'C')"


def _rank_document(row, code):
    """What a result is ranked by: its title and summary (the article's own document)."""
    return f"{row}.search_{code}"


def _ranked_columns(row):
    """(column, value from `row`: NEW, or the table) of a row of the search's table."""
    pairs = [
        ("article_id", f"{row}.id"),
        ("status", f"{row}.status"),
        ("published_at", f"{row}.published_at"),
        ("unpublish_at", f"{row}.unpublish_at"),
    ]
    for code in language_codes():
        pairs += [
            (f"shown_{code}", f"{row}.shown_language_{code}"),
            (f"match_{code}", _shown_case(row, code, _document)),
            (f"rank_{code}", _shown_case(row, code, _rank_document)),
        ]
    return pairs


def ranking_statements():
    """The table, its indexes, the triggers that keep it, and the statement that fills it:
    PostgreSQL's SQL, in order. No foreign key: Django empties `news_article` with TRUNCATE
    between some tests, which a reference would refuse; a TRUNCATE trigger empties this too."""
    codes = language_codes()
    pairs = _ranked_columns("NEW")
    columns = ", ".join(column for column, _value in pairs)
    values = ", ".join(value for _column, value in pairs)
    updated = ", ".join(f"{column} = EXCLUDED.{column}" for column, _value in pairs[1:])
    definitions = ", ".join(
        [
            "article_id integer PRIMARY KEY",
            "status varchar(10) NOT NULL",
            "published_at timestamp with time zone NOT NULL",
            "unpublish_at timestamp with time zone",
        ]
        + [
            f"shown_{code} varchar(7), match_{code} tsvector, rank_{code} tsvector"
            for code in codes
        ]
    )
    watched = ["status", "published_at", "unpublish_at", "original_language"] + [
        f"{field}_{code}" for code in codes for field in FIELDS
    ]
    selected = ", ".join(value for _column, value in _ranked_columns(TABLE))
    return [
        f"CREATE TABLE {RANKED} ({definitions}) WITH (toast_tuple_target = 128)",
        *(f"ALTER TABLE {RANKED} ALTER COLUMN match_{code} SET STORAGE EXTERNAL" for code in codes),
        *(f"ALTER TABLE {RANKED} ALTER COLUMN rank_{code} SET STORAGE MAIN" for code in codes),
        f"""CREATE FUNCTION {RANKED}_keep() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                DELETE FROM {RANKED} WHERE article_id = OLD.id;
                RETURN OLD;
            END IF;
            INSERT INTO {RANKED} ({columns}) VALUES ({values})
            ON CONFLICT (article_id) DO UPDATE SET {updated};
            RETURN NEW;
        END $$""",
        f"CREATE TRIGGER {RANKED}_keep AFTER INSERT OR DELETE OR UPDATE OF "
        f"{', '.join(watched)} ON {TABLE} FOR EACH ROW EXECUTE FUNCTION {RANKED}_keep()",
        f"""CREATE FUNCTION {RANKED}_empty() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            TRUNCATE {RANKED};
            RETURN NULL;
        END $$""",
        f"CREATE TRIGGER {RANKED}_empty AFTER TRUNCATE ON {TABLE} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {RANKED}_empty()",
        f"INSERT INTO {RANKED} ({columns}) SELECT {selected} FROM {TABLE}",
        *(
            f"CREATE INDEX {RANKED}_match_{code}_idx ON {RANKED} USING gin (match_{code})"
            for code in codes
        ),
        f"ANALYZE {RANKED}",
    ]


def drop_ranking():
    return [
        f"DROP TRIGGER IF EXISTS {RANKED}_keep ON {TABLE}",
        f"DROP TRIGGER IF EXISTS {RANKED}_empty ON {TABLE}",
        f"DROP FUNCTION IF EXISTS {RANKED}_keep()",
        f"DROP FUNCTION IF EXISTS {RANKED}_empty()",
        f"DROP TABLE IF EXISTS {RANKED}",
    ]


def page_sql(page_language):
    """SQL giving the site search's page of articles: (article_id, rank, the number of all the
    matches, snippet, snippet_source, opening), the best match first. Its parameters: the words
    as `core.search.word_texts()` gives them for PostgreSQL, in the order of
    `language_codes()`; now, twice; the page's size and its offset.

    - `queries`: each distinct query (the words as each shown language reads them, often one
      query for all four) with the languages that read it so.
    - `found`: the matches, in one pass over the search's table: one index scan for each
      query, each row kept if the query is that of the language its page shows it in, and if
      public (`published()`'s condition on the table's copy of the publication fields;
      tests/test_search.py checks that both find the same articles). Each with its rank, and
      no more: the other columns are read for the page's rows only (carrying the row's
      document and query through 4,400 matches cost as much as finding them).
    - `page`: the page's rows, best first, with the number of all the matches.
    - `texts`: the page's rows with their shown summary and body and whether those hold one
      of the words, read from the row's document (its positions of weights B and C).
    Then the snippets, cut for the page's rows only:
    - `snippet`: where the text holds one of the words, PostgreSQL's `ts_headline()` (the
      matches between core.search's marks), but for an article shown in Arabic, whose words
      it would not mark (it compares the text as written, before cyberwatch_arabic(), with
      the normalised words): that text is `snippet_source`, for core.search.python_snippet();
    - `opening`: where the text holds none (the words are in the title), its first 1,000
      characters (tags out), for its first words. ts_headline() would have read the whole
      text to find nothing: 0.3–0.5 ms an article, most of the page's database time when the
      best matches are titles'."""
    from core.search import HEADLINE_OPTIONS, configuration

    codes = language_codes()
    asked = ", ".join(
        f"('{code}', plainto_tsquery('{configuration(code)}'::regconfig, %s))" for code in codes
    )
    text = " ".join(
        f"WHEN '{code}' THEN concat_ws(' ', article.summary_{code}, article.body_{code})"
        for code in codes
    )
    headlines = " ".join(
        f"WHEN '{code}' THEN ts_headline('{configuration(code)}'::regconfig, plain, words, "
        f"'{HEADLINE_OPTIONS}')"
        for code in codes
        if code != "ar"
    )
    shown, match = f"shown_{page_language}", f"match_{page_language}"
    return f"""
        WITH asked (language, words) AS (VALUES {asked}),
        queries AS (
            SELECT words, array_agg(language) AS languages FROM asked
            WHERE numnode(words) > 0 GROUP BY words
        ),
        found AS MATERIALIZED (
            SELECT found.article_id, found.published_at,
                ts_rank(found.rank_{page_language}, queries.words) AS rank
            FROM queries JOIN {RANKED} AS found
                ON found.{match} @@ queries.words AND found.{shown} = ANY (queries.languages)
            WHERE found.status = 'published' AND found.published_at <= %s
                AND (found.unpublish_at IS NULL OR found.unpublish_at > %s)
        ),
        page AS MATERIALIZED (
            SELECT found.*, (SELECT COUNT(*) FROM found) AS total FROM found
            ORDER BY rank DESC, published_at DESC, article_id DESC
            LIMIT %s OFFSET %s
        ),
        texts AS MATERIALIZED (
            SELECT page.*, search.{shown} AS shown, queries.words,
                ts_filter(search.{match}, '{{b,c}}')
                    @@ replace(queries.words::text, ' & ', ' | ')::tsquery AS in_text,
                CASE search.{shown} {text} END AS text
            FROM page
            JOIN {RANKED} AS search ON search.article_id = page.article_id
            JOIN queries ON search.{shown} = ANY (queries.languages)
            JOIN {TABLE} AS article ON article.id = page.article_id
        )
        SELECT article_id, rank, total,
            CASE WHEN in_text THEN CASE shown {headlines} END END AS snippet,
            CASE WHEN in_text AND shown = 'ar' THEN plain END AS snippet_source,
            CASE WHEN NOT in_text THEN left(plain, 1000) END AS opening
        FROM (
            SELECT texts.*, regexp_replace(
                CASE WHEN in_text THEN text ELSE left(text, 3000) END, '<[^>]*>', ' ', 'g'
            ) AS plain FROM texts
        ) AS texts
        ORDER BY rank DESC, published_at DESC, article_id DESC"""
