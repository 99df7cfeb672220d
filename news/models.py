from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, When
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from core.editing import Versioned
from core.images import WithImage
from core.languages import (
    TranslatedContent,
    TranslatedQuerySet,
    available_field,
    display_language_field,
)
from core.links import slug_url
from core.publishing import Publishable, PublishedQuerySetMixin, ends_index
from core.sanitising import SanitisedRichTextMixin
from core.search import search_document_field
from core.slugs import KeepsPreviousSlugs
from core.translations import TracksTranslations

from .counts import LANGUAGE_COLUMNS, MONTH, YEAR, Recount, StoredCrimeAreas, month_start

# A headline alone makes an article available in its language: the seed's news items are
# dated headlines (SPEC §3). Its summary and body are not required.
AVAILABLE_WITH = ()
# What the news list's words look at (what its cards show), weighted A and B; the site search
# reads the body too (weighted C): PostgreSQL's search table (news/search_index.py) and
# SQLite's FTS5 index hold all three (core/search.py).
SEARCHED_FIELDS = ("title", "summary")
SITE_SEARCHED_FIELDS = ("title", "summary", "body")
# What a card reads: the rest (bodies, image, search documents…) costs the ORM time to select
# and to build, on every list. `available_<code>` is the database's own answer to the
# "available in" rule (TranslatedContent.is_available_in).
CARD_COLUMNS = [
    "id",
    "slug",
    "status",
    "published_at",
    "original_language",
    *(f"{field}_{code}" for field in ("title", "summary") for code in LANGUAGE_COLUMNS),
    *(f"available_{code}" for code in LANGUAGE_COLUMNS),
]


class ArticleQuerySet(PublishedQuerySetMixin, TranslatedQuerySet):
    def cards(self):
        """What an article card shows, and only that, in one query: the articles' card columns
        with their crime areas' pks (`card_area_pks`)."""
        return self.only(*CARD_COLUMNS).annotate(
            card_area_pks=StoredCrimeAreas(Article.crime_areas.through)
        )

    def entries(self, language):
        """What a feed entry shows, as dicts rather than articles (building 50 articles was a
        third of a feed's time): `slug`, `published_at`, `updated_at`, `card_area_pks` (as
        cards have it), and `shown_title` and `shown_summary`: the title and summary in the
        language a page in `language` shows the article in (`shown_language_<code>`, the
        fallback rule as the database keeps it), or None."""
        shown = f"shown_language_{language}"

        def in_shown_language(field):
            return Case(
                *(When(**{shown: code}, then=F(f"{field}_{code}")) for code in LANGUAGE_COLUMNS),
                output_field=models.TextField(),
            )

        return self.values(
            "slug",
            "published_at",
            "updated_at",
            shown_title=in_shown_language("title"),
            shown_summary=in_shown_language("summary"),
            card_area_pks=StoredCrimeAreas(Article.crime_areas.through),
        )

    # Bulk changes keep the precomputed counts right (news/counts/), counting once at the end.

    def _months(self):
        return list(self.order_by().datetimes("published_at", "month"))

    def update(self, **kwargs):
        # A bulk change is a change: a form opened before it cannot undo it (cyberwatch/editing).
        kwargs.setdefault("version", F("version") + 1)
        with Recount.batch():
            Recount.mark(self._months())
            if "published_at" in kwargs:
                # The rows' new months, wherever the change puts them: read again by pk.
                pks = list(self.values_list("pk", flat=True))
                updated = super().update(**kwargs)
                Recount.mark(
                    Article._base_manager.filter(pk__in=pks)
                    .order_by()
                    .datetimes("published_at", "month")
                )
            else:
                updated = super().update(**kwargs)
        return updated

    update.alters_data = True

    def delete(self):
        with Recount.batch():  # the post_delete signal of each row marks its month
            return super().delete()

    delete.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        with Recount.batch():
            created = super().bulk_create(objs, *args, **kwargs)
            Recount.mark([article.published_at for article in created])
        return created


