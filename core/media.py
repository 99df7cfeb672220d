"""Which stored image files something still names, and the others, which
`manage.py remove_unused_media` deletes.

An image's files (the original and its renditions, core/images.py) are kept while the
item, a revision (django-reversion) or an open review names them: a replaced image comes back
with a roll-back, a proposed one with its review's publication. Nothing deletes them when an
image is replaced or an item deleted; this does, for the files nothing names any more.
"""

import datetime
import json

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.utils import timezone

from .images import WithImage, image_files
from .models import Review

FOLDERS = ("images", "renditions")


def image_models():
    return [model for model in apps.get_models() if issubclass(model, WithImage)]


def named_files():
    """Every file name an item, a revision or an open review gives as an image or rendition."""
    names = set()
    models = image_models()
    for model in models:
        rows = model._base_manager.values_list("image", "image_renditions").iterator()
        for image, renditions in rows:
            names.update(image_files(image, renditions))
    from reversion.models import Version

    content_types = [ContentType.objects.get_for_model(model) for model in models]
    versions = Version.objects.filter(content_type__in=content_types)
    for data in versions.values_list("serialized_data", flat=True).iterator():
        try:
            fields = json.loads(data)[0]["fields"]
        except (ValueError, LookupError, TypeError):
            continue
        names.update(image_files(fields.get("image"), fields.get("image_renditions")))
    reviews = Review.objects.filter(state__in=Review.OPEN_STATES)
    for data in reviews.values_list("data", flat=True).iterator():
        fields = (data or {}).get("fields") or {}
        names.update(image_files(fields.get("image"), fields.get("image_renditions")))
    return names


def stored_files(storage=default_storage, folders=FOLDERS):
    """Every file under `folders` of `storage`: a folder on disk, a key prefix in a bucket."""
    found = []
    pending = list(folders)
    while pending:
        folder = pending.pop()
        try:
            # Not storage.exists(folder): a bucket has no folders, only keys (S3Storage).
            directories, files = storage.listdir(folder)
        except FileNotFoundError:  # nothing was ever stored in it (FileSystemStorage)
            continue
        pending += [f"{folder}/{name}" for name in directories]
        found += [f"{folder}/{name}" for name in files]
    return sorted(found)


def unused_files(min_age=datetime.timedelta(days=1), storage=default_storage):
    """The stored files nothing names and older than `min_age` (an upload younger may belong
    to a save that has not committed yet)."""
    named = named_files()
    before = timezone.now() - min_age
    return [
        name
        for name in stored_files(storage)
        if name not in named and storage.get_modified_time(name) <= before
    ]
