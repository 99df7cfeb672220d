from django.views.generic import DetailView, ListView

from cyberwatch.pages import TranslatedDetailMixin
from cyberwatch.slugs import PreviousSlugRedirectMixin
from news.models import Article

from .models import Advice, CrimeArea

RELATED_NEWS = 5


class CrimeAreaListView(ListView):
    queryset = CrimeArea.objects.with_card_data()


class CrimeAreaDetailView(TranslatedDetailMixin, PreviousSlugRedirectMixin, DetailView):
    queryset = CrimeArea.objects.with_card_data()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            advice=Advice.objects.published().filter(crime_areas=self.object),
            related_news=Article.objects.published()
            .filter(crime_areas=self.object)
            .with_card_data()[:RELATED_NEWS],
            **kwargs,
        )


class AdviceDetailView(TranslatedDetailMixin, PreviousSlugRedirectMixin, DetailView):
    model = Advice

    def get_queryset(self):
        return self.public_or_preview(Advice.objects).prefetch_related("crime_areas")
