"""The public site's templates: Jinja2 through Django's own backend (templates/jinja2/).

Django's template language cost most of a public page's time (the news list was two thirds
template rendering, mostly includes and tag lookups); Jinja2 compiles a template to Python once.
The admin keeps Django's templates. What the templates need from Django is here: translations
(`_()`, `ngettext()`, extracted by `manage.py makemessages`, see core/management), URLs,
static files, localised dates, the fallback rule and rich text.
"""

import dataclasses
import datetime
import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.backends import jinja2 as django_jinja2
from django.templatetags.static import static
from django.test.signals import template_rendered
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse, translate_url
from django.utils import formats, timezone
from django.utils.encoding import iri_to_uri
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import (
    get_language,
    get_language_bidi,
    get_language_info,
    gettext,
    ngettext,
    override,
    trans_real,
)
from jinja2 import Environment
from markupsafe import Markup

from .languages import text_direction, x_default_language
from .links import slug_urls
from .sanitising import clean_html
from .sharing import json_ld, news_article, open_graph_locale, plain_description


@functools.lru_cache(maxsize=4096)
def _day(day, language):
    return formats.date_format(day, "DATE_FORMAT", use_l10n=True)


def time_tag(moment):
    """`<time datetime="…">` with the moment's date in the active language's format."""
    return _time_tag(moment, timezone.get_current_timezone(), get_language())


def _time_tag(moment, zone, language):
    if not moment:
        return Markup("<time></time>")
    local = localtime(moment, zone)  # once, for both: each card has one
    day = local.date() if isinstance(local, datetime.datetime) else local
    # An ISO date and a date's text, neither of which has a quote to escape: markupsafe's
    # escaping is Django's there, at a fraction of format_html()'s cost.
    return Markup('<time datetime="%s">%s</time>') % (local.isoformat(), _day(day, language))


def language_badge(shown):
    """The badge of an item shown in another language than the page's (empty otherwise)."""
    if not shown.is_fallback:
        return ""
    return _badge(shown.language, shown.requested)


@functools.lru_cache(maxsize=64)
def _badge(language, requested):
    # The same few on every page: made once per pair of languages.
    with override(requested):
        name = get_language_info(language)["name_translated"]
        return format_html(
            '<span class="language-badge" title="{}"><span class="visually-hidden">{} </span>'
            "{}</span>",
            gettext("Not available in this language; shown in %(language)s") % {"language": name},
            gettext("In"),
            name,
        )


def item_link(item, badge=False, language=None):
    """A link to an item, named by its title as the page shows it (with the badge of its
    language when `badge` and it is shown in another). Made once per item and language: a
    list's cards link the same few crime areas again and again."""
    key = (language or get_language(), badge)
    links = item.__dict__.setdefault("_cyberwatch_links", {})
    link = links.get(key)
    if link is None:
        shown = item.shown_in(key[0])
        link = format_html(
            '<a href="{}"{}>{}</a>', item.get_absolute_url(), lang_attributes(shown), shown.label
        )
        if badge and shown.is_fallback:
            link = format_html("{} {}", link, language_badge(shown))
        links[key] = link
    return link


@dataclasses.dataclass(slots=True)
class Card:
    """What a news card shows, as `news_cards()` works it out (see there)."""

    url: str
    title: str
    summary: str
    language: str  # the one it is shown in
    requested: str  # the page's
    date: str  # a `<time>` element
    badge: str  # its language's badge, when shown in another than the page's
    tags: list  # links to its crime areas, in their order

    @property
    def is_fallback(self):
        return self.language != self.requested

    @property
    def lang_attributes(self):
        return _lang_attributes(self.language, self.requested)


def news_cards(articles):
    """The news cards of `articles` (news.models.ArticleQuerySet.cards(), with their
    `card_crime_areas`), as the macro `article_cards` shows them. Worked out here, with the
    page's language and time zone read once: in the template, a card's dozen calls to the
    helpers above (each of which looked both up again) cost 53 µs a card, a list of twenty a
    millisecond."""
    language = get_language()
    zone = timezone.get_current_timezone()
    url_of = None
    cards = []
    for article in articles:
        if url_of is None:
            url_of = slug_urls(article.url_name)
        shown = article.shown_in(language)
        cards.append(
            Card(
                url=url_of(article.slug),
                title=shown.title,
                summary=shown.summary,
                language=shown.language,
                requested=language,
                date=_time_tag(article.published_at, zone, language),
                badge=language_badge(shown) if shown.language != language else "",
                tags=[item_link(area, language=language) for area in article.card_crime_areas],
            )
        )
    return cards


