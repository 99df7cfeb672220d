"""Site-wide views: the home page."""

from django.views.generic import TemplateView

from crimes.models import Advice, CrimeArea, OverviewSection
from initiatives.models import Initiative
from news.models import Article

LATEST_NEWS_ON_HOME = 6


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            overview=OverviewSection.objects.published(),
            crime_areas=CrimeArea.objects.published().with_card_data(),
            initiatives=Initiative.objects.published().tree(),
            latest_news=Article.objects.published().with_card_data()[:LATEST_NEWS_ON_HOME],
            advice=Advice.objects.published(),
            **kwargs,
        )
