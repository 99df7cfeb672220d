"""The news feeds: RSS 2.0 and Atom 1.0, the latest 50 published articles, the news list's
filters through its own form and queries (a bad value: 400), the feed's language with the
fallback, absolute links, crime areas as categories, and the news pages' auto-discovery
links."""

import datetime

import feedparser
import pytest
from django.test import Client
from django.utils import timezone

from news.feeds import LATEST
from news.models import Article

from .factories import ArticleFactory, CrimeAreaFactory, InitiativeFactory

FEEDS = ("/en/news/feed/", "/en/news/feed/atom/")


def parsed(response):
    assert response.status_code == 200, response.content[:500]
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def titles(url, client=None):
    return [entry.title for entry in parsed((client or Client()).get(url)).entries]


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def area(db):
    return CrimeAreaFactory(
        name_en="Ransomware",
        name_fr="Rançongiciel",
        summary_fr="Ce que couvre ce domaine.",
        slug="ransomware",
    )


@pytest.fixture
def news(db, area):
    """Published articles of two years and two languages, and what must never show."""
    operation = InitiativeFactory(name_en="Operation Simda", slug="operation-simda")
    ArticleFactory(
        title_en="Botnet dismantled",
        title_fr="Réseau de zombies démantelé",
        summary_fr="Un réseau démantelé.",
        summary_en="A botnet was taken down.",
        published_at=datetime.datetime(2015, 4, 13, 10, tzinfo=datetime.UTC),
        crime_areas=[area],
        initiatives=[operation],
    )
    ArticleFactory(
        title_en="Phishing warning",
        summary_en="Look twice.",
        published_at=datetime.datetime(2016, 5, 2, 10, tzinfo=datetime.UTC),
    )
    ArticleFactory(french=True, title_fr="Fraude au président", published_at=days_ago(3))
    ArticleFactory(title_en="A draft", draft=True)
    ArticleFactory(title_en="Tomorrow's news", future=True)
    ArticleFactory(title_en="Withdrawn", unpublish_at=days_ago(1), published_at=days_ago(5))


@pytest.mark.parametrize("url", FEEDS)
def test_the_feeds_parse_and_hold_the_published_articles_newest_first(news, url):
    feed = parsed(Client().get(url))
    assert [entry.title for entry in feed.entries] == [
        "Fraude au président",  # only in French: shown in French in the English feed
        "Phishing warning",
        "Botnet dismantled",
    ]
    assert feed.feed.language == "en"
    entry = feed.entries[-1]
    slug = Article.objects.get(title_en="Botnet dismantled").slug
    assert entry.link == f"http://testserver/en/news/{slug}/"
    assert entry.summary == "A botnet was taken down."
    assert [tag.term for tag in entry.tags] == ["Ransomware"]
    assert entry.published_parsed[:3] == (2015, 4, 13)


def test_the_french_feed_is_in_french_with_french_links(news):
    feed = parsed(Client().get("/fr/news/feed/"))
    assert feed.feed.language == "fr"
    assert "Réseau de zombies démantelé" in [entry.title for entry in feed.entries]
    botnet = next(e for e in feed.entries if e.title == "Réseau de zombies démantelé")
    assert botnet.link.startswith("http://testserver/fr/news/")
    assert botnet.summary == "Un réseau démantelé."
    assert [tag.term for tag in botnet.tags] == ["Rançongiciel"]


@pytest.mark.parametrize("url", FEEDS)
def test_a_feed_holds_the_latest_fifty(db, url, django_assert_max_num_queries):
    for day in range(LATEST + 5):
        ArticleFactory(title_en=f"News of day {day}", published_at=days_ago(day + 1))
    with django_assert_max_num_queries(10):
        response = Client().get(url)
    entries = parsed(response).entries
    assert len(entries) == LATEST
    assert entries[0].title == "News of day 0"
    assert entries[-1].title == f"News of day {LATEST - 1}"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?language=fr", ["Fraude au président", "Botnet dismantled"]),
        ("?category=ransomware", ["Botnet dismantled"]),
        ("?initiative=operation-simda", ["Botnet dismantled"]),
        ("?year=2016", ["Phishing warning"]),
        ("?year=2015&month=4", ["Botnet dismantled"]),
        ("?year=2015&month=5", []),
        ("?q=phishing", ["Phishing warning"]),
        ("?q=botnet&year=2016", []),
        ("?q=&year=2015", ["Botnet dismantled"]),  # an empty field is no filter
    ],
)
def test_a_feed_honours_each_of_the_news_lists_filters(news, query, expected):
    for url in FEEDS:
        assert titles(url + query) == expected, url + query


@pytest.mark.parametrize(
    "query", ["?year=abc", "?month=13&year=2015", "?month=4", "?category=nothing", "?language=xx"]
)
def test_a_bad_filter_value_is_a_400_naming_it(news, query):
    for url in FEEDS:
        response = Client().get(url + query)
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert "Some filters could not be applied." in response.text


def test_a_filtered_feed_says_what_it_holds_and_links_to_its_list(news):
    feed = parsed(Client().get("/en/news/feed/?year=2015"))
    assert feed.feed.title == "CyberWatch news: 2015"
    assert feed.feed.link == "http://testserver/en/news/?year=2015"
    for url in FEEDS:
        links = parsed(Client().get(f"{url}?year=2015")).feed.links
        assert {"rel": "self", "href": f"http://testserver{url}?year=2015"}.items() <= next(
            link for link in links if link.get("rel") == "self"
        ).items()


def test_news_pages_link_to_the_feeds_of_their_filters(news):
    page = Client().get("/en/news/?year=2015&page=1").text
    assert (
        '<link rel="alternate" type="application/rss+xml" title="CyberWatch news (RSS)" '
        'href="/en/news/feed/?year=2015">' in page
    )
    assert (
        '<link rel="alternate" type="application/atom+xml" title="CyberWatch news (Atom)" '
        'href="/en/news/feed/atom/?year=2015">' in page
    )
    article = Article.objects.get(title_en="Phishing warning")
    detail = Client().get(f"/fr/news/{article.slug}/").text
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Actualités CyberWatch (RSS)" '
        'href="/fr/news/feed/">' in detail
    )
    bad = Client().get("/en/news/?year=abc")
    assert bad.status_code == 400
    assert "application/rss+xml" not in bad.text


def test_no_article_can_take_the_feeds_address(db):
    from core.admin.forms import unique_slug

    assert unique_slug(Article, "Feed") == "feed-2"
    article = ArticleFactory.build(title_en="Feed", slug="feed")
    with pytest.raises(Exception) as refused:
        article.full_clean()
    assert "slug" in refused.value.message_dict
