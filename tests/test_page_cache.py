"""The public pages kept in the shared cache for anonymous visitors, and their HTTP caching:
fresh after every kind of change and at every scheduled moment, never for signed-in staff,
304 to a matching `If-None-Match`, and the headers a proxy or a browser goes by.

In CI's PostgreSQL passes the cache is Redis (REDIS_URL); on SQLite, the local-memory cache."""

import datetime
from unittest import mock

import pytest
import reversion
import time_machine
from django.contrib.auth.models import Group
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from core import content_version
from core.roles import PUBLISHER
from news.models import Article

from .admin_forms import change_url, posted
from .factories import ArticleFactory, CrimeAreaFactory
from .test_review import form_of, person, review_url

LANGUAGES = ("en", "fr", "es", "ar")


@pytest.fixture
def article(db):
    area = CrimeAreaFactory(name_en="Ransomware")
    article = ArticleFactory(title_en="Botnet dismantled", slug="botnet-dismantled")
    article.crime_areas.set([area])
    return article


def pages_of(article):
    return [
        *(f"/{language}/news/{article.slug}/" for language in LANGUAGES),
        *(f"/{language}/news/" for language in LANGUAGES),
        "/en/",
        "/fr/",
    ]


def kept(client, url):
    """Asks twice: the second answer comes from the cache."""
    first = client.get(url)
    second = client.get(url)
    assert second["X-Cache"] == "hit", url
    assert second.content == first.content
    return second


def warm(urls):
    visitor = Client()
    for url in urls:
        kept(visitor, url)
    return visitor


def test_an_anonymous_visitor_gets_the_kept_page_without_a_query(
    article, django_assert_num_queries
):
    visitor = Client()
    first = visitor.get("/en/news/")
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = visitor.get("/en/news/")
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert "Botnet dismantled" in second.text
    for name in ("Content-Type", "Content-Language", "ETag", "X-Frame-Options"):
        assert second[name] == first[name], name


def test_the_first_request_after_a_change_reads_the_next_scheduled_moment_once(
    article, django_assert_max_num_queries
):
    visitor = Client()
    visitor.get("/en/news/")
    article.title_en = "Botnet taken down"
    article.save()
    # The page's own queries (tests/test_query_counts.py), plus the next scheduled moment:
    # two index reads for each kind of item with publication fields (articles, advice).
    with django_assert_max_num_queries(10 + 4):
        assert "Botnet taken down" in visitor.get("/en/news/").text
    with django_assert_max_num_queries(0):
        visitor.get("/en/news/")


def test_a_save_is_on_every_kept_page_at_once_in_every_language(article):
    urls = pages_of(article)
    visitor = warm(urls)
    publisher = person(PUBLISHER)
    response = publisher.post(
        change_url(article), form_of(publisher, article, title_en="Botnet taken down")
    )
    assert response.status_code == 302
    for url in urls:
        page = visitor.get(url)
        assert page["X-Cache"] == "miss", url
        assert "Botnet taken down" in page.text, url
        assert "Botnet dismantled" not in page.text, url


def test_a_deletion_takes_the_item_off_every_kept_page(article):
    urls = pages_of(article)
    visitor = warm(urls)
    publisher = person(PUBLISHER)
    delete = reverse("admin:news_article_delete", args=[article.pk])
    assert publisher.post(delete, {"post": "yes"}).status_code == 302
    assert visitor.get(f"/en/news/{article.slug}/").status_code == 404
    assert "Botnet dismantled" not in visitor.get("/en/news/").text
    assert "Botnet dismantled" not in visitor.get("/en/").text


def bulk(client, action, *items):
    return client.post(
        reverse("admin:news_article_changelist"),
        {"action": action, "_selected_action": [item.pk for item in items]},
    )


def test_publishing_and_unpublishing_in_bulk_reach_the_kept_lists(article):
    draft = ArticleFactory(title_en="Phishing wave", draft=True)
    visitor = warm(["/en/news/", "/en/"])
    publisher = person(PUBLISHER)
    assert bulk(publisher, "publish_selected", draft).status_code == 302
    assert "Phishing wave" in visitor.get("/en/news/").text
    assert "Phishing wave" in visitor.get("/en/").text
    assert bulk(publisher, "unpublish_selected", article).status_code == 302
    assert "Botnet dismantled" not in visitor.get("/en/news/").text
    assert visitor.get(f"/en/news/{article.slug}/").status_code == 404


