import pytest

from .s3 import s3_server  # noqa: F401 — moto's S3 server, a fixture for every test module


@pytest.fixture
def seeded(db):
    from django.core.management import call_command

    call_command("seed_content", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_pages():
    """Each test starts with a new content version: no page kept by another test is served."""
    from core import content_version

    content_version.changed()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends in the default language: a request leaves its language active
    in the thread (LocaleMiddleware activates it and nothing deactivates it), and messages
    made outside a request (a model's validation errors) would come out in it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Static files collected once a session as a deployment collects them (hashed, compressed
    names, manifest), for the app servers of tests/servers.py."""
    from .servers import collect_static

    root = tmp_path_factory.mktemp("static")
    collect_static(root)
    return root
