"""What a visitor asked the news list for (`NewsQuery`): the one implementation of the list's
filters. The filter form makes it (news/filters.py); the cards, the stored counts and the words
search read it whole (news/public.py, news/counts/), compiled once with its values as values
(core/prepared.py: a frozen dataclass; `language` is a constant, a column's name)."""

import dataclasses
import datetime

from django.db.models import Q

from .counts.expressions import SEPARATOR, Unindexed, with_any_crime_area, with_initiative


@dataclasses.dataclass(frozen=True)
class NewsQuery:
    """The list's filters, words aside: publication in `[start, end)` (aware datetimes),
    available in `language`, with any of `crime_areas` (pks), in `initiative` (a pk)."""

    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    language: str | None = dataclasses.field(default=None, metadata={"constant": True})
    crime_areas: tuple = ()
    initiative: int | None = None

    def without_dates(self):
        """The same filters over all time: what the stored rows are chosen by."""
        return dataclasses.replace(self, start=None, end=None)

    def articles(self, queryset, dates_by_index=True):
        """`queryset` restricted to these filters. `dates_by_index=False`: SQLite is not to
        read the publication dates through their index, where another index of the query is
        the better way in."""
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

    def count_rows(self):
        """The same filters on the stored counts' rows (news/counts/), the period aside: the
        cube's (`ArticleCount`) condition."""
        condition = self.area_rows()
        if self.language:
            condition &= Q(**{f"in_{self.language}": True})
        if self.initiative:
            condition &= Q(initiatives__contains=f"{SEPARATOR}{self.initiative}{SEPARATOR}")
        return condition

    def area_rows(self):
        """The condition on the crime areas only, which the roll-up's rows have too."""
        condition = Q()
        for pk in self.crime_areas:
            condition |= Q(crime_areas__contains=f"{SEPARATOR}{pk}{SEPARATOR}")
        return condition

    def stored_rows(self):
        """Where the stored counts of these filters are read, and on what condition: the
        roll-up when no initiative is chosen (with a language: its rows that have articles
        available in it), else the cube."""
        from .models import ArticleCount, ArticleCountRollup

        if not self.initiative:
            condition = self.area_rows()
            if self.language:
                condition &= Q(**{f"count_{self.language}__gt": 0})
            return ArticleCountRollup, condition
        return ArticleCount, self.count_rows()
