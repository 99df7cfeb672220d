"""The audit log: read only, for everyone who may view it, in the reader's language."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "action", "object_repr", "content_type", "details"]
    list_filter = ["action", "content_type", "created_at"]
    list_select_related = ["user", "content_type"]
    search_fields = ["object_repr", "user__username"]
    date_hierarchy = "created_at"

    @admin.display(description=_("detail"))
    def details(self, entry):
        return entry.describe()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
