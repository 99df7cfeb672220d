"""The Jinja2 environment for the few hot templates (the news cards, rendered twenty at a time):
Django's own Jinja2 backend, with Django's translations, dates and the fallback rule."""

from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from jinja2 import Environment

from .languages import text_direction


def date(moment, format_name="DATE_FORMAT"):
    """A date in the active language's format (`|date:"DATE_FORMAT"` in Django templates)."""
    return formats.date_format(moment, format_name, use_l10n=True) if moment else ""


def iso(moment):
    return moment.isoformat() if moment else ""


def environment(**options):
    options.pop("autoescape", None)
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True, **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.filters.update(date=date, iso=iso, localtime=timezone.localtime)
    env.globals.update(text_direction=text_direction)
    return env
