"""Review before publishing: what a save from the admin does, and the reviews it makes.

`decide()` is the one place that says what a save from the admin does, as an `Outcome`:

- *saved*: written to the item (a publisher's save; any save of a draft or of content without
  publication fields; a new item);
- *proposed*: a non-publisher's change to a published item (public, scheduled or ended),
  kept in the item's open review (`propose`): the item's row, and so every public page, stay
  as they are, and only its version moves on, so that a form opened before is refused;
- *submitted*: a draft saved with "Save and submit for review" (`submit`);
- *unchanged*: nothing differs from what the form showed; no revision, no review. A
  translator's save of it confirms their languages' translations as up to date (`confirm`).

The admin's hooks only read the outcome (core/admin/content.py). Roll-backs and
recoveries are saves of the change form too, with the version's values in it: the same rules
apply, and a non-publisher's roll-back of a published item is a proposal built from the
version's data, never a write.

A review records every contribution (who, what); "request changes" keeps the proposal for
its contributors to rework, and publishing a change refuses to undo a save made after it.
"""

import enum
import json
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from .comparing import rows, same_value
from .history import comment
from .models import AuditEntry, Contribution, Review, person_name
from .publishing import PublicationState, Publishable
from .roles import may, translated_languages

# Beyond the form's fields, what a save computes and a proposal must carry.
DERIVED = ("image_width", "image_height", "image_renditions")


class Result(enum.Enum):
    SAVED = "saved"
    PROPOSED = "proposed"
    SUBMITTED = "submitted"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Outcome:
    """What a save from the admin does (`decide`). `changed`: the fields it changes;
    `publication`: the audit log's action when it publishes, schedules or unpublishes;
    `confirmed`: the languages a translator's save confirms as up to date."""

    result: Result
    changed: tuple = ()
    publication: str | None = None
    confirmed: tuple = ()

    @property
    def writes(self):
        """The item's row is written (else it stays as stored)."""
        return self.result in (Result.SAVED, Result.SUBMITTED)


class ReviewConflict(Exception):
    """The item changed after the proposal was made: publishing it would undo that change."""


class ReviewClosed(Exception):
    """Someone decided the review in the meantime."""


def reviewed(model):
    """Items of `model` go through review: those with a publication status."""
    return issubclass(model, Publishable)


def decide(item, user, *, changed, changed_from_live=None, publication=None, submit=False):
    """What saving the admin's form does to `item` (the form applied to it, unsaved), for
    `user`. `changed`: the fields it changes against what the form showed (the live version,
    with the open proposal on it if any); `changed_from_live`: against the live version;
    `publication`: what the form found it does to publication; `submit`: whether "submit for
    review" was pressed."""
    model = type(item)
    stored = item.stored()
    changed = tuple(changed)
    from_live = tuple(changed if changed_from_live is None else changed_from_live)
    languages = translated_languages(user)
    outdated = set(getattr(item, "outdated", ()))
    confirmed = tuple(code for code in languages or () if code in outdated)
    if stored is None:  # a new item, or a deleted one recovered
        result = Result.SUBMITTED if submit and not may(user, "publish", model) else Result.SAVED
        return Outcome(result, changed, publication)
    if not reviewed(model):
        # Saved as Django saves (its inline rows, a crime area's examples, are not seen here).
        return Outcome(Result.SAVED, from_live, publication, confirmed)
    if may(user, "publish", model):
        # Written to the item: what differs from the live version (a proposal on the form
        # included: a publisher's save publishes it).
        if not from_live and not confirmed:
            return Outcome(Result.UNCHANGED)
        return Outcome(Result.SAVED, from_live, publication, confirmed)
    if stored["status"] == Publishable.Status.PUBLISHED:
        # Kept in the open review: what adds to it, or a proposal sent back and saved again.
        reworked = from_live and _sent_back(item)
        if not changed and not reworked:
            return Outcome(Result.UNCHANGED, confirmed=confirmed)
        return Outcome(Result.PROPOSED, changed or from_live, confirmed=confirmed)
    if submit:
        return Outcome(Result.SUBMITTED, changed, confirmed=confirmed)
    if not changed and not confirmed:
        return Outcome(Result.UNCHANGED)
    return Outcome(Result.SAVED, changed, confirmed=confirmed)


