"""PostgreSQL only: the site search's own narrow table of what each page language shows of
an article, kept by a trigger (news/search_index.py says why and what). Nothing on SQLite,
whose search reads its FTS5 table."""

from django.db import migrations

from news.migrations._timeouts import no_statement_timeout


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from news.search_index import ranking_statements

    no_statement_timeout(apps, schema_editor)  # filling it reads every article once
    for statement in ranking_statements():
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from news.search_index import drop_ranking

    for statement in drop_ranking():
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("news", "0017_seed_news_as_the_source_gives_it")]

    operations = [migrations.RunPython(create, drop)]
