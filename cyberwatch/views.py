"""Site-wide views: the home page."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.views import defaults
from django.views.generic import TemplateView

from core.prepared import together
from crimes import public as crime_area_public
from initiatives import public as initiative_public
from news import public as news_public

from . import dashboard

LATEST_NEWS_ON_HOME = 6


class HomeView(TemplateView):
    template_name = "home.jinja"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        # Six queries that need nothing from each other: sent at once (core/prepared.py).
        areas, examples, latest, overview, initiatives, advice = together(
            crime_area_public.crime_areas.later(),
            crime_area_public.examples.later(),
            news_public.latest_cards.later(now, number=LATEST_NEWS_ON_HOME),
            crime_area_public.overview.later(),
            initiative_public.initiatives.later(),
            crime_area_public.advice.later(now),
        )
        crime_areas = crime_area_public.with_examples(areas, examples)
        return super().get_context_data(
            overview=overview,
            crime_areas=crime_areas,
            initiatives=initiative_public.tree(initiatives),
            latest_news=crime_area_public.with_crime_areas(latest, crime_areas),
            advice=advice,
            **kwargs,
        )


def page_not_found(request, exception):
    """The 404 page, in the public site's layout (templates/jinja2/404.jinja)."""
    return defaults.page_not_found(request, exception, template_name="404.jinja")


def translation_status(request):
    """The translation status page of the admin (`/admin/translations/`): per language and
    kind of content, the missing and outdated counts, linking to the filtered lists."""
    context = {
        **admin.site.each_context(request),
        "title": gettext("Translation status"),
        **dashboard.translation_status(request.user),
    }
    return TemplateResponse(request, "admin/translation_status.html", context)
