"""Site-wide views: the home page and the site search."""

from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.generic import TemplateView

from core.prepared import together
from core.search import MAX_WORDS, search_words, words_field
from crimes import public as crime_area_public
from initiatives import public as initiative_public
from news import public as news_public

from . import dashboard, search

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


class SearchForm(forms.Form):
    q = words_field(_("Search the site"))


class SearchView(TemplateView):
    """`/<lang>/search/?q=`: advice, crime areas and initiatives first, then the news, 20 a
    page (cyberwatch/search.py). No words: a page that says what can be searched. Words past
    the cap are named, as on the news list; a query too long is a 400; a page number past the
    end, or not a number, a 404."""

    template_name = "search.jinja"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        form = SearchForm(request.GET)
        valid = form.is_valid()
        words, ignored = search_words(form.cleaned_data["q"]) if valid else ([], [])
        context = self.get_context_data(
            form=form, words=words, ignored_words=ignored, max_words=MAX_WORDS
        )
        if words:
            context.update(self.results(words, request.GET.get("page") or 1))
        return self.render_to_response(context, status=200 if valid else 400)

    def results(self, words, page_number):
        now, language = timezone.now(), get_language()
        pages, crime_areas = search.found_pages(words, language, now)
        paginator, page = search.found_articles(
            words, language, now, crime_areas, page_number, self.paginate_by
        )
        return {
            # The pages are few: all of them, before the first page of news.
            "found_pages": pages if page.number == 1 else [],
            "total": len(pages) + paginator.count,
            "paginator": paginator,
            "page_obj": page,
            "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        }


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
