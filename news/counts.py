"""Precomputed counts of public articles: the news list's total, its facets and the seek to a
deep page cost the same at 100 and at 100,000 articles.

What is stored: `ArticleCount` rows, one for each combination of (span, period, languages the
article is available in, its crime areas, its initiatives) that published articles have, with
their number. A span is a calendar month or a calendar year in the site's time zone, so the
counts of any filter combination without words are a sum over a few hundred rows, whatever the
size of the archive: whole years from the year rows, whole months from the month rows, and the
articles of at most two partly covered months (a `date_after`/`date_before` inside a month)
counted directly. `ArticleCountRollup` sums those rows over their languages and initiatives,
per period and set of crime areas, with the number available in each language and in each
pair of languages: the list reads it, about 190 rows, when no initiative is chosen.

What keeps it right: every change counts again the months of the rows it touched, before and
after, in the same transaction (save, delete, a change of crime areas or initiatives,
`QuerySet.update()`, `bulk_create()`, the admin's bulk actions; a batch counts once at its end),
then their years from the month rows, then the roll-up of those months and years. Migrations
fill both tables for existing rows.

Scheduled items: the rows count every article whose status is published, whatever its date.
An article becomes public when `published_at` passes, without any save, so only periods that
have ended are taken as stored; in the current month (and year) the articles still in the
future are counted directly and taken off. No cron job: the rows never go stale by themselves.
"""

import datetime
import threading
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    BooleanField,
    DateTimeField,
    Exists,
    Func,
    OuterRef,
    Q,
    Subquery,
    Sum,
    TextField,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from cyberwatch.prepared import Prepared, together

LANGUAGE_COLUMNS = ("en", "fr", "es", "ar")
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


# Counting a set of articles: shared by the rebuild and by the direct counts of a request.


def fold(rows):
    """`rows`: (published_at, available_en, _fr, _es, _ar, crime area pks, initiative pks),
    the pks as `3,1` text or None. Returns a Counter keyed by (month start, languages, areas
    key, initiatives key)."""
    counter = Counter()
    for published_at, *available, areas, initiatives in rows:
        counter[
            (
                month_start(published_at),
                tuple(available),
                tags_key(_pks(areas)),
                tags_key(_pks(initiatives)),
            )
        ] += 1
    return counter


def _pks(text):
    return [int(pk) for pk in text.split(SEPARATOR)] if text else ()


def folded(articles, article_model):
    """The counts of `articles`, their crime areas and initiatives read in the same query."""
    rows = articles.annotate(
        counted_area_pks=tag_pks(article_model.crime_areas.through, "crimearea_id"),
        counted_initiative_pks=tag_pks(article_model.initiatives.through, "initiative_id"),
    ).values_list(
        "published_at",
        *(f"available_{code}" for code in LANGUAGE_COLUMNS),
        "counted_area_pks",
        "counted_initiative_pks",
    )
    return fold(rows.order_by())


# Keeping the rows right.


def count_rows(count_model, span, counter):
    """ArticleCount rows for `counter`, keyed by (period, languages, areas, initiatives)."""
    return [
        count_model(
            span=span,
            period=period,
            **{f"in_{code}": flag for code, flag in zip(LANGUAGE_COLUMNS, languages, strict=True)},
            crime_areas=areas,
            initiatives=initiatives,
            count=number,
        )
        for (period, languages, areas, initiatives), number in counter.items()
    ]


def by_year(counter):
    years = Counter()
    for (month, *rest), number in counter.items():
        years[(month.replace(month=1), *rest)] += number
    return years


