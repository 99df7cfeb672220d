"""Caching of the public pages: in the shared cache for anonymous visitors, and over HTTP.

`PublicPageCaching` (one middleware, near the top of MIDDLEWARE) decides it all for the public
pages, those under a language prefix (`/en/`, `/ar/news/…`; feeds too) and the sitemap's, read
with GET or HEAD:

- *Anonymous visitors* (no session cookie) get the page from the shared cache (Redis on several
  servers) when it was rendered for the content's current version (core/content_version.py)
  and before its next scheduled change; else it is rendered and kept. One round trip to the
  cache a request, or none: each process also keeps the pages it served in its own memory
  (`LocalPages`, at most PAGE_CACHE_LOCAL_BYTES), and serves one of them without asking while
  its copy of the version stands (`content_version.trusted()`). The key is the host, the
  scheme, the path and the query string with its parameters in order; a query string longer
  than `MAX_QUERY_LENGTH` is served, not kept (the words filter is kept, within that bound).
  Only complete 200 answers without a cookie are kept.
- Their answers say `Cache-Control: public, max-age=PUBLIC_MAX_AGE` (no longer than until the
  next scheduled change), carry an `ETag`, and a request with a matching `If-None-Match` gets a
  304. `Vary: Cookie`: a signed-in person's page is not the visitor's.
- *Signed-in staff* always get a page rendered now, `Cache-Control: private, no-store`; so do
  previews (core/pages.py sets it).

`CACHE_URL=dummycache://` or `PAGE_CACHE_SECONDS=0` turns the page cache off; the HTTP headers
stay.
"""

import dataclasses
import functools
import hashlib
import re
import threading
from pathlib import Path

import cachetools
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag

from core import content_version
from core.cache import is_shared_cache_off
from core.languages import language_codes
from core.outage import DATABASE_UNAVAILABLE, logged_unavailable

MAX_QUERY_LENGTH = 200  # characters of query string a kept page may have
PRIVATE = "private, no-store"


@dataclasses.dataclass(frozen=True)
class Kept:
    """A rendered page as the shared cache holds it: the content version it was rendered for,
    until when it may be served (a timestamp), its status, headers and body."""

    version: str
    until: float
    status: int
    headers: tuple
    content: bytes

    @classmethod
    def of(cls, response, version, until):
        return cls(version, until, response.status_code, tuple(response.items()), response.content)

    def hit(self):
        """The kept page, as a response saying it came from the cache."""
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        response["X-Cache"] = "hit"
        return response


class LocalPages:
    """Kept pages in this process's memory, the least recently served dropped first past
    `max_bytes` of content; good for the version they were rendered for, like the shared
    cache's."""

    def __init__(self, max_bytes):
        self.pages = cachetools.LRUCache(max_bytes, getsizeof=lambda kept: len(kept.content) + 1)
        self.lock = threading.Lock()

    def get(self, key, version, now):
        with self.lock:
            kept = self.pages.get(key)
        if kept is not None and kept.version == version and now < kept.until:
            return kept
        return None

    def keep(self, key, kept):
        if len(kept.content) < self.pages.maxsize:
            with self.lock:
                self.pages[key] = kept


@functools.cache
def public_path():
    """The public pages' paths: those under a language prefix, and the sitemap's
    (cyberwatch/sitemaps.py), which lists them and changes when they do."""
    prefixes = "|".join(map(re.escape, language_codes()))
    return re.compile(rf"/(?:(?:{prefixes})/|sitemap(?:-[-\w]+)?\.xml$)")


def is_public(request):
    return request.method in ("GET", "HEAD") and public_path().match(request.path_info)


