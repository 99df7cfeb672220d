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
