"""Words are folded, stemmed and normalised the same way on both sides (core/search.py): the
articles' documents weight the title A and the summary B, and Arabic is normalised.

PostgreSQL: the function cyberwatch_arabic() (the twin of core.search.normalise_arabic(); its
characters are written here as they were at this migration), and the search documents made
again with the new expression (a generated column's expression cannot be altered: it is
dropped with its GIN index and added again). SQLite: 0005's external-content FTS5 index is
replaced by one that holds the words folded, stemmed and normalised, bodies too, which the
site search reads (news/search_index.py)."""

import django.contrib.postgres.search
from django.db import migrations, models

from news.migrations._timeouts import no_statement_timeout

import core.search

LANGUAGES = ("en", "fr", "es", "ar")
# Tashkeel U+064B–U+065F, superscript alef U+0670, tatweel U+0640: removed.
REMOVED = "".join(chr(code) for code in range(0x064B, 0x0660)) + "\u0670\u0640"
ARABIC_FUNCTION = (
    "CREATE OR REPLACE FUNCTION cyberwatch_arabic(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
    f"SELECT regexp_replace(translate($1, 'أإآٱؤئىة{REMOVED}', 'ااااوييه'), "
    "'(^|[^ء-ي])([وف]?[بكل]?ال|[وف]?لل)(?=[ء-ي]{2})', '\\1', 'g') $$"
)



def create_arabic_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ARABIC_FUNCTION)


def drop_arabic_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS cyberwatch_arabic(text)")
        create_indexes(apps, schema_editor)  # of the documents 0003 made, put back


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for code in LANGUAGES:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS article_search_{code}_idx "
                f"ON news_article USING gin (search_{code})"
            )


def replace_sqlite_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        from news import search_index

        search_index.drop(schema_editor.connection)
        search_index.ensure(schema_editor.connection)


def document(code):
    return models.GeneratedField(
        db_persist=True,
        expression=core.search.SearchDocument(
            code, (f"title_{code}", "A"), (f"summary_{code}", "B")
        ),
        output_field=django.contrib.postgres.search.SearchVectorField(null=True),
    )


class Migration(migrations.Migration):
    dependencies = [("news", "0014_article_published_at_chosen")]

    operations = [
        migrations.RunPython(no_statement_timeout, migrations.RunPython.noop),
        migrations.RunPython(create_arabic_function, drop_arabic_function),
        *(migrations.RemoveField("article", f"search_{code}") for code in LANGUAGES),
        *(migrations.AddField("article", f"search_{code}", document(code)) for code in LANGUAGES),
        migrations.RunPython(create_indexes, migrations.RunPython.noop),
        migrations.RunPython(replace_sqlite_index, migrations.RunPython.noop),
        # Backwards, this runs first.
        migrations.RunPython(migrations.RunPython.noop, no_statement_timeout),
    ]
