"""django-reversion-compare's compare view, as the review page compares: rich text as it
reads, images as thumbnails, no internal field, nothing for a language empty in both
versions (core/comparing.py)."""

from ..comparing import field_diff, is_internal, shown
from ..history import followed_versions, version_values


class _Label:
    """A row of the compare view that is not one of the model's fields (a crime area's
    examples), with what the template reads of a field."""

    def __init__(self, verbose_name):
        self.verbose_name = verbose_name
        self.related_name = ""
        self.help_text = ""


class CompareViews:
    def compare(self, obj, version1, version2):
        model = type(obj)
        before, after = version_values(version1, model), version_values(version2, model)
        translated = set(getattr(model, "translated_fields", lambda: ())())
        diff = []
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            if is_internal(field) or field.name in translated or field.primary_key:
                continue
            old = _readable(field, before.get(field.name))
            new = _readable(field, after.get(field.name))
            if str(shown(field, old)) == str(shown(field, new)):
                continue  # unchanged, or empty in both
            diff.append(
                {
                    "field": field,
                    "is_related": False,
                    "follow": None,
                    "diff": field_diff(field, old, new),
                }
            )
        diff += _followed_rows(version1, version2)
        return diff, False


def _readable(field, value):
    """A version's raw value as the item would hold it: related rows for their pks."""
    if value is None or not field.is_relation:
        return value
    manager = field.related_model._base_manager
    if field.many_to_many:
        return list(manager.filter(pk__in=value))
    return manager.filter(pk=value).first() or value


def _followed_rows(version1, version2):
    """The followed rows (a crime area's examples), by name, as one row each model."""
    from ..comparing import text_diff

    rows = []
    old, new = followed_versions(version1), followed_versions(version2)
    for child_model in {*old, *new}:

        def names(versions, child_model=child_model):
            items = [child_model(**_concrete(child_model, version)) for version in versions]
            return ", ".join(str(item) for item in sorted(items, key=_order))

        before, after = names(old.get(child_model, [])), names(new.get(child_model, []))
        if before != after:
            rows.append(
                {
                    "field": _Label(child_model._meta.verbose_name_plural),
                    "is_related": True,
                    "follow": True,
                    "diff": text_diff(before, after),
                }
            )
    return rows


def _concrete(model, version):
    values = version_values(version, model)
    return {
        model._meta.get_field(name).attname: value
        for name, value in values.items()
        if not model._meta.get_field(name).many_to_many
    }


def _order(item):
    return (getattr(item, "ordering", 0), item.pk or 0)
