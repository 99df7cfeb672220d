"""SQLite only: an FTS5 index of the articles' titles and summaries in every language, kept by
triggers whatever writes the row (the admin, update(), bulk_create(), SQL). The words filter
reads it (core/search.py); PostgreSQL has its own full-text columns (0003)."""

from django.db import migrations

COLUMNS = [f"{field}_{code}" for code in ("en", "fr", "es", "ar") for field in ("title", "summary")]
LISTED = ", ".join(COLUMNS)
NEW = ", ".join(f"new.{column}" for column in COLUMNS)
OLD = ", ".join(f"old.{column}" for column in COLUMNS)
REMOVE = (
    f"INSERT INTO news_article_search (news_article_search, rowid, {LISTED}) "
    f"VALUES ('delete', old.id, {OLD});"
)
ADD = f"INSERT INTO news_article_search (rowid, {LISTED}) VALUES (new.id, {NEW});"
# External content: the index only, the text stays in news_article. Case and accents folded.
CREATE = [
    f"CREATE VIRTUAL TABLE news_article_search USING fts5({LISTED}, content='news_article', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER news_article_search_insert AFTER INSERT ON news_article BEGIN {ADD} END",
    f"CREATE TRIGGER news_article_search_delete AFTER DELETE ON news_article BEGIN {REMOVE} END",
    "CREATE TRIGGER news_article_search_update AFTER UPDATE ON news_article "
    f"BEGIN {REMOVE} {ADD} END",
    "INSERT INTO news_article_search (news_article_search) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS news_article_search_insert",
    "DROP TRIGGER IF EXISTS news_article_search_delete",
    "DROP TRIGGER IF EXISTS news_article_search_update",
    "DROP TABLE IF EXISTS news_article_search",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in CREATE:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("news", "0004_article_public_order_index")]

    operations = [migrations.RunPython(create, drop)]