def recount(months, article_model, count_model):
    """Count the published articles of `months` (month starts) again, then their years' rows
    from the month rows. A few queries a month, whatever the archive."""
    if not months:
        return
    # In the change's own transaction (no savepoint: a failure fails the change).
    with transaction.atomic(savepoint=False):
        years = sorted({month.year for month in months})
        if connection.vendor == "postgresql":
            # Two saves in the same year recount one after the other, never interleaved (each
            # deletes and inserts the same rows).
            for year in years:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [20150413, year])
        span = Q()
        for month in months:
            span |= Q(published_at__gte=aware(month), published_at__lt=aware(next_month(month)))
        counter = folded(
            article_model._base_manager.filter(span, status="published"), article_model
        )
        count_model.objects.filter(span=MONTH, period__in=months).delete()
        count_model.objects.bulk_create(count_rows(count_model, MONTH, counter))
        starts = [datetime.date(year, 1, 1) for year in years]
        key = ["period", *(f"in_{code}" for code in LANGUAGE_COLUMNS), "crime_areas", "initiatives"]
        year_counter = Counter()
        for row in (
            count_model.objects.filter(
                span=MONTH, period__gte=starts[0], period__lt=datetime.date(years[-1] + 1, 1, 1)
            )
            .filter(period__year__in=years)
            .values_list(*key)
            .annotate(number=Sum("count"))
            .order_by()
        ):
            period, *languages, areas, initiatives, number = row
            year_counter[(period.replace(month=1), tuple(languages), areas, initiatives)] += number
        count_model.objects.filter(span=YEAR, period__in=starts).delete()
        count_model.objects.bulk_create(count_rows(count_model, YEAR, year_counter))
        roll_up(count_model, Q(span=MONTH, period__in=months) | Q(span=YEAR, period__in=starts))


def rollup_model_of(count_model):
    """The roll-up model beside `count_model` (None in migrations that predate it). A
    migration passes its own: a historical model's registry may be an older state's."""
    try:
        return count_model._meta.apps.get_model(count_model._meta.app_label, "ArticleCountRollup")
    except LookupError:
        return None


def roll_up(count_model, periods=None, rollup_model=None):
    """Write again the roll-up rows of the `ArticleCount` rows of `periods` (a condition on
    span and period; all of them by default): per period and set of crime areas, their sum
    and the sum available in each language."""
    rollup_model = rollup_model or rollup_model_of(count_model)
    if rollup_model is None:
        return
    periods = periods or Q()
    columns = [f"count_{code}" for code in LANGUAGE_COLUMNS]
    # Articles available in two languages at once, for the language facet of a list filtered
    # by language (absent from a migration's model that predates them).
    known = {field.name for field in rollup_model._meta.fields}
    columns += [name for name in LANGUAGE_PAIRS if name in known]
    rows = (
        count_model.objects.filter(periods)
        .values_list("span", "period", "crime_areas")
        .annotate(
            number=Sum("count"),
            **{name: Coalesce(Sum("count", filter=_in_languages(name)), 0) for name in columns},
        )
        .order_by()
    )
    rollup_model.objects.filter(periods).delete()
    rollup_model.objects.bulk_create(
        [
            rollup_model(
                span=span,
                period=period,
                crime_areas=areas,
                count=number,
                **dict(zip(columns, values, strict=True)),
            )
            for span, period, areas, number, *values in rows
        ],
        batch_size=2000,
    )


def _in_languages(column):
    """`count_fr` → in_fr; `count_en_fr` → in_en and in_fr."""
    return Q(**{f"in_{code}": True for code in column.removeprefix("count_").split("_")})


def rebuild(article_model, count_model, batch=20_000):
    """Count every published article again: the migration, the generator, a deleted tag."""
    with transaction.atomic():
        count_model.objects.all().delete()
        counter = Counter()
        pks = list(
            article_model._base_manager.filter(status="published")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(pks), batch):
            chunk = article_model._base_manager.filter(pk__in=pks[start : start + batch])
            counter += folded(chunk, article_model)
        rows = count_rows(count_model, MONTH, counter)
        rows += count_rows(count_model, YEAR, by_year(counter))
        count_model.objects.bulk_create(rows, batch_size=2000)
        roll_up(count_model)


_local = threading.local()


def _batches():
    """The batches open in this thread, innermost last."""
    if not hasattr(_local, "batches"):
        _local.batches = []
    return _local.batches


