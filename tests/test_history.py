"""History: publishers compare two versions field by field in every language, roll
back (translated fields and relations restored), and the audit log records who published,
scheduled, unpublished or rolled back which item, and when."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from core.models import AuditEntry
from core.roles import EDITOR, PUBLISHER
from news.models import Article

from .admin_forms import change_url, version_in
from .factories import ArticleFactory, CrimeAreaFactory


def person(role):
    user = get_user_model().objects.create_user(role.lower(), password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return user, client


def save(client, article, **changes):
    page = client.get(change_url(article)).text
    version = version_in(page)
    article.refresh_from_db()
    data = {
        "title_en": article.title_en,
        "title_fr": article.title_fr or "",
        "summary_en": article.summary_en,
        "summary_fr": article.summary_fr or "",
        "slug": article.slug,
        "original_language": article.original_language,
        "status": article.status,
        "published_at_0": article.published_at.strftime("%Y-%m-%d"),
        "published_at_1": article.published_at.strftime("%H:%M:%S"),
        "crime_areas": [area.pk for area in article.crime_areas.all()],
        "version": version,
        **changes,
    }
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.content[:2000]
    article.refresh_from_db()


@pytest.fixture
def draft(db):
    return ArticleFactory(
        title_en="Botnet dismantled",
        summary_en="What happened.",
        status="draft",
        published_at=datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC),
    )


@pytest.mark.django_db
def test_publish_schedule_and_unpublish_are_in_the_audit_log(draft):
    publisher, client = person(PUBLISHER)
    save(client, draft, status="published")
    save(client, draft, status="draft")
    save(client, draft, status="published", published_at_0="2031-01-01")
    entries = list(AuditEntry.objects.order_by("pk"))
    assert [entry.action for entry in entries] == ["publish", "unpublish", "schedule"]
    assert {entry.user for entry in entries} == {publisher}
    assert {entry.object_id for entry in entries} == {draft.pk}
    assert entries[0].object_repr == "Botnet dismantled"
    assert entries[2].data["moment"].startswith("2031-01-01")
    assert "2031" in entries[2].describe()
    # The log is readable in the admin, and nobody edits it.
    page = client.get(reverse("admin:cyberwatch_auditentry_changelist"))
    assert page.status_code == 200
    assert "Botnet dismantled" in page.text
    entry_url = reverse("admin:cyberwatch_auditentry_change", args=[entries[0].pk])
    assert client.post(entry_url, {"action": "publish"}).status_code == 403


@pytest.mark.django_db
def test_saving_text_is_not_a_publishing_action(draft):
    _editor, client = person(EDITOR)
    save(client, draft, title_fr="Botnet démantelé", summary_fr="Ce qui s'est passé.")
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_two_versions_compare_field_by_field_in_every_language(draft):
    _publisher, client = person(PUBLISHER)
    save(client, draft, title_fr="Botnet démantelé", summary_fr="Première version.")
    save(client, draft, title_fr="Réseau de zombies démantelé", summary_fr="Première version.")
    first, second = sorted(Version.objects.get_for_object(draft), key=lambda v: v.pk)[-2:]
    response = client.get(
        reverse("admin:news_article_compare", args=[draft.pk]),
        {"version_id1": first.pk, "version_id2": second.pk},
    )
    assert response.status_code == 200
    text = response.text
    assert "title [fr]" in text.lower() or "title_fr" in text.lower()
    assert "Botnet" in text and "Réseau de zombies" in text
    assert "<del>" in text or "<ins>" in text


@pytest.mark.django_db
def test_rolling_back_restores_translated_fields_and_relations_and_is_logged(draft):
    publisher, client = person(PUBLISHER)
    fraud, abuse = CrimeAreaFactory(slug="fraud"), CrimeAreaFactory(slug="abuse")
    save(client, draft, title_fr="Botnet démantelé", summary_fr="Résumé.", crime_areas=[fraud.pk])
    old = max(Version.objects.get_for_object(draft), key=lambda v: v.pk)
    save(client, draft, title_fr="Autre titre", crime_areas=[abuse.pk])
    assert list(draft.crime_areas.all()) == [abuse]

    url = reverse("admin:news_article_revision", args=[draft.pk, old.pk])
    opened = version_in(client.get(url).text)
    response = client.post(
        url,
        {
            "version": opened,
            "title_en": "Botnet dismantled",
            "title_fr": "Botnet démantelé",
            "summary_en": "What happened.",
            "summary_fr": "Résumé.",
            "slug": draft.slug,
            "original_language": "en",
            "status": "draft",
            "published_at_0": "2026-01-05",
            "published_at_1": "10:00:00",
            "crime_areas": [fraud.pk],
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title_fr == "Botnet démantelé"
    assert list(draft.crime_areas.all()) == [fraud]
    entry = AuditEntry.objects.get(action="roll back")
    assert entry.user == publisher and entry.object_id == draft.pk
    assert Article.objects.count() == 1
