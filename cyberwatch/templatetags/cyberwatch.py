"""Template helpers for language fallback, rich text and language links."""

from django import template
from django.conf import settings
from django.template import engines
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info

from cyberwatch.languages import text_direction
from cyberwatch.sanitising import clean_html

register = template.Library()


@register.simple_tag(takes_context=True)
def shown(context, item):
    """`{% shown article as s %}`: the item's text in the language the page shows it in."""
    return item.shown_in(context.get("LANGUAGE_CODE") or get_language())


@register.simple_tag
def lang_attributes(shown_item):
    """` lang="fr" dir="ltr"` on text shown in another language than the page's."""
    if not shown_item.is_fallback:
        return ""
    return format_html(' lang="{}" dir="{}"', shown_item.language, shown_item.direction)


@register.filter
def rich_text(html):
    """Rich text is cleaned on save; cleaning again on render keeps old rows honest too."""
    return mark_safe(clean_html(html))  # noqa: S308 — nh3 output


@register.simple_tag(takes_context=True)
def language_links(context):
    """The same page in every language, for the language switcher."""
    request = context["request"]
    current = get_language()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "direction": text_direction(code),
            "url": translate_url(request.get_full_path(), code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def other_language_links(context, shown_item):
    """The item in the other languages it is written in: those it is available in, but for the
    one the page shows it in."""
    available = shown_item.item.available_languages
    return [
        link
        for link in language_links(context)
        if link["code"] in available and link["code"] != shown_item.language
    ]


@register.simple_tag(takes_context=True)
def alternate_links(context):
    """`<link rel="alternate" hreflang>` targets: the languages the page's content exists in
    (all of them for pages without one item), plus x-default."""
    request = context["request"]
    languages = context.get("page_languages") or [code for code, _n in settings.LANGUAGES]
    path = request.get_full_path()
    links = [
        {"hreflang": code, "url": request.build_absolute_uri(translate_url(path, code))}
        for code in languages
    ]
    default = settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in languages else languages[0]
    links.append(
        {"hreflang": "x-default", "url": request.build_absolute_uri(translate_url(path, default))}
    )
    return links


@register.simple_tag(takes_context=True)
def article_cards(context, articles, level=2):
    """`{% article_cards articles level %}`: the news cards, rendered by Jinja2 (see
    cyberwatch/jinja2.py)."""
    template = engines["jinja2"].get_template("news/article_cards.jinja")
    html = template.render(
        {"articles": articles, "level": level, "language": get_language()},
        context.get("request"),
    )
    return mark_safe(html)  # noqa: S308 — Jinja2 escaped every value (autoescape=True)
