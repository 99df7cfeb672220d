from django.views.generic import DetailView, ListView

from cyberwatch.pages import TranslatedDetailMixin
from cyberwatch.slugs import PreviousSlugRedirectMixin
from news.models import Article

from .models import Initiative

RELATED_NEWS = 5


class InitiativeListView(ListView):
    """The initiatives as a tree: each top-level initiative with its parts under it."""

    def get_queryset(self):
        return Initiative.objects.tree()


class InitiativeDetailView(TranslatedDetailMixin, PreviousSlugRedirectMixin, DetailView):
    queryset = Initiative.objects.select_related("parent").prefetch_related("children")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            related_news=Article.objects.published()
            .filter(initiatives=self.object)
            .with_card_data()[:RELATED_NEWS],
            **kwargs,
        )