def _sent_back(item):
    review = open_review(item)
    return review is not None and review.state == Review.State.REJECTED


def confirm(item, languages):
    """A translator of `languages` saved `item` unchanged: their translations are up to date.
    Written directly, with the version left as it is (nobody's form is made stale by it)."""
    item.mark_translated(languages)
    type(item)._base_manager.filter(pk=item.pk).update(
        outdated_languages=item.outdated_languages, version=F("version")
    )


# --- the item's reviews ----------------------------------------------------------------------


def _of_item(item):
    return Review.objects.filter(
        content_type=ContentType.objects.get_for_model(item), object_id=item.pk
    )


def open_review(item):
    """The review awaiting a decision, or sent back for changes, if any: read once for the
    item object (a request's), kept up to date by this module's changes."""
    if item.pk is None:
        return None
    if "_open_review" not in item.__dict__:
        item._open_review = _of_item(item).filter(state__in=Review.OPEN_STATES).first()
    return item._open_review


def pending_review(item):
    review = open_review(item)
    return review if review is not None and review.is_pending else None


def latest_review(item):
    if item.pk is None:
        return None
    return (
        _of_item(item)
        .select_related("author", "reviewer")
        .prefetch_related("contributions__user")
        .first()
    )


def shown_review(item, user):
    """The review whose proposal `user`'s change form shows: the pending one; one sent back
    for changes, to non-publishers (they rework it); none to a publisher otherwise."""
    review = open_review(item)
    if review is None or review.kind != Review.Kind.CHANGE:
        return None
    if review.is_pending or not may(user, "publish", type(item)):
        return review
    return None


def review_url(review):
    """The admin page where `review`'s item is reviewed."""
    meta = review.content_type.model_class()._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_review", args=[review.object_id])


def _serialised(item, names):
    if not names:
        return {}
    record = json.loads(serializers.serialize("json", [item], fields=list(names)))[0]
    return record["fields"]


def _deserialised(model, fields):
    record = {"model": model._meta.label_lower, "pk": None, "fields": fields}
    return next(serializers.deserialize("json", json.dumps([record]), ignorenonexistent=True))


def applied(item, review):
    """`item` (in memory) with `review`'s proposed values: for the change form and the preview.
    Its many-to-many choices are set as prefetched results; `crime_area_pks` and
    `initiative_pks` (the public views' annotations) follow them."""
    data = review.data or {}
    if not data:
        return item
    model = type(item)
    proposed = _deserialised(model, data.get("fields", {})).object
    known = {field.name: field for field in model._meta.concrete_fields}
    values = {
        known[name].attname: getattr(proposed, known[name].attname)
        for name in data.get("fields", {})
        if name in known  # a field removed since the proposal is left out
    }
    return put_in_memory(item, values, data.get("m2m", {}))


def put_in_memory(item, values, choices):
    """`item` with `values` ({attname: value}) set as they are (an image by its name: no file
    opened) and its many-to-many `choices` ({name: pks}) set as prefetched results, for a form
    or a page to show; `crime_area_pks` and `initiative_pks` (the public views' annotations)
    follow them. Nothing is saved."""
    item.__dict__.update(values)
    cache = getattr(item, "_prefetched_objects_cache", None) or {}
    for name, pks in choices.items():
        related = type(item)._meta.get_field(name).related_model
        cache[name] = related._default_manager.filter(pk__in=pks)
        annotation = f"{name.removesuffix('s')}_pks"
        if hasattr(item, annotation):
            setattr(item, annotation, ",".join(str(pk) for pk in pks))
    item._prefetched_objects_cache = cache
    return item