class Recount:
    """What changed, counted again at the end of the change: at once for one save, once at
    the end for a batch (`with Recount.batch():` around a bulk change)."""

    def __init__(self):
        self.months = set()
        self.everything = False

    @classmethod
    @contextmanager
    def batch(cls):
        batches = _batches()
        if batches:  # inside another batch: counted at the end of that one
            yield batches[-1]
            return
        pending = cls()
        batches.append(pending)
        try:
            yield pending
        finally:
            batches.remove(pending)
        pending.run()

    @classmethod
    def mark(cls, moments=(), everything=False):
        batches = _batches()
        pending = batches[-1] if batches else cls()
        pending.months.update(month_start(moment) for moment in moments if moment is not None)
        pending.everything |= everything
        if not batches:
            pending.run()

    def run(self):
        from .models import Article, ArticleCount

        if self.everything or len(self.months) > 36:
            rebuild(Article, ArticleCount)
        elif self.months:
            recount(sorted(self.months), Article, ArticleCount)


# Reading the counts for a request.


@dataclass(frozen=True)
class CountFilters:
    """The news list's filters, without words. `start`/`end`: the aware datetimes of the
    date filters, `[start, end)`; `crime_areas`: pks (any of); `initiative`: a pk."""

    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    language: str | None = None
    crime_areas: tuple = ()
    initiative: int | None = None

    def articles(self, queryset, dates_by_index=True):
        """`queryset` restricted to these filters (the twin of the cube conditions).
        `dates_by_index=False`: SQLite is not to read the publication dates through their
        index, where another index of the query is the better way in."""
        published_at = "published_at"
        if not dates_by_index and (self.start or self.end):
            queryset = queryset.alias(published_unindexed=Unindexed("published_at"))
            published_at = "published_unindexed"
        if self.start:
            queryset = queryset.filter(**{f"{published_at}__gte": self.start})
        if self.end:
            queryset = queryset.filter(**{f"{published_at}__lt": self.end})
        if self.language:
            queryset = queryset.filter(**{f"available_{self.language}": True})
        if self.crime_areas:
            queryset = with_any_crime_area(queryset, self.crime_areas)
        if self.initiative:
            queryset = with_initiative(queryset, self.initiative)
        return queryset

    def rows(self):
        """The cube conditions, without the period."""
        condition = self.area_rows()
        if self.language:
            condition &= Q(**{f"in_{self.language}": True})
        if self.initiative:
            condition &= Q(initiatives__contains=f"{SEPARATOR}{self.initiative}{SEPARATOR}")
        return condition

    def area_rows(self):
        """The condition on the crime areas only, which the roll-up rows have too."""
        condition = Q()
        for pk in self.crime_areas:
            condition |= Q(crime_areas__contains=f"{SEPARATOR}{pk}{SEPARATOR}")
        return condition

    def stored_rows(self, count_model):
        """Where the stored counts of these filters are read, and on what condition: the
        roll-up when no initiative is chosen (with a language: its rows that have articles
        available in it), else the cube."""
        rollup_model = rollup_model_of(count_model)
        if rollup_model is not None and not self.initiative:
            condition = self.area_rows()
            if self.language:
                condition &= Q(**{f"count_{self.language}__gt": 0})
            return rollup_model, condition
        return count_model, self.rows()


@dataclass
class Slice:
    """A stretch of time with its number of matching public articles, newest first: a stored
    year or month from `period` (its first day), or exactly `[start, end)` when given (a
    partial month, counted directly). Its bounds are worked out when a deep page asks."""

    period: datetime.date
    count: int
    span: str  # YEAR, MONTH or "" (counted directly)
    bounds: tuple | None = None

    @property
    def start(self):
        return self.bounds[0] if self.bounds else aware(self.period)

    @property
    def end(self):
        if self.bounds:
            return self.bounds[1]
        period = self.period
        return aware(
            period.replace(year=period.year + 1) if self.span == YEAR else next_month(period)
        )


