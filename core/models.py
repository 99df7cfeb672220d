from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class PreviousSlug(models.Model):
    """A slug an item was published under, so that its old links answer with a 301."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    slug = models.SlugField(_("slug"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "slug"], name="unique_previous_slug")
        ]
        verbose_name = _("previous slug")
        verbose_name_plural = _("previous slugs")

    def __str__(self):
        return self.slug


class Profile(models.Model):
    """What the newsroom knows of a person beyond their account: the languages a translator
    may change (core/roles.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="newsroom_profile"
    )
    languages = models.CharField(
        _("languages translated"),
        max_length=50,
        blank=True,
        help_text=_("For translators: the languages whose fields they may change."),
    )
    admin_language = models.CharField(
        _("admin language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language of their admin and of the mail the newsroom sends them."),
    )

    class Meta:
        verbose_name = _("newsroom profile")
        verbose_name_plural = _("newsroom profiles")

    def __str__(self):
        return str(self.user)

    @property
    def language_codes(self):
        return [code for code in self.languages.split(",") if code]


class AuditEntry(models.Model):
    """Who published, scheduled, unpublished, rolled back, recovered or deleted which item, and
    when, in the same transaction as the change. What it records is data (`data`:
    the version, the publication state before and after, the people, a comment), rendered in
    the reader's language by `describe()`; entries from before it was data keep their text in
    `detail`."""

    class Action(models.TextChoices):
        PUBLISH = "publish", _("published")
        SCHEDULE = "schedule", _("scheduled")
        UNPUBLISH = "unpublish", _("unpublished")
        ROLL_BACK = "roll back", _("rolled back")
        RECOVER = "recover", _("recovered")
        REJECT = "reject", _("changes requested")
        DELETE = "delete", _("deleted")

    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(_("item"), max_length=300)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    data = models.JSONField(
        _("what it records"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_repr}"

    @classmethod
    def record(cls, action, user, item, **data):
        """Writes an entry: `data` holds what the entry says beyond who, what and when (see
        core/history.py for the keys `describe_audit` reads). The operations log gets a line
        with the request's address and id once the transaction commits."""
        from .requestlog import log_publishing_action

        entry = cls.objects.create(
            action=action,
            user=user if user and user.is_authenticated else None,
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
            object_repr=str(item)[:300],
            data=data,
        )
        log_publishing_action(action, user, item)
        return entry

    def describe(self):
        """What the entry records, in the active language."""
        from .history import describe_audit

        return describe_audit(self)


class Review(models.Model):
    """A publisher's review of an item, in one of two kinds:

    - *change*: what non-publishers saved to a published item, kept here (`data`) instead of
      on the item, so that the public page stays as it is until a publisher publishes it;
    - *draft*: a draft submitted for review; its text is the item's own row.

    An item has at most one *open* review: awaiting review, or sent back with changes
    requested (the proposal is kept for its contributors to rework and submit again). Every
    save that adds to it is a `Contribution`, with who made it and what it proposed."""

    class Kind(models.TextChoices):
        CHANGE = "change", _("change to a published item")
        DRAFT = "draft", _("draft submitted")

    class State(models.TextChoices):
        PENDING = "pending", _("awaiting review")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("changes requested")
        WITHDRAWN = "withdrawn", _("withdrawn")

    OPEN_STATES = (State.PENDING, State.REJECTED)

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(_("item"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    data = models.JSONField(_("proposed values"), default=dict, blank=True)
    base_version = models.PositiveBigIntegerField(
        _("item version"),
        default=0,
        help_text=_("The item's version when the change was last saved: publishing checks it."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
        help_text=_("Who made the latest contribution."),
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(state__in=["pending", "rejected"]),
                name="one_open_review_per_item",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="review_item_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.object_repr}"

    @property
    def is_pending(self):
        return self.state == self.State.PENDING

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES

    @property
    def author_name(self):
        return person_name(self.author)

    @property
    def reviewer_name(self):
        return person_name(self.reviewer)

    def contributors(self):
        """Everyone who contributed, first contribution first (one query, or none when the
        contributions were prefetched)."""
        people = {}
        for contribution in self.contributions.all():
            if contribution.user is not None:
                people.setdefault(contribution.user_id, contribution.user)
        return list(people.values())

    @property
    def contributor_names(self):
        from django.utils.text import get_text_list
        from django.utils.translation import gettext

        return get_text_list([person_name(user) for user in self.contributors()], gettext("and"))


class Contribution(models.Model):
    """One save that added to a review: who, when, and what it proposed (the fields it changed,
    with their proposed values). Its contributor follows the review on their dashboard and is
    told of its outcome."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("review")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="review_contributions",
        verbose_name=_("contributor"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    changes = models.JSONField(_("what it proposed"), default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self):
        return f"{person_name(self.user)}: {', '.join(self.changes)}"


def person_name(user):
    """How the newsroom names a person: their full name, else their username."""
    from django.utils.translation import gettext

    if user is None:
        return gettext("someone")
    return user.get_full_name() or user.get_username()
