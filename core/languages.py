"""Which language an item is shown in: the site's one fallback rule.

An item is *available in* a language when its title and at least one of its required text
fields are filled in that language: for most content its summary or body; for a news article
none, its title alone (a dated headline is a news item, as in the seed: SPEC §3). When it is not
available in the page's language, it is shown in the first available of (its original
language, en, fr, es, ar).
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Case, CharField, F, Lookup, Q, TextField, Value, When
from django.dispatch import receiver
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import get_language, get_language_info, gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

# The order in which an item missing in a page's language (and in its original one) is shown:
# the site's languages, in their order.
FALLBACK_ORDER = tuple(code for code, _name in settings.LANGUAGES)
# A field made only of these is empty. ASCII whitespace only, so that Python and SQL (SQLite and
# PostgreSQL alike) agree: str.strip() would also strip U+00A0 and other Unicode spaces, which
# SQL TRIM does not, so a non-breaking space counts as text on both sides.
BLANK = " \t\n\r\f\v"
RIGHT_TO_LEFT = frozenset(
    code for code, _name in settings.LANGUAGES if get_language_info(code)["bidi"]
)


def language_codes():
    return list(_language_codes())


@functools.cache
def _language_codes():
    # Read for every item a page shows (available_languages): worked out once.
    return tuple(code for code, _name in settings.LANGUAGES)


@receiver(setting_changed)
def _forget_languages(setting, **kwargs):
    if setting == "LANGUAGES":
        _language_codes.cache_clear()


def x_default_language(languages):
    """The language of an item's `hreflang="x-default"` address, of those it is available in
    (`languages`, in LANGUAGES order): the default language, else the first."""
    return settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in languages else languages[0]


def text_direction(language):
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


@functools.lru_cache(maxsize=256)
def _fallback_order(requested, original):
    """The languages to try, in order, for a page in `requested` and an item first written in
    `original`: worked out once per pair (every card and tag of a page asks)."""
    order = [requested, original, *FALLBACK_ORDER]
    return tuple(dict.fromkeys(code for code in order if code))


@dataclass(frozen=True)
class Shown:
    """An item's text as a page in `requested` shows it."""

    item: object
    language: str
    requested: str

    @property
    def is_fallback(self):
        return self.language != self.requested

    @property
    def direction(self):
        return text_direction(self.language)

    @property
    def label(self):
        """The item's title field (title, name or heading) in the shown language."""
        return getattr(self, self.item.title_field)

    @property
    def language_name(self):
        return get_language_info(self.language)["name_translated"]

    def __getattr__(self, name):
        # `shown.title`, `shown.summary`… read the column of the shown language.
        if name.startswith("_") or name not in self.item.translated_fields():
            raise AttributeError(name)
        return getattr(self.item, column(name, self.language)) or ""


@functools.cache
def _columns(fields, language):
    return tuple(column(field, language) for field in fields)


@functools.cache
def column(field, language):
    """`title_fr`: a translated field's column in a language (modeltranslation's rule), worked
    out once: cards ask for it hundreds of times a page."""
    return build_localized_fieldname(field, language)


class TranslatedContent(models.Model):
    """Mixin for models whose text is translated with django-modeltranslation.

    Subclasses name their title field and their text fields, and may name the text fields any
    one of which, with the title, makes the item available in a language
    (`required_text_fields`; by default any of the text fields; `()`: the title alone).
    """

    title_field = "title"
    text_fields = ("summary", "body")
    required_text_fields = None  # None: any one of `text_fields`
    original_language = "en"  # Article stores its own.

    class Meta:
        abstract = True

    def __str__(self):
        # The admin's name for the item (lists, messages, breadcrumbs, history): its title by
        # the fallback rule for the admin's language, never an empty column.
        label = self.shown_in(get_language() or settings.LANGUAGE_CODE).label.strip()
        return label or getattr(self, "slug", "") or gettext("(untitled)")

    @classmethod
    def translated_fields(cls):
        fields = cls.__dict__.get("_translated_fields")
        if fields is None:
            from modeltranslation.translator import translator

            fields = tuple(translator.get_options_for_model(cls).all_fields)
            cls._translated_fields = fields
        return fields

    @classmethod
    def availability_text_fields(cls):
        """The text fields any one of which, with the title, makes the item available in a
        language (none: the title alone does)."""
        required = cls.required_text_fields
        return cls.text_fields if required is None else required

    def _filled(self, field, language):
        value = getattr(self, column(field, language), "")
        return bool(value and value.strip(BLANK))

    def is_available_in(self, language):
        # A row loaded for a list without its long text columns (news cards) carries the
        # database's own answer instead (news.Article's generated `available_<code>`).
        loaded = self.__dict__
        required = self.availability_text_fields()
        stored = loaded.get(f"available_{language}")
        if stored is not None:
            for name in _columns((self.title_field, *required), language):
                if name not in loaded:
                    return stored
        if not self._filled(self.title_field, language):
            return False
        return not required or any(self._filled(field, language) for field in required)

    @cached_property
    def available_languages(self):
        return [code for code in _language_codes() if self.is_available_in(code)]

    def display_language(self, requested):
        """The language this item is shown in on a page in `requested`. Never one with an
        empty title: an item available nowhere is shown where it has a title at all."""
        order = _fallback_order(requested, self.original_language)
        available = self.available_languages
        for code in order:
            if code in available:
                return code
        for code in order:
            if self._filled(self.title_field, code):
                return code
        return requested

    def shown_in(self, requested):
        return Shown(self, self.display_language(requested), requested)


