from django.http import HttpResponseRedirect
from django.utils.translation import get_language
from django.views.generic import DetailView
from django_filters.views import FilterView

from crimes.models import CrimeArea
from cyberwatch.pages import TranslatedDetailMixin
from cyberwatch.slugs import PreviousSlugRedirectMixin
from initiatives.models import Initiative

from .facets import active_filters, describe, news_facets, without_empty_values
from .filters import NewsFilter
from .models import Article

RELATED_ARTICLES = 3


class ArticleListView(FilterView):
    """Newest first, 20 a page, filtered; a bad filter value is a 400 with the error shown."""

    filterset_class = NewsFilter
    paginate_by = 20
    template_name = "news/article_list.html"

    def get_queryset(self):
        return Article.objects.published().with_display_language(get_language()).with_card_data()

    def get(self, request, *args, **kwargs):
        clean = without_empty_values(request.GET)
        if clean != request.GET:
            # A submitted form sends every field; share and cache the URL of what was chosen.
            return HttpResponseRedirect(
                f"{request.path}?{clean.urlencode()}" if clean else request.path
            )
        self.filterset = self.get_filterset(self.get_filterset_class())
        self.valid = not self.filterset.is_bound or self.filterset.is_valid()
        self.object_list = self.filterset.qs if self.valid else self.filterset.queryset.none()
        crime_areas = list(CrimeArea.objects.all())
        language = get_language()
        chosen = (
            active_filters(
                self.filterset.form.cleaned_data, request.GET, request.path, crime_areas, language
            )
            if self.valid and self.filterset.is_bound
            else []
        )
        context = self.get_context_data(
            filterset=self.filterset,
            object_list=self.object_list,
            facets=news_facets(self.object_list, request.GET, crime_areas) if self.valid else None,
            active_filters=chosen,
            active_filters_named=describe(chosen) if chosen else "",
            filter_crime_areas=crime_areas,
            filter_initiatives=Initiative.objects.all(),
            chosen_categories=request.GET.getlist("category"),
            chosen_initiative=request.GET.get("initiative", ""),
        )
        return self.render_to_response(context, status=200 if self.valid else 400)

    def get_paginate_by(self, queryset):
        # With a bad filter there are no results to page through: the page is the 400.
        return self.paginate_by if self.valid else None


class ArticleDetailView(TranslatedDetailMixin, PreviousSlugRedirectMixin, DetailView):
    def get_queryset(self):
        return self.public_or_preview(Article.objects).prefetch_related(
            "crime_areas", "initiatives"
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            related_articles=self.object.related_articles()[:RELATED_ARTICLES], **kwargs
        )
