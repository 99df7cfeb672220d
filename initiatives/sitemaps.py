"""The initiatives in the sitemap (core/sitemaps.py): a handful of rows, read as their pages
read them. No lastmod: an initiative keeps no time of its last change."""

from core.sitemaps import TranslatedSitemap

from . import public


class InitiativeSitemap(TranslatedSitemap):
    url_name = "initiatives:initiative_detail"

    def items(self):
        return public.initiatives()
