"""The SQL the news counts and lists are made of: the keys of a set of tags, the periods in the
site's time zone, and the expressions of an article's crime areas and initiatives (as text in
its row, as filters)."""

import datetime

from django.db.models import (
    Aggregate,
    BooleanField,
    DateTimeField,
    Exists,
    Func,
    OuterRef,
    Subquery,
    TextField,
)
from django.utils import timezone

from core.languages import language_codes

# The languages the counts keep a column for, in the site's order (settings.LANGUAGES); the
# models' count columns are checked against it (tests/test_languages.py).
LANGUAGE_COLUMNS = tuple(language_codes())
SEPARATOR = ","


def both_column(first, second):
    """The roll-up's column of the articles available in two languages (`count_en_fr`), or in
    one when they are the same (`count_fr`)."""
    if first == second:
        return f"count_{first}"
    first, second = sorted((first, second), key=LANGUAGE_COLUMNS.index)
    return f"count_{first}_{second}"


LANGUAGE_PAIRS = [
    both_column(first, second)
    for index, first in enumerate(LANGUAGE_COLUMNS)
    for second in LANGUAGE_COLUMNS[index + 1 :]
]


def tags_key(pks):
    """`,1,3,` for the set {1, 3}; empty for no tag. `contains=",3,"` finds a member."""
    return f"{SEPARATOR}{SEPARATOR.join(str(pk) for pk in sorted(pks))}{SEPARATOR}" if pks else ""


def tags_of(key):
    return [int(pk) for pk in key.strip(SEPARATOR).split(SEPARATOR)] if key else []


class Unindexed(Func):
    """A column that SQLite's planner does not read through an index (`+column`): where a
    query's other index is the better way in. The column itself elsewhere."""

    template = "%(expressions)s"
    output_field = DateTimeField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra_context)


class JoinedPks(Aggregate):
    """A group's pks as text, `3,1` (any order): GROUP_CONCAT, or STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s((%(expressions)s)::text, ',')",
            **extra_context,
        )


def tag_pks(through, column):
    """An article's tags (`column` of the `through` table) as `3,1` text, or None: a subquery
    of the article's own row, so that a list gets its tags without another query."""
    return Subquery(
        through.objects.filter(article_id=OuterRef("pk"))
        .order_by()
        .values("article_id")
        .annotate(pks=JoinedPks(column))
        .values("pks")
    )


class StoredCrimeAreas(Func):
    """An article's crime areas as `3,1` text, or None. PostgreSQL: the article's own
    `crime_area_key` column, kept by triggers on the article–crime area table (news migration
    0013; not a model field, so Django never writes it): a words search reads it from the row
    it matched, where a subquery cost as much again as the search (11 of 23 ms for 4,400
    matches); the cards and the direct counts read it too (a deep page's cards ran the
    subquery for every row its OFFSET skipped). Elsewhere: `tag_pks()`."""

    output_field = TextField()

    def __init__(self, through):
        super().__init__(tag_pks(through, "crimearea_id"))

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra_context):
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f"{table}.{connection.ops.quote_name('crime_area_key')}", []


# Periods, in the site's time zone.


def local(moment):
    return timezone.localtime(moment)


def month_start(moment):
    return local(moment).date().replace(day=1)


def next_month(day):
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def aware(day):
    """Midnight at the start of `day`, in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


MONTH, YEAR = "M", "Y"


# Tags, as filters. EXISTS rather than `pk IN (…)`: SQLite then walks the articles in the list's
# order and stops at a page, where with IN it sorted every tagged article first (1.5 s at 100,000).


def with_any_crime_area(queryset, crime_areas):
    through = queryset.model.crime_areas.through
    return queryset.filter(
        HasAnyStoredCrimeArea(
            Exists(through.objects.filter(article_id=OuterRef("pk"), crimearea__in=crime_areas)),
            [getattr(area, "pk", area) for area in crime_areas],
        )
    )


class HasAnyStoredCrimeArea(Func):
    """The article has one of the crime areas `pks`. PostgreSQL: read from its own row (the
    `crime_area_key` of StoredCrimeAreas), which spared the database a join it planned on
    every call: a crime area's news list cost it 0.2 ms of planning for its cards and as much
    for its direct counts, and a probe of the crime areas' table per article it walked.
    Elsewhere: `exists`, the EXISTS on the article–crime area table."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, exists, pks):
        super().__init__(exists)
        self.pks = list(pks)

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra_context):
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        key = f"{table}.{connection.ops.quote_name('crime_area_key')}"
        values = ", ".join(["%s"] * len(self.pks))
        return f"string_to_array({key}, ',') && ARRAY[{values}]::text[]", self.pks


def with_initiative(queryset, initiative):
    through = queryset.model.initiatives.through
    return queryset.filter(
        Exists(through.objects.filter(article_id=OuterRef("pk"), initiative=initiative))
    )
