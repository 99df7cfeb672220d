"""The news feeds, with Django's syndication framework: RSS 2.0 at `/<lang>/news/feed/` and Atom
1.0 at `/<lang>/news/feed/atom/`, the latest `LATEST` published articles, newest first.

A feed takes the news list's filters (`language`, `category`, `initiative`, `year`, `month`,
the dates and `q`), checked by the list's own form and applied by its own queries
(news/listing.py): a feed reader subscribed to a filtered list gets what that list shows. A
bad value is a 400 naming it. Titles and summaries are in the feed's language, each in the
first language the article is available in (core/languages.py) when not in that one; links
are absolute; the article's crime areas are its categories.

Fast without a cache (in-process, 7.7 -> about 3 ms a request): the items are read as dicts of
what an entry shows (`ArticleQuerySet.entries()`), not articles; the XML is written as one
string (core/syndication.py: Django's documented way to a custom feed generator), the document
Django's writers give; and `get_feed()` adds the items without Django's `_get_dynamic_attr()`,
which inspects a method's signature for each of some fifteen attributes of each item.

That `get_feed()` replaces `Feed.get_feed()`, which Django does not document, and uses
`django.contrib.syndication.views.add_domain()` as Django's does: with the setting
`FAST_FEEDS` off (`FAST_FEEDS=0`, read on every request) the feed is Django's own
`Feed.get_feed()` reading the `item_*` methods below, and tests/test_feeds.py checks that both
give the same document."""

import dataclasses
import datetime
import html

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import get_language, gettext

from core import syndication
from core.links import slug_url, slug_urls
from core.prepared import together
from crimes import public as crime_area_public
from initiatives import public as initiative_public

from . import listing
from .facets import active_filters, describe, without_empty_values
from .filters import NewsFilterForm
from .models import Article

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

    feed_type = syndication.Rss201rev2Feed

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
        # The initiatives are read only to check an `initiative` filter: a query less for most.
        if "initiative" in params:
            crime_areas, initiatives = together(
                crime_area_public.crime_areas.later(), initiative_public.initiatives.later()
            )
        else:
            crime_areas, initiatives = crime_area_public.crime_areas(), ()
        form = NewsFilterForm(params or None, crime_areas=crime_areas, initiatives=initiatives)
        if form.is_bound and not form.is_valid():
            raise BadFilters(form)
        language = get_language()
        cleaned = form.cleaned_data if form.is_bound else {}
        chosen = active_filters(cleaned, params, request.path, crime_areas, language)
        # describe() gives HTML (for the page's heading): the feed's title is text.
        named = html.unescape(strip_tags(describe(chosen))) if chosen else ""
        query = params.urlencode()
        address = request.path + (f"?{query}" if query else "")
        return Chosen(form, params, language, timezone.now(), crime_areas, named, address)

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

    def author_name(self, chosen):
        # Atom requires an author of the feed when its entries have none (RSS: not written).
        return gettext("CyberWatch")

    def subtitle(self, chosen):
        return None  # RSS has none: its description

    def items(self, chosen):
        """The entries (ArticleQuerySet.entries()), each with its public crime areas as
        `crime_areas`."""
        words, _ignored = chosen.form.words
        entries = listing.latest(words, chosen.form.query(), chosen.now, chosen.language, LATEST)
        areas_of = crime_area_public.crime_areas_of(chosen.crime_areas)
        for entry in entries:
            entry["crime_areas"] = areas_of(entry["card_area_pks"])
        return entries

    def item_title(self, entry):
        return entry["shown_title"] or ""

    def item_description(self, entry):
        return entry["shown_summary"] or ""

    def item_link(self, entry):
        return slug_url(Article.url_name, entry["slug"])

    def item_pubdate(self, entry):
        return entry["published_at"]

    def item_updateddate(self, entry):
        # Atom requires an entry's `updated`; an article edited before it was published was
        # updated, for its readers, when it was published.
        return max(entry["published_at"], entry["updated_at"])

    def item_categories(self, entry):
        language = get_language()
        return [area.shown_in(language).name for area in entry["crime_areas"]]

    def get_feed(self, chosen, request):
        """Django's `Feed.get_feed()` for this feed, with what is the same for every item
        worked out once (the module's docstring): the feed and item arguments Django's would
        give, from the methods above, the links made absolute by Django's `add_domain()`
        and the items' guids their links (Django's default)."""
        if not settings.FAST_FEEDS:
            return super().get_feed(chosen, request)
        language = chosen.language
        site = add_domain(get_current_site(request).domain, "", request.is_secure())
        feed = self.feed_type(
            title=self.title(chosen),
            subtitle=self.subtitle(chosen),
            link=site + self.link(chosen),
            description=self.description(chosen),
            language=language,
            feed_url=site + self.feed_url(chosen),
            author_name=self.author_name(chosen),
        )
        link_of = slug_urls(Article.url_name)  # item_link(), its URL reversed once
        names = {area.pk: area.shown_in(language).name for area in chosen.crime_areas}
        for entry in self.items(chosen):
            link = site + link_of(entry["slug"])
            feed.add_item(
                title=self.item_title(entry),
                link=link,
                description=self.item_description(entry),
                unique_id=link,
                pubdate=self.item_pubdate(entry),
                updateddate=self.item_updateddate(entry),
                categories=[names[area.pk] for area in entry["crime_areas"]],  # item_categories()
            )
        return feed


class AtomNewsFeed(NewsFeed):
    """Atom 1.0: the same feed."""

    feed_type = syndication.Atom1Feed

    def subtitle(self, chosen):
        return self.description(chosen)