@dataclass
class ArchiveCounts:
    total: int = 0
    years: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    crime_areas: Counter = field(default_factory=Counter)
    slices: list = field(default_factory=list)  # newest first
    # Per month (its first day): the articles its stored rows count that are not public now
    # (ended, or still to come), taken off; a deep page's seek inside a year reads them here.
    hidden: Counter = field(default_factory=Counter)

    def add(self, published_at, languages, areas, sign=1):
        """Count one article (`sign=-1`: take it off): its local year, the languages it is
        available in (flags in LANGUAGE_COLUMNS order) and its crime areas (pks)."""
        self.total += sign
        self.years[local(published_at).year] += sign
        for code, flag in zip(LANGUAGE_COLUMNS, languages, strict=True):
            if flag:
                self.languages[code] += sign
        for area in areas:
            self.crime_areas[area] += sign

    def add_groups(self, groups):
        """Count groups of articles: `(year, number, by_language, areas)` counts `number`
        articles of one local year and one set of crime areas (`areas`: their key, `3,1` or
        `,1,3,`), of which `by_language[i]` are available in LANGUAGE_COLUMNS[i]. The list
        reads a few hundred groups a request: they are summed per set of crime areas first."""
        years, languages = self.years, [0] * len(LANGUAGE_COLUMNS)
        by_areas = defaultdict(int)
        for year, number, by_language, areas in groups:
            self.total += number
            years[year] += number
            by_areas[areas] += number
            for index, count in enumerate(by_language):
                if count:
                    languages[index] += count
        for code, count in zip(LANGUAGE_COLUMNS, languages, strict=True):
            self.languages[code] += count
        for areas, number in by_areas.items():
            for area in tags_of(areas):
                self.crime_areas[area] += number


def months_between(first, last):
    """Month starts in [first, last)."""
    months = []
    while first < last:
        months.append(first)
        first = next_month(first)
    return months


def is_month_start(moment):
    moment = local(moment)
    return moment.day == 1 and moment.time() == datetime.time.min


def plan(filters, now):
    """Cover `[filters.start, filters.end)`, up to the end of the current month, with whole
    years, whole months and at most two partial months (counted directly).
    Returns (year range or None, [month starts], [(start, end) counted directly], horizon);
    a year range `(first, last)` of January 1sts, `first` None for "since the beginning"."""
    horizon = aware(next_month(month_start(now)))
    end = min(filters.end, horizon) if filters.end else horizon
    start = filters.start
    if start and start >= end:
        return None, [], [], horizon
    whole_from = None
    if start:
        whole_from = month_start(start)
        if not is_month_start(start):
            whole_from = next_month(whole_from)
    whole_to = month_start(end)
    if whole_from is not None and whole_from >= whole_to:
        # Start and end within one month (or two neighbouring partial months).
        return None, [], [(start, end)], horizon
    direct = []
    if start and not is_month_start(start):
        direct.append((start, aware(whole_from)))
    if not is_month_start(end):
        direct.append((aware(whole_to), end))
    years_from = None
    if whole_from is not None:
        years_from = whole_from.replace(month=1)
        if whole_from.month != 1:
            years_from = years_from.replace(year=years_from.year + 1)
    years_to = whole_to.replace(month=1)
    if years_from is None or years_from < years_to:
        months = months_between(whole_from, years_from) if whole_from else []
        months += months_between(years_to, whole_to)
        return (years_from, years_to), months, direct, horizon
    return None, months_between(whole_from, whole_to), direct, horizon


