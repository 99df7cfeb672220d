"""Reading the stored counts for a request: the news list's total, its facets (years,
languages, crime areas) and the time slices a deep page seeks through, in a constant number of
queries whatever the archive's size.

The steps of `archive_counts()`:

1. `plan()`: cover the filters' dates, up to the end of the current month, with whole years,
   whole months and at most two partial months (counted directly); with a year chosen (the
   `Focus`), the dates of the other filters, that year in months: the archive lists every
   year and the chosen year's months from the same rows;
2. `_read()`: the stored rows of those years and months, and the articles counted directly
   (the partial months, and those of the stored periods that are not public now, still to
   come or ended), two queries sent at once;
3. `_add_stored()` and `_add_direct()`: summed per period, year, language and crime area;
4. the slices, newest first.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum

from core.prepared import Prepared, together

from .expressions import (
    LANGUAGE_COLUMNS,
    MONTH,
    YEAR,
    StoredCrimeAreas,
    aware,
    both_column,
    local,
    month_start,
    next_month,
    tags_of,
)


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


@dataclass(frozen=True)
class Focus:
    """The year chosen in the list (`year`: its January 1st), and the month (its first day, or
    None): the counts are read for the other filters over all their dates, so that the
    archive lists every year and that year's months; the total, the languages, the crime
    areas and the slices count those of `[start, end)` only. `end` None: past the calendar."""

    year: datetime.date
    month: datetime.date | None = None

    @property
    def start(self):
        return self.month or self.year

    @property
    def end(self):
        try:
            if self.month:
                return next_month(self.month)
            return self.year.replace(year=self.year.year + 1)
        except (ValueError, OverflowError):
            return None

    def month_bounds(self):
        """The first moments of the year's months and of the next year (aware, local), or
        None at the calendar's ends (year 1, whose first moment is before UTC's; 9999)."""
        if not 1 < self.year.year < 9999:
            return None
        return tuple(aware(self.year.replace(month=month)) for month in range(1, 13)) + (
            aware(self.year.replace(year=self.year.year + 1)),
        )

    def holds(self, period):
        """Whether the (local) day `period` lies in the focus."""
        return period >= self.start and (self.end is None or period < self.end)


@dataclass
class ArchiveCounts:
    total: int = 0
    # Per local year, over all the years the other filters allow (with a Focus; otherwise
    # the years of the results).
    years: Counter = field(default_factory=Counter)
    months: Counter = field(default_factory=Counter)  # the Focus year's, per first day
    languages: Counter = field(default_factory=Counter)
    crime_areas: Counter = field(default_factory=Counter)
    slices: list = field(default_factory=list)  # newest first
    # Per month (its first day): the articles its stored rows count that are not public now
    # (ended, or still to come), taken off; a deep page's seek inside a year reads them here.
    hidden: Counter = field(default_factory=Counter)

    def add(self, published_at, languages, areas, sign=1, focus=None):
        """Count one article (`sign=-1`: take it off): its local year, the languages it is
        available in (flags in LANGUAGE_COLUMNS order) and its crime areas (pks). With a
        `focus`, an article outside it counts for its year only."""
        day = local(published_at).date()
        self.years[day.year] += sign
        if focus is not None:
            if day.year == focus.year.year:
                self.months[day.replace(day=1)] += sign
            if not focus.holds(day):
                return
        self.total += sign
        for code, flag in zip(LANGUAGE_COLUMNS, languages, strict=True):
            if flag:
                self.languages[code] += sign
        for area in areas:
            self.crime_areas[area] += sign

    def add_groups(self, groups):
        """Count groups of articles: `(year, number, by_language, areas)` counts `number`
        articles of one local year and one set of crime areas (`areas`: their key, `3,1` or
        `,1,3,`), of which `by_language[i]` are available in LANGUAGE_COLUMNS[i]. A list
        reads a few hundred groups a request: they are summed per set of crime areas first."""
        by_areas = defaultdict(int)
        languages = [0] * len(LANGUAGE_COLUMNS)
        for year, number, by_language, areas in groups:
            self.total += number
            self.years[year] += number
            by_areas[areas] += number
            for index, count in enumerate(by_language):
                languages[index] += count or 0
        self._add_languages_and_areas(languages, by_areas)

    def _add_languages_and_areas(self, languages, by_areas):
        for code, count in zip(LANGUAGE_COLUMNS, languages, strict=False):
            self.languages[code] += count
        for areas, number in by_areas.items():
            for area in tags_of(areas):
                self.crime_areas[area] += number


# 1. The plan.


@dataclass(frozen=True)
class Plan:
    """Whole years `[first, last)` (`years`: January 1sts, `first` None for "since the
    beginning"; None for no year), whole `months`, stretches counted `direct`ly, and the end of
    the current month (`horizon`)."""

    years: tuple | None
    months: tuple
    direct: tuple
    horizon: datetime.datetime
    split: datetime.date | None = None  # a year of `years` read as its months instead

    @property
    def stored(self):
        return bool(self.years or self.months)

    def in_years(self, month):
        if not self.years:
            return False
        first, last = self.years
        if self.split and month.year == self.split.year:
            return False
        return (first is None or month >= first) and month < last

    def stores(self, moment):
        """Whether the stored rows count `moment`'s month."""
        month = month_start(moment)
        return month in self.months or self.in_years(month)

    def stretch(self, moment):
        """The stretch counted directly that holds `moment`, or None."""
        return next((bounds for bounds in self.direct if bounds[0] <= moment < bounds[1]), None)


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


def plan(query, now, focus=None):
    """Cover `[query.start, query.end)`, up to the end of the current month, with whole years,
    whole months and at most two partial months (counted directly); the `focus` year (a
    Focus), when whole years cover it, with its months."""
    planned = _plan(query, now)
    if focus is None or not planned.in_years(focus.year):
        return planned
    year = focus.year
    months = tuple(
        sorted({*planned.months, *months_between(year, next_month(year.replace(month=12)))})
    )
    return Plan(planned.years, months, planned.direct, planned.horizon, split=year)


def _plan(query, now):
    horizon = aware(next_month(month_start(now)))
    end = min(query.end, horizon) if query.end else horizon
    start = query.start
    if start and start >= end:
        return Plan(None, (), (), horizon)
    whole_from = _first_whole_month(start)
    whole_to = month_start(end)
    if whole_from is not None and whole_from >= whole_to:
        # Start and end within one month (or two neighbouring partial months).
        return Plan(None, (), ((start, end),), horizon)
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
        return Plan((years_from, years_to), tuple(months), tuple(direct), horizon)
    return Plan(None, tuple(months_between(whole_from, whole_to)), tuple(direct), horizon)


def _first_whole_month(start):
    if not start:
        return None
    first = month_start(start)
    return first if is_month_start(start) else next_month(first)


# 2.–4. Reading and adding up.


def archive_counts(query, now, focus=None):
    """The counts of the public articles matching `query` (a NewsQuery) at `now`, with the
    time slices that let a deep page seek to its month. With a `focus` (a Focus), `query` is
    the other filters' and the counts are those of the focus, but for `years` and `months`."""
    planned = plan(query, now, focus)
    stored_rows, direct_rows = _read(planned, query, now)
    counts, slices = ArchiveCounts(), {}
    if stored_rows is not None:
        _add_stored(counts, slices, stored_rows, focus)
    if direct_rows is not None:
        _add_direct(counts, slices, direct_rows, planned, now, focus)
    # Periods do not overlap: their first days order them as their starts would.
    counts.slices = sorted(
        (piece for piece in slices.values() if piece.count > 0),
        key=lambda piece: piece.period,
        reverse=True,
    )
    return counts


def _read(planned, query, now):
    """(the stored rows, the articles counted directly), each None when there are none to
    read; both queries sent at once (core.prepared.together)."""
    calls = {}
    if planned.stored:
        first, last = planned.years or (None, None)
        calls["stored"] = _stored_rows.later(
            first, last, planned.split, month_runs(planned.months), query=query.without_dates()
        )
    if planned.direct or planned.stored:
        calls["direct"] = _direct_rows.later(
            now if planned.stored else None,
            planned.horizon if planned.stored else None,
            tuple(moment for stretch in planned.direct for moment in stretch),
            query,
        )
    results = dict(zip(calls, together(*calls.values()), strict=True))
    return results.get("stored"), results.get("direct")


def _add_stored(counts, slices, rows, focus=None):
    """The stored rows (a few hundred: periods times sets of crime areas), summed in one pass
    per period and per set, the languages column by column. With a `focus`, the rows outside
    it count for their year only, and those of its year for their month."""
    by_period, spans, by_areas = defaultdict(int), {}, defaultdict(int)
    if focus is not None:
        for span, period, _areas, number, *_by_language in rows:
            counts.years[period.year] += number
            if span == MONTH and period.year == focus.year.year:
                counts.months[period] += number
        rows = [row for row in rows if row[0] == MONTH and focus.holds(row[1])]
    for span, period, areas, number, *_by_language in rows:
        by_period[period] += number
        spans[period] = span
        by_areas[areas] += number
    for period, number in by_period.items():
        slices[period] = Slice(period, number, spans[period])
        if focus is None:
            counts.years[period.year] += number
        counts.total += number
    # (A language's sum is NULL in a group where no article is available in it.)
    by_language = [
        sum(filter(None, column)) for column in zip(*(row[4:] for row in rows), strict=True)
    ]
    counts._add_languages_and_areas(by_language, by_areas)  # (none when there are no rows)


def _add_direct(counts, slices, rows, planned, now, focus=None):
    """The articles counted directly: a partial month's public ones added, the stored
    periods' ones that are not public now (to come, or ended) taken off."""
    for _pk, status, published_at, *languages, areas, unpublish_at in rows:
        sign = _sign(status, published_at, unpublish_at, planned, now)
        if not sign:
            continue
        counts.add(published_at, languages, tags_of(areas), sign, focus)
        month = month_start(published_at)
        if focus is not None and not focus.holds(month):
            continue  # (a month lies wholly in or out of the focus)
        if sign < 0:
            counts.hidden[month] += 1
        key = month.replace(month=1) if planned.in_years(month) else month
        # A row taken off lies in a stored period, which has its slice already.
        piece = slices.setdefault(key, Slice(month, 0, ""))
        piece.count += sign
        if piece.span == "":
            piece.bounds = planned.stretch(published_at)  # exactly the stretch counted


def _sign(status, published_at, unpublish_at, planned, now):
    """+1: a public article of a stretch counted directly; -1: an article the stored rows
    count that is not public now; 0: neither."""
    if status != "published":
        return 0
    public = published_at <= now and (unpublish_at is None or unpublish_at > now)
    if planned.stretch(published_at):
        return 1 if public else 0
    return -1 if planned.stores(published_at) and not public else 0


def month_slices(year_slice, hidden, query):
    """The months of a (past) year slice, newest first, for a seek inside it: one query on the
    stored month rows, less the articles of each month that `archive_counts()` found not public
    (`hidden`, its ArchiveCounts.hidden)."""
    year = year_slice.period
    counter = Counter(
        dict(_month_rows(year, year.replace(year=year.year + 1), query=query.without_dates()))
    )
    for month in counter:
        counter[month] -= hidden.get(month, 0)
    return [
        Slice(month, number, MONTH)
        for month, number in sorted(counter.items(), reverse=True)
        if number > 0
    ]


# The queries of a request, compiled once (core/prepared.py). The stored rows' query
# takes the filters as a constant: its crime areas and initiative are a `LIKE` on the tags'
# text, its language a column's name (a handful of values each).


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
def _stored_rows(first, last, split, runs, *, query):
    """The stored rows of whole years `[first, last)` (`first` None: since the beginning) but
    `split` (a January 1st, or None) and of the months of `runs` (month_runs()), per span,
    period and set of crime areas, with the sums available in each language. The months as
    ranges, not a list: PostgreSQL then reads both spans through their index (`IN` a year's
    months had it check every month row)."""
    stored = Q()
    if last is not None:
        stored = Q(span=YEAR, period__lt=last) & (Q(period__gte=first) if first else Q())
        if split is not None:
            stored &= ~Q(period=split)
    for index in range(0, len(runs), 2):
        stored |= Q(span=MONTH, period__gte=runs[index], period__lt=runs[index + 1])
    model, condition = query.stored_rows()
    if query.initiative:  # the cube: summed per period and set of crime areas
        return (
            model.objects.filter(stored, condition)
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
    if query.language:
        number = f"count_{query.language}"
        by_language = [both_column(query.language, code) for code in LANGUAGE_COLUMNS]
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
def _direct_rows(now, horizon, bounds, query):
    """The articles counted directly: those of the stretches `bounds` (start, end, start,
    end…) that are published, and, when `now` is given (stored periods are read), those of
    the current month still in the future and those whose publication has ended. One UNION,
    each side on its own index (the publication order; the partial index of ends, whose side
    checks the status here, or SQLite would rather walk every published article by status).
    Each article's crime areas come in its row."""
    from ..models import Article

    dated = Q()
    for index in range(0, len(bounds), 2):
        dated |= Q(published_at__gte=bounds[index], published_at__lt=bounds[index + 1])
    if now is not None:
        dated |= Q(published_at__gt=now, published_at__lt=horizon)
    parts = [dated & Q(status="published")]
    if now is not None:
        parts.append(Q(unpublish_at__lte=now))
    # The ended articles' side reads the partial index of ends: a year's articles through the
    # dates' index were thousands of rows to check on SQLite (60 ms for ?year=2015).
    queries = [
        query.articles(Article._base_manager.all(), dates_by_index=index == 0)
        .filter(part)
        .order_by()
        .annotate(counted_areas=StoredCrimeAreas(Article.crime_areas.through))
        .values_list(
            "pk",
            "status",
            "published_at",
            *(f"available_{code}" for code in LANGUAGE_COLUMNS),
            "counted_areas",
            "unpublish_at",
        )
        for index, part in enumerate(parts)
    ]
    return queries[0].union(*queries[1:]) if len(queries) > 1 else queries[0]


@Prepared
def _month_rows(year_start, year_end, *, query):
    """A year's stored month rows, summed per month."""
    model, condition = query.stored_rows()
    number = f"count_{query.language}" if query.language and not query.initiative else "count"
    return (
        model.objects.filter(condition, span=MONTH, period__gte=year_start, period__lt=year_end)
        .values_list("period")
        .annotate(number=Sum(number))
        .order_by()
    )
