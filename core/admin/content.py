"""The base admin of translated content: tabbed translations (modeltranslation), one revision
per item (django-reversion), items named by the fallback rule, search in every language with
accents and case folded, and the save that `review.decide()` decides: the hooks below only
read its outcome."""

import json
from functools import partial

import reversion
from concurrency.exceptions import RecordModifiedError
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.forms.models import model_to_dict, modelformset_factory
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import get_language_info, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget
from modeltranslation.admin import TabbedTranslationAdmin
from reversion_compare.admin import CompareVersionAdmin

from .. import notifications
from .. import review as reviews
from ..history import comment
from ..languages import has_original_language, text_direction
from ..models import AuditEntry
from ..publishing import Publishable
from ..review import Result
from ..roles import may, translated_languages
from .actions import PublicationActions
from .comparing import CompareViews
from .forms import RICH_TEXT_EDITOR, ContentAdminForm, column_language, translated_columns
from .history import HistoryViews
from .reviewing import ReviewViews


def outcome_of(item):
    """What saving `item` from the admin does (`review.decide`), set by `save_form`."""
    return item.admin_outcome


class ContentAdminBase(PublicationActions, CompareVersionAdmin, TabbedTranslationAdmin):
    """What every content admin does (see `ContentAdmin`)."""

    form = ContentAdminForm
    list_per_page = 50
    translated_search_fields = ("summary",)
    change_form_template = "admin/newsroom_change_form.html"

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        title = model._meta.get_field(model.title_field)

        @admin.display(description=title.verbose_name, ordering=f"shown_{title.name}")
        def shown_title(item):
            return str(item)

        shown_title.__name__ = title.name  # the column keeps its class and sort parameter
        self.shown_title = shown_title

    # --- lists ---------------------------------------------------------------------------------

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
        """Every language's title and `translated_search_fields`, accents and case folded
        (core/folding.py), then `search_fields` as they are."""
        fields = [self.model.title_field, *self.translated_search_fields]
        return [
            *(f"{name}__folded_contains" for name in translated_columns(self.model, fields)),
            *super().get_search_fields(request),
        ]

    def editable_in_list(self, request):
        """The list's inline edits a person may make: a translator changes only their
        languages' fields, so none of `list_editable` (ordering) is theirs."""
        languages = translated_languages(request.user)
        if languages is None:
            return tuple(self.list_editable)
        return tuple(
            name
            for name in self.list_editable
            if column_language(self.model, name) in (languages or ())
        )

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.list_editable = self.editable_in_list(request)
        return changelist

    def get_changelist_formset(self, request, **kwargs):
        # Django's, with the fields this person may change rather than `list_editable`.
        return modelformset_factory(
            self.model,
            self.get_changelist_form(request),
            extra=0,
            fields=self.editable_in_list(request),
            formfield_callback=partial(self.formfield_for_dbfield, request=request),
            **kwargs,
        )

    def changelist_view(self, request, extra_context=None):
        """Django's list, without django-reversion's one revision for the whole page: each
        item an inline edit or an action changes gets a revision of its own."""
        context = {"has_change_permission": self.has_change_permission(request)}
        return admin.ModelAdmin.changelist_view(self, request, {**context, **(extra_context or {})})

    @admin.display(description=_("languages"))
    def languages(self, obj):
        return " ".join(code.upper() for code in obj.available_languages) or "—"

    # --- the change form -----------------------------------------------------------------------

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Every language's body in the rich-text editor (django-prose-editor: its scripts and
        fonts are in the package, no CDN and no npm build), cleaned on save by the site's nh3
        policy. Every language's field says which language it is in, and its direction; the
        split date and time inputs have a label each (widgets.py)."""
        from .widgets import accessible

        field = accessible(super().formfield_for_dbfield(db_field, request, **kwargs))
        language = getattr(db_field, "language", None)
        if field is None or language is None:
            return field
        field.widget.attrs.update(lang=language, dir=text_direction(language))
        if db_field.translated_field.name in getattr(self.model, "rich_text_fields", ()):
            label = (
                f"{db_field.translated_field.verbose_name} "
                f"({get_language_info(language)['name_translated']})"
            )
            field.widget = AdminProseEditorWidget(
                attrs={**field.widget.attrs, "aria-label": label},
                config=RICH_TEXT_EDITOR,
                preset="configurable",
            )
        return field

    def get_fieldsets(self, request, obj=None):
        """The version the change form was opened with travels with it (a hidden field, see
        core/editing.py); not on the add form."""
        fieldsets = [
            (
                title,
                {**options, "fields": [name for name in options["fields"] if name != "version"]},
            )
            for title, options in super().get_fieldsets(request, obj)
        ]
        if obj is not None and not obj._state.adding:
            title, options = fieldsets[0]
            fieldsets[0] = (title, {**options, "fields": [*options["fields"], "version"]})
        return fieldsets

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"editing_user": request.user})

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if obj is None or obj._state.adding:
            exclude.append("version")
        return exclude

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if has_original_language(self.model):
            initial.setdefault("original_language", request.LANGUAGE_CODE)
        return initial

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RecordModifiedError:
            # Someone saved between our check and our UPDATE (SQLite locks nothing on read):
            # nothing was written; answered again, the form now shows the stale-edit error
            # with the editor's input.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def reversion_register(self, model, **options):
        # A revision leaves the version out: a roll-back saves over the version stored now.
        if any(field.name == "version" for field in model._meta.fields):
            options["exclude"] = (*options.get("exclude", ()), "version")
        super().reversion_register(model, **options)

    def get_object(self, request, object_id, from_field=None):
        """The change form of an item with a proposal shows it: the pending one (the next
        save builds on it, a publisher's publishes it), or one sent back for changes, to the
        non-publishers who rework it."""
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and reviews.reviewed(self.model):
            review = reviews.shown_review(obj, request.user)
            if review is not None:
                obj.live_values = model_to_dict(obj)  # to tell what a save changes live
                reviews.applied(obj, review)
        return obj

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(self.newsroom_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def newsroom_context(self, request, obj):
        """What the change form shows of reviews, conflicts and the live notice."""
        context = {}
        if obj is not None and obj.pk is not None and not obj._state.adding:
            context["newsroom_edited_url"] = self._url("edited", obj)
            context["newsroom_edited_every"] = settings.NEWSROOM_EDITED_POLL_SECONDS * 1000
        if reviews.reviewed(self.model):
            review = reviews.latest_review(obj) if obj is not None else None
            may_publish = may(request.user, "publish", self.model)
            draft = obj is None or obj._state.adding or obj.status == Publishable.Status.DRAFT
            context.update(
                newsroom_review=review,
                newsroom_may_publish=may_publish,
                newsroom_may_submit=not may_publish
                and draft
                and not (review and review.is_pending),
                newsroom_review_url=self._url("review", obj) if obj and obj.pk else None,
                newsroom_preview_url=self._url("preview", obj)
                if obj and obj.pk and self.preview_view_class
                else None,
            )
        return context

    # --- saving: the outcome is decided once, the hooks read it ---------------------------------

    def submits(self, request):
        """Whether this save asks for review ("Save and submit for review")."""
        return "_submit_for_review" in request.POST

    def form_baseline(self, form):
        """What the change form showed, to find what a save changes."""
        return form.initial

    def save_form(self, request, form, change):
        item = super().save_form(request, form, change)
        changed = changed_from_live = list(form.changed_data)
        if change and hasattr(form, "differences"):
            shown = self.form_baseline(form)
            changed = form.differences(item, shown)
            live = getattr(item, "live_values", None)
            changed_from_live = changed if live is None else form.differences(item, live)
        item.admin_outcome = reviews.decide(
            item,
            request.user,
            changed=changed,
            changed_from_live=changed_from_live,
            publication=getattr(form, "publication_action", None),
            submit=self.submits(request),
        )
        return item

    def save_model(self, request, obj, form, change):
        if reversion.is_active():
            self.carry_out(request, obj, form, change)
            return
        # An inline edit of the list, or an action: a revision of this item alone.
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(comment({"changed": {"fields": list(form.changed_data)}}))
            self.carry_out(request, obj, form, change)

    def carry_out(self, request, obj, form, change):
        """Does what the outcome says: write the item, keep a proposal, submit a draft."""
        outcome = outcome_of(obj)
        if outcome.result is Result.UNCHANGED:
            if outcome.confirmed:
                reviews.confirm(obj, outcome.confirmed)
            return
        if outcome.confirmed:
            obj.mark_translated(outcome.confirmed)  # a translator of them saved it
        if hasattr(obj, "updated_by_id"):
            obj.updated_by = request.user
            if not change:
                obj.created_by = request.user
        if outcome.result is Result.PROPOSED:
            review, became_pending = reviews.propose(
                obj, form, request.user, form.cleaned_data.get("version"), outcome.changed
            )
            if became_pending:
                notifications.submitted(request, review, obj)
            return
        super().save_model(request, obj, form, change)
        if outcome.publication:
            unpublishing = outcome.publication == AuditEntry.Action.UNPUBLISH
            moment = obj.unpublish_at if unpublishing else obj.published_at
            AuditEntry.record(outcome.publication, request.user, obj, moment=moment)
        if not reviews.reviewed(self.model):
            return
        if outcome.result is Result.SUBMITTED:
            review, became_pending = reviews.submit(obj, request.user, outcome.changed)
            if became_pending:
                notifications.submitted(request, review, obj)
        elif may(request.user, "publish", self.model):
            review = reviews.closed_by_publisher(obj, request.user)
            if review is not None:
                notifications.decided(request, review, request.user)

    def save_related(self, request, form, formsets, change):
        if not outcome_of(form.instance).writes:
            return  # its choices are in the proposal, or nothing changed
        # The choices a proposal or a version showed were put in the prefetch cache, which
        # `set()` would take for the stored ones: the stored ones are read again.
        getattr(form.instance, "_prefetched_objects_cache", {}).clear()
        if change and hasattr(form, "changed_m2m"):
            form.changed_m2m = outcome_of(form.instance).changed
        super().save_related(request, form, formsets, change)

    def log_addition(self, request, obj, message):
        entry = admin.ModelAdmin.log_addition(self, request, obj, message)
        self.comment_revision(entry)
        return entry

    def log_change(self, request, obj, message):
        outcome = getattr(obj, "admin_outcome", None)
        if outcome is not None and outcome.result is Result.UNCHANGED:
            return None
        if outcome is not None and outcome.result is Result.PROPOSED:
            # Django's change message, translated when it is read.
            message = [{"changed": {"fields": [gettext_noop("proposed change, awaiting review")]}}]
        entry = admin.ModelAdmin.log_change(self, request, obj, message)
        self.comment_revision(entry)
        return entry

    def comment_revision(self, entry):
        """The revision's comment is the log entry's data (rendered in the reader's language
        by core/history.py), not English text; a roll-back adds what it brought back."""
        if not reversion.is_active() or not isinstance(entry, LogEntry):
            return
        try:
            parts = json.loads(entry.change_message or "[]")
        except ValueError:
            parts = []
        reversion.set_comment(comment(*parts, *self.revision_comment_parts()))

    def revision_comment_parts(self):
        return ()

    def response_change(self, request, obj):
        outcome = outcome_of(obj)
        if outcome.result is Result.UNCHANGED:
            if outcome.confirmed:
                languages = ", ".join(
                    str(get_language_info(code)["name_translated"]) for code in outcome.confirmed
                )
                text = _(
                    "Nothing was changed: your translation (%(languages)s) is confirmed as up "
                    "to date."
                ) % {"languages": languages}
            else:
                text = _("Nothing was changed: nothing to save or review.")
            self.message_user(request, text, messages.INFO)
            return HttpResponseRedirect(self._url("change", obj))
        if outcome.result is Result.PROPOSED:
            self._message_proposed(request, obj)
            return HttpResponseRedirect(self._url("change", obj))
        if outcome.result is Result.SUBMITTED:
            self._message_submitted(request, obj)
            return HttpResponseRedirect(self._url("change", obj))
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if outcome_of(obj).result is not Result.SUBMITTED:
            return super().response_add(request, obj, post_url_continue)
        self._message_submitted(request, obj)
        return HttpResponseRedirect(self._url("change", obj))

    def _message_submitted(self, request, obj):
        self.message_user(
            request,
            _("“%(item)s” is submitted for review: a publisher will publish it or ask for changes.")
            % {"item": obj},
            messages.SUCCESS,
        )

    def _message_proposed(self, request, obj):
        self.message_user(
            request,
            _(
                "Your change to “%(item)s” awaits a publisher's review: the public page is "
                "unchanged until it is published."
            )
            % {"item": obj},
            messages.SUCCESS,
        )

    # --- deleting ----------------------------------------------------------------------------

    def delete_model(self, request, obj):
        self._deleting(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._deleting(request, list(queryset))
        super().delete_queryset(request, queryset)

    def _deleting(self, request, items):
        """Every deletion is in the audit log; the contributors of a pending change are told."""
        for item in items:
            _review, contributors = reviews.deletion_record(item, request.user)
            if contributors:
                notifications.deleted(request, str(item), contributors, request.user)

    def _url(self, name, obj):
        meta = self.model._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_{name}", args=[obj.pk])


class ContentAdmin(HistoryViews, ReviewViews, CompareViews, ContentAdminBase):
    """Base admin for translated content: every save is a revision of its own item; an item is
    named by the fallback rule (its `__str__`) in the list as everywhere else; search looks at
    the title field and `translated_search_fields` in every language, plus `search_fields`;
    roll-backs, recoveries and reviews go through the same save."""
