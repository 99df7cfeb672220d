"""Keeping the stored counts right: every change counts its months again in its own transaction
(`Recount`), a deleted or cleared crime area or initiative is taken out of the stored keys
(`without_tag`), and `rebuild`/`differences` serve `manage.py recount_news [--check]` after
writes that skip Python (loaddata, SQL, a data migration). No request rebuilds every count."""

import datetime
import threading
from collections import Counter, defaultdict
from contextlib import contextmanager

from django.db import connection, models, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from .expressions import (
    LANGUAGE_COLUMNS,
    LANGUAGE_PAIRS,
    MONTH,
    SEPARATOR,
    YEAR,
    aware,
    month_start,
    next_month,
    tag_pks,
    tags_key,
    tags_of,
)

KEY_COLUMNS = ("span", "period", *(f"in_{code}" for code in LANGUAGE_COLUMNS))


def _models():
    from ..models import Article, ArticleCount, ArticleCountRollup

    return Article, ArticleCount, ArticleCountRollup


# Counting a set of articles: shared by the recount, the rebuild and the check.


def fold(rows):
    """`rows`: (published_at, available_en, _fr…, crime area pks, initiative pks), the pks as
    `3,1` text or None. Returns a Counter keyed by (month start, languages, areas key,
    initiatives key)."""
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


def folded(articles):
    """The counts of `articles`, their crime areas and initiatives read in the same query."""
    article_model = articles.model
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


def by_year(counter):
    years = Counter()
    for (month, *rest), number in counter.items():
        years[(month.replace(month=1), *rest)] += number
    return years


def count_rows(span, counter):
    """ArticleCount rows for `counter`, keyed by (period, languages, areas, initiatives)."""
    _article_model, count_model, _rollup_model = _models()
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


# Writing them.


def recount(months):
    """Count the published articles of `months` (month starts) again, a year at a time, then
    their years' rows from the month rows, then the roll-up of both. A few queries a year."""
    by_years = defaultdict(list)
    for month in months:
        by_years[month.year].append(month)
    for year in sorted(by_years):
        _recount_year(year, sorted(by_years[year]))


def _recount_year(year, months):
    article_model, count_model, _rollup_model = _models()
    # In the change's own transaction (no savepoint: a failure fails the change).
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            # Two saves in the same year recount one after the other, never interleaved (each
            # deletes and inserts the same rows).
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [20150413, year])
        span = Q()
        for month in months:
            span |= Q(published_at__gte=aware(month), published_at__lt=aware(next_month(month)))
        counter = folded(article_model._base_manager.filter(span, status="published"))
        count_model.objects.filter(span=MONTH, period__in=months).delete()
        count_model.objects.bulk_create(count_rows(MONTH, counter))
        start = datetime.date(year, 1, 1)
        year_counter = Counter()
        rows = (
            count_model.objects.filter(
                span=MONTH, period__gte=start, period__lt=start.replace(year=year + 1)
            )
            .values_list(*KEY_COLUMNS[2:], "crime_areas", "initiatives")
            .annotate(number=Sum("count"))
            .order_by()
        )
        for *languages, areas, initiatives, number in rows:
            year_counter[(start, tuple(languages), areas, initiatives)] += number
        count_model.objects.filter(span=YEAR, period=start).delete()
        count_model.objects.bulk_create(count_rows(YEAR, year_counter))
        roll_up(Q(span=MONTH, period__in=months) | Q(span=YEAR, period=start))


def roll_up(periods=None):
    """Write again the roll-up rows of the `ArticleCount` rows of `periods` (a condition on
    span and period; all of them by default): per period and set of crime areas, their sum
    and the sum available in each language and in each pair of languages."""
    _article_model, count_model, rollup_model = _models()
    periods = periods or Q()
    columns = [f"count_{code}" for code in LANGUAGE_COLUMNS] + LANGUAGE_PAIRS
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
    _insert(
        rollup_model,
        ["span", "period", "crime_areas", "count", *columns],
        [(span, period, areas, number, *values) for span, period, areas, number, *values in rows],
    )


