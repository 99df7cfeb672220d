"""Review before publishing (SPEC §6, issue 13).

- A non-publisher's save of a *published* item (articles and advice) is a *proposed change*: its
  values are kept in a pending `Review` (`data`), the item's row keeps what the public sees, and
  only the item's version moves on, so that a form opened before the proposal is refused like
  one opened before any other save (cyberwatch/editing.py). Later saves by non-publishers build
  on the pending change: the change form shows it, and saving it updates it.
- A draft is *submitted for review*: its text is its own row, not public anyway.
- A publisher compares a pending review with the live version (`compared`), then publishes it
  (`publish`) or requests changes with a comment (`reject`). Both are in the audit log, and the
  author reads the outcome on their dashboard and on the item's change form.
- A publisher's own save goes live at once; when their form showed a pending change, the save
  published it too, and the review is closed as published by them.

A proposed change is stored as Django's serialisation of the item's fields, plus its
many-to-many choices as lists of pks; a new image is stored (with its renditions) when it is
proposed, and deleted if the change is rejected or replaced.
"""

import json

from diff_match_patch import diff_match_patch
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.translation import gettext

from .models import AuditEntry, Review, person_name
from .publishing import Publishable

# Beyond the form's fields, what a save computes and a proposal must carry.
DERIVED = ("outdated_languages", "updated_by", "image_width", "image_height", "image_renditions")


class ReviewConflict(Exception):
    """The item changed after the proposal was made: publishing it would undo that change."""


class ReviewClosed(Exception):
    """Someone decided the review in the meantime."""


def _still_pending(review):
    """`review` as stored now, locked until the decision commits; `ReviewClosed` if decided."""
    current = Review.objects.select_for_update().filter(pk=review.pk).first()
    if current is None or not current.is_pending:
        raise ReviewClosed
    return current


def review_url(review):
    """The admin page where `review`'s item is reviewed."""
    meta = review.content_type.model_class()._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_review", args=[review.object_id])


def reviewed(model):
    """Items of `model` go through review: those with a publication status."""
    return issubclass(model, Publishable)


def _of_item(item):
    return Review.objects.filter(
        content_type=ContentType.objects.get_for_model(item), object_id=item.pk
    )


def pending_review(item):
    if item.pk is None:
        return None
    return _of_item(item).filter(state=Review.State.PENDING).first()


def latest_review(item):
    return _of_item(item).select_related("author", "reviewer").first() if item.pk else None


def stored_status(item):
    return type(item)._base_manager.filter(pk=item.pk).values_list("status", flat=True).first()


def _proposed_fields(model, form):
    names = set(form.fields) | set(DERIVED)
    return [
        field
        for field in model._meta.concrete_fields
        if field.name in names and not field.primary_key and field.name != "version"
    ]


def proposal(item, form):
    """What saving `form` (already applied to the unsaved `item`) would write, as JSON data."""
    if hasattr(item, "store_new_image"):
        item.store_new_image()  # an uploaded image is kept now, with its renditions
    fields = _proposed_fields(type(item), form)
    record = json.loads(
        serializers.serialize("json", [item], fields=[field.name for field in fields])
    )[0]
    m2m = {
        field.name: sorted(related.pk for related in form.cleaned_data[field.name])
        for field in type(item)._meta.many_to_many
        if field.name in form.cleaned_data and field.name in form.fields
    }
    return {"fields": record["fields"], "m2m": m2m}


def _deserialised(model, data):
    record = {"model": model._meta.label_lower, "pk": None, "fields": data.get("fields", {})}
    return next(serializers.deserialize("json", json.dumps([record]), ignorenonexistent=True))


def applied(item, review):
    """`item` (in memory) with `review`'s proposed values: for the change form and the preview.
    Its many-to-many choices are set as prefetched results; `crime_area_pks` and
    `initiative_pks` (the public views' annotations) follow them."""
    data = review.data or {}
    if not data:
        return item
    model = type(item)
    proposed = _deserialised(model, data).object
    known = {field.name: field for field in model._meta.concrete_fields}
    for name in data.get("fields", {}):
        if name in known:  # a field removed since the proposal is left out
            setattr(item, known[name].attname, getattr(proposed, known[name].attname))
    cache = getattr(item, "_prefetched_objects_cache", None) or {}
    for name, pks in data.get("m2m", {}).items():
        related = model._meta.get_field(name).related_model
        cache[name] = related._default_manager.filter(pk__in=pks)
        # The public views' annotations of the same choices (`crime_area_pks`…) follow them.
        annotation = f"{name.removesuffix('s')}_pks"
        if hasattr(item, annotation):
            setattr(item, annotation, ",".join(str(pk) for pk in pks))
    item._prefetched_objects_cache = cache
    return item


