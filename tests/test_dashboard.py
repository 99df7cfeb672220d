"""The admin index as a dashboard: each person's own drafts, what is scheduled next,
the latest published, and the missing translations in their languages, linked to the lists."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from core.models import Profile
from core.roles import EDITOR, TRANSLATOR

from .factories import ArticleFactory

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)


def person(username, role, languages=""):
    user = get_user_model().objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    if languages:
        Profile.objects.create(user=user, languages=languages)
    client = Client()
    client.force_login(user)
    return user, client


def section(page, heading):
    return page.split(f">{heading}")[1].split("</section>")[0]


@pytest.mark.django_db
def test_the_index_shows_my_drafts_the_next_scheduled_and_the_latest_published():
    erin, client = person("erin", EDITOR)
    other, _other = person("olga", EDITOR)
    with time_machine.travel(NOW, tick=False):
        ArticleFactory(title_en="Erin's draft", status="draft", created_by=erin)
        ArticleFactory(title_en="Olga's draft", status="draft", created_by=other)
        for days in (5, 2, 9):
            ArticleFactory(
                title_en=f"Due in {days} days",
                status="published",
                published_at=NOW + datetime.timedelta(days=days),
            )
        ArticleFactory(title_en="Out yesterday", published_at=NOW - datetime.timedelta(days=1))
        ArticleFactory(
            title_en="Ended",
            published_at=NOW - datetime.timedelta(days=3),
            unpublish_at=NOW - datetime.timedelta(hours=1),
        )
        page = client.get("/admin/").text

    drafts = section(page, "Your drafts")
    assert "Erin&#x27;s draft" in drafts and "Olga" not in drafts
    scheduled = section(page, "Scheduled next")
    assert scheduled.index("Due in 2 days") < scheduled.index("Due in 5 days")
    assert scheduled.index("Due in 5 days") < scheduled.index("Due in 9 days")
    latest = section(page, "Latest published")
    assert "Out yesterday" in latest
    assert "Due in" not in latest and "Ended" not in latest and "draft" not in latest


@pytest.mark.django_db
def test_missing_translations_are_counted_in_my_languages_and_linked():
    _tina, client = person("tina", TRANSLATOR, languages="fr,ar")
    ArticleFactory(title_en="English only", summary_en="S.")
    ArticleFactory(title_en="Both", summary_en="S.", title_fr="Les deux", summary_fr="R.")
    page = client.get("/admin/").text
    missing = section(page, "Missing translations")
    assert ">French</th>" in missing and ">Arabic</th>" in missing
    assert ">Spanish</th>" not in missing  # not one of her languages
    assert '<a href="/admin/news/article/?missing=fr">1</a>' in missing
    assert '<a href="/admin/news/article/?missing=ar">2</a>' in missing
    # The link shows exactly those items.
    listed = client.get("/admin/news/article/", {"missing": "fr"}).text
    assert "English only" in listed and "Les deux" not in listed
