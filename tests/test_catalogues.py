"""Interface translations: complete, not fuzzy, and the committed .mo files match the .po."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ["fr", "es", "ar"]


def catalogue(language):
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def messages(entries):
    table = {}
    for entry in entries:
        if entry.obsolete or not entry.msgid:
            continue
        key = (entry.msgctxt, entry.msgid)
        if entry.msgid_plural:
            table[key] = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            table[key] = entry.msgstr
    return table


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_fully_translated(language):
    po = catalogue(language)
    assert len(po) > 50
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert po.metadata["Language"] == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_source(language):
    po = catalogue(language)
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    assert messages(mo) == messages(po), "run `make messages` to recompile the .mo files"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]")
    for entry in catalogue(language):
        if entry.msgid_plural:
            for text in entry.msgstr_plural.values():
                assert set(placeholder.findall(text)) <= set(
                    placeholder.findall(entry.msgid_plural)
                ), entry.msgid
        elif entry.msgstr:
            assert sorted(placeholder.findall(entry.msgstr)) == sorted(
                placeholder.findall(entry.msgid)
            ), entry.msgid


def test_every_string_of_the_jinja2_templates_is_in_the_catalogues():
    """The public templates are Jinja2: `make messages` reads them with Jinja2's parser
    (core/management/commands/makemessages.py), plural forms included."""
    from jinja2 import Environment

    from core.management.commands.makemessages import jinja2_as_python

    templates = Path(__file__).resolve().parent.parent / "templates" / "jinja2"
    environment = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    wanted = set()
    for path in templates.rglob("*.jinja"):
        source = path.read_text(encoding="utf-8")
        for _line, _function, message in environment.extract_translations(source):
            wanted.add(message[0] if isinstance(message, tuple) else message)
        # What xgettext is given: every string, on its own template line.
        assert jinja2_as_python(source).count("\n") == source.count("\n")
    assert len(wanted) >= 60
    for language in LANGUAGES:
        known = {entry.msgid for entry in catalogue(language) if not entry.obsolete}
        assert sorted(wanted - known) == [], language
