"""The stored row of an item, read once per save and shared by every mixin that needs the old
values: the version (no lost update), the text (outdated translations), the slug (old URLs),
the image (its renditions), the publication fields and what the news counts depend on.

Each mixin names the fields it needs in `stored_field_names()` (calling `super()`); a translated
field stands for all its language columns. The admin's form reads the row first, locked until
the save commits (`stored(lock=True)`), and the save that follows reads the same values: one
query where each mixin used to read its own.
"""

from django.db import models
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname


class StoredRow(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        try:
            super().save(*args, **kwargs)
        finally:
            self.forget_stored()  # the next save compares with what this one wrote

    @classmethod
    def stored_field_names(cls):
        """The fields whose stored values the model's mixins compare with the new ones."""
        return ()

    @classmethod
    def stored_columns(cls):
        columns = cls.__dict__.get("_stored_columns")
        if columns is None:
            try:
                translated = translator.get_options_for_model(cls).all_fields
            except NotRegistered:
                translated = set()
            from django.conf import settings

            names = []
            for name in dict.fromkeys(cls.stored_field_names()):
                if name in translated:
                    names += [
                        build_localized_fieldname(name, code) for code, _ in settings.LANGUAGES
                    ]
                else:
                    names.append(name)
            columns = tuple(dict.fromkeys(names))
            cls._stored_columns = columns
        return columns

    def stored(self, lock=False):
        """The item's row as stored now, as {field: value}, or None for a new item. Read once
        until the next save; `lock` keeps the row locked until the transaction ends."""
        cached = self.__dict__.get("_stored_row")
        if self.pk is None:
            return None
        if cached is None or (lock and not cached[0]):
            rows = type(self)._base_manager.filter(pk=self.pk)
            if lock:
                rows = rows.select_for_update()
            cached = (lock, rows.values(*self.stored_columns()).first())
            self.__dict__["_stored_row"] = cached
        return cached[1]

    def forget_stored(self):
        self.__dict__.pop("_stored_row", None)
