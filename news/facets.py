"""Counts beside the news list: articles per year, per language and per crime area in the
current filter set, each with the query string that applies it (a constant number of queries);
and the active filters, each named and with the URL that removes it."""

import datetime
from collections import Counter
from urllib.parse import quote_plus

from django.conf import settings
from django.db.models import Case, Count, F, Func, IntegerField, Q, Value, When
from django.db.models.functions import ExtractYear
from django.http import QueryDict
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.translation import gettext, pgettext

from .counts import LANGUAGE_COLUMNS, ArchiveCounts, StoredCrimeAreas, aware


def without_empty_values(params):
    """The query without the parameters a submitted form leaves empty (`?q=&year=`)."""
    query = QueryDict(mutable=True)
    for key, values in params.lists():
        if filled := [value for value in values if value.strip()]:
            query.setlist(key, filled)
    return query


def fold_counted(rows, focus=None):
    """The ArchiveCounts of the words filter's matches, from the rows of `counted_rows()`.
    With a `focus` (news/counts/reading.py: the year and month chosen; the rows counted by
    month in its year), every year counts in `years`, the focus year's months in `months`,
    and only the focus's rows in the rest."""
    counts = ArchiveCounts()
    if focus is None:
        counts.add_groups(
            (year, number, by_language, areas) for year, _month, areas, number, *by_language in rows
        )
        return counts
    years, chosen = Counter(), []
    for year, month, areas, number, *by_language in rows:
        years[year] += number
        if year != focus.year.year or not month:
            continue
        counts.months[datetime.date(year, month, 1)] += number
        if focus.month is None or focus.month.month == month:
            chosen.append((year, number, by_language, areas))
    counts.add_groups(chosen)
    counts.years = years
    return counts


# Local years that SQLite works out in SQL: the first moment of each, in UTC, worked out here.
LOCAL_YEARS = range(1990, 2051)


class LocalMonth(Case):
    """The month (1–12) of a datetime in `bounds`, the 13 first moments of a year's months
    and of the next year (aware, in the site's time zone); 0 outside that year. Twelve
    comparisons, on either database, rather than a time zone conversion for each row."""

    def __init__(self, column, bounds):
        whens = [When(Q(**{f"{column}__gte": bounds[12]}), then=Value(0))]
        whens += [
            When(Q(**{f"{column}__gte": bounds[index]}), then=Value(index + 1))
            for index in reversed(range(12))
        ]
        super().__init__(*whens, default=Value(0), output_field=IntegerField())


class LocalYear(Func):
    """The year of a datetime in the site's time zone. PostgreSQL: EXTRACT. SQLite: a CASE over
    the first moments of LOCAL_YEARS, compared as stored (UTC text), rather than Django's
    function for SQLite, a Python call for each row (45 of 80 ms for 4,400 matches); outside
    those years, and in any doubt, that function."""

    output_field = IntegerField()

    def resolve_expression(self, *args, **kwargs):
        column = self.source_expressions[0]
        exact = ExtractYear(column)
        starts = [(year, aware(datetime.date(year, 1, 1))) for year in LOCAL_YEARS]
        after = aware(datetime.date(LOCAL_YEARS[-1] + 1, 1, 1))
        whens = [When(Q(**{f"{column.name}__gte": after}), then=exact)]
        whens += [
            When(Q(**{f"{column.name}__gte": start}), then=Value(year))
            for year, start in reversed(starts)
        ]
        clone = super().resolve_expression(*args, **kwargs)
        clone.exact = exact.resolve_expression(*args, **kwargs)
        clone.by_case = Case(*whens, default=exact, output_field=IntegerField()).resolve_expression(
            *args, **kwargs
        )
        return clone

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.exact)

    def as_sqlite(self, compiler, connection, **extra_context):
        return compiler.compile(self.by_case)


def counted_rows(articles, through, month_bounds=None):
    """The counts of `articles` (the words filter's matches), counted by the database in one
    pass over the matches: per local year, month of the year of `month_bounds` (LocalMonth; 0
    elsewhere, and without them) and set of crime areas (`through`: the article to crime area
    table), with the number available in each language. A search is bounded by its matches;
    SQLite's plain match reads the archive once, not once per count."""
    month = LocalMonth("published_at", month_bounds) if month_bounds else Value(0)
    return (
        articles.order_by()
        .annotate(
            counted_year=LocalYear(F("published_at")),  # in the site's time zone
            counted_month=month,
            counted_areas=StoredCrimeAreas(through),
        )
        .values_list("counted_year", "counted_month", "counted_areas")
        .annotate(
            number=Count("pk"),
            **{
                f"number_{code}": Count("pk", filter=Q(**{f"available_{code}": True}))
                for code in LANGUAGE_COLUMNS
            },
        )
    )


def _applying_each(params, key, values, removed=()):
    """For each of `values`, the query string that applies `key=value` to the request's
    `params`: without `page` (the results change, so page 1), without the other values of
    `key` and of the keys `removed`, the new value last. The rest of the query is encoded
    once for all of them (as QueryDict.urlencode() would)."""
    left_out = {"page", key, *removed}
    rest = "&".join(
        f"{quote_plus(name)}={quote_plus(value)}"
        for name, values_of in params.lists()
        if name not in left_out
        for value in values_of
    )
    start = f"?{rest}&" if rest else "?"
    name = quote_plus(key)
    return [f"{start}{name}={quote_plus(str(value))}" for value in values]


