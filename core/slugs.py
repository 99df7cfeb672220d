"""Links never break: a published item whose slug changes keeps answering at its old URL
with a 301 to the new one."""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponsePermanentRedirect

from .stored import StoredRow


class KeepsPreviousSlugs(StoredRow):
    """Abstract model: remember the slug an item had before each change of slug."""

    class Meta:
        abstract = True

    @classmethod
    def stored_field_names(cls):
        return (*super().stored_field_names(), "slug")

    def save(self, *args, **kwargs):
        from .models import PreviousSlug

        content_type = ContentType.objects.get_for_model(type(self))
        stored = self.stored()
        old_slug = stored["slug"] if stored else None
        if old_slug and old_slug != self.slug:
            PreviousSlug.objects.update_or_create(
                content_type=content_type, slug=old_slug, defaults={"object_id": self.pk}
            )
        super().save(*args, **kwargs)
        if old_slug != self.slug:
            # A slug now in use again is nobody's old slug any more.
            PreviousSlug.objects.filter(content_type=content_type, slug=self.slug).delete()


class PreviousSlugRedirectMixin:
    """Detail-view mixin: an unknown slug that an item of the view's queryset once had
    answers with a 301 to where that item is now."""

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            from .models import PreviousSlug

            queryset = self.get_queryset()
            previous = PreviousSlug.objects.filter(
                content_type=ContentType.objects.get_for_model(queryset.model),
                slug=kwargs.get(self.slug_url_kwarg),
            ).first()
            item = previous and queryset.filter(pk=previous.object_id).first()
            if not item:
                raise
            url = item.get_absolute_url()
            if request.META.get("QUERY_STRING"):
                url = f"{url}?{request.META['QUERY_STRING']}"
            return HttpResponsePermanentRedirect(url)
