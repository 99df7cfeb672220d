from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from cyberwatch.images import WithImage
from cyberwatch.languages import TranslatedContent, TranslatedQuerySet
from cyberwatch.publishing import Publishable, PublishedQuerySetMixin
from cyberwatch.sanitising import SanitisedRichTextMixin
from cyberwatch.slugs import KeepsPreviousSlugs


class ArticleQuerySet(PublishedQuerySetMixin, TranslatedQuerySet):
    def with_card_data(self):
        """What an article card shows, fetched in a constant number of queries."""
        return self.prefetch_related("crime_areas")


class Article(
    KeepsPreviousSlugs, SanitisedRichTextMixin, WithImage, Publishable, TranslatedContent
):
    # Blank in any one language: only the original language's title is required (see clean()).
    title = models.CharField(_("title"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
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

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_public_idx")]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def get_absolute_url(self):
        return reverse("news:article_detail", kwargs={"slug": self.slug})

    def related_articles(self):
        """Other public articles sharing a crime area with this one, newest first."""
        tagged = Article.crime_areas.through.objects.filter(
            crimearea__in=self.crime_areas.all()
        ).values("article_id")
        return (
            Article.objects.published().filter(pk__in=tagged).exclude(pk=self.pk).with_card_data()
        )

    def clean(self):
        super().clean()
        if not self.is_available_in(self.original_language):
            title = build_localized_fieldname("title", self.original_language)
            raise ValidationError(
                {
                    title: _(
                        "An article needs a title and a summary or body in its original "
                        "language (%(language)s)."
                    )
                    % {"language": self.get_original_language_display()}
                }
            )
