"""What the public detail views share: the item's languages for hreflang, and staff preview."""

from django.utils.translation import get_language


class TranslatedDetailMixin:
    # Set by the admin's preview of a pending change (cyberwatch/admin.py: preview_view).
    preview_item = None
    preview_review = None

    def public_or_preview(self, manager):
        """What the public sees (`published()`); staff who may change the model also see drafts
        and scheduled items, to preview them on the public templates."""
        model = manager.model
        user = self.request.user
        if user.is_staff and user.has_perm(
            f"{model._meta.app_label}.change_{model._meta.model_name}"
        ):
            return manager.all()
        return manager.published()

    def get_object(self, queryset=None):
        if self.preview_item is None:
            return super().get_object(queryset)
        from .review import applied

        item = self.get_queryset().get(pk=self.preview_item.pk)
        return applied(item, self.preview_review) if self.preview_review else item

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_languages"] = self.object.available_languages
        context["shown"] = self.object.shown_in(get_language())
        context["pending_preview"] = self.preview_review is not None
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if self.preview_item is not None or getattr(self.object, "is_published", True) is False:
            # A preview: never cached, never indexed.
            response["Cache-Control"] = "private, no-store"
            response["X-Robots-Tag"] = "noindex"
        return response
