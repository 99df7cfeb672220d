"""The admin index as a newsroom dashboard: for the person signed in, their drafts,
what is scheduled next, what was published last, and the items missing a translation in their
languages, each linking to the admin's list or change page. A handful of small queries."""

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from core.languages import available_in_q
from core.models import Contribution, Review
from core.publishing import Publishable
from core.review import review_url
from core.roles import CONTENT, PUBLISHABLE, may, translated_languages
from core.translations import contains

LISTED = 8


def _change_url(item):
    meta = item._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk])


def _entries(items):
    return [
        {
            "label": str(item),
            "kind": item._meta.verbose_name,
            "url": _change_url(item),
            "published_at": getattr(item, "published_at", None),
        }
        for item in items
    ]


def _reviews(queryset):
    """Reviews with the link to their item's review page (a query for the list)."""
    rows = []
    listed = queryset.select_related("author", "reviewer", "content_type").prefetch_related(
        "contributions__user"
    )
    for review in listed[:LISTED]:
        rows.append(
            {
                "review": review,
                "url": review_url(review),
                "kind": review.content_type.model_class()._meta.verbose_name,
            }
        )
    return rows


def _merged(querysets, key, reverse_order):
    rows = [item for queryset in querysets for item in queryset[:LISTED]]
    return sorted(rows, key=key, reverse=reverse_order)[:LISTED]


def dashboard(user):
    now = timezone.now()
    publishable = [apps.get_model(app, model) for app, model in PUBLISHABLE]
    visible = [model for model in publishable if user.has_perm(_perm(model, "view"))]
    drafts = [
        model.objects.filter(status=Publishable.Status.DRAFT, **_own(model, user)).order_by(
            "-published_at"
        )
        for model in visible
    ]
    scheduled = [
        model.objects.filter(status=Publishable.Status.PUBLISHED, published_at__gt=now).order_by(
            "published_at"
        )
        for model in visible
    ]
    latest = [model.objects.published(now).order_by("-published_at") for model in visible]
    languages = translated_languages(user) or [code for code, _name in settings.LANGUAGES]
    reviewable = [
        ContentType.objects.get_for_model(model)
        for model in publishable
        if may(user, "publish", model)
    ]
    to_review = Review.objects.filter(
        state=Review.State.PENDING, content_type__in=reviewable
    ).order_by("updated_at")
    submissions = Review.objects.filter(
        pk__in=Contribution.objects.filter(user=user).values("review_id")
    )
    reviews_url = reverse("admin:cyberwatch_review_changelist")
    return {
        "may_review": bool(reviewable),
        "to_review": _reviews(to_review),
        "to_review_count": to_review.count(),
        "to_review_url": f"{reviews_url}?state__exact=pending",
        "submissions": _reviews(submissions),
        "submissions_count": submissions.count(),
        "submissions_url": f"{reviews_url}?contributed=me",
        "drafts": _entries(_merged(drafts, lambda item: item.published_at, True)),
        "scheduled": _entries(_merged(scheduled, lambda item: item.published_at, False)),
        "latest": _entries(_merged(latest, lambda item: item.published_at, True)),
        **translation_status(user, languages),
    }


def translation_status(user, languages=None):
    """Per kind of content and per language, the items missing a translation and those whose
    translation is outdated, each count with the admin list filtered on it (one query a kind)."""
    languages = languages or [code for code, _name in settings.LANGUAGES]
    rows = []
    for app, model_name in CONTENT:
        model = apps.get_model(app, model_name)
        if not user.has_perm(_perm(model, "view")):
            continue
        changelist = reverse(f"admin:{app}_{model_name}_changelist")
        counts = model.objects.aggregate(
            **{f"missing_{code}": _count_missing(model, code) for code in languages},
            **{
                f"outdated_{code}": Count(
                    "pk", filter=Q(outdated_languages__contains=contains(code))
                )
                for code in languages
            },
        )
        rows.append(
            {
                "kind": model._meta.verbose_name_plural,
                "languages": [
                    {
                        "code": code,
                        "count": counts[f"missing_{code}"],
                        "url": f"{changelist}?missing={code}",
                        "outdated": counts[f"outdated_{code}"],
                        "outdated_url": f"{changelist}?outdated={code}",
                    }
                    for code in languages
                ],
            }
        )
    return {
        "languages": [(code, name) for code, name in settings.LANGUAGES if code in languages],
        "missing": rows,
    }


def _perm(model, action):
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def _own(model, user):
    """An article's drafts are its author's; advice records no author: all its drafts."""
    if any(field.name == "created_by" for field in model._meta.fields):
        return {"created_by": user}
    return {}


def _count_missing(model, code):
    return Count("pk", filter=~Q(available_in_q(model, code)))
