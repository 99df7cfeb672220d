from django.views.generic import DetailView, ListView

from cyberwatch.pages import TranslatedDetailMixin
from cyberwatch.slugs import PreviousSlugRedirectMixin

from .models import Initiative

RELATED_NEWS = 5


class InitiativeListView(ListView):
    """The initiatives as a tree: each top-level initiative with its parts under it."""

    template_name = "initiatives/initiative_list.jinja"

    def get_queryset(self):
        return Initiative.objects.published().tree()


class InitiativeDetailView(TranslatedDetailMixin, PreviousSlugRedirectMixin, DetailView):
    queryset = Initiative.objects.published().select_related("parent").prefetch_related("children")
    template_name = "initiatives/initiative_detail.jinja"

    def get_context_data(self, **kwargs):
        # Related news comes through the reverse relation: this app never imports `news`.
        return super().get_context_data(
            related_news=self.object.articles.published().with_card_data()[:RELATED_NEWS],
            **kwargs,
        )