def _image_files(values):
    names = [rendition["name"] for rendition in values.get("image_renditions") or ()]
    if values.get("image"):
        names.append(values["image"])
    return set(names)


def _discard_proposed_image(model, data, keep):
    """Deletes a proposed image's files, except those also in `keep` (field values)."""
    if "image" not in data.get("fields", {}):
        return
    names = _image_files(data["fields"]) - _image_files(keep)
    if names:
        storage = model._meta.get_field("image").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names], robust=True)


def _live_values(item, names):
    return (
        type(item)._base_manager.filter(pk=item.pk).values(*names).first() if names else {}
    ) or {}


@transaction.atomic
def propose(item, form, user, opened_version):
    """Keeps what `form` would save to the published `item` as its pending change. The item's
    version moves on (only if it is still the one the form was opened with: else
    `RecordModifiedError`, like any stale save). Returns the review."""
    from concurrency.exceptions import RecordModifiedError

    model = type(item)
    rows = model._base_manager.filter(pk=item.pk)
    if opened_version is not None:
        rows = rows.filter(version=opened_version)
    if not rows.update(version=F("version") + 1):
        raise RecordModifiedError(target=item)
    data = proposal(item, form)
    version = model._base_manager.filter(pk=item.pk).values_list("version", flat=True).get()
    review = pending_review(item)
    live = _live_values(item, ["image", "image_renditions"] if "image" in data["fields"] else [])
    if review is None or review.kind != Review.Kind.CHANGE:
        if review is not None:  # a submitted draft, since published: its review is over
            review.state = Review.State.PUBLISHED
            review.save(update_fields=["state", "updated_at"])
        review = Review(
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
            kind=Review.Kind.CHANGE,
        )
    else:
        _discard_proposed_image(model, review.data, {**live, **data["fields"]})
    review.data = data
    review.base_version = version
    review.author = user
    review.object_repr = str(item)[:300]
    review.save()
    item.version = version
    return review


def submit(item, user):
    """Submits the draft `item` for review (or keeps its pending review, now by `user`)."""
    review = pending_review(item) or Review(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        kind=Review.Kind.DRAFT,
    )
    review.author = user
    review.object_repr = str(item)[:300]
    review.base_version = getattr(item, "version", 0) or 0
    review.save()
    return review


def closed_by_publisher(item, user):
    """After a publisher's own save of `item`: a pending change was on their form, so it went
    live with it; a submitted draft that is now published needs no more review."""
    review = pending_review(item)
    if review is None:
        return None
    if review.kind == Review.Kind.DRAFT and item.status != Publishable.Status.PUBLISHED:
        return None
    _close(review, user, Review.State.PUBLISHED)
    return review


def _close(review, user, state, comment=""):
    review.state = state
    review.reviewer = user
    review.reviewed_at = timezone.now()
    review.comment = comment
    review.save()


def publish(review, user):
    """Makes `review` live: a proposed change is written to the item (a new revision, by the
    publisher), a submitted draft is published. Refused (`ReviewConflict`) when the item was
    saved after the change was proposed, which publishing it would undo."""
    import reversion

    model = review.content_type.model_class()
    with transaction.atomic():
        review = _still_pending(review)
        item = model._base_manager.select_for_update().get(pk=review.object_id)
        if review.kind == Review.Kind.CHANGE and item.version != review.base_version:
            raise ReviewConflict
        with reversion.create_revision():
            reversion.set_user(user)
            if review.kind == Review.Kind.CHANGE:
                stored = (
                    {"image": item.image.name, "image_renditions": item.image_renditions}
                    if (hasattr(item, "image"))
                    else {}
                )
                applied(item, review)
                # What may have changed around it since: another item took its slug…
                item.validate_unique()
                item.validate_constraints()
                item.save()
                for name, pks in review.data.get("m2m", {}).items():
                    item._prefetched_objects_cache.pop(name, None)
                    getattr(item, name).set(pks)
                if stored:
                    _discard_proposed_image(
                        model,
                        {"fields": stored},
                        {"image": item.image.name, "image_renditions": item.image_renditions},
                    )
                comment = gettext("Published the change proposed by %(author)s.")
            else:
                item.status = Publishable.Status.PUBLISHED
                item.save()
                comment = gettext("Published the draft submitted by %(author)s.")
            reversion.set_comment(comment % {"author": person_name(review.author)})
        _close(review, user, Review.State.PUBLISHED)
        scheduled = item.published_at > timezone.now()
        AuditEntry.record(
            AuditEntry.Action.SCHEDULE if scheduled else AuditEntry.Action.PUBLISH,
            user,
            item,
            gettext("review of %(author)s's %(kind)s")
            % {"author": person_name(review.author), "kind": review.get_kind_display()},
        )
    return item