def proposal(item, form, changed):
    """The proposal `form` makes of the published `item` (the form applied to it, over the
    open proposal the form showed): its values that differ from the live row, serialised
    (`fields`), and its many-to-many choices that differ (`m2m`); and `changes`, what this
    save itself changed. Fields this person may not change keep the open proposal's values,
    so a translator's save keeps an editor's part of the proposal, and the other way round."""
    if hasattr(item, "store_new_image"):
        item.store_new_image()  # an uploaded image is kept now, with its renditions
    model = type(item)
    concrete = {field.name for field in model._meta.concrete_fields}
    names = [name for name in form.fields if name in concrete and name != "version"]
    if "image" in names:
        names += DERIVED
    live = model._base_manager.get(pk=item.pk)
    ours = _serialised(item, names)
    fields = {
        name: value
        for name, value in ours.items()
        if not same_value(
            model._meta.get_field(name).value_from_object(live),
            model._meta.get_field(name).value_from_object(item),
        )
    }
    m2m = {}
    live_m2m = {}
    for field in model._meta.many_to_many:
        if field.name not in form.fields:
            continue
        live_m2m[field.name] = sorted(getattr(live, field.name).values_list("pk", flat=True))
        if field.name in form.cleaned_data:
            chosen = sorted(related.pk for related in form.cleaned_data[field.name])
        else:  # not theirs to change: as the form showed it (the open proposal's, if any)
            chosen = sorted(related.pk for related in getattr(item, field.name).all())
        if chosen != live_m2m[field.name]:
            m2m[field.name] = chosen
    changes = {name: ours[name] for name in changed if name in ours}
    changes.update((name, m2m.get(name, live_m2m[name])) for name in changed if name in live_m2m)
    return {"fields": fields, "m2m": m2m}, changes


@transaction.atomic
def propose(item, form, user, opened_version, changed):
    """Keeps what `form` would save to the published `item` in its open review (made if none):
    a contribution by `user`. The item's version moves on, only if it is still the one the
    form was opened with (else `RecordModifiedError`, like any stale save): a form opened
    before the proposal is refused. Returns (the review, whether it became pending now)."""
    from concurrency.exceptions import RecordModifiedError

    model = type(item)
    rows_ = model._base_manager.filter(pk=item.pk)
    if opened_version is None or not rows_.filter(version=opened_version).update(
        version=F("version") + 1
    ):
        raise RecordModifiedError(target=item)
    data, changes = proposal(item, form, changed)
    version = rows_.values_list("version", flat=True).get()
    review = open_review(item)
    if review is not None and review.kind != Review.Kind.CHANGE:
        # A submitted draft, since published by a publisher's save: its review is over.
        _close(review, None, Review.State.PUBLISHED)
        review = None
    became_pending = review is None or not review.is_pending
    if review is None:
        review = Review(
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
            kind=Review.Kind.CHANGE,
        )
    review.state = Review.State.PENDING
    review.data = data
    review.base_version = version
    review.author = user
    review.object_repr = str(item)[:300]
    review.save()
    Contribution.objects.create(review=review, user=user, changes=changes)
    item.version = version
    item._open_review = review
    return review, became_pending


def submit(item, user, changed=()):
    """Submits the draft `item` for review: its open review (pending, or sent back for
    changes) or a new one, with `user`'s contribution. Returns (the review, whether it
    became pending now)."""
    review = open_review(item) or Review(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        kind=Review.Kind.DRAFT,
    )
    became_pending = not review.is_pending or review.pk is None
    review.state = Review.State.PENDING
    review.author = user
    review.object_repr = str(item)[:300]
    review.base_version = getattr(item, "version", 0) or 0
    review.save()
    concrete = {field.name for field in type(item)._meta.concrete_fields}
    changes = _serialised(item, [name for name in changed if name in concrete])
    Contribution.objects.create(review=review, user=user, changes=changes)
    item._open_review = review
    return review, became_pending


def closed_by_publisher(item, user):
    """After a publisher's own save of `item`: a pending change was on their form, so it went
    live with it; a submitted draft that is now published needs no more review."""
    review = pending_review(item)
    if review is None:
        return None
    if review.kind == Review.Kind.DRAFT and item.status != Publishable.Status.PUBLISHED:
        return None
    _close(review, user, Review.State.PUBLISHED)
    item._open_review = None
    return review


def _close(review, user, state, comment_text=""):
    review.state = state
    review.reviewer = user
    review.reviewed_at = timezone.now()
    review.comment = comment_text
    review.save()


