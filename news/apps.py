from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        from . import search_index, signals  # noqa: F401 — connects the receivers

        search_index.connect(self)
