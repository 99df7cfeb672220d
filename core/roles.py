"""The newsroom's roles: groups Editor, Translator and Publisher, kept by
`ensure_roles()` after every migrate and by `manage.py roles` (both idempotent).

- Editor: adds and changes content, drafts; cannot publish, schedule, unpublish or delete.
- Translator: changes existing items only, and only the fields of the languages in their
  newsroom profile; cannot add, delete, publish or unpublish.
- Publisher: everything on content, publishing, scheduling and unpublishing included; reads
  the audit log.

The admin enforces them in its forms (core/admin.py) and through Django's permissions,
whatever the page shows: a forged POST changes nothing.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

EDITOR, TRANSLATOR, PUBLISHER = "Editor", "Translator", "Publisher"
CONTENT = [
    ("news", "article"),
    ("crimes", "advice"),
    ("crimes", "crimearea"),
    ("crimes", "overviewsection"),
    ("initiatives", "initiative"),
]
PUBLISHABLE = [("news", "article"), ("crimes", "advice")]
EXAMPLES = ("crimes", "crimeexample")  # edited inline with their crime area

ROLES = {
    EDITOR: [
        *[
            (app, f"{action}_{model}")
            for app, model in [*CONTENT, EXAMPLES]
            for action in ("add", "change", "view")
        ],
        ("cyberwatch", "view_review"),
    ],
    TRANSLATOR: [
        *[(app, f"{action}_{model}") for app, model in CONTENT for action in ("change", "view")],
        (EXAMPLES[0], f"view_{EXAMPLES[1]}"),
        ("cyberwatch", "view_review"),
    ],
    PUBLISHER: [
        *[
            (app, f"{action}_{model}")
            for app, model in [*CONTENT, EXAMPLES]
            for action in ("add", "change", "delete", "view")
        ],
        *[
            (app, f"{action}_{model}")
            for app, model in PUBLISHABLE
            for action in ("publish", "unpublish")
        ],
        ("cyberwatch", "view_auditentry"),
        ("cyberwatch", "view_review"),
    ],
}


def ensure_roles():
    """Each group with exactly its permissions (those that exist yet: run after migrate)."""
    for name, wanted in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        condition = Q(pk__in=[])
        for app, codename in wanted:
            condition |= Q(content_type__app_label=app, codename=codename)
        group.permissions.set(Permission.objects.filter(condition))


def after_migrate(sender, **kwargs):
    ensure_roles()


def may(user, action, model):
    """`user` may `action` ("publish", "unpublish", "add"…) items of `model`."""
    meta = model._meta
    return user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}")


def translated_languages(user):
    """The languages a translator may change, or None when the user is not limited to some:
    a superuser, an editor or a publisher changes every language. Worked out once per user
    object (a request's)."""
    languages = getattr(user, "_translated_languages", _UNKNOWN)  # (request.user is lazy)
    if languages is _UNKNOWN:
        languages = user._translated_languages = _translated_languages(user)
    return languages


_UNKNOWN = object()


def _translated_languages(user):
    if user.is_superuser:
        return None
    groups = set(user.groups.values_list("name", flat=True))
    if groups & {EDITOR, PUBLISHER} or TRANSLATOR not in groups:
        return None
    profile = getattr(user, "newsroom_profile", None)
    known = {code for code, _name in settings.LANGUAGES}
    return [code for code in (profile.language_codes if profile else []) if code in known]
