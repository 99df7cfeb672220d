from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        from core import seams

        from . import public, search_index, signals  # noqa: F401 — connects the receivers

        search_index.connect(self)
        seams.related_news.provide(public.tagged_cards)
