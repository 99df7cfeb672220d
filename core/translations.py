"""Outdated translations. When an item's text in its original language
(title, summary or body…) changes, every other language it is available in is marked
*outdated*; a language is up to date again when its own text is saved changed, or when a
translator of that language saves the item. Kept on the item (`outdated_languages`, `,fr,ar,`),
so that lists filter on it and the status page counts it in one query per kind."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from .stored import StoredRow

SEPARATOR = ","


def codes_of(key):
    return [code for code in key.split(SEPARATOR) if code]


def key_of(codes):
    ordered = [code for code, _name in settings.LANGUAGES if code in codes]
    return f"{SEPARATOR}{SEPARATOR.join(ordered)}{SEPARATOR}" if ordered else ""


def contains(code):
    """The lookup value of `outdated_languages__contains` for one language."""
    return f"{SEPARATOR}{code}{SEPARATOR}"


class TracksTranslations(StoredRow):
    outdated_languages = models.CharField(
        _("outdated translations"), max_length=20, blank=True, default="", editable=False
    )

    class Meta:
        abstract = True

    @classmethod
    def stored_field_names(cls):
        return (*super().stored_field_names(), cls.title_field, *cls.text_fields)

    def save(self, *args, **kwargs):
        stored = self.stored()
        if stored is not None:
            self._follow_changes(stored, [code for code, _name in settings.LANGUAGES])
        super().save(*args, **kwargs)

    def _columns(self, code):
        return [
            build_localized_fieldname(name, code) for name in (self.title_field, *self.text_fields)
        ]

    @property
    def outdated(self):
        return codes_of(self.outdated_languages)

    def mark_translated(self, codes):
        """`codes` are up to date (a translator of them saved the item)."""
        self.outdated_languages = key_of(set(self.outdated) - set(codes))

    def _follow_changes(self, stored, languages):
        def changed(code):
            return any(
                (stored[column] or "") != (getattr(self, column) or "")
                for column in self._columns(code)
            )

        original = self.original_language
        outdated = set(self.outdated)
        if changed(original):
            outdated |= {
                code for code in languages if code != original and self.is_available_in(code)
            }
        outdated -= {code for code in languages if code != original and changed(code)}
        outdated.discard(original)
        self.outdated_languages = key_of(outdated)
