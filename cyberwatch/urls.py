"""Root URLs. The public site lives under a language prefix; for `/` (and any other address
missing one) LocaleMiddleware redirects to the visitor's language: the cookie, then
Accept-Language, then English, with `Vary: Accept-Language, Cookie`."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from core import admin_language

from . import health, media, robots, sitemaps, views

# A database outage is a 503 with Retry-After, any other uncaught error Django's 500 page.
handler500 = "core.outage.server_error"
handler404 = "cyberwatch.views.page_not_found"

urlpatterns = [
    path(
        "admin/language/",
        admin_language.set_admin_language,
        name="set_admin_language",
    ),
    path(
        "admin/translations/",
        admin.site.admin_view(views.translation_status),
        name="translation_status",
    ),
    path("admin/", admin.site.urls),
    path("health/", health.health, name="health"),
    path("robots.txt", robots.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.index, name="sitemap_index"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap_section"),
]

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("crimes/", include("crimes.urls")),
    path("advice/", include("crimes.advice_urls")),
    path("initiatives/", include("initiatives.urls")),
    path("news/", include("news.urls")),
    path("search/", views.SearchView.as_view(), name="search"),
    prefix_default_language=True,
)

# Uploaded images from MEDIA_ROOT, DEBUG on or off (cyberwatch/media.py); none when MEDIA_URL is
# another host's.
if not urlsplit(settings.MEDIA_URL).netloc:
    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns.append(re_path(rf"^{media_prefix}(?P<path>.+)$", media.serve, name="media"))
