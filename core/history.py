"""History (django-reversion): one revision per item, read back without writing anything, and
what the history and the audit log say, stored as data and rendered in the reader's language.

- Every revision holds one item (with the rows it follows, a crime area's examples): a save,
  a bulk change and the seed content make one revision per item; cyberwatch migration 0006
  split the revisions that held several (the seed content made one for all its items).
- `version_values()` reads a version's fields without building the model (no file is opened,
  no signal is sent); the admin's roll-back and recovery put them into the change form, where
  the roles and the review apply as to any save (core/admin/history.py).
- A revision's comment and an audit entry's `data` are data (which fields changed, which
  version came back, the publication state before and after, who proposed), turned into words
  by `describe_comment()` and `describe_audit()` when they are read.
"""

import json
from collections import defaultdict

from django.contrib.admin.models import LogEntry
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import get_text_list
from django.utils.translation import gettext

from .publishing import PublicationState

# Rows a revision follows with their item: {child model label: its foreign key to the item}.
FOLLOWED = {"crimes.crimeexample": "crime_area"}


def comment(*parts):
    """A revision comment as data: a JSON list of {kind: details}, in the shape of Django's
    `LogEntry.change_message`, whose kinds (added, changed, deleted) it shares."""
    return json.dumps(list(parts), cls=_Encoder)


class _Encoder(json.JSONEncoder):
    def default(self, value):
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return str(value)


def describe_comment(text):
    """A revision comment in the active language: data written by `comment()` or Django's
    change messages; any other text (older revisions) as it is."""
    try:
        parts = json.loads(text) if text and text.startswith("[") else None
    except ValueError:
        parts = None
    if not isinstance(parts, list):
        return text or ""
    sentences = []
    django_parts = []
    for part in parts:
        if not isinstance(part, dict) or len(part) != 1:
            continue
        ((kind, details),) = part.items()
        if kind in {"added", "changed", "deleted"}:
            django_parts.append(part)
            continue
        sentence = _describe_part(kind, details or {})
        if sentence:
            sentences.append(sentence)
    if django_parts:
        sentences.insert(0, LogEntry(change_message=json.dumps(django_parts)).get_change_message())
    return " ".join(sentence for sentence in sentences if sentence)


def _describe_part(kind, details):
    people = get_text_list(details.get("people") or [], gettext("and"))
    if kind == "reverted":
        return gettext("Rolled back to the version of %(date)s.") % {
            "date": moment_text(details.get("date"))
        }
    if kind == "recovered":
        return gettext("Recovered from the version of %(date)s.") % {
            "date": moment_text(details.get("date"))
        }
    if kind == "published_review":
        if details.get("kind") == "draft":
            return gettext("Published the draft submitted by %(people)s.") % {"people": people}
        return gettext("Published the change proposed by %(people)s.") % {"people": people}
    if kind == "publication":
        action = details.get("action")
        if action == "unpublish":
            return gettext("Unpublished with a bulk action.")
        return gettext("Published with a bulk action.")
    if kind == "seed":
        return gettext("Seed content.")
    if kind == "proposed":
        return gettext("Proposed change, awaiting review.")
    return ""


def moment_text(value):
    """An ISO date-time as the active language writes it, in the site's time zone."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def state_text(value):
    try:
        return str(PublicationState(value).label)
    except ValueError:
        return ""


def describe_audit(entry):
    """What an audit entry records, in the active language."""
    data = entry.data or {}
    if not data:
        return entry.detail
    parts = []
    action = entry.action
    if data.get("version_date"):
        parts.append(
            gettext("to the version of %(date)s") % {"date": moment_text(data["version_date"])}
        )
    if data.get("before") or data.get("after"):
        parts.append(
            gettext("%(before)s → %(after)s")
            % {"before": state_text(data.get("before")), "after": state_text(data.get("after"))}
        )
    if data.get("moment"):
        if action == "unpublish":
            parts.append(gettext("ends %(moment)s") % {"moment": moment_text(data["moment"])})
        else:
            parts.append(gettext("from %(moment)s") % {"moment": moment_text(data["moment"])})
    if data.get("people"):
        people = get_text_list(data["people"], gettext("and"))
        if action == "delete":
            parts.append(gettext("its pending change by %(people)s deleted") % {"people": people})
        else:
            parts.append(gettext("proposed by %(people)s") % {"people": people})
    if data.get("proposed"):
        parts.append(gettext("proposed for review, the public page unchanged"))
    if data.get("bulk"):
        parts.append(gettext("bulk action"))
    if data.get("comment"):
        parts.append(data["comment"])
    return "; ".join(str(part) for part in parts)


# --- reading versions ------------------------------------------------------------------------


def version_values(version, model=None):
    """A version's stored fields as {field name: Python value}, many-to-many fields as lists of
    pks; fields the model no longer has are left out. Nothing is built, opened or saved."""
    model = model or version.content_type.model_class()
    try:
        record = json.loads(version.serialized_data)[0]
    except (ValueError, IndexError, KeyError, TypeError):
        return {}
    values = {}
    for name, value in (record.get("fields") or {}).items():
        try:
            field = model._meta.get_field(name)
        except models.FieldDoesNotExist:
            continue
        if field.many_to_many:
            values[name] = [int(pk) for pk in value or ()]
        elif field.is_relation:
            values[name] = value
        else:
            values[name] = field.to_python(value)
    return values


def followed_versions(version):
    """The versions a revision holds of the rows that follow `version`'s item (a crime area's
    examples): {child model: [version]}."""
    from reversion.models import Version

    children = defaultdict(list)
    siblings = Version.objects.filter(revision_id=version.revision_id).exclude(pk=version.pk)
    for sibling in siblings.select_related("content_type"):
        label = f"{sibling.content_type.app_label}.{sibling.content_type.model}"
        key = FOLLOWED.get(label)
        if key is None:
            continue
        child_model = sibling.content_type.model_class()
        if child_model is None:
            continue
        if str(version_values(sibling, child_model).get(key)) == str(version.object_id):
            children[child_model].append(sibling)
    return children


def restore_followed(item, version, languages=None):
    """Puts the rows that follow `item` (a crime area's examples) back as `version` had them:
    those it had are written back, the others deleted. With `languages` (a translator's),
    only those languages' columns of the rows both have change."""
    from modeltranslation.utils import build_localized_fieldname

    for child_model, versions in followed_versions(version).items():
        key = FOLLOWED[child_model._meta.label_lower]
        current = {row.pk: row for row in child_model._base_manager.filter(**{key: item.pk})}
        kept = set()
        for child_version in versions:
            values = version_values(child_version, child_model)
            pk = int(child_version.object_id)
            kept.add(pk)
            row = current.get(pk)
            if languages is not None:
                if row is None:
                    continue
                translated = getattr(child_model, "translated_fields", lambda: ())()
                for field in translated:
                    for code in languages:
                        column = build_localized_fieldname(field, code)
                        if column in values:
                            setattr(row, column, values[column])
                row.save()
                continue
            row = row or child_model(pk=pk)
            for name, value in values.items():
                setattr(row, child_model._meta.get_field(name).attname, value)
            setattr(row, f"{key}_id", item.pk)
            row.save()
        if languages is None:
            child_model._base_manager.filter(**{key: item.pk}).exclude(pk__in=kept).delete()
