"""Roll-back and recovery: the change form filled with an old version's values, saved like any
other save (core/review.py decides what it does). Nothing is written until the form is
saved, and then only the item the version names, with its relations and followed rows.

- Everyone restores only what they may change: a translator their languages; a non-publisher
  never the publication fields (status, dates), so a roll-back or a recovery never publishes
  or unpublishes by itself. A non-publisher's roll-back of a published item is a proposal; a
  non-publisher's recovery of a deleted item that was not a draft comes back as a draft
  submitted for review.
- A version's image comes back with its renditions; where its file is gone, the form says so
  and offers to keep the current image.
- Every roll-back and recovery is in the audit log, with the publication state before and
  after.
"""

import copy

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from ..history import moment_text, restore_followed, version_values
from ..models import AuditEntry
from ..publishing import PublicationState, Publishable
from ..review import DERIVED, Result, put_in_memory, reviewed
from ..roles import may, translated_languages
from .forms import column_language

PUBLICATION_FIELDS = ("status", "published_at", "unpublish_at", "published_at_chosen")
NEVER_RESTORED = ("id", "version", "outdated_languages", "created_at", "updated_at", "updated_by")


class RestoringForm:
    """What a roll-back form adds when the version's image file is gone: it is refused unless
    the person keeps the current image (`live_image`: its field values)."""

    missing_image = ""
    live_image = {}

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("keep_current_image"):
            self.add_error(
                "image",
                gettext(
                    "The image of this version (%(name)s) is no longer stored. Tick “Keep the "
                    "current image” to roll back everything else."
                )
                % {"name": self.missing_image},
            )
            return cleaned_data
        # The current image, with its description, caption and credit.
        for name, value in self.live_image.items():
            if name in self.fields:
                cleaned_data[name] = value if value is not None else ""
            else:
                self.instance.__dict__[name] = value
        return cleaned_data


def keep_current_image_field():
    return forms.BooleanField(
        label=_("Keep the current image"),
        required=False,
        help_text=_("This version's image file is no longer stored: tick to keep the current one."),
    )


