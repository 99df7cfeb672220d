"""What every content admin shares: tabbed translations (modeltranslation), history
(django-reversion), items named by the fallback rule, search in every language, the languages
column and the missing-translation filter."""

from concurrency.exceptions import RecordModifiedError
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html, strip_tags
from django.utils.text import Truncator, slugify
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

from . import review as reviews
from .editing import stale_edit_error, stored_version
from .languages import BLANK, available_in_q, has_original_language, text_direction
from .models import AuditEntry, PreviousSlug, Profile, Review
from .publishing import Publishable
from .roles import may, translated_languages
from .translations import contains

# What editors may write in a body: paragraphs, h2–h3, lists, links, bold, italic and quotes.
RICH_TEXT_EDITOR = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Heading": {"levels": [2, 3]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
        "HardBreak": True,
    }
}


def translated_columns(model, fields):
    """Every language's column (`title_en`, `title_fr`…) of each translated field in `fields`."""
    translated = translator.get_options_for_model(model).all_fields
    return [
        build_localized_fieldname(field, code)
        for field in fields
        if field in translated
        for code in AVAILABLE_LANGUAGES
    ]


def unique_slug(model, text, exclude_pk=None):
    """A slug made from `text` that no other item of `model` has, now or as an old URL.
    A title without Latin letters (Arabic) slugifies to nothing: the model's name stands in.
    -2, -3… are added until the slug is free."""
    max_length = model._meta.get_field("slug").max_length
    base = slugify(text or "")[: max_length - 6].strip("-") or model._meta.model_name
    taken = set(
        model._default_manager.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    taken.update(
        PreviousSlug.objects.filter(
            content_type=ContentType.objects.get_for_model(model), slug__startswith=base
        )
        .exclude(object_id=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def same_moment(one, other):
    """Equal to the second: the form's date-time fields carry no microseconds, and a stored
    moment may (items made in code), which would read as a change nobody made."""
    if one is None or other is None:
        return one is other
    return one.replace(microsecond=0) == other.replace(microsecond=0)


def changed_fields(form):
    """The fields `form` changes: a moment equal to the second is no change (see
    `same_moment`)."""
    return [
        name
        for name in form.changed_data
        if not (
            isinstance(form.fields[name], forms.SplitDateTimeField)
            and same_moment(form.cleaned_data.get(name), form.initial.get(name))
        )
    ]


class ContentAdminForm(forms.ModelForm):
    """Lets an editor write an item in one language only: a new item's original language,
    left at its default, becomes the language it was written in, and an empty slug is made
    from the title in the original language."""

    editing_user = None  # set by ContentAdmin.get_form: who fills the form in
    publication_action = None  # an AuditEntry.Action when this save publishes or unpublishes

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Left empty, it is made from the title.")
        self._show_original_beside_translations()
        languages = translated_languages(self.editing_user) if self.editing_user else None
        if languages is not None:
            # A translator changes the fields of their languages only; every other field keeps
            # its stored value whatever is posted (a disabled field ignores the POST).
            allowed = set(
                translated_columns(self._meta.model, self._meta.model.translated_fields())
            )
            allowed = {
                name for name in allowed if any(name.endswith(f"_{code}") for code in languages)
            }
            for name, field in self.fields.items():
                if name not in allowed and name != "version":
                    field.disabled = True

    def clean(self):
        cleaned_data = super().clean()
        # A form opened before someone else's save is refused. The row stays locked until the
        # save commits (PostgreSQL): nobody saves between this check and ours.
        if (
            "version" in self.fields
            and self.instance.pk is not None
            and cleaned_data.get("version") != stored_version(self.instance, lock=True)
        ):
            raise stale_edit_error(self.instance)
        self._check_publication(cleaned_data)
        written = self._as_written(cleaned_data)
        self._check_alt_text(cleaned_data, written)
        if "original_language" in cleaned_data and self.instance._state.adding:
            chosen = cleaned_data["original_language"]
            model_default = self._meta.model._meta.get_field("original_language").get_default()
            # The add form offers the admin's language (see ContentAdmin), the model English.
            if (
                chosen in {model_default, get_language()}
                and not written.is_available_in(chosen)
                and written.available_languages
            ):
                written.original_language = written.display_language(chosen)
                cleaned_data["original_language"] = written.original_language
        if "slug" in self.fields and not cleaned_data.get("slug") and "slug" not in self.errors:
            title = written.shown_in(written.original_language).label
            cleaned_data["slug"] = unique_slug(self._meta.model, title, self.instance.pk)
        return cleaned_data

    def _show_original_beside_translations(self):
        """In every other language's tab, each translated field shows the original language's
        text under it, read only: what a translator translates from."""
        item = self.instance
        if item.pk is None:
            return
        original = item.original_language
        original_name = get_language_info(original)["name_translated"]
        for field in item.translated_fields():
            text = strip_tags(getattr(item, build_localized_fieldname(field, original), "") or "")
            if not text.strip(BLANK):
                continue
            for code in AVAILABLE_LANGUAGES:
                name = build_localized_fieldname(field, code)
                if code == original or name not in self.fields:
                    continue
                self.fields[name].help_text = format_html(
                    '{} <span lang="{}" dir="{}">{}</span>',
                    _("Original (%(language)s):") % {"language": original_name},
                    original,
                    text_direction(original),
                    Truncator(text).chars(400),
                )

    def _check_publication(self, cleaned_data):
        """Only those allowed publish, schedule or reschedule (publish permission) and
        unpublish (unpublish permission): in the form, so a forged POST is refused too."""
        model = self._meta.model
        user = self.editing_user
        if user is None or not issubclass(model, Publishable) or "status" not in cleaned_data:
            return  # an initiative's status (planned, operational…) is not publication
        published = Publishable.Status.PUBLISHED
        was_published = self.instance.pk is not None and self.instance.status == published
        status = cleaned_data["status"]
        moment = cleaned_data.get("published_at", self.instance.published_at)
        publishing = status == published and (
            not was_published or not same_moment(moment, self.instance.published_at)
        )
        if publishing:
            scheduled = moment is not None and moment > timezone.now()
            self.publication_action = (
                AuditEntry.Action.SCHEDULE if scheduled else AuditEntry.Action.PUBLISH
            )
        elif was_published and status != published:
            self.publication_action = AuditEntry.Action.UNPUBLISH
        if publishing and not may(user, "publish", model):
            self.add_error(
                "status" if not was_published else "published_at",
                _("Only a publisher can publish, schedule or reschedule this item."),
            )
        if was_published and status != published and not may(user, "unpublish", model):
            self.add_error("status", _("Only a publisher can unpublish this item."))
        end = cleaned_data.get("unpublish_at", self.instance.unpublish_at)
        if not same_moment(end, self.instance.unpublish_at):
            if not may(user, "unpublish", model):
                self.add_error("unpublish_at", _("Only a publisher can set when an item ends."))
            elif end and status == published and not self.publication_action:
                self.publication_action = AuditEntry.Action.UNPUBLISH

    def _check_alt_text(self, cleaned_data, written):
        """An image is described in every language the item is available in: a screen reader
        on the French page reads the French alt text."""
        if "image" not in self.fields:
            return
        image = cleaned_data.get("image")
        if image is False or not (image or self.instance.image):
            return  # no image, or the image is being cleared
        for code in written.available_languages:
            name = build_localized_fieldname("image_alt", code)
            if name in self.fields and not (cleaned_data.get(name) or "").strip(BLANK):
                self.add_error(
                    name,
                    _("Describe the image in %(language)s too: the item is available in it.")
                    % {"language": get_language_info(code)["name_translated"]},
                )

    def _as_written(self, cleaned_data):
        """An unsaved copy of the item's text as this form would save it."""
        model = self._meta.model
        names = translated_columns(model, model.translated_fields())
        if has_original_language(model):
            names.append("original_language")
        values = {name: getattr(self.instance, name) for name in names}
        values.update((name, cleaned_data[name]) for name in names if name in cleaned_data)
        return model(**values)


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


class ContentAdmin(CompareVersionAdmin, TabbedTranslationAdmin):
    """Base admin for translated content: every save is a revision; an item is named by the
    fallback rule (its `__str__`) in the list as everywhere else; search looks at the title
    field and `translated_search_fields` in every language, plus `search_fields`."""

    form = ContentAdminForm
    list_per_page = 50
    translated_search_fields = ("summary",)

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        title = model._meta.get_field(model.title_field)

        @admin.display(description=title.verbose_name, ordering=f"shown_{title.name}")
        def shown_title(item):
            return str(item)

        shown_title.__name__ = title.name  # the column keeps its class and sort parameter
        self.shown_title = shown_title

    def get_queryset(self, request):
        # `shown_<title>` sorts the title column by the text it shows.
        return super().get_queryset(request).with_display_language(request.LANGUAGE_CODE)

    def get_list_display(self, request):
        """The title field's column shows the title by the fallback rule, not the admin
        language's column, which is empty for an item not translated into it."""
        return [
            self.shown_title if name == self.model.title_field else name
            for name in super().get_list_display(request)
        ]

    def get_search_fields(self, request):
        fields = [self.model.title_field, *self.translated_search_fields]
        return [*translated_columns(self.model, fields), *super().get_search_fields(request)]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Every language's body in the rich-text editor (django-prose-editor: its scripts and
        fonts are in the package, no CDN and no npm build). What it writes is cleaned on save
        by the site's one nh3 policy (cyberwatch/sanitising.py), like anything else posted."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        rich = getattr(self.model, "rich_text_fields", ())
        columns = {
            build_localized_fieldname(name, code) for name in rich for code in AVAILABLE_LANGUAGES
        }
        if field is not None and db_field.name in columns:
            field.widget = AdminProseEditorWidget(
                attrs=field.widget.attrs, config=RICH_TEXT_EDITOR, preset="configurable"
            )
        return field

    def get_fieldsets(self, request, obj=None):
        """The version the change form was opened with travels with it (a hidden field, see
        cyberwatch/editing.py); not on the add form, nor when reverting to an old revision,
        which saves over the version stored now."""
        fieldsets = [
            (
                title,
                {**options, "fields": [name for name in options["fields"] if name != "version"]},
            )
            for title, options in super().get_fieldsets(request, obj)
        ]
        if obj is not None and not getattr(request, "_reverting", False):
            title, options = fieldsets[0]
            fieldsets[0] = (title, {**options, "fields": [*options["fields"], "version"]})
        return fieldsets

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"editing_user": request.user})

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if obj is None or getattr(request, "_reverting", False):
            exclude.append("version")
        return exclude

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RecordModifiedError:
            # Someone saved between our check and our UPDATE (SQLite locks nothing on read):
            # nothing was written; answered again, the form now shows the stale-edit error
            # with the editor's input.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def reversion_register(self, model, **options):
        # A revision leaves the version out: reverting to it saves over the version stored now.
        if any(field.name == "version" for field in model._meta.fields):
            options["exclude"] = (*options.get("exclude", ()), "version")
        super().reversion_register(model, **options)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        request._reverting = True
        item = self.model._default_manager.filter(pk=object_id).first()
        if request.method == "POST" and item is not None and self._goes_to_review(request, item):
            return self._roll_back_through_review(request, object_id, version_id, extra_context)
        response = super().revision_view(request, object_id, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302 and item is not None:
            AuditEntry.record(
                AuditEntry.Action.ROLL_BACK, request.user, item, f"version {version_id}"
            )
        return response

    def _roll_back_through_review(self, request, object_id, version_id, extra_context):
        """A non-publisher rolls a published item back: django-reversion writes the old
        version, the save is kept as a proposed change instead (`save_model`), and the write is
        undone; the public page stays as it is until a publisher publishes the change."""
        request._stash_proposal = True
        try:
            with transaction.atomic():
                response = super().revision_view(request, object_id, version_id, extra_context)
                if getattr(request, "_stashed", None) is None:
                    return response  # an invalid form: shown again, nothing written
                raise _Undo
        except _Undo:
            pass
        obj, form = request._stashed
        review = reviews.propose(obj, form, request.user, opened_version=None)
        AuditEntry.record(
            AuditEntry.Action.ROLL_BACK,
            request.user,
            obj,
            f"version {version_id}, " + str(_("proposed for review")),
        )
        self._message_proposed(request, review)
        return HttpResponseRedirect(request.path.rsplit("/history/", 1)[0] + "/change/")

    def recover_view(self, request, version_id, extra_context=None):
        request._reverting = True
        response = super().recover_view(request, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302:
            version = Version.objects.filter(pk=version_id).first()
            item = version and self.model._default_manager.filter(pk=version.object_id).first()
            if item is not None:
                AuditEntry.record(
                    AuditEntry.Action.RECOVER, request.user, item, f"version {version_id}"
                )
        return response

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if has_original_language(self.model):
            initial.setdefault("original_language", request.LANGUAGE_CODE)
        return initial

    @admin.display(description=_("languages"))
    def languages(self, obj):
        return " ".join(code.upper() for code in obj.available_languages) or "—"

    def save_model(self, request, obj, form, change):
        languages = translated_languages(request.user)
        if change and languages:
            obj.mark_translated(languages)  # a translator of them saved it: up to date again
        if hasattr(obj, "updated_by_id"):
            obj.updated_by = request.user
            if not change:
                obj.created_by = request.user
        if change and self._goes_to_review(request, obj):
            # Kept as a pending change: the item's row, and so its public page, stay as they are.
            if getattr(request, "_stash_proposal", False):
                request._stashed = (obj, form)  # a roll-back: proposed once it is undone
            elif not changed_fields(form) and not languages:
                request._unchanged = True  # nothing to review (a translator's save confirms)
            else:
                request._review = reviews.propose(
                    obj, form, request.user, form.cleaned_data.get("version")
                )
            return
        super().save_model(request, obj, form, change)
        action = getattr(form, "publication_action", None)
        if action:
            moment = obj.unpublish_at if action == AuditEntry.Action.UNPUBLISH else obj.published_at
            detail = f"{timezone.localtime(moment):%Y-%m-%d %H:%M %Z}" if moment else ""
            AuditEntry.record(action, request.user, obj, detail)
        if reviews.reviewed(self.model) and not getattr(request, "_reverting", False):
            if may(request.user, "publish", self.model):
                reviews.closed_by_publisher(obj, request.user)
            elif "_submit_for_review" in request.POST and obj.status == Publishable.Status.DRAFT:
                request._review = reviews.submit(obj, request.user)

    # --- review before publishing (cyberwatch/review.py) ----------------------------------------

    change_form_template = "admin/newsroom_change_form.html"
    preview_view_class = None  # the public detail view, set by the app's admin

    def _goes_to_review(self, request, obj):
        """A non-publisher's save of a published item is a proposed change."""
        return (
            reviews.reviewed(self.model)
            and obj.pk is not None
            and not may(request.user, "publish", self.model)
            and reviews.stored_status(obj) == Publishable.Status.PUBLISHED
        )

    def get_object(self, request, object_id, from_field=None):
        """The change form of an item with a pending change shows the change: the next save
        builds on it, a publisher's save publishes it."""
        obj = super().get_object(request, object_id, from_field)
        if (
            obj is not None
            and reviews.reviewed(self.model)
            and not getattr(request, "_reverting", False)
        ):
            review = reviews.pending_review(obj)
            if review is not None and review.kind == Review.Kind.CHANGE:
                reviews.applied(obj, review)
        return obj

    def save_related(self, request, form, formsets, change):
        if (
            getattr(request, "_review", None) is not None
            and (request._review.kind == Review.Kind.CHANGE)
            or getattr(request, "_stashed", None) is not None
            or getattr(request, "_unchanged", False)
        ):
            return  # its choices are in the proposed change
        super().save_related(request, form, formsets, change)

    def log_change(self, request, obj, message):
        review = getattr(request, "_review", None)
        if review is not None and review.kind == Review.Kind.CHANGE:
            message = [{"changed": {"fields": [str(_("proposed change, awaiting review"))]}}]
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        review = getattr(request, "_review", None)
        if getattr(request, "_unchanged", False):
            self.message_user(request, _("Nothing was changed: nothing to review."), messages.INFO)
            return HttpResponseRedirect(request.path)
        if review is None:
            return super().response_change(request, obj)
        if review.kind == Review.Kind.CHANGE:
            self._message_proposed(request, review)
        else:
            self._message_submitted(request, obj)
        return HttpResponseRedirect(request.path)

    def _message_submitted(self, request, obj):
        self.message_user(
            request,
            _("“%(item)s” is submitted for review: a publisher will publish it or ask for changes.")
            % {"item": obj},
            messages.SUCCESS,
        )

    def _message_proposed(self, request, review):
        self.message_user(
            request,
            _(
                "Your change to “%(item)s” awaits a publisher's review: the public page is "
                "unchanged until it is published."
            )
            % {"item": review.object_repr},
            messages.SUCCESS,
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if reviews.reviewed(self.model):
            review = reviews.latest_review(obj) if obj is not None else None
            may_publish = may(request.user, "publish", self.model)
            context.update(
                newsroom_review=review,
                newsroom_may_publish=may_publish,
                newsroom_may_submit=not may_publish
                and (obj is None or obj.status == Publishable.Status.DRAFT)
                and not (review and review.is_pending),
            )
            if obj is not None:
                context.update(
                    newsroom_review_url=self._url("review", obj),
                    newsroom_preview_url=self._url("preview", obj)
                    if self.preview_view_class
                    else None,
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "_review", None) is None:
            return super().response_add(request, obj, post_url_continue)
        self._message_submitted(request, obj)
        return HttpResponseRedirect(self._url("change", obj))

    def _url(self, name, obj):
        meta = self.model._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_{name}", args=[obj.pk])

    def get_urls(self):
        urls = super().get_urls()
        if not reviews.reviewed(self.model):
            return urls
        meta = self.model._meta
        return [
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name=f"{meta.app_label}_{meta.model_name}_review",
            ),
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name=f"{meta.app_label}_{meta.model_name}_preview",
            ),
            *urls,
        ]

    def _reviewed_item(self, request, object_id):
        item = (
            self.model._base_manager.filter(pk=object_id).first() if object_id.isdigit() else None
        )
        if item is None:
            raise Http404
        if not self.has_change_permission(request, item):
            raise PermissionDenied
        return item

    def review_view(self, request, object_id):
        """A publisher compares the pending review of an item with its live version, field by
        field in every language, then publishes it or requests changes with a comment. Its
        author and other staff see the comparison and the outcome."""
        item = self._reviewed_item(request, object_id)
        review = reviews.latest_review(item)
        may_publish = may(request.user, "publish", self.model)
        form = ReviewForm(request.POST or None)
        if request.method == "POST":
            if not may_publish:
                raise PermissionDenied
            if (
                review is None
                or not review.is_pending
                or str(review.pk) != request.POST.get("review")
            ):
                self.message_user(request, _("This review is no longer pending."), messages.WARNING)
                return HttpResponseRedirect(request.path)
            if form.is_valid():
                try:
                    return self._decide(request, item, review, form.cleaned_data)
                except reviews.ReviewClosed:
                    self.message_user(
                        request, _("This review is no longer pending."), messages.WARNING
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
            "rows": rows,
            "changed_rows": [row for row in rows if row["changed"] or not change],
            "unchanged_rows": [row for row in rows if not row["changed"] and change],
            "form": form,
            "may_publish": may_publish,
            "change_url": self._url("change", item),
            "preview_url": self._url("preview", item) if self.preview_view_class else None,
            "languages": settings.LANGUAGES,
        }
        return TemplateResponse(request, "admin/review.html", context)

    def _decide(self, request, item, review, decision):
        """Publishes `review` or requests changes; a refusal is a message on the review page."""
        if decision["decision"] == "reject":
            reviews.reject(review, request.user, decision["comment"])
            self.message_user(
                request,
                _("Changes to “%(item)s” are requested from its author.")
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
        self.message_user(
            request, _("“%(item)s” is published.") % {"item": review.object_repr}, messages.SUCCESS
        )
        return HttpResponseRedirect(self._url("change", item))

    def preview_view(self, request, object_id):
        """The public page of the item as its pending change would make it, for staff: marked
        as a preview, never indexed nor cached. `?language=` picks the page's language."""
        item = self._reviewed_item(request, object_id)
        review = reviews.pending_review(item)
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


class _Undo(Exception):
    """Undoes a transaction on purpose (see `ContentAdmin._roll_back_through_review`)."""


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[("publish", _("Publish")), ("reject", _("Request changes"))],
    )
    comment = forms.CharField(
        label=_("comment for the author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you request changes: what should the author change?"),
    )

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("decision") == "reject" and not cleaned_data.get("comment", "").strip():
            self.add_error("comment", _("Say what the author should change."))
        return cleaned_data


class ProfileForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages translated"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For translators: the languages whose fields they may change."),
    )

    class Meta:
        model = Profile
        fields = ["languages"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["languages"] = self.instance.language_codes

    def clean_languages(self):
        return ",".join(self.cleaned_data["languages"])


class ProfileInline(admin.StackedInline):
    model = Profile
    form = ProfileForm
    can_delete = False
    verbose_name_plural = _("newsroom profile")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class NewsroomUserAdmin(UserAdmin):
    """Django's user admin, with the languages a translator works in."""

    inlines = [ProfileInline]


class PublicationFilter(admin.SimpleListFilter):
    """Draft, Scheduled (published with a date to come) or Published (public now)."""

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


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log: read only, for everyone who may view it."""

    list_display = ["created_at", "user", "action", "object_repr", "content_type", "detail"]
    list_filter = ["action", "content_type", "created_at"]
    search_fields = ["object_repr", "user__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Every review, pending or done: each links to the item's review page. Read only; reviews
    are made by saving items and decided on their review page."""

    list_display = ["item", "kind", "state", "author", "updated_at", "reviewer", "comment"]
    list_display_links = None
    list_select_related = ["content_type", "author", "reviewer"]  # no query a row
    actions = None
    list_filter = ["state", "kind", "content_type"]
    search_fields = ["object_repr", "comment", "author__username"]

    @admin.display(description=_("item"), ordering="object_repr")
    def item(self, review):
        # Not named `object_repr`: the model's field of that name would be shown instead.
        return format_html('<a href="{}">{}</a>', reviews.review_url(review), review.object_repr)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A review goes with its item: whoever may delete the item deletes its reviews.
        return obj is not None and may(request.user, "delete", obj.content_type.model_class())
