"""What the public detail views share: the item's languages for hreflang, and staff preview."""

from django.http import Http404
from django.utils.translation import get_language, gettext

from .publishing import Publishable


class TranslatedDetailMixin:
    # Set by the admin's preview of a pending change (core/admin.py: preview_view).
    preview_item = None
    preview_review = None

    def sees_unpublished(self, model):
        """Staff who may change the model also see drafts and scheduled items, to preview them
        on the public templates. (Content without publication fields is public whole.)"""
        user = self.request.user
        return (
            issubclass(model, Publishable)
            and user.is_staff
            and user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
        )

    def public_or_preview(self, manager):
        """What the public sees (`published()`), or everything for those who preview."""
        return manager.all() if self.sees_unpublished(manager.model) else manager.published()

    def get_public_object(self, slug):
        """The public item at `slug`, or None. By default through `get_queryset()`; a view
        whose public query is compiled once (core/prepared.py) reads it there instead."""
        return self.get_queryset().filter(**{self.get_slug_field(): slug}).first()

    def get_object(self, queryset=None):
        if self.preview_item is None:
            slug = self.kwargs.get(self.slug_url_kwarg)
            if queryset is None and slug is not None and not self.sees_unpublished(self.model):
                item = self.get_public_object(slug)
                if item is None:
                    raise Http404(
                        gettext("No %(verbose_name)s found matching the query")
                        % {"verbose_name": self.model._meta.verbose_name}
                    )
                return item
            return super().get_object(queryset)
        from .review import applied

        item = self.get_queryset().get(pk=self.preview_item.pk)
        return applied(item, self.preview_review) if self.preview_review else item

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_languages"] = self.object.available_languages
        context["shown"] = self.object.shown_in(get_language())
        context["pending_preview"] = self.preview_review is not None
        context["is_preview"] = self.is_preview()
        return context

    def is_preview(self):
        """A page the public does not see (a draft, a scheduled item, a pending change): never
        cached, never indexed, and it names no canonical address (base.jinja)."""
        return self.preview_item is not None or getattr(self.object, "is_published", True) is False

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if self.is_preview():
            response["Cache-Control"] = "private, no-store"
            response["X-Robots-Tag"] = "noindex"
        return response
