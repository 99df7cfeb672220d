from django.db import models
from django.utils.translation import gettext_lazy as _

from core.editing import Versioned, VersionedQuerySetMixin
from core.images import WithImage
from core.languages import TranslatedContent, TranslatedQuerySet
from core.links import slug_url
from core.publishing import (
    AlwaysPublishedQuerySetMixin,
    Publishable,
    PublishedQuerySetMixin,
    ends_index,
)
from core.sanitising import SanitisedRichTextMixin
from core.slugs import KeepsPreviousSlugs
from core.translations import TracksTranslations


class OverviewSectionQuerySet(
    VersionedQuerySetMixin, AlwaysPublishedQuerySetMixin, TranslatedQuerySet
):
    pass


class OverviewSection(Versioned, TracksTranslations, SanitisedRichTextMixin, TranslatedContent):
    """The editable introduction to cybercrime shown on the home page, in ordered sections."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    heading = models.CharField(_("heading"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    ordering = models.PositiveIntegerField(_("ordering"), default=0)

    title_field = "heading"
    text_fields = ("body",)

    objects = OverviewSectionQuerySet.as_manager()

    class Meta:
        ordering = ["ordering", "pk"]
        verbose_name = _("overview section")
        verbose_name_plural = _("overview")


def with_crime_areas(articles, crime_areas):
    """Give each article card of a list `card_crime_areas`: its public crime areas in their
    order, from the pks its row brings (`card_area_pks`, text: `3,1`) and the crime areas
    (a handful of rows) rather than a prefetch, which cost a query and built a crime area for
    every tag. Returns `articles`."""
    areas_of = crime_areas_of(crime_areas)
    for article in articles:
        article.card_crime_areas = areas_of(article.card_area_pks)
    return articles


def crime_areas_of(crime_areas):
    """A function of an article row's `card_area_pks` (text: `3,1`, or None) that gives its
    public crime areas among `crime_areas`, in their order."""
    order = {area.pk: (index, area) for index, area in enumerate(crime_areas)}

    def areas_of(area_pks):
        pks = area_pks.split(",") if area_pks else ()
        return [area for _index, area in sorted(order[pk] for pk in map(int, pks) if pk in order)]

    return areas_of


class CrimeAreaQuerySet(VersionedQuerySetMixin, AlwaysPublishedQuerySetMixin, TranslatedQuerySet):
    pass


class CrimeArea(
    Versioned,
    TracksTranslations,
    KeepsPreviousSlugs,
    SanitisedRichTextMixin,
    WithImage,
    TranslatedContent,
):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    ordering = models.PositiveIntegerField(_("ordering"), default=0)

    title_field = "name"

    objects = CrimeAreaQuerySet.as_manager()

    class Meta:
        ordering = ["ordering", "pk"]
        verbose_name = _("crime area")
        verbose_name_plural = _("crime areas")

    def get_absolute_url(self):
        return slug_url("crimes:crimearea_detail", self.slug)


class CrimeExampleQuerySet(AlwaysPublishedQuerySetMixin, TranslatedQuerySet):
    pass


class CrimeExample(TranslatedContent):
    """One example of a crime area (botnets, malware, phishing…), in the area's order."""

    title_field = "name"
    text_fields = ()

    crime_area = models.ForeignKey(CrimeArea, on_delete=models.CASCADE, related_name="examples")
    name = models.CharField(_("name"), max_length=200)
    ordering = models.PositiveIntegerField(_("ordering"), default=0)

    objects = CrimeExampleQuerySet.as_manager()

    class Meta:
        ordering = ["ordering", "pk"]
        verbose_name = _("example")
        verbose_name_plural = _("examples")


class AdviceQuerySet(VersionedQuerySetMixin, PublishedQuerySetMixin, TranslatedQuerySet):
    pass


class Advice(
    Versioned,
    TracksTranslations,
    KeepsPreviousSlugs,
    SanitisedRichTextMixin,
    Publishable,
    TranslatedContent,
):
    """Safety advice for the public (the Heartbleed bug, staying safe online)."""

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    crime_areas = models.ManyToManyField(
        CrimeArea, blank=True, related_name="advice", verbose_name=_("crime areas")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AdviceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "pk"]
        indexes = [ends_index("advice_ends_idx")]
        verbose_name = _("advice")
        verbose_name_plural = _("advice")
        permissions = [
            ("publish_advice", _("Can publish and schedule advice")),
            ("unpublish_advice", _("Can unpublish advice")),
        ]

    def get_absolute_url(self):
        return slug_url("advice:advice_detail", self.slug)
