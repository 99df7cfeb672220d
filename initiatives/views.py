from django.utils import timezone
from django.views.generic import DetailView, TemplateView

from core import seams
from core.pages import TranslatedDetailMixin
from core.prepared import together
from core.slugs import PreviousSlugRedirectMixin
from crimes import public as crime_area_public

from . import public
from .models import Initiative

RELATED_NEWS = 5


class InitiativeListView(TemplateView):
    """The initiatives as a tree: each top-level initiative with its parts under it."""

    template_name = "initiatives/initiative_list.jinja"

    def get_context_data(self, **kwargs):
        return super().get_context_data(object_list=public.tree(public.initiatives()), **kwargs)


class InitiativeDetailView(TranslatedDetailMixin, PreviousSlugRedirectMixin, DetailView):
    model = Initiative
    queryset = Initiative.objects.published()
    template_name = "initiatives/initiative_detail.jinja"

    def get_public_object(self, slug):
        # The initiatives are a handful of rows: its parent and parts come from them too.
        self.initiatives = public.initiatives()
        return next((item for item in self.initiatives if item.slug == slug), None)

    def get_context_data(self, **kwargs):
        initiative = self.object
        items = self.initiatives  # an initiative is public whole: always read by slug here
        # Related news comes through the reverse relation: this app never imports `news`.
        news, crime_areas = together(
            seams.related_news.get().later(
                timezone.now(), initiative.pk, tag="initiatives", number=RELATED_NEWS
            ),
            crime_area_public.crime_areas.later(),
        )
        return super().get_context_data(
            parent=next((item for item in items if item.pk == initiative.parent_id), None),
            parts=[item for item in items if item.parent_id == initiative.pk],
            related_news=crime_area_public.with_crime_areas(news, crime_areas),
            **kwargs,
        )
