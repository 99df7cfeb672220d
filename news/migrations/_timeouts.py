"""What several news migrations run on PostgreSQL before rewriting or reading the whole of
`news_article`."""


def no_statement_timeout(apps, schema_editor):
    """At a million articles rewriting the table (a generated column is added by rewriting it)
    or reading it all takes longer than a request may (DATABASE_STATEMENT_TIMEOUT): none for
    this migration's transaction only."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL statement_timeout = 0")
