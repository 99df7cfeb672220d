"""Site-wide views: the home page."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.views import defaults
from django.views.generic import TemplateView

from crimes.models import Advice, CrimeArea, OverviewSection
from initiatives.models import Initiative
from news.models import Article

from . import dashboard

LATEST_NEWS_ON_HOME = 6


class HomeView(TemplateView):
    template_name = "home.jinja"

    def get_context_data(self, **kwargs):
        crime_areas = list(CrimeArea.objects.published().with_card_data())
        return super().get_context_data(
            overview=OverviewSection.objects.published(),
            crime_areas=crime_areas,
            initiatives=Initiative.objects.published().tree(),
            latest_news=Article.objects.published().with_card_data(crime_areas)[
                :LATEST_NEWS_ON_HOME
            ],
            advice=Advice.objects.published(),
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