def _insert(model, names, rows):
    """INSERT `rows` (tuples of the `names` columns' values) in one executemany(): the counts'
    rows are thousands after a deleted tag, where bulk_create() spent 1 s of Python making
    and compiling them (20,000 articles on SQLite)."""
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    ops = connection.ops
    columns = ", ".join(ops.quote_name(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    dates = [index for index, field in enumerate(fields) if isinstance(field, models.DateField)]
    values = []
    for row in rows:
        row = list(row)
        for index in dates:
            row[index] = ops.adapt_datefield_value(row[index])
        values.append(row)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {ops.quote_name(meta.db_table)} ({columns}) VALUES ({marks})",  # noqa: S608
            values,
        )


def _in_languages(column):
    """`count_fr` → in_fr; `count_en_fr` → in_en and in_fr."""
    return Q(**{f"in_{code}": True for code in column.removeprefix("count_").split("_")})


def without_tag(column, pk):
    """A crime area (`column` "crime_areas") or an initiative ("initiatives") deleted, or
    cleared of its articles: `pk` taken out of the stored rows' keys, each row that had it
    added to the row of its new key (or made that row), and the roll-up written again. The
    stored rows alone say it: no article is read, whatever the archive's size (a crime area of
    9,000 of 20,000 articles: see README)."""
    _article_model, count_model, _rollup_model = _models()
    member = f"{SEPARATOR}{pk}{SEPARATOR}"
    with transaction.atomic(savepoint=False):
        untouched, moved = {}, Counter()
        for pk_, *key, areas, initiatives, number in count_model.objects.values_list(
            "pk", *KEY_COLUMNS, "crime_areas", "initiatives", "count"
        ).iterator():
            if member not in (areas if column == "crime_areas" else initiatives):
                untouched[(*key, areas, initiatives)] = (pk_, number)
                continue
            if column == "crime_areas":
                areas = tags_key(set(tags_of(areas)) - {pk})
            else:
                initiatives = tags_key(set(tags_of(initiatives)) - {pk})
            moved[(*key, areas, initiatives)] += number
        if not moved:
            return
        count_model.objects.filter(**{f"{column}__contains": member}).delete()
        added = [(key, number) for key, number in moved.items() if key in untouched]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {connection.ops.quote_name(count_model._meta.db_table)} "  # noqa: S608
                "SET count = count + %s WHERE id = %s",
                [(number, untouched[key][0]) for key, number in added],
            )
        _insert(
            count_model,
            [*KEY_COLUMNS, "crime_areas", "initiatives", "count"],
            [(*key, number) for key, number in moved.items() if key not in untouched],
        )
        roll_up()


def counted_afresh(batch=20_000):
    """Every published article counted again, in memory: (month rows, year rows)."""
    article_model, _count_model, _rollup_model = _models()
    counter = Counter()
    pks = list(
        article_model._base_manager.filter(status="published")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(pks), batch):
        counter += folded(article_model._base_manager.filter(pk__in=pks[start : start + batch]))
    return counter, by_year(counter)


def rebuild():
    """Count every published article again (`manage.py recount_news`)."""
    _article_model, count_model, _rollup_model = _models()
    months, years = counted_afresh()
    with transaction.atomic():
        count_model.objects.all().delete()
        rows = count_rows(MONTH, months) + count_rows(YEAR, years)
        count_model.objects.bulk_create(rows, batch_size=2000)
        roll_up()


def differences():
    """Where the stored rows differ from a count made afresh: [(span, key, stored, counted)]
    (`manage.py recount_news --check`); the roll-up is checked against the stored rows."""
    _article_model, count_model, rollup_model = _models()
    months, years = counted_afresh()
    expected = {(MONTH, *key): number for key, number in months.items()}
    expected.update({(YEAR, *key): number for key, number in years.items()})
    stored = Counter()
    for span, period, *languages, areas, initiatives, number in count_model.objects.values_list(
        *KEY_COLUMNS, "crime_areas", "initiatives", "count"
    ):
        stored[(span, period, tuple(languages), areas, initiatives)] += number
    found = [
        (key[0], key[1:], stored.get(key, 0), expected.get(key, 0))
        for key in sorted(set(stored) | set(expected), key=str)
        if stored.get(key, 0) != expected.get(key, 0)
    ]
    rolled = Counter()
    for span, period, areas, number in rollup_model.objects.values_list(
        "span", "period", "crime_areas", "count"
    ):
        rolled[(span, period, areas)] += number
    summed = Counter()
    for (span, period, _languages, areas, _initiatives), number in stored.items():
        summed[(span, period, areas)] += number
    found += [
        ("roll-up", key, rolled.get(key, 0), summed.get(key, 0))
        for key in sorted(set(rolled) | set(summed), key=str)
        if rolled.get(key, 0) != summed.get(key, 0)
    ]
    return found


# Counting again at the end of a change.

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
    def mark(cls, moments=()):
        batches = _batches()
        pending = batches[-1] if batches else cls()
        pending.months.update(month_start(moment) for moment in moments if moment is not None)
        if not batches:
            pending.run()

    def run(self):
        if self.months:
            recount(sorted(self.months))
