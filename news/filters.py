"""The news list's filters (SPEC §5). A value that does not parse or names nothing is a form
error, which the view turns into HTTP 400 with the message at its field.

Words (`q`): each must appear in the title or summary as shown. A search uses at most MAX_WORDS
distinct words (case-insensitively, in the order typed; a repeated word is dropped), so that its
cost does not grow with what is typed. Words beyond them, and one-character words (which match
nearly every article), are not an error: they are left out of the search, the page answers 200,
and `NewsFilter.ignored_words` lists them for the page to say so.
"""

import copy

import django_filters
import django_filters.fields
from django import forms
from django.conf import settings
from django.db import connections
from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from crimes.models import CrimeArea
from cyberwatch.languages import language_codes
from cyberwatch.search import MAX_WORDS, search_words, words_q
from initiatives.models import Initiative

from .counts import with_any_crime_area, with_initiative
from .models import SEARCHED_FIELDS, Article

ISO_DATE = ["%Y-%m-%d"]


class NewsFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("month") and not cleaned.get("year") and "year" not in self.errors:
            self.add_error("month", _("Choose a year to filter by month."))
        after, before = cleaned.get("date_after"), cleaned.get("date_before")
        if after and before and after > before:
            self.add_error("date_before", _("This date is before the “from” date."))
        return cleaned


class IntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField


# The crime areas and initiatives are a handful of rows that the news list reads anyway: its
# filter form looks the chosen slugs up in them (`known`, set by NewsFilter) rather than in
# another query. Without them (NewsFilter used on its own), the fields query as usual.


def _known_by_slug(field, slug):
    field.validate_no_null_characters(slug)
    for item in field.known:
        if item.slug == slug:
            return item
    raise forms.ValidationError(
        field.error_messages["invalid_choice"], code="invalid_choice", params={"value": slug}
    )


class KnownItemsMixin:
    """`known`: the items to look the slugs up in (None: the queryset, as usual)."""

    known = None

    def __deepcopy__(self, memo):
        # A form copies its fields when it is made. Django's ModelChoiceField copies its
        # queryset too (queryset.all()), so that a copy's choices are its own; these fields
        # never fill their queryset's cache (they filter it, or iterate it without caching),
        # so the copies share it: copying it was a third of a bound news filter's time.
        # (`_queryset`: the attribute behind ModelChoiceField's `queryset`, whose setter
        # copies.)
        queryset, self._queryset = self._queryset, None
        try:
            result = super().__deepcopy__(memo)
        finally:
            self._queryset = queryset
        result._queryset = queryset
        result.widget.choices = result.choices  # as the setter does: the copy's own choices
        return result


class KnownSlugsField(KnownItemsMixin, django_filters.fields.ModelMultipleChoiceField):
    def clean(self, value):
        if self.known is not None and not value and not self.required:
            # None chosen: no items, rather than Django's `queryset.none()`, which the view's
            # first `if` compiled to SQL (150 µs, on every list page without this filter).
            return []
        return super().clean(value)

    def _check_values(self, value):
        if self.known is None:
            return super()._check_values(value)
        try:
            chosen = frozenset(value)
        except TypeError:
            raise forms.ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        found = {_known_by_slug(self, slug) for slug in chosen}
        return [item for item in self.known if item in found]  # in their own order


class KnownSlugField(KnownItemsMixin, django_filters.fields.ModelChoiceField):
    def to_python(self, value):
        if self.known is None or value in self.empty_values:
            return super().to_python(value)
        if not isinstance(value, str):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return _known_by_slug(self, value)


class KnownSlugsFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = KnownSlugsField


class KnownSlugFilter(django_filters.ModelChoiceFilter):
    field_class = KnownSlugField


