"""Uploaded images served by the site itself, from MEDIA_ROOT, so that one server needs nothing
else with DEBUG off. Only while the images are stored on this server's disk (FileSystemStorage):
stored in a bucket (README, "Media in production"), they have the bucket's or the CDN's URLs."""

import stat
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404
from django.utils._os import safe_join
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

# The types of the files core/images.py stores (originals in JPEG or PNG, renditions in WebP and
# JPEG) and accepts (GIF, WebP). Nothing else is served, so no HTML or SVG from our own origin.
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}


@require_safe
def serve(request, path):
    """The stored image at `path` under MEDIA_ROOT; 404 for anything else (a folder, a name
    outside MEDIA_ROOT, a missing file, another type). Answers If-None-Match and
    If-Modified-Since with a 304."""
    content_type = CONTENT_TYPES.get(PurePosixPath(path).suffix.lower())
    if content_type is None or not isinstance(default_storage, FileSystemStorage):
        raise Http404
    try:
        file_path = Path(safe_join(default_storage.location, path))
        file_stat = file_path.stat()
    except (SuspiciousFileOperation, OSError, ValueError):
        raise Http404 from None
    if not stat.S_ISREG(file_stat.st_mode):
        raise Http404
    etag = f'"{file_stat.st_mtime_ns:x}-{file_stat.st_size:x}"'
    last_modified = int(file_stat.st_mtime)
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = FileResponse(file_path.open("rb"), content_type=content_type)
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Not `immutable`: a name freed by remove_unused_media may be given to a new upload.
    patch_cache_control(response, public=True, max_age=settings.MEDIA_CACHE_MAX_AGE)
    return response
