"""The news feeds: RSS 2.0 and Atom 1.0, the latest 50 published articles, the news list's
filters through its own form and queries (a bad value: 400), the feed's language with the
fallback, absolute links, crime areas as categories, and the news pages' auto-discovery
links."""

import datetime
import io
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import feedparser
import pytest
from django.test import Client
from django.utils import feedgenerator, timezone
from django.utils.xmlutils import UnserializableContentError
from lxml import etree

from core import syndication
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


# The feeds' XML is written by hand (core/syndication.py): escaping, the characters XML 1.0
# does not allow, non-ASCII text and the elements each format requires.

HOSTILE = "Tom & Jerry <b>\"bold\"</b> 'quoted' ]]> <![CDATA[x]]> &amp; end"
CONTROLS = "".join(chr(code) for code in range(1, 32) if chr(code) not in "\t\n\r")
ATOM = "{http://www.w3.org/2005/Atom}"


def xml(response):
    assert response.status_code == 200, response.content[:500]
    return etree.fromstring(response.content)  # raises on anything but well-formed XML


def rss_items(root):
    return {item.findtext("link"): item for item in root.iter("item")}


def atom_entries(root):
    return {entry.find(f"{ATOM}link").get("href"): entry for entry in root.iter(f"{ATOM}entry")}


@pytest.fixture
def hostile(db):
    """An article whose title and summary hold XML's special characters and control
    characters (PostgreSQL stores no NUL: \\x01 and up)."""
    return ArticleFactory(
        title_en=f"{HOSTILE}{CONTROLS}",
        summary_en=f"{CONTROLS}Summary: {HOSTILE}",
        published_at=days_ago(1),
    )


def test_special_and_control_characters_round_trip_through_the_rss_feed(hostile):
    response = Client().get("/en/news/feed/")
    item = rss_items(xml(response))[f"http://testserver{hostile.get_absolute_url()}"]
    assert item.findtext("title") == HOSTILE  # the control characters left out
    assert item.findtext("description") == f"Summary: {HOSTILE}"
    assert item.findtext("guid") == item.findtext("link")
    entry = parsed(response).entries[0]
    assert "Tom & Jerry" in entry.title
    assert "]]>" in entry.summary


def test_special_and_control_characters_round_trip_through_the_atom_feed(hostile):
    response = Client().get("/en/news/feed/atom/")
    entry = atom_entries(xml(response))[f"http://testserver{hostile.get_absolute_url()}"]
    assert entry.findtext(f"{ATOM}title") == HOSTILE
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == f"Summary: {HOSTILE}"
    assert "]]>" in parsed(response).entries[0].summary


def test_a_filter_value_with_special_characters_is_escaped_in_the_feeds_own_links(news):
    query = "?q=" + quote('x&y <z> "w" ]]>') + "&year=2015"
    rss = xml(Client().get(f"/en/news/feed/{query}"))
    channel = rss.find("channel")
    self_link = channel.find("{http://www.w3.org/2005/Atom}link")
    assert self_link.get("rel") == "self"
    assert self_link.get("href").startswith("http://testserver/en/news/feed/?q=x%26y")
    atom = xml(Client().get(f"/en/news/feed/atom/{query}"))
    # The words, named in the title as text (not the list heading's HTML escaping).
    assert atom.findtext(f"{ATOM}title") == 'CyberWatch news: “x&y <z> "w" ]]>”, 2015'


def test_arabic_survives_both_feeds(db):
    article = ArticleFactory(
        original_language="ar",
        title_en="",
        summary_en="",
        title_ar="تفكيك شبكة الإنتربول",
        summary_ar="ملخص الخبر بالعربية.",
        published_at=days_ago(1),
    )
    for url in ("/ar/news/feed/", "/en/news/feed/"):
        response = Client().get(url)
        item = rss_items(xml(response))[f"http://testserver{url[:3]}/news/{article.slug}/"]
        assert item.findtext("title") == "تفكيك شبكة الإنتربول"
        assert item.findtext("description") == "ملخص الخبر بالعربية."
        assert parsed(response).entries[0].title == "تفكيك شبكة الإنتربول"
    atom = xml(Client().get("/ar/news/feed/atom/"))
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"
    link = f"http://testserver/ar/news/{article.slug}/"
    assert atom_entries(atom)[link].findtext(f"{ATOM}title") == "تفكيك شبكة الإنتربول"


def test_the_rss_feed_has_the_elements_rss_2_requires(news):
    root = xml(Client().get("/en/news/feed/"))
    assert (root.tag, root.get("version")) == ("rss", "2.0")
    (channel,) = root.findall("channel")
    for name in ("title", "link", "description", "language", "lastBuildDate"):
        assert channel.findtext(name), name
    parsedate_to_datetime(channel.findtext("lastBuildDate"))
    items = channel.findall("item")
    assert len(items) == 3
    for item in items:
        assert item.findtext("title") and item.findtext("link").startswith("http://testserver/")
        assert item.findtext("guid") == item.findtext("link")
        assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None


