"""No lost update: two people editing the same item cannot overwrite each other.

Every content item carries a version (django-concurrency's `IntegerVersionField`): each save
writes a new one, and an `UPDATE` only touches the row if it still has the version the editor's
form was opened with. The admin form (core/admin.py) checks the version first, with the row
locked until the save commits, so that the later save is refused as a form error that names who
saved in between and when, with everything the editor typed still on the form. Should a save
still lose the race (SQLite locks nothing on read), the `UPDATE` refuses it and the admin shows
the same form error (`ContentAdmin.changeform_view`).
"""

from concurrency.fields import IntegerVersionField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from .stored import StoredRow


class VersionedQuerySetMixin:
    """A bulk change is a change: `update()` moves every row's version on, so that a form
    opened before it cannot undo it."""

    def update(self, **kwargs):
        kwargs.setdefault("version", models.F("version") + 1)
        return super().update(**kwargs)


class Versioned(StoredRow):
    version = IntegerVersionField(
        verbose_name=_("version"),
        help_text=_("Changes on every save: a form opened before another save cannot undo it."),
    )

    class Meta:
        abstract = True

    @classmethod
    def stored_field_names(cls):
        return (*super().stored_field_names(), "version")


def stored_version(item, lock=False):
    """The version of `item`'s row as stored now (locked until the transaction ends)."""
    stored = item.stored(lock=lock)
    return stored["version"] if stored else None


def last_save(item):
    """(who, when) of the latest save of `item`: its latest revision (django-reversion), or
    the latest save of its change awaiting review (core/review.py), whichever came last;
    (None, None) when neither is known."""
    from django.contrib.contenttypes.models import ContentType

    from .models import Review

    saves = []
    version = (
        Version.objects.get_for_object(item)
        .select_related("revision__user")
        .order_by("-pk")
        .first()
    )
    if version is not None:
        saves.append((version.revision.date_created, version.revision.user))
    review = (
        Review.objects.filter(
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
            state=Review.State.PENDING,
            kind=Review.Kind.CHANGE,
        )
        .select_related("author")
        .first()
    )
    if review is not None:
        saves.append((review.updated_at, review.author))
    if not saves:
        return None, None
    when, user = max(saves, key=lambda save: save[0])
    who = (user.get_full_name() or user.get_username()) if user else None
    return who, when


def stale_edit_error(item):
    """The form error of a save from a form opened before someone else's save."""
    who, when = last_save(item)
    when_text = formats.date_format(timezone.localtime(when), "DATETIME_FORMAT") if when else ""
    if who and when:
        saved = gettext("%(who)s saved this item at %(when)s, after you opened it.") % {
            "who": who,
            "when": when_text,
        }
    elif when:
        saved = gettext("Someone saved this item at %(when)s, after you opened it.") % {
            "when": when_text,
        }
    else:
        saved = gettext("Someone saved this item after you opened it.")
    return ValidationError(
        "%(saved)s %(kept)s",
        code="stale",
        params={
            "saved": saved,
            "kept": gettext(
                "Your changes are not saved: they are still in this form, beside what is stored "
                "now. Bring what you want to keep of the other change into the form, and save "
                "again."
            ),
        },
    )
