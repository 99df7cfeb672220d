"""Declared seams between the apps: what one app offers another without the other importing
it. The app that offers sets the seam up when it is ready (its AppConfig.ready()); the one that
asks reads it, and an unset seam is a clear error, not a silent nothing.

- `related_news`: the newest public news cards of a crime area or an initiative, a compiled
  query (`Prepared`: call it, or `.later()` it for `together()`) taking `(now, pk)` and the
  constants `tag` ("crime_areas" or "initiatives") and `number`. Set by the news app
  (news/apps.py); read by the crime area and initiative pages, which never import news.
"""

from django.core.exceptions import ImproperlyConfigured


class Seam:
    def __init__(self, name):
        self.name = name
        self.implementation = None

    def provide(self, implementation):
        self.implementation = implementation

    def get(self):
        if self.implementation is None:
            raise ImproperlyConfigured(f"Nothing provides {self.name!r}: is its app installed?")
        return self.implementation


related_news = Seam("related_news")