class Article(
    Versioned,
    TracksTranslations,
    KeepsPreviousSlugs,
    SanitisedRichTextMixin,
    WithImage,
    Publishable,
    TranslatedContent,
):
    # Blank in any one language: only the original language's title is required (see clean()).
    title = models.CharField(_("title"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    # Addresses under /<lang>/news/ that are not articles' (news/urls.py).
    reserved_slugs = ("feed",)
    required_text_fields = AVAILABLE_WITH  # with the title: none, the headline alone
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    original_language = models.CharField(
        _("original language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the article was written in; shown when no translation exists."),
    )
    crime_areas = models.ManyToManyField(
        "crimes.CrimeArea", blank=True, related_name="articles", verbose_name=_("crime areas")
    )
    initiatives = models.ManyToManyField(
        "initiatives.Initiative",
        blank=True,
        related_name="articles",
        verbose_name=_("initiatives"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("updated by"),
    )

    # Kept by the database itself (generated columns), whatever writes the row: the languages
    # the article is available in, the language each page language shows it in, and its
    # search document in each language (PostgreSQL only; see core/search.py).
    available_en = available_field("title", AVAILABLE_WITH, "en")
    available_fr = available_field("title", AVAILABLE_WITH, "fr")
    available_es = available_field("title", AVAILABLE_WITH, "es")
    available_ar = available_field("title", AVAILABLE_WITH, "ar")
    shown_language_en = display_language_field("title", AVAILABLE_WITH, "en")
    shown_language_fr = display_language_field("title", AVAILABLE_WITH, "fr")
    shown_language_es = display_language_field("title", AVAILABLE_WITH, "es")
    shown_language_ar = display_language_field("title", AVAILABLE_WITH, "ar")
    search_en = search_document_field(SEARCHED_FIELDS, "en")
    search_fr = search_document_field(SEARCHED_FIELDS, "fr")
    search_es = search_document_field(SEARCHED_FIELDS, "es")
    search_ar = search_document_field(SEARCHED_FIELDS, "ar")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        # The list's order, tie-break included: page 1 is the first 20 entries of this index.
        indexes = [
            models.Index(
                fields=["status", "-published_at", "-id"], name="article_public_order_idx"
            ),
            ends_index("article_ends_idx"),
        ]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [
            ("publish_article", _("Can publish and schedule articles")),
            ("unpublish_article", _("Can unpublish articles")),
        ]

    url_name = "news:article_detail"  # core.links: a list's links are made from it

    def get_absolute_url(self):
        return slug_url(self.url_name, self.slug)

    @classmethod
    def stored_field_names(cls):
        return (*super().stored_field_names(), *(f"available_{code}" for code in LANGUAGE_COLUMNS))

    def save(self, *args, **kwargs):
        stored = self.stored()  # read once, with the other mixins (core/stored.py)
        with Recount.batch():
            super().save(*args, **kwargs)
            if stored is None or self._changes_counts(stored):
                Recount.mark([stored and stored["published_at"], self.published_at])

    def _changes_counts(self, stored):
        """Whether this save changes what the stored counts hold of the article: its status,
        its month or the languages it is available in (its crime areas and initiatives are
        counted when they change, news/signals.py). A change of text alone counts nothing."""
        return (
            stored["status"] != self.status
            or month_start(stored["published_at"]) != month_start(self.published_at)
            or any(
                stored[f"available_{code}"] != self.is_available_in(code)
                for code in LANGUAGE_COLUMNS
            )
        )

    def clean(self):
        super().clean()
        if self.slug in self.reserved_slugs:
            raise ValidationError(
                {"slug": _("“%(slug)s” is the address of another page.") % {"slug": self.slug}}
            )
        if not self.is_available_in(self.original_language):
            title = build_localized_fieldname("title", self.original_language)
            raise ValidationError(
                {
                    title: _("An article needs a title in its original language (%(language)s).")
                    % {"language": self.get_original_language_display()}
                }
            )


class ArticleCount(models.Model):
    """How many published articles share a period and a combination of languages, crime areas
    and initiatives: the news list's counts without scanning the archive (news/counts.py)."""

    span = models.CharField(max_length=1, choices=[(MONTH, _("month")), (YEAR, _("year"))])
    period = models.DateField(help_text="The first day of the month or year, local time.")
    in_en = models.BooleanField()
    in_fr = models.BooleanField()
    in_es = models.BooleanField()
    in_ar = models.BooleanField()
    crime_areas = models.TextField(blank=True, help_text="Crime area pks, as ,1,3, (any order).")
    initiatives = models.TextField(blank=True, help_text="Initiative pks, as ,2, .")
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["span", "period"], name="articlecount_period_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "span",
                    "period",
                    *(f"in_{code}" for code in LANGUAGE_COLUMNS),
                    "crime_areas",
                    "initiatives",
                ],
                name="articlecount_unique_key",
            )
        ]
        verbose_name = _("article count")
        verbose_name_plural = _("article counts")

    def __str__(self):
        return f"{self.span} {self.period}: {self.count}"


class ArticleCountRollup(models.Model):
    """The `ArticleCount` rows of a period and set of crime areas summed over their languages
    and initiatives, with the number available in each language and in each pair of
    languages: what the news list reads when no initiative is chosen (about 190 rows for the
    whole archive instead of about 6,600 to sum). Derived from `ArticleCount` when it changes
    (news/counts.py: `roll_up`)."""

    span = models.CharField(max_length=1, choices=[(MONTH, _("month")), (YEAR, _("year"))])
    period = models.DateField(help_text="The first day of the month or year, local time.")
    crime_areas = models.TextField(blank=True, help_text="Crime area pks, as ,1,3, (any order).")
    count = models.PositiveIntegerField()
    count_en = models.PositiveIntegerField()
    count_fr = models.PositiveIntegerField()
    count_es = models.PositiveIntegerField()
    count_ar = models.PositiveIntegerField()
    # Available in both languages: a list filtered by language reads its language facet here.
    count_en_fr = models.PositiveIntegerField(default=0)
    count_en_es = models.PositiveIntegerField(default=0)
    count_en_ar = models.PositiveIntegerField(default=0)
    count_fr_es = models.PositiveIntegerField(default=0)
    count_fr_ar = models.PositiveIntegerField(default=0)
    count_es_ar = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["span", "period", "crime_areas"], name="articlecountrollup_unique_key"
            )
        ]
        verbose_name = _("article count roll-up")
        verbose_name_plural = _("article count roll-ups")

    def __str__(self):
        return f"{self.span} {self.period} {self.crime_areas}: {self.count}"
