"""Test settings: the real settings, with fast hashing and media in a throw-away folder."""

import os
import tempfile
import uuid

from cyberwatch.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="cyberwatch-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = tempfile.mkdtemp(prefix="cyberwatch-test-static-")
# The page cache is on, as in production: every test of a public page after a change shows
# that the change reached it (tests/test_page_cache.py tests the cache itself).
PAGE_CACHE_SECONDS = 600
# Each test process keeps its own pages and content version, whatever the cache (Redis is
# shared by the processes of pytest-xdist and by the passes of .ci/run).
CACHES["default"]["KEY_PREFIX"] = f"cyberwatch-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"  # noqa: F405