def test_a_change_waiting_for_review_keeps_the_page_and_its_publication_changes_it(article):
    urls = [f"/en/news/{article.slug}/", "/en/news/"]
    visitor = warm(urls)
    editor = person("Editor")
    response = editor.post(
        change_url(article), form_of(editor, article, title_en="Botnet taken down")
    )
    assert response.status_code == 302
    for url in urls:
        assert "Botnet dismantled" in visitor.get(url).text  # still what the public sees
    publisher = person(PUBLISHER)
    review = article.reviews.get()
    publisher.post(review_url(article), {"review": review.pk, "decision": "publish"})
    for url in urls:
        assert "Botnet taken down" in visitor.get(url).text, url


def test_a_roll_back_is_on_the_kept_pages(article):
    with reversion.create_revision():
        article.save()
    publisher = person(PUBLISHER)
    publisher.post(change_url(article), form_of(publisher, article, title_en="Botnet taken down"))
    first = Version.objects.get_for_object(article).order_by("pk").first()
    urls = [f"/en/news/{article.slug}/", "/en/news/"]
    visitor = warm(urls)
    assert "Botnet taken down" in visitor.get(urls[0]).text
    url = reverse("admin:news_article_revision", args=[article.pk, first.pk])
    assert publisher.post(url, posted(publisher, url)).status_code == 302
    for url in urls:
        assert "Botnet dismantled" in visitor.get(url).text, url


def test_a_change_to_a_crime_area_reaches_the_kept_pages_that_show_it(article):
    area = article.crime_areas.get()
    urls = ["/en/news/", f"/en/crimes/{area.slug}/", f"/en/news/{article.slug}/"]
    visitor = warm(urls)
    area.name_en = "Extortion software"
    area.save()
    for url in urls:
        assert "Extortion software" in visitor.get(url).text, url


def test_a_scheduled_article_appears_on_a_kept_list_when_its_time_comes(article):
    start = timezone.now()
    coming = ArticleFactory(
        title_en="Operation announced", published_at=start + datetime.timedelta(hours=1)
    )
    with time_machine.travel(start, tick=False) as clock:
        visitor = Client()
        assert "Operation announced" not in kept(visitor, "/en/news/").text
        clock.shift(datetime.timedelta(minutes=59))
        assert "Operation announced" not in kept(visitor, "/en/news/").text
        clock.shift(datetime.timedelta(minutes=1))
        page = visitor.get("/en/news/")
        assert page["X-Cache"] == "miss"
        assert "Operation announced" in page.text
        assert visitor.get(f"/en/news/{coming.slug}/").status_code == 200
        assert kept(visitor, "/en/news/")


def test_an_article_leaves_the_kept_pages_when_its_end_comes(article):
    start = timezone.now()
    Article.objects.filter(pk=article.pk).update(unpublish_at=start + datetime.timedelta(days=2))
    with time_machine.travel(start, tick=False) as clock:
        visitor = Client()
        assert "Botnet dismantled" in kept(visitor, "/en/news/").text
        # The browser is told to keep it no longer than that either.
        assert kept(visitor, "/en/news/")["Cache-Control"] == "public, max-age=60"
        clock.shift(datetime.timedelta(days=2) - datetime.timedelta(seconds=30))
        assert visitor.get("/en/news/")["Cache-Control"] == "public, max-age=30"
        clock.shift(datetime.timedelta(seconds=30))
        assert "Botnet dismantled" not in visitor.get("/en/news/").text
        assert visitor.get(f"/en/news/{article.slug}/").status_code == 404


