from django.contrib import admin

from core.admin import ContentAdmin, MissingTranslationFilter, OutdatedTranslationFilter

from .models import Initiative


@admin.register(Initiative)
class InitiativeAdmin(ContentAdmin):
    list_display = ["name", "acronym", "parent", "status", "opened_on", "ordering", "languages"]
    list_editable = ["ordering"]
    list_filter = ["status", "parent", MissingTranslationFilter, OutdatedTranslationFilter]
    list_select_related = ["parent"]
    search_fields = ["acronym", "slug"]
    date_hierarchy = "opened_on"
    prepopulated_fields = {"slug": ["name_en"]}
