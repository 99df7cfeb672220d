"""The content admin's forms: what a person may change (roles), the version a form was opened
with (no lost update), the publication fields, and the newsroom's own small forms."""

from concurrency.forms import get_signer
from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.text import Truncator
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from ..comparing import field_diff, same_moment, same_value, shown
from ..editing import stale_edit_error
from ..languages import BLANK, has_original_language, text_direction
from ..models import AuditEntry, PreviousSlug, Profile
from ..publishing import Publishable
from ..roles import may, translated_languages
from ..slugs import slug_of

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
    try:
        translated = translator.get_options_for_model(model).all_fields
    except NotRegistered:
        return []
    return [
        build_localized_fieldname(field, code)
        for field in fields
        if field in translated
        for code in AVAILABLE_LANGUAGES
    ]


def model_field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def column_language(model, name):
    """The language of a translated column (`title_fr` → "fr"), or None."""
    return getattr(model_field(model, name), "language", None)


def unique_slug(model, text, exclude_pk=None):
    """A slug made from `text` in its own letters (`slug_of()`) that no other item of `model`
    has, now or as an old URL. A title without letters or digits gives nothing: the model's
    name stands in. -2, -3… are added until the slug is free."""
    max_length = model._meta.get_field("slug").max_length
    base = slug_of(text)[: max_length - 6].strip("-") or model._meta.model_name
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
    taken.update(getattr(model, "reserved_slugs", ()))  # the addresses of other pages
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


class ContentAdminForm(forms.ModelForm):
    """The change form of translated content. Lets an editor write an item in one language
    only (a new item's original language follows the language written in, an empty slug is
    made from the title); limits a translator to their languages; refuses a form opened
    before someone else's save; leaves publishing to publishers."""

    editing_user = None  # set by ContentAdmin.get_form: who fills the form in
    publication_action = None  # an AuditEntry.Action when this save publishes or unpublishes
    conflicts = ()  # after a refused stale save: the fields stored now beside the form's

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
            allowed = {
                name
                for name in translated_columns(
                    self._meta.model, self._meta.model.translated_fields()
                )
                if column_language(self._meta.model, name) in languages
            }
            for name, field in self.fields.items():
                if name not in allowed and name != "version":
                    field.disabled = True
        self._publication_date_field()

    def _publication_date_field(self):
        """A draft's publication date is the moment it is published, unless someone chooses
        one: the field is empty until then."""
        field = self.fields.get("published_at")
        if field is None or field.disabled:
            return
        field.required = False
        item = self.instance
        if item.pk is None:
            undated = "published_at" not in self.initial  # a recovery brings its date
        else:
            undated = item.status != Publishable.Status.PUBLISHED and not item.published_at_chosen
        if undated:
            self.initial["published_at"] = None
            field.show_hidden_initial = False

    def clean(self):
        cleaned_data = super().clean()
        stored = self.instance.stored(lock=True)  # locked until the save commits (PostgreSQL)
        # A form opened before someone else's save is refused, the other change shown beside
        # the form's and the form given the version stored now: merged, it saves.
        opened = cleaned_data.get("version")
        if "version" in self.fields and stored is not None and opened != stored["version"]:
            self._refuse_stale(stored["version"])
        self._clean_publication_date(cleaned_data, stored)
        self._check_publication(cleaned_data, stored)
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
        for name, field in self.fields.items():
            if field.disabled:
                # Not written back: the stored value stays exactly as it is (a disabled
                # date-time field would lose its microseconds on the way).
                cleaned_data.pop(name, None)
        return cleaned_data

    def _refuse_stale(self, version):
        model = self._meta.model
        self.conflicts = []
        for name in self.changed_data:
            field = model_field(model, name)
            if field is None or name == "version" or name not in self.cleaned_data:
                continue
            stored, yours = self.initial.get(name), self.cleaned_data.get(name)
            self.conflicts.append(
                {
                    "label": self.fields[name].label,
                    "language": column_language(model, name) or "",
                    "theirs": shown(field, stored),
                    "diff": field_diff(field, stored, yours),
                }
            )
        data = self.data.copy()
        data[self.add_prefix("version")] = get_signer().sign(version)
        self.data = data
        raise stale_edit_error(self.instance)

    def _clean_publication_date(self, cleaned_data, stored):
        """An empty publication date: a draft stays undated (it is dated when it is
        published), a draft published now is dated now, a published item needs one."""
        field = self.fields.get("published_at")
        if field is None or field.disabled or "published_at" in self.errors:
            return
        was_published = stored is not None and stored["status"] == Publishable.Status.PUBLISHED
        published = cleaned_data.get("status", self.instance.status) == Publishable.Status.PUBLISHED
        if cleaned_data.get("published_at") is not None:
            self.instance.published_at_chosen = True
        elif not published:
            cleaned_data["published_at"] = stored["published_at"] if stored else timezone.now()
            self.instance.published_at_chosen = False
        elif was_published:
            self.add_error("published_at", field.error_messages["required"])
        else:
            cleaned_data["published_at"] = timezone.now()
            self.instance.published_at_chosen = True

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

    def _check_publication(self, cleaned_data, stored):
        """Only those allowed publish, schedule or reschedule (publish permission) and
        unpublish (unpublish permission): in the form, so a forged POST is refused too. What
        counts is the stored row, not what the form showed (a proposal awaiting review)."""
        model = self._meta.model
        user = self.editing_user
        if user is None or not issubclass(model, Publishable) or "status" not in cleaned_data:
            return  # an initiative's status (planned, operational…) is not publication
        published = Publishable.Status.PUBLISHED
        was_published = stored is not None and stored["status"] == published
        stored_moment = stored["published_at"] if stored else None
        status = cleaned_data["status"]
        moment = cleaned_data.get("published_at") or stored_moment
        publishing = status == published and (
            not was_published or not same_moment(moment, stored_moment)
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
        stored_end = stored["unpublish_at"] if stored else None
        if not same_moment(end, stored_end):
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

    changed_m2m = None  # set by the admin: the many-to-many fields its save changes

    def _save_m2m(self):
        """Django's, for the many-to-many choices this save changes only (the others are
        stored as they are: no query to read them again)."""
        if self.changed_m2m is None:
            return super()._save_m2m()
        for field in self.instance._meta.many_to_many:
            if field.name in self.changed_m2m and field.name in self.cleaned_data:
                field.save_form_data(self.instance, self.cleaned_data[field.name])

    def differences(self, item, baseline):
        """The fields this form changes in `item` (the form applied to it) against `baseline`
        ({field: value}, as the change form showed them): what a save would change."""
        changed = []
        for name, field in self.fields.items():
            if name == "version" or field.disabled or name not in baseline:
                continue
            before = baseline[name]
            if isinstance(field, forms.ModelMultipleChoiceField):
                after = sorted(related.pk for related in self.cleaned_data.get(name) or ())
                before = sorted(getattr(related, "pk", related) for related in before or ())
            else:
                after = self._meta.model._meta.get_field(name).value_from_object(item)
            if not same_value(before, after):
                changed.append(name)
        return changed


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[
            ("publish", _("Publish")),
            ("reject", _("Request changes")),
            ("withdraw", _("Withdraw")),
        ],
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
        fields = ["languages", "admin_language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["languages"] = self.instance.language_codes

    def clean_languages(self):
        return ",".join(self.cleaned_data["languages"])
