"""Addresses in the title's own letters: an Arabic-only article is at /ar/news/<its Arabic
title>/, not /ar/news/article-2/; the old `article-N` addresses answer 301; a URL a browser
sends percent-encoded resolves; a hostile slug is a 404."""

import datetime
from urllib.parse import quote, unquote

import feedparser
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.admin.forms import unique_slug
from crimes.models import Advice, CrimeArea
from initiatives.models import Initiative
from news.models import Article

from .factories import AdviceFactory, ArticleFactory, CrimeAreaFactory, InitiativeFactory

ARABIC_TITLE = "الإنتربول ينسق عملية ضد الاحتيال"
ARABIC_SLUG = "الإنتربول-ينسق-عملية-ضد-الاحتيال"


def arabic_article(**fields):
    return ArticleFactory(
        original_language="ar",
        title_en=None,
        summary_en=None,
        title_ar=ARABIC_TITLE,
        summary_ar="ملخص.",
        slug=unique_slug(Article, ARABIC_TITLE),
        **fields,
    )


@pytest.mark.django_db
def test_an_arabic_title_gives_an_arabic_slug_and_the_same_title_a_distinct_one():
    first = arabic_article()
    second = arabic_article()
    assert first.slug == ARABIC_SLUG
    assert second.slug == f"{ARABIC_SLUG}-2"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "factory", "field", "url_name"),
    [
        (CrimeArea, CrimeAreaFactory, "name_ar", "crimes:crimearea_detail"),
        (Advice, AdviceFactory, "title_ar", "advice:advice_detail"),
        (Initiative, InitiativeFactory, "name_ar", "initiatives:initiative_detail"),
    ],
    ids=["crime area", "advice", "initiative"],
)
def test_other_content_slugs_from_arabic_names_and_answers_there(
    client, model, factory, field, url_name
):
    name = "مركز الجرائم الرقمية"
    slug = unique_slug(model, name)
    assert slug == "مركز-الجرائم-الرقمية"
    item = factory(slug=slug, **{field: name})
    url = item.get_absolute_url()
    assert url == reverse(url_name, kwargs={"slug": slug})
    assert url.isascii() and unquote(url).endswith(f"/{slug}/")
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_an_arabic_article_answers_at_its_percent_encoded_address(client):
    article = arabic_article()
    url = article.get_absolute_url()
    # What a browser sends for the address typed or clicked: the UTF-8 bytes, percent-encoded.
    assert url == f"/en/news/{quote(ARABIC_SLUG)}/"
    assert client.get(f"/ar/news/{quote(ARABIC_SLUG)}/").status_code == 200
    response = client.get("/ar/news/")
    assert f'href="/ar/news/{quote(ARABIC_SLUG)}/"' in response.text


@pytest.mark.django_db
def test_the_feed_links_an_arabic_article_at_its_encoded_address(client):
    arabic_article()
    feed = feedparser.parse(client.get("/ar/news/feed/").content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.entries[0].link == f"http://testserver/ar/news/{quote(ARABIC_SLUG)}/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/ar/news/%FF%FE/",  # not UTF-8
        "/ar/news/%00/",
        "/ar/news/%E2%80%AE%D8%A7/",  # a right-to-left override
        "/ar/news/a%2Fb/",
        "/ar/news/%3Cscript%3E/",
        "/ar/news/" + quote("ا" * 5000) + "/",  # far longer than a slug can be
        "/ar/crimes/" + quote("ا" * 5000) + "/",
        "/ar/initiatives/%FF/",
        "/ar/advice/%D8/",  # half a character
    ],
)
def test_a_hostile_slug_is_a_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_the_admin_suggests_unicode_slugs_from_the_name(admin_client):
    """Django's prepopulate script keeps the letters of any script when the slug field allows
    Unicode (URLify's allowUnicode); without it, it drops Arabic altogether."""
    page = admin_client.get(reverse("admin:crimes_crimearea_add"))
    assert page.status_code == 200
    assert "&quot;allowUnicode&quot;: true" in page.text or '"allowUnicode": true' in page.text


@pytest.mark.django_db
def test_the_admin_accepts_a_unicode_slug_typed_in(admin_client):
    response = admin_client.post(
        reverse("admin:news_article_add"),
        {
            "slug": "عنوان-مختار",
            "original_language": "ar",
            "title_ar": ARABIC_TITLE,
            "summary_ar": "ملخص.",
            "status": "draft",
            "published_at_0": "2026-01-01",
            "published_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get().slug == "عنوان-مختار"


BEFORE = [("news", "0018_search_ranking_table")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_titleless_slugs_their_titles_letters_and_keeps_the_old_ones():
    """news 0019: `article`, `article-2` made from Arabic titles become the titles' slugs and
    answer 301 there; a slug made from Latin letters, or chosen, stays; backwards restores."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("news", "Article")
    published = {"status": "published", "published_at": timezone.now() - datetime.timedelta(1)}
    arabic = {"original_language": "ar", "title_ar": ARABIC_TITLE, "summary_ar": "ملخص.."}
    first = old.objects.create(slug="article", **arabic, **published)
    second = old.objects.create(slug="article-2", **arabic, **published)
    latin = old.objects.create(
        slug="article-3", original_language="en", title_en="!!!", summary_en="-", **published
    )
    chosen = old.objects.create(slug="interpol-ar", **arabic, **published)
    try:
        call_command("migrate", "news", verbosity=0)
        slugs = dict(Article.objects.values_list("pk", "slug"))
        assert slugs[first.pk] == ARABIC_SLUG
        assert slugs[second.pk] == f"{ARABIC_SLUG}-2"
        assert slugs[latin.pk] == "article-3"  # "!!!" gives no slug in any script
        assert slugs[chosen.pk] == "interpol-ar"
        client = Client()
        moved = client.get("/ar/news/article-2/")
        assert moved.status_code == 301
        assert moved["Location"] == f"/ar/news/{quote(ARABIC_SLUG)}-2/"
        assert client.get(moved["Location"]).status_code == 200
        # The old slugs are taken: a new Arabic-less title does not get them again.
        assert unique_slug(Article, "") == "article-4"

        call_command("migrate", "news", BEFORE[0][1], verbosity=0)
        restored = dict(old.objects.values_list("pk", "slug"))
        assert restored[first.pk] == "article"
        assert restored[second.pk] == "article-2"
    finally:
        call_command("migrate", verbosity=0)
