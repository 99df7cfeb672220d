"""Mail to the newsroom (Django's mail, `EMAIL_URL`): publishers are told of each submission,
contributors of each decision on what they proposed and of the deletion of an item they had
a change pending on. Each mail is in its recipient's admin language (their newsroom profile,
set by the admin's language switch), with a link to the page to act on. Mail leaves once the
change is committed, so a change rolled back sends nothing; a mail server that fails is
logged (`on_commit(robust=True)`), never a failed save."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from .models import person_name
from .review import review_url

logger = logging.getLogger(__name__)


def language_of(user):
    profile = getattr(user, "newsroom_profile", None)
    language = profile.admin_language if profile is not None else ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def publishers(model):
    """Active staff who may publish items of `model`, with an address."""
    meta = model._meta
    permission = Permission.objects.filter(
        content_type__app_label=meta.app_label, codename=f"publish_{meta.model_name}"
    ).first()
    allowed = Q(is_superuser=True)
    if permission is not None:
        allowed |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return list(
        get_user_model()
        .objects.filter(allowed, is_active=True, is_staff=True)
        .exclude(email="")
        .select_related("newsroom_profile")
        .distinct()
    )


def _mail(recipients, subject, template, context, link):
    """One message a recipient, each in their language."""
    messages = []
    for user in recipients:
        if not user.email:
            continue
        with translation.override(language_of(user)):
            body = render_to_string(
                template, {**context, "recipient": person_name(user), "link": link}
            )
            messages.append(
                EmailMessage(
                    subject=f"[CyberWatch] {subject()}",
                    body=body,
                    to=[user.email],
                )
            )
    if messages:
        transaction.on_commit(lambda: get_connection().send_messages(messages), robust=True)
    return messages


def _people(users, but=None):
    return [user for user in users if but is None or user.pk != but.pk]


def submitted(request, review, item):
    """A review became pending: every publisher of the item's kind is told."""
    contributor = review.author
    recipients = _people(publishers(type(item)), but=contributor)
    context = {
        "item": review.object_repr,
        "kind": review.kind,
        "author": person_name(contributor),
    }
    return _mail(
        recipients,
        lambda: gettext("To review: “%(item)s”") % {"item": review.object_repr},
        "newsroom/mail/submitted.txt",
        context,
        request.build_absolute_uri(review_url(review)),
    )


def decided(request, review, decider):
    """A publisher published, sent back or withdrew a review: its contributors are told."""
    recipients = _people([user for user in review.contributors() if user.email], but=decider)
    meta = review.content_type.model_class()._meta
    link = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[review.object_id])
    context = {
        "item": review.object_repr,
        "state": review.state,
        "reviewer": person_name(decider),
        "comment": review.comment,
    }
    subjects = {
        "published": lambda: gettext("Published: “%(item)s”") % {"item": review.object_repr},
        "rejected": lambda: gettext("Changes requested: “%(item)s”") % {"item": review.object_repr},
        "withdrawn": lambda: gettext("Withdrawn: “%(item)s”") % {"item": review.object_repr},
    }
    return _mail(
        recipients,
        subjects.get(review.state, subjects["withdrawn"]),
        "newsroom/mail/decided.txt",
        context,
        request.build_absolute_uri(link),
    )


def deleted(request, item_repr, contributors, user):
    """An item with a pending change was deleted: its contributors are told."""
    recipients = _people(contributors, but=user)
    return _mail(
        recipients,
        lambda: gettext("Deleted: “%(item)s”") % {"item": item_repr},
        "newsroom/mail/deleted.txt",
        {"item": item_repr, "who": person_name(user)},
        request.build_absolute_uri(reverse("admin:index")),
    )
