"""What every content admin shares: tabbed translations (modeltranslation), history
(django-reversion), items named by the fallback rule, search in every language, the languages
column and the missing-translation filter."""

from concurrency.exceptions import RecordModifiedError
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
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

from .editing import stale_edit_error, stored_version
from .languages import BLANK, available_in_q, has_original_language, text_direction
from .models import AuditEntry, PreviousSlug, Profile
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
        response = super().revision_view(request, object_id, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302:
            item = self.model._default_manager.filter(pk=object_id).first()
            if item is not None:
                AuditEntry.record(
                    AuditEntry.Action.ROLL_BACK, request.user, item, f"version {version_id}"
                )
        return response

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
        super().save_model(request, obj, form, change)
        action = getattr(form, "publication_action", None)
        if action:
            moment = obj.unpublish_at if action == AuditEntry.Action.UNPUBLISH else obj.published_at
            detail = f"{timezone.localtime(moment):%Y-%m-%d %H:%M %Z}" if moment else ""
            AuditEntry.record(action, request.user, obj, detail)


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