class Filled(Lookup):
    """The SQL twin of `TranslatedContent._filled`: `Filled(F(column), True)` holds when the
    column has more than BLANK characters (`False`: when it has not). Never NULL, so `exclude()`
    and `~Q` agree with it. A single lookup node: the fallback rule repeats it many times in one
    query, and a tree of functions there costs Django several times as long to compile."""

    lookup_name = "filled"  # usable without registering it on the fields
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        trim = "BTRIM" if connection.vendor == "postgresql" else "TRIM"  # SQLite: TRIM(x, chars)
        comparison = ">" if self.rhs else "="
        return f"{trim}(COALESCE({lhs}, ''), %s) {comparison} ''", (*params, BLANK)


def filled_q(column):
    return Q(Filled(F(column), True))


def has_original_language(model):
    """Whether `model` stores the language its items were written in (news.Article)."""
    return any(field.name == "original_language" for field in model._meta.fields)


def available_q(title_field, text_fields, language):
    """An item with these fields is available in `language` (see `available_in_q`)."""
    text = Q()
    for field in text_fields:
        text |= filled_q(build_localized_fieldname(field, language))
    title = filled_q(build_localized_fieldname(title_field, language))
    return title & text  # an empty Q() matches everything


def available_in_q(model, language):
    """The SQL twin of `TranslatedContent.is_available_in`."""
    return available_q(model.title_field, model.availability_text_fields(), language)


def display_language_case(title_field, text_fields, requested, has_original):
    """The SQL twin of `TranslatedContent.display_language` for a page in `requested`;
    `text_fields`: the model's `availability_text_fields()`."""

    def in_fallback_order(condition):
        whens = [When(condition(requested), then=Value(requested))]
        if has_original:
            whens += [
                When(Q(original_language=code) & condition(code), then=Value(code))
                for code in FALLBACK_ORDER
            ]
        return whens + [When(condition(code), then=Value(code)) for code in FALLBACK_ORDER]

    def title_filled(code):
        return filled_q(build_localized_fieldname(title_field, code))

    whens = in_fallback_order(lambda code: available_q(title_field, text_fields, code))
    if text_fields:  # else available is title filled: the same conditions again
        whens += in_fallback_order(title_filled)
    return Case(*whens, default=Value(requested), output_field=CharField(max_length=5))


def available_field(title_field, text_fields, language):
    """A column the database keeps equal to `available_in_q` (GeneratedField): filters and
    counts read one boolean instead of evaluating the rule row by row."""
    return models.GeneratedField(
        expression=Case(
            When(available_q(title_field, text_fields, language), then=Value(True)),
            default=Value(False),
            output_field=models.BooleanField(),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=format_lazy(_("available in {language}"), language=language),
    )


def display_language_field(title_field, text_fields, requested):
    """A column the database keeps equal to the language an item is shown in on a page in
    `requested` (GeneratedField), for models with an `original_language`."""
    return models.GeneratedField(
        expression=display_language_case(title_field, text_fields, requested, True),
        output_field=models.CharField(max_length=5),
        db_persist=True,
        verbose_name=format_lazy(_("language shown on {language} pages"), language=requested),
    )


class TranslatedQuerySet(models.QuerySet):
    # A bulk change of public content, which sends no signal, is a change all the same: cached
    # pages go (core/content_version.py; saves and deletions are seen by their signals).
    def update(self, **kwargs):
        from .content_version import changed

        updated = super().update(**kwargs)
        changed()
        return updated

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        from .content_version import changed

        created = super().bulk_create(objs, *args, **kwargs)
        changed()
        return created

    bulk_create.alters_data = True

    def with_display_language(self, requested):
        """Annotate `shown_language`, as `TranslatedContent.display_language` decides it, and
        `shown_<field>` for the title and text fields, so that filtering and ordering work on
        the text the visitor sees (modeltranslation alone would only look at one column)."""
        model = self.model
        has_original = has_original_language(model)
        queryset = self.annotate(
            shown_language=display_language_case(
                model.title_field, model.availability_text_fields(), requested, has_original
            )
        )
        shown_columns = {
            f"shown_{field}": Case(
                *[
                    When(shown_language=code, then=F(build_localized_fieldname(field, code)))
                    for code in language_codes()
                ],
                output_field=TextField(),
            )
            for field in (model.title_field, *model.text_fields)
        }
        return queryset.annotate(**shown_columns)
