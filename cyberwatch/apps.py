from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyberWatchConfig(AppConfig):
    name = "cyberwatch"
    verbose_name = _("CyberWatch")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import admin_language, folding  # noqa: F401 — a signal receiver; a lookup
        from .roles import after_migrate

        # After every app's migrate: the permissions of the apps migrated last exist by then.
        post_migrate.connect(after_migrate, dispatch_uid="cyberwatch_roles")