def archive_months(counts, params):
    """The chosen year's months that have articles, in the calendar's order, each with its
    name in the page's language and the query string that applies it (the year and the other
    filters kept). Empty without a year chosen (`counts.months` is then empty)."""
    months = [(month, number) for month, number in sorted(counts.months.items()) if number > 0]
    queries = _applying_each(params, "month", [month.month for month, _n in months])
    return [
        {
            "month": month,
            "name": MONTHS[month.month],
            "count": number,
            "query": query,
            "active": params.get("month") == str(month.month),
        }
        for (month, number), query in zip(months, queries, strict=True)
    ]


def news_facets(counts, params, crime_areas):
    """`counts`: an ArchiveCounts; `params`: the request's GET parameters; `crime_areas`: every
    crime area, already fetched. With a year chosen, `counts.years` counts every year the
    other filters allow (news/counts/reading.py: Focus): each is a link that keeps those
    filters and drops the month, and the chosen year's months are listed under it."""
    chosen_areas = set(params.getlist("category"))
    years = [(year, number) for year, number in sorted(counts.years.items(), reverse=True)]
    years = [(year, number) for year, number in years if number > 0]
    year_queries = _applying_each(params, "year", [year for year, _n in years], ["month"])
    codes = [code for code, _name in settings.LANGUAGES]
    area_queries = _applying_each(params, "category", [area.slug for area in crime_areas])
    return {
        "years": [
            {
                "year": year,
                "count": number,
                "query": query,
                "active": params.get("year") == str(year),
            }
            for (year, number), query in zip(years, year_queries, strict=True)
        ],
        "months": archive_months(counts, params),
        "languages": [
            {
                "code": code,
                "name": name,
                "count": counts.languages.get(code, 0),
                "query": query,
                "active": params.get("language") == code,
            }
            for (code, name), query in zip(
                settings.LANGUAGES, _applying_each(params, "language", codes), strict=True
            )
        ],
        "crime_areas": [
            {
                "crime_area": area,
                "count": counts.crime_areas.get(area.pk, 0),
                "query": query,
                "active": area.slug in chosen_areas,
            }
            for area, query in zip(crime_areas, area_queries, strict=True)
        ],
    }


def _removing(path, params, keys, value=None):
    """The URL of the list without the filter `keys` (only `value` of a repeated one), and
    without `page`: the results change, so page 1."""
    query = QueryDict(mutable=True)
    for key, values in without_empty_values(params).lists():
        if key in keys:
            values = [other for other in values if value is not None and other != value]
        if values and key != "page":
            query.setlist(key, values)
    return f"{path}?{query.urlencode()}" if query else path


def active_filters(cleaned_data, params, path, crime_areas, language):
    """The valid filters in use, in the form's order, as `label`, `shown` (the item's text as
    the page shows it, for its `lang`, or None) and `remove` (a URL). `crime_areas`: every
    crime area, already fetched; `language`: the page's."""

    def entry(label, keys, value=None, shown=None):
        return {"label": label, "shown": shown, "remove": _removing(path, params, keys, value)}

    filters = []
    if words := cleaned_data.get("q"):
        # Translators: words searched for, as a filter of the news list, in quotation marks.
        filters.append(entry(gettext("“%(words)s”") % {"words": words}, ["q"]))
    if year := cleaned_data.get("year"):
        if month := cleaned_data.get("month"):
            label = date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")
        else:
            label = str(year)
        filters.append(entry(label, ["year", "month"]))
    if after := cleaned_data.get("date_after"):
        label = gettext("From %(date)s") % {"date": date_format(after, "DATE_FORMAT")}
        filters.append(entry(label, ["date_after"]))
    if before := cleaned_data.get("date_before"):
        label = gettext("To %(date)s") % {"date": date_format(before, "DATE_FORMAT")}
        filters.append(entry(label, ["date_before"]))
    if code := cleaned_data.get("language"):
        filters.append(entry(str(dict(settings.LANGUAGES)[code]), ["language"]))
    chosen = set(params.getlist("category"))
    for area in crime_areas:
        if area.slug in chosen:
            shown = area.shown_in(language)
            filters.append(entry(shown.label, ["category"], area.slug, shown))
    if initiative := cleaned_data.get("initiative"):
        shown = initiative.shown_in(language)
        filters.append(entry(shown.label, ["initiative"], shown=shown))
    return filters


def _named(filter_):
    shown = filter_["shown"]
    if shown and shown.is_fallback:
        return format_html(
            '<span lang="{}" dir="{}">{}</span>', shown.language, shown.direction, filter_["label"]
        )
    return conditional_escape(filter_["label"])


def describe(filters):
    """The active filters in a phrase, for the page's title and heading: `May 2015, French`,
    with the `lang` of a name shown in another language than the page's."""
    return format_html_join(pgettext("list separator", ", "), "{}", ((_named(f),) for f in filters))
