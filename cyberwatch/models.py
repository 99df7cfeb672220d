from django.conf import settings
from django.contrib.contenttypes.models import ContentType
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
    may change (cyberwatch/roles.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="newsroom_profile"
    )
    languages = models.CharField(
        _("languages translated"),
        max_length=50,
        blank=True,
        help_text=_("For translators: the languages whose fields they may change."),
    )

    class Meta:
        verbose_name = _("newsroom profile")
        verbose_name_plural = _("newsroom profiles")

    def __str__(self):
        return str(self.user)

    @property
    def language_codes(self):
        return [code for code in self.languages.split(",") if code]
