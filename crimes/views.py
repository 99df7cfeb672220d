from django.utils import timezone
from django.views.generic import DetailView, TemplateView

from core import seams
from core.pages import TranslatedDetailMixin
from core.prepared import together
from core.slugs import PreviousSlugRedirectMixin

from . import public
from .models import Advice, CrimeArea

RELATED_NEWS = 5


class CrimeAreaListView(TemplateView):
    template_name = "crimes/crimearea_list.jinja"

    def get_context_data(self, **kwargs):
        return super().get_context_data(object_list=public.crime_area_cards(), **kwargs)


class CrimeAreaDetailView(TranslatedDetailMixin, PreviousSlugRedirectMixin, DetailView):
    model = CrimeArea
    queryset = CrimeArea.objects.published()
    template_name = "crimes/crimearea_detail.jinja"

    def get_public_object(self, slug):
        # The crime areas are a handful of rows, which the page's cards read anyway.
        self.crime_areas = public.crime_area_cards()
        return next((area for area in self.crime_areas if area.slug == slug), None)

    def get_context_data(self, **kwargs):
        now = timezone.now()
        area = self.object
        crime_areas = self.crime_areas  # a crime area is public whole: always read by slug here
        # Related news comes through the reverse relation: this app never imports `news`.
        news, advice = together(
            seams.related_news.get().later(now, area.pk, tag="crime_areas", number=RELATED_NEWS),
            public.advice_of.later(now, area.pk),
        )
        return super().get_context_data(
            advice=advice,
            related_news=public.with_crime_areas(news, crime_areas),
            **kwargs,
        )


class AdviceListView(TemplateView):
    """Every public advice page, newest first (a handful: one query, no pages)."""

    template_name = "crimes/advice_list.jinja"

    def get_context_data(self, **kwargs):
        return super().get_context_data(object_list=public.advice(timezone.now()), **kwargs)


class AdviceDetailView(TranslatedDetailMixin, PreviousSlugRedirectMixin, DetailView):
    model = Advice
    template_name = "crimes/advice_detail.jinja"

    def get_queryset(self):
        return self.public_or_preview(Advice.objects).prefetch_related("crime_areas")
