"""The review page of an item (compare, then publish, request changes or withdraw), its preview
on the public templates, the change form's live notice of someone else's save, and the list of
reviews."""

from concurrency.forms import get_signer
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import notifications
from .. import review as reviews
from ..editing import last_save
from ..models import Review
from ..roles import may
from .forms import ReviewForm


class ReviewViews:
    preview_view_class = None  # the public detail view, set by the app's admin

    def get_urls(self):
        meta = self.model._meta
        info = f"{meta.app_label}_{meta.model_name}"
        urls = [
            path(
                "<path:object_id>/edited/",
                self.admin_site.admin_view(self.edited_view),
                name=f"{info}_edited",
            )
        ]
        if reviews.reviewed(self.model):
            urls += [
                path(
                    "<path:object_id>/review/",
                    self.admin_site.admin_view(self.review_view),
                    name=f"{info}_review",
                ),
                path(
                    "<path:object_id>/preview/",
                    self.admin_site.admin_view(self.preview_view),
                    name=f"{info}_preview",
                ),
            ]
        return urls + super().get_urls()

    def _item(self, request, object_id):
        item = (
            self.model._base_manager.filter(pk=object_id).first() if object_id.isdigit() else None
        )
        if item is None:
            raise Http404
        if not self.has_view_or_change_permission(request, item):
            raise PermissionDenied
        return item

    def edited_view(self, request, object_id):
        """Whether the item was saved since its change form was opened (`?version=`, the
        form's signed version), for the form's notice: {"edited", "message"}. The save itself
        is refused anyway (core/editing.py): the notice only saves typing in vain."""
        item = self._item(request, object_id)
        try:
            opened = int(get_signer().unsign(request.GET.get("version", "")))
        except (signing.BadSignature, ValueError, TypeError):
            return JsonResponse({"error": "version"}, status=400)
        current = self.model._base_manager.filter(pk=item.pk).values_list("version", flat=True)
        edited = current.first() != opened
        message = ""
        if edited:
            who, when = last_save(item)
            when_text = (
                formats.date_format(timezone.localtime(when), "DATETIME_FORMAT") if when else ""
            )
            message = gettext(
                "%(who)s saved this item at %(when)s, after you opened it. Saving this form "
                "will be refused: copy what you typed, then reload the page."
            ) % {"who": who or gettext("someone"), "when": when_text}
        response = JsonResponse({"edited": edited, "message": message})
        response["Cache-Control"] = "private, no-store"
        return response

    def review_view(self, request, object_id):
        """A publisher compares the open review of an item with its live version, field by
        field in every language, then publishes it, requests changes with a comment, or
        withdraws it. Its contributors and other staff see the comparison and the outcome;
        contributors may withdraw their own."""
        item = self._item(request, object_id)
        review = reviews.latest_review(item)
        may_publish = may(request.user, "publish", self.model)
        contributor = review is not None and any(
            person.pk == request.user.pk for person in review.contributors()
        )
        form = ReviewForm(request.POST or None)
        if request.method == "POST":
            decision = request.POST.get("decision")
            if not (may_publish or (contributor and decision == "withdraw")):
                raise PermissionDenied
            if review is None or not review.is_open or str(review.pk) != request.POST.get("review"):
                self.message_user(request, _("This review is no longer open."), messages.WARNING)
                return HttpResponseRedirect(request.path)
            if form.is_valid():
                try:
                    return self._decide(request, item, review, form.cleaned_data)
                except reviews.ReviewClosed:
                    self.message_user(
                        request, _("This review is no longer open."), messages.WARNING
                    )
                    return HttpResponseRedirect(request.path)
        order = flatten_fieldsets(self.get_fieldsets(request, item))
        change = review is not None and review.kind == Review.Kind.CHANGE
        rows = reviews.compared(review, item, order) if review is not None else []
        context = {
            **self.admin_site.each_context(request),
            "title": _("Review of “%(item)s”") % {"item": item},
            "opts": self.model._meta,
            "original": item,
            "review": review,
            "contributions": review.contributions.select_related("user") if review else [],
            "rows": rows,
            "changed_rows": [row for row in rows if row["changed"] or not change],
            "unchanged_rows": [row for row in rows if not row["changed"] and change],
            "form": form,
            "may_publish": may_publish,
            "may_withdraw": may_publish or contributor,
            "change_url": self._url("change", item),
            "preview_url": self._url("preview", item) if self.preview_view_class else None,
            "languages": settings.LANGUAGES,
        }
        return TemplateResponse(request, "admin/review.html", context)

    def _decide(self, request, item, review, decision):
        """Publishes `review`, sends it back or withdraws it; a refusal is a message."""
        if decision["decision"] == "withdraw":
            reviews.withdraw(review, request.user)
            review.refresh_from_db()
            notifications.decided(request, review, request.user)
            self.message_user(
                request,
                _("The proposal for “%(item)s” is withdrawn.") % {"item": review.object_repr},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._url("change", item))
        if decision["decision"] == "reject":
            reviews.reject(review, request.user, decision["comment"])
            review.refresh_from_db()
            notifications.decided(request, review, request.user)
            self.message_user(
                request,
                _("Changes to “%(item)s” are requested from its contributors.")
                % {"item": review.object_repr},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._url("change", item))
        try:
            reviews.publish(review, request.user)
        except reviews.ReviewConflict:
            self.message_user(
                request,
                _(
                    "The item was saved after this change was proposed: publishing it "
                    "would undo that save. Open the item, bring the change into it, "
                    "and save it, or request changes."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.path)
        review.refresh_from_db()
        notifications.decided(request, review, request.user)
        self.message_user(
            request, _("“%(item)s” is published.") % {"item": review.object_repr}, messages.SUCCESS
        )
        return HttpResponseRedirect(self._url("change", item))

    def preview_view(self, request, object_id):
        """The public page of the item as its pending change would make it, for staff: marked
        as a preview, never indexed nor cached. `?language=` picks the page's language."""
        item = self._item(request, object_id)
        review = reviews.open_review(item)
        if review is not None and review.kind != Review.Kind.CHANGE:
            review = None
        language = request.GET.get("language")
        if language not in dict(settings.LANGUAGES):
            language = translation.get_language()
        request._translated_paths = {
            code: f"{request.path}?language={code}" for code, _name in settings.LANGUAGES
        }
        with translation.override(language):
            request.LANGUAGE_CODE = language
            view = self.preview_view_class.as_view(preview_item=item, preview_review=review)
            response = view(request, slug=item.slug)
            response.render()
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response


class ContributedByFilter(admin.SimpleListFilter):
    """Reviews the person signed in contributed to ("Your submissions" on the dashboard)."""

    title = _("contributor")
    parameter_name = "contributed"

    def lookups(self, request, model_admin):
        return [("me", _("You"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(contributions__user=request.user).distinct()
        return queryset


class OpenFilter(admin.SimpleListFilter):
    title = _("open")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Awaiting review or changes"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(state__in=Review.OPEN_STATES)
        return queryset


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Every review, open or done: each links to the item's review page. Read only; reviews
    are made by saving items and decided on their review page."""

    list_display = ["item", "kind", "state", "people", "updated_at", "reviewer", "comment"]
    list_display_links = None
    list_select_related = ["content_type", "reviewer"]
    actions = None
    list_filter = ["state", OpenFilter, ContributedByFilter, "kind", "content_type"]
    search_fields = ["object_repr", "comment", "contributions__user__username"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("contributions__user")

    @admin.display(description=_("item"), ordering="object_repr")
    def item(self, review):
        # Not named `object_repr`: the model's field of that name would be shown instead.
        return format_html(
            '<a href="{}" dir="auto">{}</a>', reviews.review_url(review), review.object_repr
        )

    @admin.display(description=_("contributors"))
    def people(self, review):
        return review.contributor_names

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A review goes with its item: whoever may delete the item deletes its reviews.
        return obj is not None and may(request.user, "delete", obj.content_type.model_class())
