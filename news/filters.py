"""The news list's filters (SPEC §5). A value that does not parse or names nothing is a form
error, which the view turns into HTTP 400 with the message at its field."""

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crimes.models import CrimeArea
from cyberwatch.languages import available_in_q
from initiatives.models import Initiative

from .models import Article

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
    category = django_filters.ModelMultipleChoiceFilter(
        label=_("Crime area"),
        queryset=CrimeArea.objects.all(),
        to_field_name="slug",
        method="filter_category",
    )
    initiative = django_filters.ModelChoiceFilter(
        label=_("Initiative"),
        queryset=Initiative.objects.all(),
        to_field_name="slug",
        field_name="initiatives",
    )

    class Meta:
        model = Article
        form = NewsFilterForm
        fields = []

    def filter_words(self, queryset, name, value):
        """Every word must appear in the title or summary *as shown* (the fallback language's
        text for an article not available in the page's language)."""
        for word in value.split():
            queryset = queryset.filter(
                Q(shown_title__icontains=word) | Q(shown_summary__icontains=word)
            )
        return queryset

    def filter_language(self, queryset, name, value):
        return queryset.filter(available_in_q(Article, value))

    def filter_category(self, queryset, name, value):
        if not value:
            return queryset
        tagged = Article.crime_areas.through.objects.filter(crimearea__in=value)
        return queryset.filter(pk__in=tagged.values("article_id"))
