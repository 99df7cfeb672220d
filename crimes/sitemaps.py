"""The crime areas and the advice in the sitemap (core/sitemaps.py): a handful of rows each,
read as their pages read them."""

from core.sitemaps import TranslatedSitemap

from . import public


class CrimeAreaSitemap(TranslatedSitemap):
    url_name = "crimes:crimearea_detail"

    def items(self):
        return public.crime_areas()


class AdviceSitemap(TranslatedSitemap):
    url_name = "advice:advice_detail"

    def items(self):
        return public.advice(self.now)

    def lastmod(self, advice):
        # A scheduled page appears without a save: its publication is a change too.
        return max(advice.updated_at, advice.published_at)
