"""SQLite's words index: an FTS5 table of the articles' titles and summaries in every language
(external content: the index only), kept by triggers whatever writes the row (the admin,
update(), bulk_create(), SQL). core/search.py reads it; PostgreSQL has its own generated
full-text columns instead.

SQLite rebuilds a table for most schema changes (a new column, say), and the rebuild drops the
table's triggers: after every `migrate`, `ensure()` puts back what is missing and rebuilds the
index if a trigger was gone (news migration 0005 made them first).
"""

# Every name in this SQL is a constant of this module or a language code of the settings.
# ruff: noqa: S608

from django.db.models.signals import post_migrate

from core.languages import language_codes

TABLE = "news_article"
SEARCH = f"{TABLE}_search"
FIELDS = ("title", "summary")


def statements():
    """{trigger name: CREATE TRIGGER}, and the CREATE VIRTUAL TABLE."""
    columns = [f"{field}_{code}" for code in language_codes() for field in FIELDS]
    listed = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    remove = f"INSERT INTO {SEARCH} ({SEARCH}, rowid, {listed}) VALUES ('delete', old.id, {old});"
    add = f"INSERT INTO {SEARCH} (rowid, {listed}) VALUES (new.id, {new});"
    table = (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH} USING fts5({listed}, content='{TABLE}', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    triggers = {
        f"{SEARCH}_insert": f"AFTER INSERT ON {TABLE} BEGIN {add} END",
        f"{SEARCH}_delete": f"AFTER DELETE ON {TABLE} BEGIN {remove} END",
        f"{SEARCH}_update": f"AFTER UPDATE ON {TABLE} BEGIN {remove} {add} END",
    }
    return table, triggers


def ensure(connection):
    """Make the index and its triggers where missing; rebuild the index if any was."""
    if connection.vendor != "sqlite":
        return
    table, triggers = statements()
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
        cursor.execute(f"INSERT INTO {SEARCH} ({SEARCH}) VALUES ('rebuild')")


def after_migrate(sender, using, **kwargs):
    from django.db import connections

    ensure(connections[using])


def connect(app_config):
    post_migrate.connect(after_migrate, sender=app_config, dispatch_uid="news_search_index")
