"""What the public may see: `published()` is the one rule, used by every public surface."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublishedQuerySetMixin:
    def published(self, now=None):
        """Public iff the status is published and `published_at` is not in the future."""
        return self.filter(
            status=Publishable.Status.PUBLISHED,
            published_at__lte=now or timezone.now(),
        )

    def drafts(self):
        return self.filter(status=Publishable.Status.DRAFT)


class AlwaysPublishedQuerySetMixin:
    """For content without publication fields (crime areas, initiatives, the overview): every
    row is public, but feeds, sitemaps, search and views still start from `published()`, so
    that one vocabulary serves every model and adding publication fields later is one change."""

    def published(self, now=None):
        return self.all()


class Publishable(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        _("publication date"),
        default=timezone.now,
        db_index=True,
        help_text=_("Published items appear on the site from this moment on."),
    )

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_scheduled(self):
        """Published, with a publication date still to come: public from that moment."""
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    def get_publication_display(self):
        """Draft, Scheduled or Published: what the admin's lists and filters show."""
        if self.is_scheduled:
            return _("Scheduled")
        return self.get_status_display()
