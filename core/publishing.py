"""What the public may see: `published()` is the one rule, used by every public surface."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .stored import StoredRow


class PublicationState(models.TextChoices):
    """Where an item stands with the public: what the audit log records before and after a
    roll-back or a recovery, and what the admin's lists show."""

    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    ENDED = "ended", _("Ended")
    DELETED = "deleted", _("Deleted")


def publication_state(status, published_at, unpublish_at, now=None):
    """The `PublicationState` of publication fields (an item's, or a stored row's)."""
    now = now or timezone.now()
    if status != Publishable.Status.PUBLISHED:
        return PublicationState.DRAFT
    if published_at > now:
        return PublicationState.SCHEDULED
    if unpublish_at is not None and unpublish_at <= now:
        return PublicationState.ENDED
    return PublicationState.PUBLISHED


class PublishedQuerySetMixin:
    def published(self, now=None):
        """Public iff the status is published, `published_at` has come and `unpublish_at`
        (optional) has not. No job runs at either moment: the clock decides."""
        now = now or timezone.now()
        return self.filter(
            Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now),
            status=Publishable.Status.PUBLISHED,
            published_at__lte=now,
        )


class AlwaysPublishedQuerySetMixin:
    """For content without publication fields (crime areas, initiatives, the overview): every
    row is public, but feeds, sitemaps, search and views still start from `published()`, so
    that one vocabulary serves every model and adding publication fields later is one change."""

    def published(self, now=None):
        return self.all()


def ends_index(name):
    """An index of the items that have an end (`unpublish_at`), for counting those that ended.
    Partial: a full one tempted SQLite to walk it for `unpublish_at IS NULL OR …` on every
    list, and sort the whole archive, instead of reading the publication order's index."""
    return models.Index(fields=["unpublish_at"], condition=Q(unpublish_at__isnull=False), name=name)


class Publishable(StoredRow):
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
        help_text=_(
            "Published items appear on the site from this moment on. Left empty on a draft: "
            "the moment it is published."
        ),
    )
    # False while nobody chose the date: a draft is then dated when it is published, not when
    # it was started (`publish()`).
    published_at_chosen = models.BooleanField(
        _("publication date chosen"), default=False, editable=False
    )
    unpublish_at = models.DateTimeField(
        _("unpublish at"),
        null=True,
        blank=True,
        help_text=_("Optional: the item leaves every public page at this moment."),
    )
    # Its reviews (core/review.py) go with it when it is deleted, in one query.
    reviews = GenericRelation("cyberwatch.Review")

    class Meta:
        abstract = True

    @classmethod
    def stored_field_names(cls):
        return (*super().stored_field_names(), "status", "published_at", "unpublish_at")

    @property
    def is_published(self):
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at <= now
            and not (self.unpublish_at and self.unpublish_at <= now)
        )

    @property
    def is_scheduled(self):
        """Published, with a publication date still to come: public from that moment."""
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    @property
    def has_ended(self):
        """Published, and its `unpublish_at` has come: no longer public."""
        return (
            self.status == self.Status.PUBLISHED
            and self.unpublish_at is not None
            and self.unpublish_at <= timezone.now()
        )

    def publish(self, now=None):
        """Makes the item published: at the moment chosen for it, or now when nobody chose
        one (a draft is dated when it is published, not when it was started)."""
        self.status = self.Status.PUBLISHED
        if not self.published_at_chosen:
            self.published_at = now or timezone.now()
        self.published_at_chosen = True

    @property
    def publication_state(self):
        """Draft, scheduled, published (public now) or ended, as a `PublicationState`."""
        return publication_state(self.status, self.published_at, self.unpublish_at)

    def get_publication_display(self):
        """Draft, Scheduled, Published or Ended: what the admin's lists and filters show."""
        return PublicationState(self.publication_state).label

    def clean(self):
        super().clean()
        if self.unpublish_at and self.published_at and self.unpublish_at <= self.published_at:
            raise ValidationError(
                {"unpublish_at": _("The end of publication must come after its start.")}
            )