def test_signed_in_staff_always_get_a_page_rendered_now_never_kept(article):
    visitor = warm(["/en/news/"])
    publisher = person(PUBLISHER)
    # Changed behind the cache's back: only a page rendered now shows it.
    Article.objects.filter(pk=article.pk).update(title_en="Changed in the database")
    Client().get("/en/news/")  # kept again, with the change
    Article._base_manager.filter(pk=article.pk).update(title_en="Changed without a signal")
    assert "Changed in the database" in visitor.get("/en/news/").text
    page = publisher.get("/en/news/")
    assert "Changed without a signal" in page.text
    assert "X-Cache" not in page
    assert page["Cache-Control"] == "private, no-store"
    assert "Cookie" in page["Vary"]


def test_headers_for_anonymous_visitors_staff_and_previews(article):
    visitor = Client()
    page = visitor.get("/en/news/")
    assert page["Cache-Control"] == "public, max-age=60"
    assert page["Vary"] == "Cookie"
    assert page["ETag"].startswith('"')
    draft = ArticleFactory(title_en="Not yet", draft=True)
    publisher = person(PUBLISHER)
    preview = publisher.get(f"/en/news/{draft.slug}/")
    assert preview.status_code == 200
    assert preview["Cache-Control"] == "private, no-store"
    assert preview["X-Robots-Tag"] == "noindex"
    pending = reverse("admin:news_article_preview", args=[article.pk])
    assert {"private", "no-store"} <= set(publisher.get(pending)["Cache-Control"].split(", "))
    # What is not a public page is not made public.
    assert "public" not in publisher.get("/admin/").get("Cache-Control", "")
    assert "public" not in visitor.get("/en/news/no-such-article/").get("Cache-Control", "")


def test_a_matching_if_none_match_gets_a_304_kept_or_not(article):
    visitor = Client()
    first = visitor.get("/en/news/")
    etag = first["ETag"]
    for _ in range(2):  # rendered, then kept
        again = visitor.get("/en/news/", HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag
        assert again["Cache-Control"] == "public, max-age=60"
    article.title_en = "Botnet taken down"
    article.save()
    changed = visitor.get("/en/news/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_words_filter_is_kept_within_a_bounded_key_space(article):
    visitor = Client()
    assert "Botnet dismantled" in kept(visitor, "/en/news/?q=botnet").text
    # The same parameters in another order are the same page.
    assert kept(visitor, "/en/news/?q=botnet&language=en")
    assert visitor.get("/en/news/?language=en&q=botnet")["X-Cache"] == "hit"
    # A query string past the bound is answered and not kept.
    long = "/en/news/?q=botnet&utm_campaign=" + "x" * 200
    assert visitor.get(long).status_code == 200
    assert "X-Cache" not in visitor.get(long)


def test_answers_that_are_not_a_complete_public_page_are_not_kept(article):
    visitor = Client()
    for url in ["/en/news/no-such-article/", "/en/news/?year=abc", "/en/news/?q="]:
        first = visitor.get(url)
        assert first.status_code != 200, url
        assert visitor.get(url).get("X-Cache") in (None, "miss"), url


def test_without_a_cache_pages_are_rendered_every_time_with_the_same_headers(article, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    visitor = Client()
    visitor.get("/en/news/")
    page = visitor.get("/en/news/")
    assert "X-Cache" not in page
    assert page["Cache-Control"] == "public, max-age=60"
    assert visitor.get("/en/news/", HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 304


def test_a_cached_page_is_served_to_no_one_signed_in_even_a_translator(article):
    Client().get("/en/news/")
    translator = person("Translator", languages="fr")
    assert translator.get("/en/news/")["Cache-Control"] == "private, no-store"
    assert Group.objects.filter(name="Translator").exists()


def test_with_the_database_down_kept_pages_are_served_and_the_others_are_the_503_page(article):
    visitor = warm(["/fr/news/"])
    with mock.patch(
        "core.content_version.next_scheduled_moment",
        side_effect=OperationalError("connection refused"),
    ):
        assert visitor.get("/fr/news/")["X-Cache"] == "hit"  # nothing to read from it
        content_version.changed()  # the next scheduled moment is to be read again
        page = visitor.get("/fr/news/")
    assert page.status_code == 503
    assert page["Retry-After"]
    assert '<html lang="fr"' in page.text