def localtime(moment, zone=None):
    """A datetime in `zone` (by default the current time zone); a date as it is."""
    if not (hasattr(moment, "tzinfo") and moment.tzinfo):
        return moment
    return moment.astimezone(zone or timezone.get_current_timezone())


def url(viewname, *args, **kwargs):
    if args or kwargs:
        return reverse(viewname, args=args or None, kwargs=kwargs or None)
    # A page links the same few lists several times (the menu, the form, "clear filters").
    return _url(viewname, get_language(), get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=256)
def _url(viewname, language, script_prefix, urlconf):
    return reverse(viewname, urlconf=urlconf)


@receiver(setting_changed)
def _forget_urls(setting, **kwargs):
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "FORCE_SCRIPT_NAME"}:
        _url.cache_clear()
        _path_in.cache_clear()
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES", "DEBUG"}:
        _static.cache_clear()
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "FORMAT_MODULE_PATH", "TIME_ZONE"}:
        _day.cache_clear()
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _badge.cache_clear()


def static_url(path):
    """`{% static %}`: the URL of a static file (with its hash in production). Looked up once
    per file: the manifest does not change while the site runs."""
    return _static(path)


@functools.lru_cache(maxsize=256)
def _static(path):
    return static(path)


def shown_in(item):
    """The item's text in the language the page shows it in (the fallback rule)."""
    return item.shown_in(get_language())


def lang_attributes(shown):
    """` lang="fr" dir="ltr"` on text shown in another language than the page's."""
    return _lang_attributes(shown.language, shown.requested)


def _lang_attributes(language, requested):
    if language == requested:
        return ""
    return format_html(' lang="{}" dir="{}"', language, text_direction(language))


def rich_text(html):
    """Rich text is cleaned on save; cleaning again on render keeps old rows honest too."""
    return _cleaned(html or "")


@functools.lru_cache(maxsize=256)
def _cleaned(html):
    # The same text is cleaned to the same HTML: a page shown again (the home page's
    # introduction on every visit) does not clean it again. 256 texts of a few KB at most.
    return mark_safe(clean_html(html))  # noqa: S308 — nh3 output


def translated_paths(request):
    """The request's path and query in every language, worked out once a request: the
    language switcher and the hreflang links both need them."""
    paths = getattr(request, "_translated_paths", None)
    if paths is None:
        match = request.resolver_match
        if match is None or match.namespace == "admin" or not match.url_name:
            path = request.get_full_path()
            paths = {code: translate_url(path, code) for code, _name in settings.LANGUAGES}
        else:
            # translate_url() without resolving the path again: the request's match is known.
            query = request.META.get("QUERY_STRING", "")
            query = f"?{iri_to_uri(query)}" if query else ""
            paths = {}
            for code, _name in settings.LANGUAGES:
                path = _path_in(
                    code,
                    match.view_name,
                    tuple(match.args),
                    tuple(sorted(match.kwargs.items())),
                    get_script_prefix(),
                    get_urlconf(),
                )
                paths[code] = request.get_full_path() if path is None else path + query
        request._translated_paths = paths
    return paths


@functools.lru_cache(maxsize=1024)
def _path_in(language, view_name, args, kwargs, script_prefix, urlconf):
    """The path of a view in a language (None: it has none there). Reversed once per page:
    a page links itself in every language (the switcher, hreflang), four reverse() a request."""
    with override(language):
        try:
            return reverse(view_name, args=args, kwargs=dict(kwargs), urlconf=urlconf)
        except NoReverseMatch:
            return None


def language_links(request):
    """The same page in every language, for the language switcher."""
    current = get_language()
    paths = translated_paths(request)
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "direction": text_direction(code),
            "url": paths[code],
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


def other_language_links(request, shown):
    """The item in the other languages it is written in: those it is available in, but for the
    one the page shows it in."""
    available = shown.item.available_languages
    return [
        link
        for link in language_links(request)
        if link["code"] in available and link["code"] != shown.language
    ]


def alternate_links(request, languages=None, page=None):
    """`<link rel="alternate" hreflang>` targets: the languages the page's content exists in
    (all of them for pages without one item), plus x-default. Each is that language's
    canonical address (see `canonical_url`): no query but a list's `?page=N`."""
    languages = languages or [code for code, _name in settings.LANGUAGES]
    paths = translated_paths(request)
    links = [{"hreflang": code, "url": _absolute(request, paths[code], page)} for code in languages]
    default = x_default_language(languages)
    links.append({"hreflang": "x-default", "url": _absolute(request, paths[default], page)})
    return links


