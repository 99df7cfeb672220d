"""Roles: Editor, Translator and Publisher against create, change, change
another language's field, publish, unpublish and delete, each allowed or refused, through the
admin's forms with forged POSTs: a refusal is a 403 or a form error, and changes nothing."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import Profile, Review
from core.roles import EDITOR, PUBLISHER, TRANSLATOR
from news.models import Article

from .admin_forms import change_url, version_in
from .factories import ArticleFactory


def person(role, languages=""):
    user = get_user_model().objects.create_user(role.lower(), password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    if languages:
        Profile.objects.create(user=user, languages=languages)
    client = Client()
    client.force_login(user)
    return client


def form_of(client, article, **changes):
    """The change form as the browser would post it, with `changes`."""
    page = client.get(change_url(article))
    assert page.status_code == 200
    version = version_in(page.text)
    data = {
        "title_en": article.title_en,
        "title_fr": article.title_fr or "",
        "summary_en": article.summary_en,
        "summary_fr": article.summary_fr or "",
        "slug": article.slug,
        "original_language": article.original_language,
        "status": article.status,
        "published_at_0": timezone.localtime(article.published_at).strftime("%Y-%m-%d"),
        "published_at_1": timezone.localtime(article.published_at).strftime("%H:%M:%S"),
        "version": version,
    }
    data.update(changes)
    return data


def new_article(**changes):
    return {
        "title_en": "A new operation",
        "summary_en": "What happened.",
        "slug": "a-new-operation",
        "original_language": "en",
        "status": "draft",
        "published_at_0": "2026-01-01",
        "published_at_1": "10:00:00",
        **changes,
    }


@pytest.fixture
def draft(db):
    return ArticleFactory(title_en="Draft", summary_en="Text.", status="draft", slug="draft")


@pytest.fixture
def live(db):
    return ArticleFactory(title_en="Live", summary_en="Text.", status="published", slug="live")


def test_the_groups_exist_after_migrate_and_the_command_is_idempotent(db):
    call_command("roles", verbosity=0)
    call_command("roles", verbosity=0)
    publisher = Group.objects.get(name=PUBLISHER)
    assert publisher.permissions.filter(codename="publish_article").exists()
    assert publisher.permissions.filter(codename="unpublish_article").exists()
    editor = Group.objects.get(name=EDITOR)
    assert not editor.permissions.filter(codename__in=["publish_article", "delete_article"])
    translator = Group.objects.get(name=TRANSLATOR)
    assert set(
        translator.permissions.filter(content_type__model="article").values_list(
            "codename", flat=True
        )
    ) == {"change_article", "view_article"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"), [(EDITOR, True), (TRANSLATOR, False), (PUBLISHER, True)]
)
def test_create(role, allowed):
    client = person(role, languages="fr")
    response = client.post(reverse("admin:news_article_add"), new_article())
    assert Article.objects.filter(slug="a-new-operation").exists() is allowed
    assert response.status_code == (302 if allowed else 403)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [EDITOR, TRANSLATOR, PUBLISHER])
def test_change_own_language_text(role, draft):
    client = person(role, languages="fr")
    response = client.post(change_url(draft), form_of(client, draft, title_fr="Brouillon"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title_fr == "Brouillon"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"), [(EDITOR, True), (TRANSLATOR, False), (PUBLISHER, True)]
)
def test_change_another_languages_field(role, allowed, draft):
    """A translator for French posting an English title and a new slug (forged: the fields
    are disabled on their form) changes neither."""
    client = person(role, languages="fr")
    client.post(change_url(draft), form_of(client, draft, title_en="Changed", slug="changed"))
    draft.refresh_from_db()
    assert (draft.title_en == "Changed") is allowed
    assert (draft.slug == "changed") is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"), [(EDITOR, False), (TRANSLATOR, False), (PUBLISHER, True)]
)
def test_publish(role, allowed, draft):
    client = person(role, languages="fr")
    response = client.post(change_url(draft), form_of(client, draft, status="published"))
    draft.refresh_from_db()
    assert (draft.status == "published") is allowed
    if not allowed and role == EDITOR:
        assert "Only a publisher can publish" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), [(EDITOR, False), (PUBLISHER, True)])
def test_create_published_or_scheduled(role, allowed):
    client = person(role)
    client.post(
        reverse("admin:news_article_add"),
        new_article(status="published", published_at_0="2030-01-01"),
    )
    assert Article.objects.filter(slug="a-new-operation", status="published").exists() is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"), [(EDITOR, False), (TRANSLATOR, False), (PUBLISHER, True)]
)
def test_reschedule_a_published_article(role, allowed, live):
    client = person(role, languages="fr")
    client.post(change_url(live), form_of(client, live, published_at_0="2031-05-01"))
    live.refresh_from_db()
    assert (live.published_at.year == 2031) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"), [(EDITOR, False), (TRANSLATOR, False), (PUBLISHER, True)]
)
def test_unpublish(role, allowed, live):
    client = person(role, languages="fr")
    response = client.post(change_url(live), form_of(client, live, status="draft"))
    live.refresh_from_db()
    assert (live.status == "draft") is allowed
    if not allowed and role == EDITOR:
        assert "Only a publisher can unpublish" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"), [(EDITOR, False), (TRANSLATOR, False), (PUBLISHER, True)]
)
def test_delete(role, allowed, draft):
    client = person(role, languages="fr")
    response = client.post(reverse("admin:news_article_delete", args=[draft.pk]), {"post": "yes"})
    assert Article.objects.filter(pk=draft.pk).exists() is not allowed
    assert response.status_code == (302 if allowed else 403)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"), [(EDITOR, False), (TRANSLATOR, False), (PUBLISHER, True)]
)
def test_bulk_delete_action(role, allowed, draft):
    client = person(role, languages="fr")
    client.post(
        reverse("admin:news_article_changelist"),
        {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"},
    )
    assert Article.objects.filter(pk=draft.pk).exists() is not allowed


@pytest.mark.django_db
def test_a_translator_sees_only_their_languages_as_editable(draft):
    client = person(TRANSLATOR, languages="fr,ar")
    page = client.get(change_url(draft)).text
    assert re.search(r'<input[^>]*name="title_fr"(?![^>]*disabled)[^>]*>', page)
    assert re.search(r'<input[^>]*name="title_ar"(?![^>]*disabled)[^>]*>', page)
    assert re.search(r'<input[^>]*name="title_en"[^>]*disabled', page)
    assert re.search(r'<input[^>]*name="slug"[^>]*disabled', page)


@pytest.mark.django_db
def test_a_stored_moment_with_microseconds_is_not_read_as_a_reschedule(live):
    """Items made in code carry microseconds; the form's date-time fields do not."""
    import datetime

    Article.objects.filter(pk=live.pk).update(
        published_at=datetime.datetime(2026, 1, 5, 10, 0, 0, 123456, tzinfo=datetime.UTC)
    )
    live.refresh_from_db()
    client = person(EDITOR)
    response = client.post(change_url(live), form_of(client, live, title_en="Live, edited"))
    assert response.status_code == 302  # not refused as a reschedule: proposed for review
    review = Review.objects.get(object_id=live.pk, state=Review.State.PENDING)
    assert review.data["fields"]["title_en"] == "Live, edited"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "submitted"), [(EDITOR, True), (TRANSLATOR, True), (PUBLISHER, False)]
)
def test_submit_a_draft_for_review(role, submitted, draft):
    """Editors and translators submit drafts; a publisher publishes them without review."""
    client = person(role, languages="fr")
    response = client.post(
        change_url(draft), form_of(client, draft, title_fr="Brouillon", _submit_for_review="1")
    )
    assert response.status_code == 302
    assert Review.objects.filter(object_id=draft.pk, state="pending").exists() is submitted
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "live_at_once"), [(EDITOR, False), (TRANSLATOR, False), (PUBLISHER, True)]
)
def test_change_a_published_article(role, live_at_once, live):
    """A non-publisher's change to a published article awaits review; a publisher's goes live."""
    client = person(role, languages="fr")
    response = client.post(change_url(live), form_of(client, live, title_fr="En direct"))
    assert response.status_code == 302
    live.refresh_from_db()
    assert (live.title_fr == "En direct") is live_at_once
    assert Review.objects.filter(object_id=live.pk, state="pending").exists() is not live_at_once


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"), [(EDITOR, False), (TRANSLATOR, False), (PUBLISHER, True)]
)
def test_publish_or_reject_a_review(role, allowed, live):
    """Deciding a review, forged as a POST to the review page by each role."""
    person(EDITOR, languages="fr")  # the author
    author = Client()
    author.force_login(get_user_model().objects.get(username="editor"))
    author.post(change_url(live), form_of(author, live, title_en="Proposed"))
    review = Review.objects.get(object_id=live.pk)
    client = author if role == EDITOR else person(role, languages="fr")
    url = reverse("admin:news_article_review", args=[live.pk])
    response = client.post(url, {"review": review.pk, "decision": "publish"})
    assert response.status_code == (302 if allowed else 403)
    live.refresh_from_db()
    assert (live.title_en == "Proposed") is allowed
    response = client.post(url, {"review": review.pk, "decision": "reject", "comment": "No."})
    review.refresh_from_db()
    assert review.state == ("published" if allowed else "pending")