def archive_counts(filters, now, article_model, count_model):
    """The counts of the public articles matching `filters` at `now`, with the time slices
    that let a deep page seek to its month. One query on the stored rows, and two on the
    articles of partial months and of the current month's future."""
    year_range, months, direct, horizon = plan(filters, now)
    counts = ArchiveCounts()
    slices = {}

    # The stored rows, and the articles counted directly: partial months (public ones only),
    # and the articles of the stored periods that are not public now, still in the future or
    # past their end (`unpublish_at`), taken off, as the rows count every published article.
    # Both queries sent at once (cyberwatch.prepared.together).
    stored = bool(year_range or months)
    first, last = year_range or (None, None)
    queries = []
    if stored:
        queries.append(
            _stored_rows.later(
                first,
                last,
                month_runs(months),
                count_model=count_model,
                language=filters.language,
                crime_areas=filters.crime_areas,
                initiative=filters.initiative,
            )
        )
    if direct or stored:
        queries.append(
            _direct_rows.later(
                now if stored else None,
                horizon if stored else None,
                tuple(moment for stretch in direct for moment in stretch),
                filters.start,
                filters.end,
                filters.crime_areas,
                filters.initiative,
                article_model=article_model,
                language=filters.language,
            )
        )
    results = together(*queries)
    if stored:
        rows = results.pop(0)
        # One pass over the stored rows (a few hundred: periods times sets of crime areas):
        # summed per period and per set, the languages column by column (folding each row as a
        # group of add_groups() cost 2 µs a row, 0.4 ms a list page).
        by_period, spans, by_areas = defaultdict(int), {}, defaultdict(int)
        for span, period, areas, number, *_by_language in rows:
            by_period[period] += number
            spans[period] = span
            by_areas[areas] += number
        for period, number in by_period.items():
            slices[period] = Slice(period, number, spans[period])
            counts.years[period.year] += number
            counts.total += number
        # (A language's sum is NULL in a group where no article is available in it.)
        by_language = [
            sum(filter(None, column)) for column in zip(*(row[4:] for row in rows), strict=True)
        ]
        for code, number in zip(LANGUAGE_COLUMNS, by_language, strict=False):
            counts.languages[code] += number
        for areas, number in by_areas.items():
            for area in tags_of(areas):
                counts.crime_areas[area] += number

    if direct or stored:
        rows = results.pop(0)
        for _pk, status, published_at, *languages, areas, unpublish_at in rows:
            if status != "published":
                continue
            public = published_at <= now and (unpublish_at is None or unpublish_at > now)
            if any(start <= published_at < end for start, end in direct):
                if not public:
                    continue
                sign = 1
            elif _stored(published_at, year_range, months) and not public:
                sign = -1
            else:
                continue
            counts.add(published_at, languages, tags_of(areas), sign)
            month = month_start(published_at)
            if sign < 0:
                counts.hidden[month] += 1
            key = month.replace(month=1) if _in_years(month, year_range) else month
            if key not in slices:
                if sign < 0:  # never: a row taken off lies in a stored period, which has a slice
                    continue
                slices[key] = Slice(month, 0, "")
            slices[key].count += sign
            if slices[key].span == "":
                # A partial month: exactly the range counted directly.
                for start, end in direct:
                    if start <= published_at < end:
                        slices[key].bounds = (start, end)
    # Periods do not overlap: their first days order them as their starts would.
    counts.slices = sorted(
        (piece for piece in slices.values() if piece.count > 0),
        key=lambda piece: piece.period,
        reverse=True,
    )
    return counts


def _in_years(month, year_range):
    if not year_range:
        return False
    first, last = year_range
    return (first is None or month >= first) and month < last


def _stored(moment, year_range, months):
    month = month_start(moment)
    return month in months or _in_years(month, year_range)


def month_slices(year_slice, hidden, filters, count_model):
    """The months of a (past) year slice, newest first, for a seek inside it: one query on the
    stored month rows, less the articles of each month that `archive_counts()` found not public
    (`hidden`, its ArchiveCounts.hidden)."""
    year = year_slice.period
    counter = Counter(
        dict(
            _month_rows(
                year,
                year.replace(year=year.year + 1),
                count_model=count_model,
                language=filters.language,
                crime_areas=filters.crime_areas,
                initiative=filters.initiative,
            )
        )
    )
    for month in counter:
        counter[month] -= hidden.get(month, 0)
    return [
        Slice(month, number, MONTH)
        for month, number in sorted(counter.items(), reverse=True)
        if number > 0
    ]


# The queries of a request, compiled once (cyberwatch/prepared.py). The crime areas, the
# language and the initiative of the stored rows' condition are constants (a `LIKE` on the tags'
# text, a column's name): a handful of values each.