def test_the_atom_feed_has_the_elements_atom_1_requires(news):
    root = xml(Client().get("/en/news/feed/atom/"))
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "subtitle"):
        assert root.findtext(f"{ATOM}{name}"), name
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "CyberWatch"
    rels = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert rels == {
        "alternate": "http://testserver/en/news/",
        "self": "http://testserver/en/news/feed/atom/",
    }
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3
    for entry in entries:
        for name in ("id", "title", "updated", "published"):
            assert entry.findtext(f"{ATOM}{name}"), name
        published = datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}published"))
        updated = datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
        assert published.tzinfo is not None and updated >= published
    botnet = atom_entries(root)[
        f"http://testserver/en/news/{Article.objects.get(title_en='Botnet dismantled').slug}/"
    ]
    assert [c.get("term") for c in botnet.findall(f"{ATOM}category")] == ["Ransomware"]


FEED_TYPES = [
    (syndication.Rss201rev2Feed, feedgenerator.Rss201rev2Feed),
    (syndication.Atom1Feed, feedgenerator.Atom1Feed),
]


def filled_feed(kind, text, in_links=True):
    """A feed of `kind` with every field Django's feeds write, each holding `text` (the links
    too, unless not `in_links`)."""
    linked = text if in_links else ""
    feed = kind(
        title=f"Feed {text}",
        link="http://example.com/news/?a=1&b=2",
        description=f"About {text}",
        language="ar",
        author_email="desk@example.com",
        author_name=f"Desk {text}",
        author_link="http://example.com/desk/",
        subtitle=f"Sub {text}",
        categories=[f"Cat {text}", "plain"],
        feed_url='http://example.com/feed/?q=<x>&"y"',
        feed_copyright=f"© {text}",
        ttl=60,
        stylesheets=["/feed.xsl"],
    )
    when = datetime.datetime(2015, 4, 13, 10, 5, 7, tzinfo=datetime.UTC)
    for number, permalink in enumerate((True, False, None)):
        feed.add_item(
            title=f"Item {number} {text}",
            link=f'http://example.com/news/item-{number}/?x="{linked}"',
            description=f"<p>{text}</p>" if number else None,
            author_email="a@example.com" if number != 1 else None,
            author_name=f"Author {text}" if number else None,
            author_link="http://example.com/a/",
            pubdate=when if number != 2 else None,
            updateddate=when + datetime.timedelta(days=number) if number else None,
            comments=f"http://example.com/c/?{linked}" if number else None,
            unique_id=f"id-{number}-{text}" if number != 1 else None,
            unique_id_is_permalink=permalink,
            categories=[f"Tag {text}"] * number,
            item_copyright=f"© {text}" if number else None,
            ttl=5 if number else None,
            enclosures=[
                feedgenerator.Enclosure(f"http://example.com/{number}.mp3", "10", "audio/mpeg")
            ]
            if number
            else None,
        )
    return feed


@pytest.mark.parametrize(("written", "django"), FEED_TYPES)
@pytest.mark.parametrize("text", [HOSTILE, "نص عربي", "", "plain\ttab\nnewline\rreturn"])
def test_the_feeds_xml_is_djangos_byte_for_byte(written, django, text):
    ours, theirs = io.StringIO(), io.StringIO()
    filled_feed(written, text).write(ours, "utf-8")
    filled_feed(django, text).write(theirs, "utf-8")
    assert ours.getvalue() == theirs.getvalue()
    etree.fromstring(ours.getvalue().encode())


@pytest.mark.parametrize(("written", "django"), FEED_TYPES)
def test_characters_xml_does_not_allow_are_left_out_where_django_fails(written, django):
    forbidden = "\x00" + CONTROLS + "\ud800\ufffe\uffff"
    with pytest.raises(UnserializableContentError):
        filled_feed(django, forbidden, in_links=False).write(io.StringIO(), "utf-8")
    out = io.StringIO()
    filled_feed(written, forbidden, in_links=False).write(out, "utf-8")
    expected = io.StringIO()
    filled_feed(django, "", in_links=False).write(expected, "utf-8")
    assert out.getvalue() == expected.getvalue()  # as if the text were empty
    root = etree.fromstring(out.getvalue().encode())
    assert feedparser.parse(out.getvalue().encode()).bozo == 0
    assert root is not None


@pytest.mark.parametrize("url", FEEDS)
def test_a_feed_reads_the_crime_areas_and_its_entries_only(
    news, url, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    with django_assert_num_queries(2):  # the initiatives only with an `initiative` filter
        assert len(parsed(Client().get(url)).entries) == 3
    with django_assert_num_queries(3):
        assert len(parsed(Client().get(f"{url}?initiative=operation-simda")).entries) == 1


@pytest.mark.parametrize("url", FEEDS)
@pytest.mark.parametrize("query", ["", "?category=ransomware", "?q=phishing", "?language=fr"])
def test_the_feeds_own_get_feed_gives_djangos_document(news, hostile, settings, url, query):
    """FAST_FEEDS off: Django's Feed.get_feed() with the feed's item_* methods."""
    settings.PAGE_CACHE_SECONDS = 0
    for language in ("en", "fr"):
        address = url.replace("/en/", f"/{language}/") + query
        settings.FAST_FEEDS = True
        fast = Client().get(address)
        settings.FAST_FEEDS = False
        plain = Client().get(address)
        assert parsed(fast).entries  # a feed with no entry would be dated now
        assert fast.content == plain.content, address
        assert fast["Last-Modified"] == plain["Last-Modified"]
