from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The project: settings, URLs, the home page, the admin's dashboard and the seed content.
    It composes the kernel (core/) and the apps, and has no models."""

    name = "cyberwatch"
    label = "site"
    verbose_name = _("Site")
