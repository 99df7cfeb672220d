"""The news list's filter form: it validates the query string and makes the list's
query object (`NewsQuery`, news/query.py), the one implementation of the filters. A value that
does not parse or names nothing is a form error, which the view turns into HTTP 400 with the
message at its field.

Words (`q`): each must appear in the title or summary as shown. A search uses at most MAX_WORDS
distinct words (case-insensitively, in the order typed; a repeated word is dropped), so that its
cost does not grow with what is typed. Words beyond them, and one-character words (which match
nearly every article), are not an error: they are left out of the search, the page answers 200,
and `NewsFilterForm.ignored_words` lists them for the page to say so.

A plain Django form: django-filter's FilterSet built a queryset the list never used (it filters
through `NewsQuery`, compiled once), and had to be bent around to stay cheap.
"""

import datetime

from django import forms
from django.conf import settings
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.search import MAX_WORDS, search_words, words_field

from .counts.expressions import aware, next_month
from .counts.reading import Focus
from .query import NewsQuery

ISO_DATE = ["%Y-%m-%d"]


def _known_by_slug(field, slug):
    """The item of `field.known` (the crime areas or initiatives the page read) with `slug`."""
    field.validate_no_null_characters(slug)
    for item in field.known:
        if item.slug == slug:
            return item
    raise forms.ValidationError(
        field.error_messages["invalid_choice"], code="invalid_choice", params={"value": slug}
    )


class KnownSlugsField(forms.ModelMultipleChoiceField):
    """Crime areas chosen by slug, looked up in `known` (a handful of rows the list reads
    anyway) rather than in a query."""

    known = ()

    def __init__(self, **kwargs):
        super().__init__(queryset=None, to_field_name="slug", required=False, **kwargs)

    def clean(self, value):
        if not value:
            return []
        if not isinstance(value, (list, tuple)):
            raise forms.ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        found = {_known_by_slug(self, slug) for slug in value}
        return [item for item in self.known if item in found]  # in their own order


class KnownSlugField(forms.ModelChoiceField):
    """An initiative chosen by its slug, looked up in `known`."""

    known = ()

    def __init__(self, **kwargs):
        super().__init__(queryset=None, to_field_name="slug", required=False, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return _known_by_slug(self, value)

    def validate(self, value):
        forms.Field.validate(self, value)


def iso_date(label):
    """A day of publication, in the site's time zone, typed as YYYY-MM-DD only."""
    return forms.DateField(
        label=label,
        required=False,
        input_formats=ISO_DATE,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class NewsFilterForm(forms.Form):
    q = words_field(_("Words"))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1, max_value=9999)
    month = forms.IntegerField(label=_("Month"), required=False, min_value=1, max_value=12)
    date_after = iso_date(_("From"))
    date_before = iso_date(_("To"))
    language = forms.ChoiceField(
        label=_("Available in"),
        required=False,
        choices=[("", _("Any language")), *settings.LANGUAGES],
    )
    category = KnownSlugsField(label=_("Crime area"))
    initiative = KnownSlugField(label=_("Initiative"))

    max_words = MAX_WORDS

    def __init__(self, data=None, *, crime_areas=(), initiatives=()):
        """`crime_areas`, `initiatives`: every one of them (the page has read them): the
        chosen slugs are looked up there."""
        super().__init__(data)
        self.fields["category"].known = crime_areas
        self.fields["initiative"].known = initiatives

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("month") and not cleaned.get("year") and "year" not in self.errors:
            self.add_error("month", _("Choose a year to filter by month."))
        after, before = cleaned.get("date_after"), cleaned.get("date_before")
        if after and before and after > before:
            self.add_error("date_before", _("This date is before the “from” date."))
        return cleaned

    @cached_property
    def words(self):
        """(the words searched for, the words left out): see the module's docstring."""
        if not self.is_bound or not self.is_valid():
            return [], []
        return search_words(self.cleaned_data.get("q") or "")

    @property
    def ignored_words(self):
        return self.words[1]

    def query(self, with_year=True):
        """The `NewsQuery` of the valid form's filters (words aside); `with_year=False`:
        without the year and the month (the archive's other years, news/counts/reading.py)."""
        cleaned = self.cleaned_data if self.is_bound else {}
        if not with_year:
            cleaned = {key: value for key, value in cleaned.items() if key not in ("year", "month")}
        start, end = _period(cleaned)
        initiative = cleaned.get("initiative")
        return NewsQuery(
            start=start,
            end=end,
            language=cleaned.get("language") or None,
            crime_areas=tuple(area.pk for area in cleaned.get("category") or ()),
            initiative=initiative.pk if initiative else None,
        )

    def focus(self):
        """The year and month chosen, as the stored counts' `Focus`, or None."""
        cleaned = self.cleaned_data if self.is_bound else {}
        if not (year := cleaned.get("year")):
            return None
        month = cleaned.get("month")
        return Focus(datetime.date(year, 1, 1), datetime.date(year, month, 1) if month else None)


def _period(cleaned):
    """`[start, end)` of the year, month and dates chosen, as aware datetimes (or None)."""
    starts, ends = [], []
    if year := cleaned.get("year"):
        if month := cleaned.get("month"):
            starts.append(datetime.date(year, month, 1))
            ends.append(_after(starts[-1], months=1))
        else:
            starts.append(datetime.date(year, 1, 1))
            ends.append(_after(starts[-1], years=1))
    if after := cleaned.get("date_after"):
        starts.append(after)
    if before := cleaned.get("date_before"):
        ends.append(_after(before, days=1))
    # The calendar's ends (year 1, year 9999) are no bound at all.
    starts = [aware(day) for day in starts if day > datetime.date(1, 12, 31)]
    ends = [aware(day) for day in ends if day is not None]
    return max(starts, default=None), min(ends, default=None)


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
