from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared kernel: what every app builds on (publishing, languages, sanitising, images,
    slugs, links, editing, compiled queries, search, translations, review, roles, history).
    It imports no app. Its models keep the label they were made under, "cyberwatch": their
    tables, migrations and permissions are those of an existing database."""

    name = "core"
    label = "cyberwatch"
    verbose_name = _("CyberWatch")

    def ready(self):
        from django.contrib.auth.signals import user_login_failed
        from django.db.models.signals import post_migrate
        from django.urls import register_converter

        from . import admin_language, content_version, folding, search  # noqa: F401 — receivers; a lookup
        from .requestlog import log_failed_login
        from .roles import after_migrate
        from .slugs import UnicodeSlugConverter

        # After every app's migrate: the permissions of the apps migrated last exist by then.
        post_migrate.connect(after_migrate, dispatch_uid="cyberwatch_roles")
        # Failed sign-ins in the operations log, with the address and the request's id.
        user_login_failed.connect(log_failed_login, dispatch_uid="cyberwatch_failed_login")
        # Every change of public content gives cached pages a new version.
        content_version.watch()
        # Before any URLconf is read: the apps' detail pages match Unicode slugs.
        register_converter(UnicodeSlugConverter, "unicode_slug")