def may_be_signed_in(request):
    """A session cookie: perhaps staff. Deciding it for sure would read the session; a visitor
    never gets one from the public pages."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


@functools.cache
def release():
    """What the code, templates, catalogues and static files' names were when the process
    started (`RELEASE` in the environment, else a digest of the files): pages kept by
    servers of another release are never served by this one, during a rolling deployment."""
    if settings.RELEASE:
        return settings.RELEASE
    digest = hashlib.sha1(usedforsecurity=False)
    root = Path(settings.BASE_DIR)
    folders = ["core", "cyberwatch", "crimes", "initiatives", "news", "templates", "locale"]
    for folder in folders:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in {".py", ".jinja", ".html", ".mo", ".json"}:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def page_key(request):
    """The shared cache's key of the page `request` asks for; None when it is not to be kept."""
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY_LENGTH:
        return None
    parameters = sorted(request.GET.lists())
    address = repr((request.get_host(), request.scheme, request.path, parameters))
    digest = hashlib.sha1(address.encode(), usedforsecurity=False).hexdigest()
    return f"page:{release()}:{digest}"


def keepable(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "Cache-Control" not in response
    )


def public_cache_control(until, now):
    """`public, max-age=…`: PUBLIC_MAX_AGE, or less when a scheduled change comes sooner."""
    max_age = settings.PUBLIC_MAX_AGE
    if until is not None:
        max_age = min(max_age, content_version.seconds_until(until, now))
    return f"public, max-age={max_age}"


class PublicPageCaching:
    """The page cache and the HTTP caching headers of the public pages (module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.keeps_pages = settings.PAGE_CACHE_SECONDS > 0 and not is_shared_cache_off()
        self.local = LocalPages(settings.PAGE_CACHE_LOCAL_BYTES)

    def __call__(self, request):
        if not is_public(request):
            return self.get_response(request)
        until = None
        key = self.keeps_pages and not may_be_signed_in(request) and page_key(request)
        if key and (kept := self.local_page(key)):
            return self.with_headers(request, kept.hit(), kept.until)
        try:
            current = content_version.current(key) if key else None
        except DATABASE_UNAVAILABLE as error:
            return self.unavailable(request, error)
        if current is None:
            response = self.get_response(request)
        else:
            response, until = self.kept_or_rendered(request, key, current)
        return self.with_headers(request, response, until)

    @staticmethod
    def unavailable(request, error):
        """The database is down, and the next scheduled moment was to be read from it: the 503
        page, in the page's language (LocaleMiddleware, which would activate it, comes later),
        without a second wait for the database in the view. Pages kept are served meanwhile
        as long as that moment is known."""
        with translation.override(translation.get_language_from_path(request.path_info)):
            return logged_unavailable(request, error)

    def local_page(self, key):
        """The page this process keeps for `key`, if it may be served without asking."""
        now = timezone.now().timestamp()
        current = content_version.trusted(now)
        return current and self.local.get(key, current.version, now)

    def kept_or_rendered(self, request, key, current):
        """The kept page if it is still good, else the page rendered now (and kept)."""
        now = timezone.now().timestamp()
        kept = current.entries.get(key)
        if kept is not None and kept.version == current.version and now < kept.until:
            self.local.keep(key, kept)
            return kept.hit(), kept.until
        response = self.get_response(request)
        until = now + settings.PAGE_CACHE_SECONDS
        if current.until is not None:
            until = min(until, current.until)
        if request.method == "GET" and keepable(response):
            set_response_etag(response)
            kept = Kept.of(response, current.version, until)
            cache.set(key, kept, settings.PAGE_CACHE_SECONDS)
            self.local.keep(key, kept)
        response["X-Cache"] = "miss"
        return response, current.until

    def with_headers(self, request, response, until):
        user = getattr(request, "user", None)  # not there when the page came from the cache
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = PRIVATE
        elif response.status_code == 200 and "Cache-Control" not in response:
            response["Cache-Control"] = public_cache_control(until, timezone.now().timestamp())
            if not response.streaming and not response.has_header("ETag"):
                set_response_etag(response)
        patch_vary_headers(response, ("Cookie",))
        if response.status_code == 200 and response.has_header("ETag"):
            return (
                get_conditional_response(request, etag=response["ETag"], response=response)
                or response
            )
        return response