class HistoryViews:
    restoring = None  # the reversion Version brought back, on the copy made for one request

    def _version(self, version_id, **lookup):
        content_type = ContentType.objects.get_for_model(self.model)
        return get_object_or_404(
            Version.objects.select_related("revision__user"),
            pk=version_id,
            content_type=content_type,
            **lookup,
        )

    def _restoring(self, request, version):
        """This admin, for one request, filling its forms from `version`."""
        restorer = copy.copy(self)
        restorer.restoring = version
        restorer.restored_values = version_values(version, self.model)
        restorer.baseline = None
        return restorer

    def revision_view(self, request, object_id, version_id, extra_context=None):
        object_id = unquote(object_id)
        version = self._version(version_id, object_id=object_id)
        restorer = self._restoring(request, version)
        context = {
            "title": gettext("Roll back “%(item)s”") % {"item": version.object_repr},
            "newsroom_restoring": version,
            **(extra_context or {}),
        }
        with self.create_revision(request):
            return restorer.changeform_view(request, object_id, request.path, context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = self._version(version_id)
        if self.model._base_manager.filter(pk=version.object_id).exists():
            self.message_user(request, gettext("This item was not deleted."), messages.INFO)
            return HttpResponseRedirect(self._url("change", self.model(pk=version.object_id)))
        restorer = self._restoring(request, version)
        context = {
            "title": gettext("Recover “%(item)s”") % {"item": version.object_repr},
            "newsroom_restoring": version,
            "newsroom_recovering": True,
            **(extra_context or {}),
        }
        with self.create_revision(request):
            return restorer.changeform_view(request, None, request.path, context)

    # --- on the copy: the version's values in the form -----------------------------------------

    def restorable(self, request):
        """The fields `request.user` may bring back from a version."""
        values = self.restored_values
        languages = translated_languages(request.user)
        if languages is not None:
            return [name for name in values if column_language(self.model, name) in languages]
        names = [name for name in values if name not in NEVER_RESTORED]
        if reviewed(self.model) and not may(request.user, "publish", self.model):
            names = [name for name in names if name not in PUBLICATION_FIELDS]
        return names

    def _apply_version(self, request, obj):
        """Puts the version's values the person may restore into `obj` (in memory): concrete
        fields directly (an image by its name, no file opened), many-to-many choices as
        prefetched results."""
        names = self.restorable(request)
        if "image" in names:
            names += [name for name in DERIVED if name in self.restored_values]
        values, choices = {}, {}
        for name in names:
            field = self.model._meta.get_field(name)
            if field.many_to_many:
                choices[name] = self.restored_values[name]
            else:
                values[field.attname] = self.restored_values[name]
        return put_in_memory(obj, values, choices)

    def missing_image(self, request):
        """The name of the version's image when it is restored and its file is gone."""
        if self.restoring is None or "image" not in self.restorable(request):
            return ""
        name = self.restored_values.get("image") or ""
        if name and not self.model._meta.get_field("image").storage.exists(name):
            return name
        return ""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if self.restoring is None or obj is None:
            return obj
        self.baseline = model_to_dict(obj)  # what the change form shows without the version
        self.live_image = {
            field.attname: getattr(obj, field.attname)
            for field in self.model._meta.concrete_fields
            if field.name.startswith("image")
        }
        self.state_before = _state(obj)
        return self._apply_version(request, obj)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if self.restoring is None:
            return initial
        values = self.restored_values
        for name in self.restorable(request):
            if self.model._meta.get_field(name).editable:
                initial[name] = values[name]
        if values.get("status") != Publishable.Status.PUBLISHED and not values.get(
            "published_at_chosen", True
        ):
            initial.pop("published_at", None)  # an undated draft: dated when it is published
        if reviewed(self.model) and not may(request.user, "publish", self.model):
            initial["status"] = Publishable.Status.DRAFT
        return initial

    def form_baseline(self, form):
        if self.restoring is None or self.baseline is None:
            return super().form_baseline(form)
        return self.baseline

    def get_inline_instances(self, request, obj=None):
        # The version's followed rows (a crime area's examples) come back with the item.
        if self.restoring is not None:
            return []
        return super().get_inline_instances(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.missing_image(request):
            fieldsets = [*fieldsets, (None, {"fields": ["keep_current_image"]})]
        return fieldsets

    def get_form(self, request, obj=None, **kwargs):
        missing = self.missing_image(request)
        if missing:
            kwargs["form"] = type(
                "RestoringForm",
                (RestoringForm, self.form),
                {
                    "keep_current_image": keep_current_image_field(),
                    "missing_image": missing,
                    "live_image": getattr(self, "live_image", None) or {},
                },
            )
        return super().get_form(request, obj, **kwargs)

    def submits(self, request):
        if (
            self.restoring is None
            or self.model._base_manager.filter(pk=self.restoring.object_id).exists()
        ):
            return super().submits(request)
        # A deleted item that was not a draft, recovered by a non-publisher: back as a draft,
        # submitted for review.
        status = self.restored_values.get("status")
        return (
            reviewed(self.model)
            and status == Publishable.Status.PUBLISHED
            and not may(request.user, "publish", self.model)
        ) or super().submits(request)

    def save_form(self, request, form, change):
        if self.restoring is not None and not change:
            # A recovery: the item comes back under its own pk, with what the form leaves out.
            form.instance.pk = int(self.restoring.object_id)
            for name in self.restorable(request):
                field = self.model._meta.get_field(name)
                if not field.many_to_many and name not in form.fields:
                    form.instance.__dict__[field.attname] = self.restored_values[name]
            self.state_before = PublicationState.DELETED
        return super().save_form(request, form, change)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if self.restoring is None or obj.admin_outcome.result is Result.UNCHANGED:
            return
        proposed = obj.admin_outcome.result is Result.PROPOSED
        submitted = obj.admin_outcome.result is Result.SUBMITTED  # a recovery, back as a draft
        AuditEntry.record(
            AuditEntry.Action.ROLL_BACK if change else AuditEntry.Action.RECOVER,
            request.user,
            obj,
            version=self.restoring.pk,
            version_date=self.restoring.revision.date_created,
            before=getattr(self, "state_before", None),
            after=getattr(self, "state_before", None) if proposed else _state(obj),
            proposed=proposed or submitted,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if self.restoring is not None and obj_writes(form.instance):
            restore_followed(form.instance, self.restoring, translated_languages(request.user))

    def revision_comment_parts(self):
        if self.restoring is None:
            return ()
        kind = "reverted" if self.baseline is not None else "recovered"
        return (
            {kind: {"version": self.restoring.pk, "date": self.restoring.revision.date_created}},
        )

    def response_change(self, request, obj):
        if self.restoring is not None and obj.admin_outcome.result is Result.SAVED:
            self.message_user(
                request,
                gettext("“%(item)s” is back to its version of %(date)s.")
                % {"item": obj, "date": moment_text(self.restoring.revision.date_created)},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._url("change", obj))
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        if self.restoring is not None:
            return HttpResponseRedirect(self._url("change", obj))
        return response


def obj_writes(item):
    outcome = getattr(item, "admin_outcome", None)
    return outcome is not None and outcome.writes


def _state(item):
    return item.publication_state if isinstance(item, Publishable) else None
