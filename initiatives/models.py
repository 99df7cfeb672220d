from django.db import models
from django.utils.translation import gettext_lazy as _

from core.editing import Versioned, VersionedQuerySetMixin
from core.images import WithImage
from core.languages import TranslatedContent, TranslatedQuerySet
from core.links import slug_url
from core.publishing import AlwaysPublishedQuerySetMixin
from core.sanitising import SanitisedRichTextMixin
from core.slugs import KeepsPreviousSlugs
from core.translations import TracksTranslations


class InitiativeQuerySet(VersionedQuerySetMixin, AlwaysPublishedQuerySetMixin, TranslatedQuerySet):
    pass


class Initiative(
    Versioned,
    TracksTranslations,
    KeepsPreviousSlugs,
    SanitisedRichTextMixin,
    WithImage,
    TranslatedContent,
):
    """A programme or facility of the directorate; may be part of a parent initiative
    (the Digital Crime Centre is part of the Global Complex for Innovation)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_CONSTRUCTION = "under_construction", _("Under construction")
        OPERATIONAL = "operational", _("Operational")

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=20, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    ordering = models.PositiveIntegerField(_("ordering"), default=0)

    title_field = "name"

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["ordering", "pk"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")

    def get_absolute_url(self):
        return slug_url("initiatives:initiative_detail", self.slug)

    def clean(self):
        """Refuse a parent that would make the tree a loop. Walks up from the parent, and stops
        at a loop already in the data (saved without clean()), so it always ends."""
        from django.core.exceptions import ValidationError

        super().clean()
        if self.parent_id is None:
            return
        if self.pk is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An initiative cannot be part of itself.")})
        seen = set()
        ancestor = self.parent
        while ancestor is not None:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": _("An initiative cannot be part of one of its own parts.")}
                )
            if ancestor.pk in seen:
                raise ValidationError(
                    {
                        "parent": _(
                            "The chosen initiative is in a loop of initiatives that are part of "
                            "each other. Choose another one, or correct that loop first."
                        )
                    }
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
