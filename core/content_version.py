"""The version of the public content, kept in the shared cache: what a cached page is checked
against (cyberwatch/caching.py).

Every change of public content (a save, a deletion, a bulk update, a review's decision, a
roll-back: they all save or delete rows) calls `changed()`, which gives the content a new
version at once, and again when the transaction commits: a page rendered by another server
between the two, from the data before the commit, is stored under a version already gone.

No save happens when a scheduled item's `published_at` or `unpublish_at` comes, so the version
comes with the next such moment (`Current.until`): a cached page is not served from that moment
on. It is read from the database once per version, on the first request that needs it, and
kept beside the version it was read for, so that a moment read before a change is never taken
for the one after it.

Each process keeps the version it last read (`trusted()`), with its subscription's mark at the
time (core/cache.py): a new version is written with a message on `CHANGES`, so the copy stands
until a message comes, or the next scheduled moment, and a kept page the process holds itself
is served without asking the cache (cyberwatch/caching.py).
"""

import dataclasses
import uuid

from django.apps import apps
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from .cache import recovered, set_announced, subscription
from .languages import TranslatedContent
from .publishing import Publishable

VERSION_KEY = "content:version"
NEXT_KEY = "content:next"  # (the version it was read for, the moment as a timestamp or None)
CHANGES = "content:changes"  # the channel on which a new version is announced


@dataclasses.dataclass(frozen=True)
class Current:
    """The content's version now, and until when it stands without a save (a timestamp, or
    None when nothing is scheduled); `entries`: the other keys asked for with them."""

    version: str
    until: float | None
    entries: dict


@dataclasses.dataclass(frozen=True)
class Copy:
    """This process's copy of the version: `current` as read when the mark of its subscription
    `changes` was `mark`."""

    changes: object
    mark: int
    current: Current


_copy = None  # this process's Copy, or None


def changed():
    """Public content changed: a new version now, and again when the transaction commits."""
    _new_version()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_new_version)


def watch():
    """Every saved or deleted row of public content, and every change of its many-to-many
    links, is a change (`CoreConfig.ready`). Bulk updates and creations send no signal: the
    content's querysets call `changed()` themselves (core/languages.py). Connected to each
    kind of content, not to every model: a receiver of every model's deletions would cost
    every other deletion Django's fast path (a SELECT before each DELETE)."""
    for model in apps.get_models():
        if issubclass(model, TranslatedContent):
            uid = f"content_version_{model._meta.label_lower}"
            post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=f"{uid}_saved")
            post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=f"{uid}_deleted")
    m2m_changed.connect(_linked, dispatch_uid="content_version_linked")
    # A change made while this server could not reach the cache gave no new version there.
    recovered.connect(_recovered, dispatch_uid="content_version_recovered")


def _recovered(sender, **kwargs):
    _new_version()


def _saved_or_deleted(sender, instance, **kwargs):
    changed()


def _linked(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, TranslatedContent):
        changed()


def _new_version():
    global _copy
    set_announced(caches["default"], VERSION_KEY, uuid.uuid4().hex, CHANGES, timeout=None)
    _copy = None  # this process knows at once; the others when the message reaches them


def trusted(now):
    """The `Current` version (without entries) as this process may take it without asking the
    cache: read after the last change announced, and before the next scheduled moment; None
    when it must ask (`current()`)."""
    copy = _copy
    if copy is None or (copy.current.until is not None and now >= copy.current.until):
        return None
    changes = subscription(caches["default"], CHANGES)
    return copy.current if changes is copy.changes and changes.mark() == copy.mark else None


def current(*keys):
    """The `Current` version, with the entries of `keys`, in one round trip to the cache; None
    when the cache keeps nothing (unavailable: pages are then neither read nor stored)."""
    global _copy
    changes = subscription(caches["default"], CHANGES)
    mark = changes and changes.mark()  # before the round trip: what comes during it counts
    entries = cache.get_many([VERSION_KEY, NEXT_KEY, *keys])
    version = entries.pop(VERSION_KEY, None)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
        if version is None:
            return None
        entries = {}  # read for no version: stale
    now = timezone.now().timestamp()
    read_for, until = entries.pop(NEXT_KEY, (None, None))
    if read_for != version or (until is not None and until <= now):
        until = next_scheduled_moment(timezone.now())
        cache.set(NEXT_KEY, (version, until), timeout=None)
    _copy = Copy(changes, mark, Current(version, until, {})) if mark is not None else None
    return Current(version, until, entries)


def next_scheduled_moment(now):
    """The first moment after `now` at which a published item appears or ends, as a timestamp;
    None when there is none. Two index range scans a kind of item with publication fields."""
    moments = []
    for model in apps.get_models():
        if not issubclass(model, Publishable):
            continue
        published = model._base_manager.filter(status=Publishable.Status.PUBLISHED).order_by()
        for field in ("published_at", "unpublish_at"):
            moment = (
                published.filter(**{f"{field}__gt": now})
                .order_by(field)
                .values_list(field, flat=True)
                .first()
            )
            if moment is not None:
                moments.append(moment)
    return min(moments).timestamp() if moments else None


def seconds_until(moment, now=None):
    """Whole seconds from `now` until the timestamp `moment` (at least 0)."""
    now = now if now is not None else timezone.now().timestamp()
    return max(0, int(moment - now))