def reject(review, user, comment):
    """Sends `review` back to its author with `comment`; the item stays as it is."""
    model = review.content_type.model_class()
    with transaction.atomic():
        review = _still_pending(review)
        item = model._base_manager.get(pk=review.object_id)
        if review.kind == Review.Kind.CHANGE:
            live = _live_values(
                item, ["image", "image_renditions"] if hasattr(item, "image") else []
            )
            _discard_proposed_image(model, review.data, live)
        _close(review, user, Review.State.REJECTED, comment)
        AuditEntry.record(AuditEntry.Action.REJECT, user, item, comment[:300])
    return item


# --- comparing ------------------------------------------------------------------------------


def compared(review, item, order=()):
    """Field by field, the live value and the proposed one, every language's column of a
    translated field in turn, in the order of `order` (the change form's fields), those that
    changed first: [{"name", "label", "language", "live", "proposed", "changed", "diff"}]. For
    a submitted draft, the draft's own values against nothing public."""
    model = type(item)
    rows = []
    if review.kind == Review.Kind.CHANGE:
        proposed = applied(model._base_manager.get(pk=item.pk), review)
        live = item
        names = list(review.data.get("fields", {})) + list(review.data.get("m2m", {}))
    else:
        proposed, live = item, None
        names = [
            field.name
            for field in [*model._meta.concrete_fields, *model._meta.many_to_many]
            if field.editable and not field.primary_key and field.name != "version"
        ]
    for name in names:
        field = model._meta.get_field(name)
        if name in DERIVED:
            continue  # computed, or the author, named above the comparison
        if getattr(field, "translated_field", None) is None and _is_translation_source(model, name):
            continue  # the language columns stand for it
        before = _shown(field, live) if live is not None else ""
        after = _shown(field, proposed)
        if live is None and not after:
            continue
        source = getattr(field, "translated_field", None)
        changed = live is not None and before != after
        rows.append(
            {
                "name": name,
                "label": (source or field).verbose_name,
                "language": getattr(field, "language", ""),
                "live": before,
                "proposed": after,
                "changed": changed,
                "diff": word_diff(strip_tags(before), strip_tags(after)) if changed else "",
            }
        )
    position = {name: index for index, name in enumerate(order)}
    rows.sort(key=lambda row: (not row["changed"], position.get(row["name"], len(position))))
    return rows


def word_diff(before, after):
    """`after` with what it adds marked `<ins>` and what it removes `<del>`, word by word
    (diff-match-patch, as django-reversion-compare uses), in the text's own flow."""
    matcher = diff_match_patch()
    diffs = matcher.diff_main(before, after)
    matcher.diff_cleanupSemantic(diffs)
    marks = {matcher.DIFF_INSERT: "ins", matcher.DIFF_DELETE: "del"}
    return format_html_join(
        "",
        "{}",
        (
            (format_html("<{0}>{1}</{0}>", marks[op], text) if op in marks else text,)
            for op, text in diffs
        ),
    )


def _is_translation_source(model, name):
    from modeltranslation.translator import NotRegistered, translator

    try:
        return name in translator.get_options_for_model(model).all_fields
    except NotRegistered:
        return False


def _shown(field, item):
    if field.many_to_many:
        return ", ".join(sorted(str(related) for related in getattr(item, field.name).all()))
    value = getattr(item, field.name)
    if isinstance(field, models.ForeignKey):
        return str(value) if value is not None else ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value or ""))
    if isinstance(field, models.DateTimeField) and value:
        from django.utils import formats

        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(field, models.FileField):
        return value.name if value else ""
    return "" if value is None else str(value)
