from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import (
    ContentAdmin,
    MissingTranslationFilter,
    OutdatedTranslationFilter,
    PublicationFilter,
    ReviewFilter,
    publication,
)

from .models import Article
from .views import ArticleDetailView


@admin.register(Article)
class ArticleAdmin(ContentAdmin):
    preview_view_class = ArticleDetailView
    list_display = ["title", publication, "published_at", "original_language", "languages"]
    list_filter = [
        PublicationFilter,
        ReviewFilter,
        "published_at",
        "original_language",
        "crime_areas",
        "initiatives",
        MissingTranslationFilter,
        OutdatedTranslationFilter,
    ]
    search_fields = ["slug"]
    date_hierarchy = "published_at"
    filter_horizontal = ["crime_areas", "initiatives"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    fieldsets = [
        (_("Text"), {"fields": ["title", "slug", "original_language", "summary", "body"]}),
        (_("Publication"), {"fields": ["status", "published_at", "unpublish_at"]}),
        (_("Topics"), {"fields": ["crime_areas", "initiatives"]}),
        (_("Image"), {"fields": ["image", "image_alt", "image_caption", "image_credit"]}),
        (_("History"), {"fields": ["created_at", "created_by", "updated_at", "updated_by"]}),
    ]