def canonical_url(request, shown=None, page=None):
    """The absolute address search engines should index for this page: its path without the
    query, but for a list's `?page=N` after the first. An item shown in another language than
    the page's (the fallback) is indexed at its page in that language, which its hreflang
    links and the sitemap name: the page here repeats it."""
    if shown is not None and shown.is_fallback:
        return _absolute(request, translated_paths(request)[shown.language], page)
    return _absolute(request, request.path, page)


def _absolute(request, path, page=None):
    path = path.split("?", 1)[0]
    if page and page > 1:
        path = f"{path}?page={page}"
    return request.build_absolute_uri(path)


def item_description(shown):
    """What a page about one item is about, as HTML for `plain_description()`: the item's
    summary in the language shown, or failing one its text, or failing both its title (a
    headline alone is an article: the seed's news items are)."""
    if shown.summary.strip():
        return escape(shown.summary)
    if shown.body.strip():
        return rich_text(shown.body)
    return escape(shown.label)


def sharing_image(request, item, shown):
    """An item's image for link previews (og:image): its sharing rendition at an absolute
    URL, with the alt text in the language the page shows the item in; None without one."""
    rendition = getattr(item, "sharing_rendition", None)
    rendition = rendition() if rendition else None
    if rendition is None:
        return None
    return {
        **rendition,
        "url": request.build_absolute_uri(rendition["url"]),
        "alt": shown.image_alt,
    }


def article_json_ld(request, article, shown):
    """The article page's schema.org NewsArticle, as a `<script type="application/ld+json">`."""
    image = sharing_image(request, article, shown)
    return json_ld(
        news_article(
            headline=shown.title,
            description=plain_description(item_description(shown)),
            url=canonical_url(request, shown),
            language=shown.language,
            published=localtime(article.published_at),
            modified=localtime(article.updated_at),
            image=image["url"] if image else None,
            publisher=gettext("CyberWatch"),
            logo=request.build_absolute_uri(static_url("favicon.svg")),
        )
    )


def querystring(request, **changes):
    """`{% querystring page=2 %}`: the current query with these parameters replaced."""
    query = request.GET.copy()
    for key, value in changes.items():
        query[key] = str(value)
    return "?" + query.urlencode()


def page(request):
    """Context processor: what every public page's layout reads, and the page's translations
    (Jinja2's `_()`, `gettext()` and `ngettext()`), bound once to the active language's
    catalogue: each of a page's hundred messages would otherwise look the language up again."""
    language = get_language()
    context = {"LANGUAGE_CODE": language, "LANGUAGE_BIDI": get_language_bidi()}
    if language:
        catalogue = trans_real.translation(language)
        context["gettext"] = functools.partial(_gettext, catalogue.gettext)
        context["ngettext"] = functools.partial(_ngettext, catalogue.ngettext)
        # `_()` itself, rather than Jinja2's alias that looks `gettext` up on every call.
        context["_"] = context["gettext"]
    return context


def _gettext(translate, message, **variables):
    # As Jinja2's "newstyle" gettext: the translation is a format string, escaped.
    return Markup(translate(message)) % variables  # noqa: S704 — our catalogue, as Jinja2 does


def _ngettext(translate, singular, plural, number, **variables):
    variables.setdefault("num", number)
    return Markup(translate(singular, plural, number)) % variables  # noqa: S704


def environment(**options):
    options.pop("autoescape", None)
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True, **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.filters.update(rich_text=rich_text, lang_attributes=lang_attributes)
    env.globals.update(
        url=url,
        static=static_url,
        date=time_tag,
        language_badge=language_badge,
        item_link=item_link,
        news_cards=news_cards,
        shown_in=shown_in,
        localtime=localtime,
        language_links=language_links,
        other_language_links=other_language_links,
        alternate_links=alternate_links,
        querystring=querystring,
        canonical_url=canonical_url,
        item_description=item_description,
        plain_description=plain_description,
        sharing_image=sharing_image,
        open_graph_locale=open_graph_locale,
        article_json_ld=article_json_ld,
        LANGUAGES=settings.LANGUAGES,
    )
    return env


class Template(django_jinja2.Template):
    def render(self, context=None, request=None):
        # Like Django's own templates, tell the test client what was rendered with what
        # (`response.context`); with no receiver outside tests, this costs nothing.
        html = super().render(context, request)
        template_rendered.send(sender=self, template=self, context=context or {})
        return html


class Jinja2(django_jinja2.Jinja2):
    """Django's Jinja2 backend, whose templates report their rendering like Django's do."""

    def get_template(self, template_name):
        template = super().get_template(template_name)
        return Template(template.template, self)
