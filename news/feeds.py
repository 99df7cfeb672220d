"""The news feeds, with Django's syndication framework: RSS 2.0 at `/<lang>/news/feed/` and Atom
1.0 at `/<lang>/news/feed/atom/`, the latest `LATEST` published articles, newest first.

A feed takes the news list's filters (`language`, `category`, `initiative`, `year`, `month`,
the dates and `q`), checked by the list's own form and applied by its own queries
(news/listing.py): a feed reader subscribed to a filtered list gets what that list shows. A
bad value is a 400 naming it. Titles and summaries are in the feed's language, each in the
first language the article is available in (core/languages.py) when not in that one; links
are absolute; the article's crime areas are its categories."""

import dataclasses
import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import get_language, gettext

from core.prepared import together
from crimes import public as crime_area_public
from initiatives import public as initiative_public

from . import listing
from .facets import active_filters, describe, without_empty_values
from .filters import NewsFilterForm

LATEST = 50


class BadFilters(Exception):
    def __init__(self, form):
        self.form = form


@dataclasses.dataclass(frozen=True)
class Chosen:
    """What a feed request asks for: its valid filters, in the request's language."""

    form: NewsFilterForm
    params: object  # the request's parameters, without empty ones
    language: str
    now: datetime.datetime
    crime_areas: list
    named: str  # the filters, named ("" for none)
    address: str  # the feed's own path, with its filters


class NewsFeed(Feed):
    """RSS 2.0 (module docstring)."""

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except BadFilters as bad:
            errors = [
                f"{name}: {error}"
                for name, messages in bad.form.errors.items()
                for error in messages
            ]
            return HttpResponseBadRequest(
                "\n".join([gettext("Some filters could not be applied."), *errors]) + "\n",
                content_type="text/plain; charset=utf-8",
            )

    def get_object(self, request, *args, **kwargs):
        params = without_empty_values(request.GET)
        crime_areas, initiatives = together(
            crime_area_public.crime_areas.later(), initiative_public.initiatives.later()
        )
        form = NewsFilterForm(params or None, crime_areas=crime_areas, initiatives=initiatives)
        if form.is_bound and not form.is_valid():
            raise BadFilters(form)
        language = get_language()
        cleaned = form.cleaned_data if form.is_bound else {}
        chosen = active_filters(cleaned, params, request.path, crime_areas, language)
        named = describe(chosen) if chosen else ""
        query = params.urlencode()
        address = request.path + (f"?{query}" if query else "")
        return Chosen(
            form, params, language, timezone.now(), crime_areas, strip_tags(named), address
        )

    def title(self, chosen):
        if chosen.named:
            return gettext("CyberWatch news: %(filters)s") % {"filters": chosen.named}
        return gettext("CyberWatch news")

    def link(self, chosen):
        query = chosen.params.urlencode()
        return reverse("news:article_list") + (f"?{query}" if query else "")

    def description(self, chosen):
        return gettext("The latest news from CyberWatch, newest first.")

    def feed_url(self, chosen):
        # Django's default is the request's path: a filtered feed's own link would lose them.
        return chosen.address

    def items(self, chosen):
        words, _ignored = chosen.form.words
        return listing.latest(
            words, chosen.form.query(), chosen.now, chosen.language, chosen.crime_areas, LATEST
        )

    def item_title(self, article):
        return article.shown_in(get_language()).title

    def item_description(self, article):
        return article.shown_in(get_language()).summary

    def item_link(self, article):
        return article.get_absolute_url()

    def item_pubdate(self, article):
        return article.published_at

    def item_categories(self, article):
        language = get_language()
        return [area.shown_in(language).name for area in article.card_crime_areas]


class AtomNewsFeed(NewsFeed):
    """Atom 1.0: the same feed."""

    feed_type = Atom1Feed
    subtitle = NewsFeed.description
