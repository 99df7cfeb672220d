"""The content lists' filters: missing and outdated translations, publication, review."""

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..languages import available_in_q
from ..models import Review
from ..publishing import Publishable
from ..translations import contains


class MissingTranslationFilter(admin.SimpleListFilter):
    title = _("missing translation in")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [(code, name) for code, name in settings.LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() in dict(settings.LANGUAGES):
            return queryset.exclude(available_in_q(queryset.model, self.value()))
        return queryset


class OutdatedTranslationFilter(admin.SimpleListFilter):
    """Items whose translation into a language is older than their original's last change."""

    title = _("outdated translation in")
    parameter_name = "outdated"

    def lookups(self, request, model_admin):
        return [(code, name) for code, name in settings.LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() in dict(settings.LANGUAGES):
            return queryset.filter(outdated_languages__contains=contains(self.value()))
        return queryset


class PublicationFilter(admin.SimpleListFilter):
    """Draft, Scheduled (published with a date to come), Published (public now) or Ended."""

    title = _("publication")
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("Draft")),
            ("scheduled", _("Scheduled")),
            ("public", _("Published")),
            ("ended", _("Ended")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "draft":
            return queryset.filter(status=Publishable.Status.DRAFT)
        if self.value() == "scheduled":
            return queryset.filter(status=Publishable.Status.PUBLISHED, published_at__gt=now)
        if self.value() == "public":
            return queryset.published(now)
        if self.value() == "ended":
            return queryset.filter(status=Publishable.Status.PUBLISHED, unpublish_at__lte=now)
        return queryset


class ReviewFilter(admin.SimpleListFilter):
    """Items with a change or a draft awaiting a publisher's review."""

    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("pending", _("Awaiting review"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            pending = Review.objects.filter(
                content_type=ContentType.objects.get_for_model(queryset.model),
                state=Review.State.PENDING,
            ).values("object_id")
            return queryset.filter(pk__in=pending)
        return queryset


@admin.display(description=_("publication"), ordering="status")
def publication(item):
    return item.get_publication_display()
