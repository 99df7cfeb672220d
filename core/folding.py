"""Accent- and case-insensitive matching for the admin's search: "securite" finds "Sécurité",
"coeur" finds "cœur", on both databases.

`text__folded_contains=term` compares the column and the term through the same function on
each side, so that they always agree: PostgreSQL's `lower(unaccent(…))` (the unaccent
extension, made by news migration 0003), and on SQLite `cyberwatch_fold(…)`, a Python function
registered on every connection (`fold()`: Unicode decomposition without its marks, ligatures
spelt out, case folded).
"""

import unicodedata

from django.db import models
from django.db.backends.signals import connection_created
from django.dispatch import receiver

LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O"})


def fold(text):
    """`text` without accents, ligatures spelt out, case folded: "Œuvre Sécurité" → "oeuvre
    securite". None stays None (SQL's NULL)."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(text).translate(LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


@receiver(connection_created)
def _register_fold(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("cyberwatch_fold", 1, fold, deterministic=True)


def _like_escaped(term):
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@models.CharField.register_lookup
@models.TextField.register_lookup
class FoldedContains(models.Lookup):
    """`column__folded_contains=term`: the term is in the column, accents, ligatures and case
    aside."""

    lookup_name = "folded_contains"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [_like_escaped(str(value))]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            template = "LOWER(UNACCENT({lhs})) LIKE '%%' || LOWER(UNACCENT({rhs}::text)) || '%%'"
        else:
            template = (
                "cyberwatch_fold({lhs}) LIKE '%%' || cyberwatch_fold({rhs}) || '%%' ESCAPE '\\'"
            )
        return template.format(lhs=lhs, rhs=rhs), [*lhs_params, *rhs_params]
