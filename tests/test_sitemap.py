"""The sitemap and robots.txt: an index of paginated sections listing every public page once per
language it is available in, with hreflang alternates, x-default and lastmod; only published
items; a constant number of queries a page; robots.txt naming the sitemap."""

import datetime
import types
import urllib.robotparser
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from core.sitemaps import PROTOCOL_LIMIT, page_size
from crimes.models import Advice, CrimeArea
from cyberwatch.sitemaps import SECTIONS
from initiatives.models import Initiative
from news.models import Article

from .factories import AdviceFactory, ArticleFactory, CrimeAreaFactory, InitiativeFactory

NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}
ORIGIN = "http://testserver"


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def parsed(url, client=None):
    response = (client or Client()).get(url)
    assert response.status_code == 200, (url, response.content[:300])
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 (the site's own answer)


def section_pages(client=None):
    """The addresses of the index's section pages, with their lastmod (or None)."""
    index = parsed("/sitemap.xml", client)
    return {
        sitemap.find("s:loc", NS).text: getattr(sitemap.find("s:lastmod", NS), "text", None)
        for sitemap in index.findall("s:sitemap", NS)
    }


def relative(url):
    assert url.startswith(ORIGIN + "/"), url
    return url.removeprefix(ORIGIN)


def urls(client=None):
    """Every <url> of every section page: [{loc, lastmod, alternates: {hreflang: href}}]."""
    found = []
    for page in section_pages(client):
        for url in parsed(relative(page), client).findall("s:url", NS):
            found.append(
                {
                    "loc": relative(url.find("s:loc", NS).text),
                    "lastmod": getattr(url.find("s:lastmod", NS), "text", None),
                    "alternates": {
                        link.get("hreflang"): relative(link.get("href"))
                        for link in url.findall("xhtml:link", NS)
                    },
                }
            )
    return found


def locations(client=None):
    return [url["loc"] for url in urls(client)]


def address(item, language):
    with translation.override(language):
        return item.get_absolute_url()


def days(number):
    return timezone.now() + datetime.timedelta(days=number)


def test_the_index_lists_each_section_with_absolute_addresses(seeded):
    pages = section_pages()
    # One page a section here; the news pages are numbered by blocks of article ids, which
    # the database's sequence places wherever earlier tests left it (`?p=n`).
    assert sorted(page.split("?p=")[0] for page in pages) == sorted(
        f"{ORIGIN}/sitemap-{section}.xml" for section in SECTIONS
    )
    for page in pages:
        assert parsed(relative(page)).tag == f"{{{NS['s']}}}urlset"


def test_the_seeded_site_has_every_article_once_per_language_it_exists_in(seeded):
    found = {url["loc"]: url for url in urls()}
    listed = [loc for loc in locations() if "/news/" in loc and not loc.endswith("/news/")]
    assert len(listed) == len(set(listed))  # once each
    expected = set()
    for article in Article.objects.all():
        languages = article.available_languages
        assert languages, article.slug
        for code in languages:
            expected.add(address(article, code))
        for code in languages:
            url = found[address(article, code)]
            assert url["alternates"] == {
                **{other: address(article, other) for other in languages},
                "x-default": address(article, "en" if "en" in languages else languages[0]),
            }
            assert url["lastmod"]
    assert set(listed) == expected
    # The seed's news stay in their original language: 9 in English, 25 in French.
    assert len(listed) == 34
    assert sum(loc.startswith("/en/") for loc in listed) == 9
    assert sum(loc.startswith("/fr/") for loc in listed) == 25


def test_the_seeded_site_has_its_fixed_pages_areas_advice_and_initiatives_in_every_language(
    seeded,
):
    listed = set(locations())
    for code in ("en", "fr", "es", "ar"):
        for path in ("", "crimes/", "advice/", "initiatives/", "news/"):
            assert f"/{code}/{path}" in listed
    for model in (Advice, CrimeArea, Initiative):
        assert model.objects.exists()
        for item in model.objects.all():
            for code in ("en", "fr", "es", "ar"):
                assert address(item, code) in listed


def test_an_item_is_listed_only_in_the_languages_it_is_available_in(db):
    both = ArticleFactory(title_fr="Titre", summary_fr="Résumé.")
    french_and_spanish = ArticleFactory(
        french=True, title_es="Título", summary_es="Resumen.", slug="fr-es"
    )
    area = CrimeAreaFactory()  # English only
    initiative = InitiativeFactory(name_ar="مبادرة", summary_ar="ملخص.")
    found = {url["loc"]: url for url in urls()}

    assert {address(both, "en"), address(both, "fr")} <= set(found)
    assert address(both, "es") not in found
    assert found[address(both, "fr")]["alternates"] == {
        "en": address(both, "en"),
        "fr": address(both, "fr"),
        "x-default": address(both, "en"),
    }
    assert address(french_and_spanish, "en") not in found
    assert found[address(french_and_spanish, "es")]["alternates"]["x-default"] == address(
        french_and_spanish, "fr"
    )
    assert [loc for loc in found if f"/{area.slug}/" in loc] == [address(area, "en")]
    assert {loc for loc in found if f"/{initiative.slug}/" in loc} == {
        address(initiative, "en"),
        address(initiative, "ar"),
    }


def test_drafts_scheduled_and_ended_items_never_appear(db):
    public = ArticleFactory(slug="public-article")
    hidden = [
        ArticleFactory(draft=True, slug="draft-article"),
        ArticleFactory(future=True, slug="scheduled-article"),
        ArticleFactory(unpublish_at=days(-0.5), slug="ended-article"),
        AdviceFactory(draft=True, slug="draft-advice"),
        AdviceFactory(future=True, slug="scheduled-advice"),
        AdviceFactory(unpublish_at=days(-0.5), slug="ended-advice"),
    ]
    advice = AdviceFactory(slug="public-advice")
    listed = "\n".join(locations())
    assert address(public, "en") in listed
    assert address(advice, "en") in listed
    for item in hidden:
        assert f"/{item.slug}/" not in listed


def test_a_scheduled_article_appears_when_its_moment_comes(db, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    article = ArticleFactory(published_at=days(1), slug="later")
    assert address(article, "en") not in locations()
    time_machine.move_to(days(2), tick=False)
    assert address(article, "en") in locations()


def test_lastmod_is_the_last_change_of_each_item_and_of_each_page(db):
    article = ArticleFactory()
    advice = AdviceFactory()
    Article.objects.filter(pk=article.pk).update(
        updated_at=datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC),
        published_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    )
    found = {url["loc"]: url for url in urls()}
    assert found[address(article, "en")]["lastmod"] == "2024-05-06T07:08:09+00:00"
    assert found[address(advice, "en")]["lastmod"] == advice.updated_at.astimezone(
        datetime.UTC
    ).isoformat(timespec="seconds")
    later = AdviceFactory()
    # Saved two days ago, scheduled for half a day ago: its publication is its last change.
    Advice.objects.filter(pk=later.pk).update(updated_at=days(-2), published_at=days(-0.5))
    found = {url["loc"]: url for url in urls()}
    published_at = Advice.objects.get(pk=later.pk).published_at
    assert found[address(later, "en")]["lastmod"] == published_at.astimezone(
        datetime.UTC
    ).isoformat(timespec="seconds")
    # A page of the index: the latest change of its items, when reading them is cheap.
    pages = section_pages()
    assert pages[f"{ORIGIN}/sitemap-advice.xml"] == max(
        found[address(item, "en")]["lastmod"] for item in (advice, later)
    )


def test_the_index_splits_a_section_past_the_page_size(db, settings):
    settings.SITEMAP_PAGE_SIZE = 2
    articles = [ArticleFactory(title_fr=f"Titre {n}", summary_fr="Résumé.") for n in range(5)]
    for _n in range(3):
        AdviceFactory()
    pages = section_pages()
    news = [page for page in pages if "/sitemap-news.xml" in page]
    advice = [page for page in pages if "/sitemap-advice.xml" in page]
    assert len(news) == 3  # five articles, two a page (their pks follow each other)
    assert advice == [f"{ORIGIN}/sitemap-advice.xml", f"{ORIGIN}/sitemap-advice.xml?p=2"]
    listed = []
    for page in news:
        page_urls = parsed(relative(page)).findall("s:url", NS)
        assert len(page_urls) <= 2 * 2  # two articles, each in two languages
        listed += [relative(url.find("s:loc", NS).text) for url in page_urls]
    assert sorted(listed) == sorted(
        address(article, code) for article in articles for code in ("en", "fr")
    )


def test_a_block_of_unpublished_articles_is_an_empty_page_and_past_the_last_a_404(db, settings):
    settings.SITEMAP_PAGE_SIZE = 2
    articles = [ArticleFactory(slug=f"in-order-{n}") for n in range(8)]
    for article in articles[2:6]:  # two whole blocks, whichever pair the pks start at
        Article.objects.filter(pk=article.pk).update(status="draft")
    pages = [page for page in section_pages() if "/sitemap-news.xml" in page]
    assert len(pages) in (4, 5)  # from the first public article's block to the last one's
    listed = []
    for page in pages:
        listed += [url.find("s:loc", NS).text for url in parsed(relative(page))]
    assert sorted(relative(loc) for loc in listed) == sorted(
        address(article, "en") for article in articles[:2] + articles[6:]
    )
    last = int(pages[-1].partition("?p=")[2])
    assert Client().get(f"/sitemap-news.xml?p={last + 1}").status_code == 404


def test_the_default_page_size_keeps_every_page_within_the_protocols_limit(settings):
    from cyberwatch import settings as project_settings

    settings.SITEMAP_PAGE_SIZE = project_settings.SITEMAP_PAGE_SIZE
    assert page_size() == project_settings.SITEMAP_PAGE_SIZE
    assert page_size() * len(settings.LANGUAGES) <= PROTOCOL_LIMIT
    settings.SITEMAP_PAGE_SIZE = 10**6  # a page size too big for the protocol is capped
    assert page_size() * len(settings.LANGUAGES) <= PROTOCOL_LIMIT


def queries(url):
    from django.db import connection

    with CaptureQueriesContext(connection) as captured:
        assert Client().get(url).status_code == 200
    return len(captured)


def test_each_sitemap_page_costs_the_same_queries_whatever_the_number_of_items(
    db, settings, django_assert_max_num_queries
):
    settings.SITEMAP_PAGE_SIZE = 200
    ArticleFactory()
    AdviceFactory()
    few = {url: queries(url) for url in ("/sitemap.xml", "/sitemap-news.xml")}
    Article.objects.bulk_create(
        Article(
            slug=f"many-{n}",
            title_en=f"Article {n}",
            summary_en="What happened.",
            title_fr=f"Article {n}",
            summary_fr="Ce qui s'est passé.",
            status="published",
            published_at=days(-1),
        )
        for n in range(150)
    )
    with django_assert_max_num_queries(5):
        pages = [page for page in section_pages() if "/sitemap-news.xml" in page]
    listed = 0
    for page in pages:  # one or two: the pks need not start at a page's first
        with django_assert_max_num_queries(1):
            listed += len(parsed(relative(page)).findall("s:url", NS))
    assert listed == 1 + 150 * 2
    assert {url: queries(url) for url in few} == few
    for section in ("pages", "crime-areas", "advice", "initiatives"):
        with django_assert_max_num_queries(1):
            parsed(f"/sitemap-{section}.xml")


@pytest.mark.parametrize("query", ["p=0", "p=abc", "p=-1", "p=1.0", "p=٣", "p=" + "9" * 30])
def test_a_page_number_that_is_not_one_is_a_404(db, query):
    ArticleFactory()
    for section in SECTIONS:
        assert Client().get(f"/sitemap-{section}.xml?{query}").status_code == 404


def test_a_page_past_the_end_and_an_unknown_section_are_404(db):
    ArticleFactory()
    AdviceFactory()
    assert Client().get("/sitemap-news.xml?p=9000").status_code == 404
    assert Client().get("/sitemap-advice.xml?p=2").status_code == 404
    assert Client().get("/sitemap-nothing.xml").status_code == 404
    # An empty section still has its first page.
    Advice.objects.all().delete()
    assert parsed("/sitemap-advice.xml").findall("s:url", NS) == []


def test_the_sitemap_agrees_with_djangos_own_get_urls(seeded):
    """Django's Sitemap.get_urls() on the same sections lists the same addresses and
    alternates: the XML written directly says what the framework would."""
    ours = {url["loc"]: url for url in urls()}
    site = types.SimpleNamespace(domain="testserver")
    for section, sitemap in SECTIONS.items():
        for url in sitemap().get_urls(site=site, protocol="http"):
            loc = relative(url["location"])
            assert loc in ours, (section, loc)
            alternates = {
                alternate["lang_code"]: relative(alternate["location"])
                for alternate in url["alternates"]
                if alternate["lang_code"] != "x-default"
            }
            assert alternates == {
                code: href for code, href in ours[loc]["alternates"].items() if code != "x-default"
            }


def test_the_sitemap_is_kept_by_the_page_cache_and_changes_with_the_content(db, settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.SITEMAP_PAGE_SIZE = 1000
    first = ArticleFactory(slug="first")
    page = f"/sitemap-news.xml?p={(first.pk - 1) // 1000 + 1}"
    client = Client()
    response = client.get(page)
    assert "/en/news/first/" in response.content.decode()
    assert response["Cache-Control"].startswith("public, max-age=")
    assert client.get(page)["X-Cache"] == "hit"
    draft = ArticleFactory(draft=True, slug="draft")
    page = f"/sitemap-news.xml?p={(draft.pk - 1) // 1000 + 1}"
    assert "/draft/" not in client.get(page).content.decode()
    assert client.get(page)["X-Cache"] == "hit"
    draft.publish()
    draft.save()
    assert "/en/news/draft/" in client.get(page).content.decode()


def test_robots_txt_allows_the_site_names_the_sitemap_and_keeps_crawlers_out_of_the_admin(
    seeded, settings
):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "cyberwatch.example"]
    response = Client().get("/robots.txt", secure=True, HTTP_HOST="cyberwatch.example")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Sitemap: https://cyberwatch.example/sitemap.xml" in text.splitlines()
    assert "Disallow: /admin/" in text.splitlines()

    robots = urllib.robotparser.RobotFileParser()
    robots.parse(text.splitlines())
    assert not robots.can_fetch("*", "https://cyberwatch.example/admin/")
    assert not robots.can_fetch("AnyBot", "https://cyberwatch.example/admin/news/article/")
    assert robots.site_maps() == ["https://cyberwatch.example/sitemap.xml"]
    public = [*locations(), "/sitemap.xml", "/en/news/?year=2015"]
    for path in public:
        assert robots.can_fetch("AnyBot", f"https://cyberwatch.example{path}"), path
