"""The public site's templates: Jinja2 through Django's own backend (templates/jinja2/).

Django's template language cost most of a public page's time (the news list was two thirds
template rendering, mostly includes and tag lookups); Jinja2 compiles a template to Python once.
The admin keeps Django's templates. What the templates need from Django is here: translations
(`_()`, `ngettext()`, extracted by `manage.py makemessages`, see cyberwatch/management), URLs,
static files, localised dates, the fallback rule and rich text.
"""

from django.conf import settings
from django.template.backends import jinja2 as django_jinja2
from django.templatetags.static import static
from django.test.signals import template_rendered
from django.urls import reverse, translate_url
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import (
    get_language,
    get_language_bidi,
    get_language_info,
    gettext,
    ngettext,
)
from jinja2 import Environment

from .languages import text_direction
from .sanitising import clean_html


def date(moment, format_name="DATE_FORMAT"):
    """A date in the active language's format (`|date:"DATE_FORMAT"` in Django templates);
    a datetime in the site's time zone."""
    if not moment:
        return ""
    return formats.date_format(localtime(moment), format_name, use_l10n=True)


def iso(moment):
    """`|date:"c"`: ISO 8601, a datetime in the site's time zone."""
    return localtime(moment).isoformat() if moment else ""


def localtime(moment):
    return timezone.localtime(moment) if hasattr(moment, "tzinfo") and moment.tzinfo else moment


def url(viewname, *args, **kwargs):
    return reverse(viewname, args=args or None, kwargs=kwargs or None)


def shown_in(item):
    """The item's text in the language the page shows it in (the fallback rule)."""
    return item.shown_in(get_language())


def lang_attributes(shown):
    """` lang="fr" dir="ltr"` on text shown in another language than the page's."""
    if not shown.is_fallback:
        return ""
    return format_html(' lang="{}" dir="{}"', shown.language, shown.direction)


def rich_text(html):
    """Rich text is cleaned on save; cleaning again on render keeps old rows honest too."""
    return mark_safe(clean_html(html))  # noqa: S308 — nh3 output


def translated_paths(request):
    """The request's path and query in every language, worked out once a request: the
    language switcher and the hreflang links both need them."""
    paths = getattr(request, "_translated_paths", None)
    if paths is None:
        path = request.get_full_path()
        paths = {code: translate_url(path, code) for code, _name in settings.LANGUAGES}
        request._translated_paths = paths
    return paths


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


def alternate_links(request, languages=None):
    """`<link rel="alternate" hreflang>` targets: the languages the page's content exists in
    (all of them for pages without one item), plus x-default."""
    languages = languages or [code for code, _name in settings.LANGUAGES]
    paths = translated_paths(request)
    links = [
        {"hreflang": code, "url": request.build_absolute_uri(paths[code])} for code in languages
    ]
    default = settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in languages else languages[0]
    links.append({"hreflang": "x-default", "url": request.build_absolute_uri(paths[default])})
    return links


def querystring(request, **changes):
    """`{% querystring page=2 %}`: the current query with these parameters replaced."""
    query = request.GET.copy()
    for key, value in changes.items():
        query[key] = str(value)
    return "?" + query.urlencode()


def page(request):
    """Context processor: what every public page's layout reads."""
    return {"LANGUAGE_CODE": get_language(), "LANGUAGE_BIDI": get_language_bidi()}


def environment(**options):
    options.pop("autoescape", None)
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True, **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.filters.update(date=date, iso=iso, rich_text=rich_text, lang_attributes=lang_attributes)
    env.globals.update(
        url=url,
        static=static,
        shown_in=shown_in,
        text_direction=text_direction,
        language_links=language_links,
        other_language_links=other_language_links,
        alternate_links=alternate_links,
        querystring=querystring,
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
