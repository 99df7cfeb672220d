from django.contrib import admin
from modeltranslation.admin import TranslationTabularInline

from core.admin import (
    ContentAdmin,
    MissingTranslationFilter,
    OutdatedTranslationFilter,
    PublicationFilter,
    ReviewFilter,
    publication,
)

from .models import Advice, CrimeArea, CrimeExample, OverviewSection
from .views import AdviceDetailView


@admin.register(OverviewSection)
class OverviewSectionAdmin(ContentAdmin):
    list_display = ["heading", "key", "ordering", "languages"]
    list_editable = ["ordering"]
    list_filter = [MissingTranslationFilter, OutdatedTranslationFilter]
    translated_search_fields = ("body",)
    search_fields = ["key"]


class CrimeExampleInline(TranslationTabularInline):
    model = CrimeExample
    extra = 1
    fields = ["name", "ordering"]


@admin.register(CrimeArea)
class CrimeAreaAdmin(ContentAdmin):
    list_display = ["name", "slug", "ordering", "languages"]
    list_editable = ["ordering"]
    list_filter = [MissingTranslationFilter, OutdatedTranslationFilter]
    search_fields = ["slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [CrimeExampleInline]


@admin.register(Advice)
class AdviceAdmin(ContentAdmin):
    preview_view_class = AdviceDetailView
    list_display = ["title", publication, "published_at", "languages"]
    list_filter = [
        PublicationFilter,
        ReviewFilter,
        "published_at",
        "crime_areas",
        MissingTranslationFilter,
        OutdatedTranslationFilter,
    ]
    search_fields = ["slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title_en"]}
    filter_horizontal = ["crime_areas"]
