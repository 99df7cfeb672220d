import functools

from django.db import connection
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import get_language
from django.views.generic import DetailView
from django_filters.views import FilterView

from crimes import public as crime_area_public
from cyberwatch.languages import language_codes
from cyberwatch.pages import TranslatedDetailMixin
from cyberwatch.prepared import together
from cyberwatch.search import search_words, word_texts
from cyberwatch.slugs import PreviousSlugRedirectMixin
from initiatives import public as initiative_public

from . import public
from .counts import (
    CountedArticles,
    SeekableArticles,
    archive_counts,
    count_filters,
    tag_pks,
    tags_of,
)
from .facets import active_filters, describe, fold_counted, news_facets, without_empty_values
from .filters import NewsFilter
from .models import SEARCHED_FIELDS, Article, ArticleCount

RELATED_ARTICLES = 3


class ArticleListView(FilterView):
    """Newest first, 20 a page, filtered; a bad filter value is a 400 with the error shown.

    Without words, the total, the facets and the seek to a deep page come from the
    precomputed counts (news/counts.py): the cost does not grow with the archive. With words,
    they are counted from the matches (full-text search on PostgreSQL)."""

    filterset_class = NewsFilter
    paginate_by = 20
    template_name = "news/article_list.jinja"

    def get_filterset_kwargs(self, filterset_class):
        # Not the page's queryset: only the words filter reads articles through the filter
        # set (see get()); building the queryset on every request cost a millisecond.
        return {
            "data": self.request.GET or None,
            "request": self.request,
            "queryset": Article.objects.all(),
            "language": get_language(),
            "crime_areas": self.crime_areas,
            "initiatives": self.initiatives,
        }

    def get(self, request, *args, **kwargs):
        clean = without_empty_values(request.GET)
        if clean != request.GET:
            # A submitted form sends every field; share and cache the URL of what was chosen.
            return HttpResponseRedirect(
                f"{request.path}?{clean.urlencode()}" if clean else request.path
            )
        self.now = timezone.now()
        self.crime_areas, self.initiatives = together(
            crime_area_public.crime_areas.later(), initiative_public.initiatives.later()
        )
        crime_areas = self.crime_areas
        self.filterset = self.get_filterset(self.get_filterset_class())
        self.valid = not self.filterset.is_bound or self.filterset.is_valid()
        cleaned = self.filterset.form.cleaned_data if self.filterset.is_bound and self.valid else {}
        counts = None
        if not self.valid:
            self.object_list = Article.objects.none()
        elif words := search_words(cleaned.get("q") or "")[0]:
            # The words' query, compiled once: the words are values (cyberwatch/search.py).
            texts = tuple(
                word_texts(words, language_codes(), connection.vendor, SEARCHED_FIELDS).values()
            )
            filters = count_filters(cleaned)
            values = (
                self.now,
                texts,
                filters.start,
                filters.end,
                filters.crime_areas,
                filters.initiative,
            )
            constants = {"language": filters.language, "page_language": get_language()}
            counts = fold_counted(public.word_counts(*values, **constants))

            def cards(start, stop):
                found = public.word_cards(*values, offset=start, stop=stop, **constants)
                return crime_area_public.with_crime_areas(found, self.crime_areas)

            self.object_list = CountedArticles(None, counts.total, fetch=cards)
        else:
            filters = count_filters(cleaned)
            counts = archive_counts(filters, self.now, Article, ArticleCount)
            self.object_list = SeekableArticles(
                None,  # the cards are read by self.cards(), compiled once
                counts,
                filters,
                self.now,
                Article,
                ArticleCount,
                fetch=functools.partial(self.cards, filters),
            )
        chosen = active_filters(cleaned, request.GET, request.path, crime_areas, get_language())
        context = self.get_context_data(
            filterset=self.filterset,
            object_list=self.object_list,
            facets=news_facets(counts, request.GET, crime_areas) if counts else None,
            active_filters=chosen,
            active_filters_named=describe(chosen) if chosen else "",
            filter_crime_areas=crime_areas,
            filter_initiatives=self.initiatives,
            chosen_categories=request.GET.getlist("category"),
            chosen_initiative=request.GET.get("initiative", ""),
        )
        if context.get("page_obj"):
            context["page_numbers"] = context["paginator"].get_elided_page_range(
                context["page_obj"].number, on_each_side=2, on_ends=1
            )
        return self.render_to_response(context, status=200 if self.valid else 400)

    def cards(self, filters, start, stop, before):
        cards = public.list_cards(
            self.now,
            filters.start,
            filters.end,
            filters.crime_areas,
            filters.initiative,
            before,
            language=filters.language,
            offset=start,
            stop=stop,
        )
        return crime_area_public.with_crime_areas(cards, self.crime_areas)

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
        # Sent at once (cyberwatch/prepared.py); related articles and initiatives when it has
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