def _still_open(review, states=(Review.State.PENDING,)):
    """`review` as stored now, locked until the decision commits; `ReviewClosed` if decided."""
    current = Review.objects.select_for_update().filter(pk=review.pk).first()
    if current is None or current.state not in states:
        raise ReviewClosed
    return current


def publish(review, user):
    """Makes `review` live: a proposed change is written to the item (a new revision, by the
    publisher), a submitted draft is published (dated now if nobody chose a date). Refused
    (`ReviewConflict`) when the item was saved after the change was proposed, which
    publishing it would undo."""
    import reversion

    model = review.content_type.model_class()
    with transaction.atomic():
        review = _still_open(review)
        item = model._base_manager.select_for_update().get(pk=review.object_id)
        people = [person_name(user) for user in review.contributors()]
        before = item.publication_state
        with reversion.create_revision():
            reversion.set_user(user)
            if review.kind == Review.Kind.CHANGE:
                if item.version != review.base_version:
                    raise ReviewConflict
                applied(item, review)
                # What may have changed around it since: another item took its slug…
                item.validate_unique()
                item.validate_constraints()
                item.save()
                for name, pks in review.data.get("m2m", {}).items():
                    item._prefetched_objects_cache.pop(name, None)
                    getattr(item, name).set(pks)
            else:
                item.publish()
                item.save()
            reversion.set_comment(
                comment({"published_review": {"kind": review.kind, "people": people}})
            )
        _close(review, user, Review.State.PUBLISHED)
        if review.kind == Review.Kind.DRAFT or before != item.publication_state:
            scheduled = item.published_at > timezone.now()
            AuditEntry.record(
                AuditEntry.Action.SCHEDULE if scheduled else AuditEntry.Action.PUBLISH,
                user,
                item,
                moment=item.published_at,
                people=people,
            )
        else:
            AuditEntry.record(AuditEntry.Action.PUBLISH, user, item, people=people)
    return item


def reject(review, user, comment_text):
    """Sends `review` back to its contributors with `comment_text`: the item stays as it is,
    the proposal is kept for them to rework and submit again."""
    model = review.content_type.model_class()
    with transaction.atomic():
        review = _still_open(review)
        item = model._base_manager.get(pk=review.object_id)
        _close(review, user, Review.State.REJECTED, comment_text)
        AuditEntry.record(
            AuditEntry.Action.REJECT,
            user,
            item,
            comment=comment_text,
            people=[person_name(person) for person in review.contributors()],
        )
    return item


def withdraw(review, user):
    """Closes the open `review` without publishing it (its contributors, or a publisher)."""
    with transaction.atomic():
        review = _still_open(review, Review.OPEN_STATES)
        _close(review, user, Review.State.WITHDRAWN)
    return review


def deletion_record(item, user):
    """Before `item` is deleted: the audit log's entry, with its publication state and the
    contributors of its open review (returned, to be told)."""
    review = open_review(item) if reviewed(type(item)) else None
    contributors = review.contributors() if review is not None else []
    state = item.publication_state if reviewed(type(item)) else None
    AuditEntry.record(
        AuditEntry.Action.DELETE,
        user,
        item,
        before=state,
        after=PublicationState.DELETED if state else None,
        people=[person_name(person) for person in contributors],
    )
    return review, contributors


# --- comparing -------------------------------------------------------------------------------


def compared(review, item, order=()):
    """Field by field, the live value and the proposed one, every language's column of a
    translated field in turn, in the order of `order` (the change form's fields), those that
    changed first. For a submitted draft, the draft's own values against nothing public."""
    model = type(item)
    if review.kind == Review.Kind.CHANGE:
        proposed = applied(model._base_manager.get(pk=item.pk), review)
        live = item
    else:
        proposed, live = item, None
    names = [
        field.name
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if field.editable and not field.primary_key
    ]
    compared_rows = rows(model, live, proposed, names)
    position = {name: index for index, name in enumerate(order)}
    compared_rows.sort(
        key=lambda row: (not row["changed"], position.get(row["name"], len(position)))
    )
    return compared_rows