def month_runs(months):
    """Month starts (in order) as runs of consecutive months: `(start, end, start, end…)`,
    each `[start, end)`."""
    bounds = []
    for month in months:
        if bounds and bounds[-1] == month:
            bounds[-1] = next_month(month)
        else:
            bounds += [month, next_month(month)]
    return tuple(bounds)


@Prepared
def _stored_rows(first, last, runs, *, count_model, language, crime_areas, initiative):
    """The stored rows of whole years `[first, last)` (`first` None: since the beginning) and of
    the months of `runs` (month_runs()), per span, period and set of crime areas, with the sums
    available in each language. The months as ranges, not a list: PostgreSQL then reads both
    spans through their index (`IN` a year's months had it check every month row: 0.17 ms of
    the list's 0.07)."""
    stored = Q()
    if last is not None:
        stored = Q(span=YEAR, period__lt=last) & (Q(period__gte=first) if first else Q())
    for index in range(0, len(runs), 2):
        stored |= Q(span=MONTH, period__gte=runs[index], period__lt=runs[index + 1])
    filters = CountFilters(language=language, crime_areas=crime_areas, initiative=initiative)
    model, condition = filters.stored_rows(count_model)
    if model is count_model:
        return (
            count_model.objects.filter(stored, condition)
            .values_list("span", "period", "crime_areas")
            .annotate(
                number=Sum("count"),
                **{
                    f"number_{code}": Sum("count", filter=Q(**{f"in_{code}": True}))
                    for code in LANGUAGE_COLUMNS
                },
            )
            .order_by()
        )
    # The roll-up: already one row per period and set of crime areas. With a language, its
    # articles are those available in it, and of those, the ones available in each language
    # are those available in both.
    if language:
        number = f"count_{language}"
        by_language = [both_column(language, code) for code in LANGUAGE_COLUMNS]
    else:
        number, by_language = "count", [f"count_{code}" for code in LANGUAGE_COLUMNS]
    return (
        model.objects.filter(stored, condition)
        .values_list("span", "period", "crime_areas", number, *by_language)
        .order_by()
    )


# Planned for its values on every call: how many articles the stretches hold decides between
# the indexes (a plan made once read a year's date range 2–3 times slower), and a plan made once
# for any `now` reads every article for the ended ones (PostgreSQL 15 leaves the partial index
# of ends aside in it: 71 ms).
@Prepared.replanned
def _direct_rows(
    now, horizon, bounds, start, end, crime_areas, initiative, *, article_model, language
):
    """The articles counted directly: those of the stretches `bounds` (start, end, start,
    end…) that are published, and, when `now` is given (stored periods are read), those of
    the current month still in the future and those whose publication has ended. One UNION,
    each side on its own index (the publication order; the partial index of ends, whose side
    checks the status here, or SQLite would rather walk every published article by status).
    Each article's crime areas come in its row."""
    dated = Q()
    for index in range(0, len(bounds), 2):
        dated |= Q(published_at__gte=bounds[index], published_at__lt=bounds[index + 1])
    if now is not None:
        dated |= Q(published_at__gt=now, published_at__lt=horizon)
    parts = [dated & Q(status="published")]
    if now is not None:
        parts.append(Q(unpublish_at__lte=now))
    filters = CountFilters(
        start=start, end=end, language=language, crime_areas=crime_areas, initiative=initiative
    )
    # The ended articles' side reads the partial index of ends: a year's articles through the
    # dates' index were thousands of rows to check on SQLite (60 ms for ?year=2015).
    bases = [
        filters.articles(article_model._base_manager.all(), dates_by_index=index == 0)
        for index in range(len(parts))
    ]
    queries = [
        base.filter(part)
        .order_by()
        .annotate(counted_areas=StoredCrimeAreas(article_model.crime_areas.through))
        .values_list(
            "pk",
            "status",
            "published_at",
            *(f"available_{code}" for code in LANGUAGE_COLUMNS),
            "counted_areas",
            "unpublish_at",
        )
        for base, part in zip(bases, parts, strict=True)
    ]
    return queries[0].union(*queries[1:]) if len(queries) > 1 else queries[0]


