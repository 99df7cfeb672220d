from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import get_language
from django.views.generic import DetailView, View
from django.views.generic.base import TemplateResponseMixin
from django.views.generic.list import MultipleObjectMixin

from core.pages import TranslatedDetailMixin
from core.prepared import together
from core.slugs import PreviousSlugRedirectMixin
from crimes import public as crime_area_public
from initiatives import public as initiative_public

from . import listing, public
from .counts import tag_pks, tags_of
from .facets import active_filters, describe, news_facets, without_empty_values
from .filters import NewsFilterForm
from .models import Article

RELATED_ARTICLES = 3


def feed_query(params):
    """The query string of the feeds of the list's filters (`?language=fr`), without the page."""
    params = params.copy()
    params.pop("page", None)
    return f"?{params.urlencode()}" if params else ""


class ArticleListView(TemplateResponseMixin, MultipleObjectMixin, View):
    """Newest first, 20 a page, filtered; a bad filter value is a 400 with the error shown.
    Without words, the total, the facets and the seek to a deep page come from the stored
    counts; with words, from the matches (news/listing.py)."""

    paginate_by = 20
    template_name = "news/article_list.jinja"

    def get(self, request, *args, **kwargs):
        clean = without_empty_values(request.GET)
        if clean != request.GET:
            # A submitted form sends every field; share and cache the URL of what was chosen.
            return HttpResponseRedirect(
                f"{request.path}?{clean.urlencode()}" if clean else request.path
            )
        now, language = timezone.now(), get_language()
        crime_areas, initiatives = together(
            crime_area_public.crime_areas.later(), initiative_public.initiatives.later()
        )
        form = NewsFilterForm(request.GET or None, crime_areas=crime_areas, initiatives=initiatives)
        self.valid = not form.is_bound or form.is_valid()
        counts, self.object_list = None, Article.objects.none()
        if self.valid and form.words[0]:
            counts, self.object_list = listing.searched(
                form.words[0],
                form.query(),
                now,
                language,
                crime_areas,
                form.query(with_year=False),
                form.focus(),
            )
        elif self.valid:
            counts, self.object_list = listing.stored(
                form.query(), now, crime_areas, form.query(with_year=False), form.focus()
            )
        cleaned = form.cleaned_data if form.is_bound and self.valid else {}
        chosen = active_filters(cleaned, request.GET, request.path, crime_areas, language)
        context = self.get_context_data(
            form=form,
            facets=news_facets(counts, request.GET, crime_areas) if counts else None,
            active_filters=chosen,
            active_filters_named=describe(chosen) if chosen else "",
            filter_crime_areas=crime_areas,
            filter_initiatives=initiatives,
            chosen_categories=request.GET.getlist("category"),
            chosen_initiative=request.GET.get("initiative", ""),
            feed_query=feed_query(clean),
            # Filters, words or anything else but the page: not indexed (the plain list is).
            is_filtered=any(key != self.page_kwarg for key in request.GET),
        )
        if context.get("page_obj"):
            context["page_numbers"] = context["paginator"].get_elided_page_range(
                context["page_obj"].number, on_each_side=2, on_ends=1
            )
        return self.render_to_response(context, status=200 if self.valid else 400)

    def get_paginate_by(self, queryset):
        # With a bad filter there are no results to page through: the page is the 400.
        return self.paginate_by if self.valid else None


class ArticleDetailView(TranslatedDetailMixin, PreviousSlugRedirectMixin, DetailView):
    model = Article
    template_name = "news/article_detail.jinja"

    def get_queryset(self):
        # Its crime areas' and initiatives' pks come with the row; the crime areas and the
        # initiatives themselves (a handful each) serve its topics and the related cards.
        return self.public_or_preview(Article.objects).annotate(
            crime_area_pks=tag_pks(Article.crime_areas.through, "crimearea_id"),
            initiative_pks=tag_pks(Article.initiatives.through, "initiative_id"),
        )

    def get_public_object(self, slug):
        found = public.article(timezone.now(), slug)
        return found[0] if found else None

    def get_context_data(self, **kwargs):
        article = self.object
        now = timezone.now()
        area_pks = tags_of(article.crime_area_pks)
        initiative_pks = set(tags_of(article.initiative_pks))
        # Sent at once (core/prepared.py); related articles and initiatives when it has
        # crime areas and initiatives.
        queries = [crime_area_public.crime_areas.later()]
        if area_pks:
            queries.append(
                public.related_cards.later(
                    now, article.pk, tuple(area_pks), number=RELATED_ARTICLES
                )
            )
        if initiative_pks:
            queries.append(initiative_public.initiatives.later())
        results = together(*queries)
        crime_areas = results.pop(0)
        related = results.pop(0) if area_pks else []
        crime_area_public.with_crime_areas(related, crime_areas)
        return super().get_context_data(
            crime_areas=[area for area in crime_areas if area.pk in set(area_pks)],
            initiatives=(
                [item for item in results.pop(0) if item.pk in initiative_pks]
                if initiative_pks
                else []
            ),
            related_articles=related,
            **kwargs,
        )
