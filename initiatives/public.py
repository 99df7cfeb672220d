"""The queries of the public initiative pages, compiled once (core/prepared.py).

The initiatives are a handful of rows: a page reads them whole, once, and builds the tree, an
initiative's parent and parts, or an article's initiatives from them."""

from collections import defaultdict

from core.prepared import Prepared

from .models import Initiative


@Prepared
def initiatives():
    """Every public initiative, in their order."""
    return Initiative.objects.published()


def tree(items):
    """The top-level initiatives of `items`, each with its parts as `parts`, and each part with
    its `parent`."""
    parts = defaultdict(list)
    by_pk = {item.pk: item for item in items}
    for item in items:
        parts[item.parent_id].append(item)
    for item in items:
        item.parts = parts[item.pk]
        if item.parent_id in by_pk:
            Initiative.parent.field.set_cached_value(item, by_pk[item.parent_id])
    return parts[None]
