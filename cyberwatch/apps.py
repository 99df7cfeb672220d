from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyberWatchConfig(AppConfig):
    name = "cyberwatch"
    verbose_name = _("CyberWatch")
