from django.views.generic import DetailView, ListView

from cyberwatch.pages import TranslatedDetailMixin
from cyberwatch.slugs import PreviousSlugRedirectMixin

from .models import Advice, CrimeArea

RELATED_NEWS = 5


class CrimeAreaListView(ListView):
    queryset = CrimeArea.objects.published().with_card_data()
    template_name = "crimes/crimearea_list.jinja"


class CrimeAreaDetailView(TranslatedDetailMixin, PreviousSlugRedirectMixin, DetailView):
    queryset = CrimeArea.objects.published().with_card_data()
    template_name = "crimes/crimearea_detail.jinja"

    def get_context_data(self, **kwargs):
        # Related news comes through the reverse relation: this app never imports `news`.
        return super().get_context_data(
            advice=self.object.advice.published(),
            related_news=self.object.articles.published().with_card_data()[:RELATED_NEWS],
            **kwargs,
        )


class AdviceDetailView(TranslatedDetailMixin, PreviousSlugRedirectMixin, DetailView):
    model = Advice
    template_name = "crimes/advice_detail.jinja"

    def get_queryset(self):
        return self.public_or_preview(Advice.objects).prefetch_related("crime_areas")