@Prepared
def _month_rows(year_start, year_end, *, count_model, language, crime_areas, initiative):
    """A year's stored month rows, summed per month."""
    filters = CountFilters(language=language, crime_areas=crime_areas, initiative=initiative)
    model, condition = filters.stored_rows(count_model)
    number = f"count_{language}" if language and model is not count_model else "count"
    return (
        model.objects.filter(condition, span=MONTH, period__gte=year_start, period__lt=year_end)
        .values_list("period")
        .annotate(number=Sum(number))
        .order_by()
    )


def count_filters(cleaned_data):
    """CountFilters from the news filter form's cleaned data (words left aside)."""
    starts, ends = [], []
    if year := cleaned_data.get("year"):
        if month := cleaned_data.get("month"):
            starts.append(datetime.date(year, month, 1))
            ends.append(_after(starts[-1], months=1))
        else:
            starts.append(datetime.date(year, 1, 1))
            ends.append(_after(starts[-1], years=1))
    if after := cleaned_data.get("date_after"):
        starts.append(after)
    if before := cleaned_data.get("date_before"):
        ends.append(_after(before, days=1))
    # The calendar's ends (year 1, year 9999) are no bound at all.
    starts = [aware(day) for day in starts if day > datetime.date(1, 12, 31)]
    ends = [aware(day) for day in ends if day is not None]
    start, end = max(starts, default=None), min(ends, default=None)
    initiative = cleaned_data.get("initiative")
    return CountFilters(
        start=start,
        end=end,
        language=cleaned_data.get("language") or None,
        crime_areas=tuple(area.pk for area in cleaned_data.get("category") or ()),
        initiative=initiative.pk if initiative else None,
    )


def _after(day, years=0, months=0, days=0):
    """`day` moved forward, or None past the last day Python knows."""
    try:
        if years:
            return day.replace(year=day.year + years)
        if months:
            return next_month(day)
        return day + datetime.timedelta(days=days)
    except (ValueError, OverflowError):
        return None


# Pages deeper than this seek through the counts to their month instead of an OFFSET.
SEEK_FROM = 400


class SeekableArticles:
    """The filtered articles as Django's Paginator sees them: their number comes from the
    counts, and a deep page is found by walking the counted slices (years, then the months of
    one year) to the month it starts in, then an OFFSET within that month only."""

    def __init__(self, queryset, counts, filters, now, article_model, count_model, fetch=None):
        """`fetch(start, stop, before)`, when given, reads the articles instead of slicing
        `queryset` (restricted to those published before `before`, a datetime or None)."""
        self.queryset = queryset
        self.counts = counts
        self.filters = filters
        self.now = now
        self.models = article_model, count_model
        self.fetch = fetch or self._slice

    def _slice(self, start, stop, before):
        queryset = self.queryset
        if before is not None:
            queryset = queryset.filter(published_at__lt=before)
        return list(queryset[start:stop])

    def count(self):
        return self.counts.total

    def __len__(self):
        return self.counts.total

    def __getitem__(self, key):
        start, stop = key.start or 0, key.stop
        if start < SEEK_FROM:
            return self.fetch(start, stop, None)
        skipped, found = 0, None
        for piece in self.counts.slices:
            if skipped + piece.count > start:
                found = piece
                break
            skipped += piece.count
        if found is None:
            return []
        if found.span == YEAR:
            _article_model, count_model = self.models
            for month in month_slices(found, self.counts.hidden, self.filters, count_model):
                if skipped + month.count > start:
                    found = month
                    break
                skipped += month.count
        offset = start - skipped
        # Newest first from the end of the slice: the rows past it run on into older slices.
        return self.fetch(offset, offset + (stop - start), found.end)


class CountedArticles:
    """A queryset whose number is already known (the words filter's, from `counted`), so
    that the paginator does not count it again."""

    def __init__(self, queryset, total, fetch=None):
        """`fetch(start, stop)`, when given, reads the articles instead of slicing `queryset`."""
        self.queryset = queryset
        self.total = total
        self.fetch = fetch or (lambda start, stop: list(queryset[start:stop]))

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, key):
        return self.fetch(key.start or 0, key.stop)