def iso_date_filter(label, lookup):
    """A day of publication, in the site's time zone, typed as YYYY-MM-DD only."""
    return django_filters.DateFilter(
        label=label,
        field_name="published_at",
        lookup_expr=lookup,
        input_formats=ISO_DATE,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class NewsFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Words"),
        method="filter_words",
        max_length=200,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    year = IntegerFilter(
        label=_("Year"), field_name="published_at", lookup_expr="year", min_value=1, max_value=9999
    )
    month = IntegerFilter(
        label=_("Month"), field_name="published_at", lookup_expr="month", min_value=1, max_value=12
    )
    date_after = iso_date_filter(_("From"), "date__gte")
    date_before = iso_date_filter(_("To"), "date__lte")
    language = django_filters.ChoiceFilter(
        label=_("Available in"),
        choices=settings.LANGUAGES,
        empty_label=_("Any language"),
        method="filter_language",
    )
    category = KnownSlugsFilter(
        label=_("Crime area"),
        queryset=CrimeArea.objects.all(),
        to_field_name="slug",
        method="filter_category",
    )
    initiative = KnownSlugFilter(
        label=_("Initiative"),
        queryset=Initiative.objects.all(),
        to_field_name="slug",
        method="filter_initiative",
    )

    max_words = MAX_WORDS

    class Meta:
        model = Article
        form = NewsFilterForm
        fields = []

    def __init__(
        self,
        data=None,
        queryset=None,
        *,
        request=None,
        prefix=None,
        language=None,
        crime_areas=None,
        initiatives=None,
    ):
        """`language`: the page's, whose shown text the words are looked for in (by default
        the active one). `queryset`: any article queryset; one already annotated by
        `with_display_language()` must have been annotated for the same language.
        `crime_areas`, `initiatives`: every one of them, when the page has read them already:
        the chosen slugs are looked up there instead of in a query each."""
        # django-filter's BaseFilterSet.__init__, but for the copy of the class's filters,
        # made when they are first used (`filters`, below): the news list validates the form
        # only, and the copy was half of its filter set's time (180 µs a request).
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.language = language or get_language() or settings.LANGUAGE_CODE
        self.known = {"category": crime_areas, "initiative": initiatives}

    @cached_property
    def filters(self):
        filters = copy.deepcopy(self.base_filters)
        for filter_ in filters.values():  # as BaseFilterSet.__init__ does
            filter_.model = self.queryset.model
            filter_.parent = self
        return filters

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name, items in self.known.items():
                form.fields[name].known = items
        return self._form

    @classmethod
    def _form_class(cls):
        if "_cached_form_class" not in cls.__dict__:
            # From copies: a filter keeps the field it made, and django-filter deep-copies
            # the class's filters for every filter set (half of that time was these fields).
            fields = {
                name: copy.deepcopy(filter_).field for name, filter_ in cls.base_filters.items()
            }
            cls._cached_form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
        return cls._cached_form_class

    def get_form_class(self):
        """The form class, made once: django-filter makes it (and its fields) again for every
        filter set, and the news list makes one a request. Its fields' labels are lazy, and a
        form copies its fields when it is made, so one class serves every language."""
        return self._form_class()

    @property
    def ignored_words(self):
        """The words typed in `q` that the search leaves out (see the module docstring)."""
        if not self.is_bound or not self.form.is_valid():
            return []
        return search_words(self.form.cleaned_data.get("q") or "")[1]

    def filter_words(self, queryset, name, value):
        """Every word must appear in the title or summary *as shown* (the fallback language's
        text for an article not available in the page's language): full-text search in that
        language on PostgreSQL, a plain match on SQLite (cyberwatch/search.py)."""
        words, _ignored = search_words(value)
        if not words:
            return queryset
        return queryset.filter(
            words_q(
                words,
                f"shown_language_{self.language}",
                language_codes(),
                connections[queryset.db].vendor,
                table=queryset.model._meta.db_table,
                fields=SEARCHED_FIELDS,
            )
        )

    def filter_language(self, queryset, name, value):
        return queryset.filter(**{f"available_{value}": True})

    def filter_category(self, queryset, name, value):
        if not value:
            return queryset
        return with_any_crime_area(queryset, value)

    def filter_initiative(self, queryset, name, value):
        return with_initiative(queryset, value) if value else queryset
