"""What every content admin shares: tabbed translations (modeltranslation), history
(django-reversion), the languages column and the missing-translation filter."""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from reversion.admin import VersionAdmin

from .languages import available_in_q


class MissingTranslationFilter(admin.SimpleListFilter):
    title = _("missing translation in")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [(code, name) for code, name in settings.LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() in dict(settings.LANGUAGES):
            return queryset.exclude(available_in_q(queryset.model, self.value()))
        return queryset


class ContentAdmin(VersionAdmin, TabbedTranslationAdmin):
    """Base admin for translated content: every save is a revision."""

    list_per_page = 50

    @admin.display(description=_("languages"))
    def languages(self, obj):
        return " ".join(code.upper() for code in obj.available_languages) or "—"

    def save_model(self, request, obj, form, change):
        if hasattr(obj, "updated_by_id"):
            obj.updated_by = request.user
            if not change:
                obj.created_by = request.user
        super().save_model(request, obj, form, change)
