"""The newsroom's admin: the base admin of translated content and what it is made of.

- `content`: `ContentAdmin`, whose save `core.review.decide()` decides;
- `forms`: the change form (roles, versions, publication fields);
- `history`: roll-back and recovery through the change form;
- `reviewing`: the review page, the preview, the live notice, the list of reviews;
- `comparing`: the compare view of two versions;
- `actions`: bulk publish and unpublish;
- `filters`, `audit`, `users`: list filters, the audit log, people.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import audit, users  # noqa: F401 — registers the audit log and the user admin
from .content import ContentAdmin
from .filters import (
    MissingTranslationFilter,
    OutdatedTranslationFilter,
    PublicationFilter,
    ReviewFilter,
    publication,
)
from .reviewing import ReviewAdmin

admin.site.site_header = _("CyberWatch newsroom")
admin.site.site_title = _("CyberWatch newsroom")
admin.site.index_title = _("Newsroom")

__all__ = [
    "ContentAdmin",
    "MissingTranslationFilter",
    "OutdatedTranslationFilter",
    "PublicationFilter",
    "ReviewAdmin",
    "ReviewFilter",
    "publication",
]
