"""Site-wide views: the language redirect at `/` and the home page."""

from django.shortcuts import redirect
from django.utils import translation
from django.views.generic import TemplateView

from crimes.models import Advice, CrimeArea, OverviewSection
from initiatives.models import Initiative
from news.models import Article

LATEST_NEWS_ON_HOME = 6


def choose_language(request):
    """`/` → `/<lang>/`: the language cookie, then Accept-Language, then English."""
    language = translation.get_language_from_request(request, check_path=False)
    return redirect(f"/{language}/")


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            overview=OverviewSection.objects.all(),
            crime_areas=CrimeArea.objects.with_card_data(),
            initiatives=Initiative.objects.tree(),
            latest_news=Article.objects.published().with_card_data()[:LATEST_NEWS_ON_HOME],
            advice=Advice.objects.published(),
            **kwargs,
        )
