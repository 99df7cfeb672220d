"""What each public page says about itself to search engines and link previews: description,
canonical address, robots, Open Graph, Twitter card and an article's NewsArticle JSON-LD."""

import datetime
import json

import html5lib
import pytest

from core.sharing import plain_description

from .factories import AdviceFactory, ArticleFactory, CrimeAreaFactory, InitiativeFactory
from .test_images import image_bytes, upload

SITE = "http://testserver"
HOSTILE = "</script><script>alert(1)</script>"
LIST_PAGES = [
    "/{lang}/",
    "/{lang}/crimes/",
    "/{lang}/advice/",
    "/{lang}/initiatives/",
    "/{lang}/news/",
]


@pytest.fixture(autouse=True)
def _pages_rendered(settings):
    settings.PAGE_CACHE_SECONDS = 0


class Head:
    """A page's <head>, parsed as a browser parses it."""

    def __init__(self, response):
        self.document = html5lib.parse(response.content, namespaceHTMLElements=False)
        self.head = self.document.find("head")

    def meta(self, key):
        """The content of `<meta property=key>` or `<meta name=key>` (None: there is none)."""
        found = self.metas(key)
        assert len(found) <= 1, key
        return found[0] if found else None

    def metas(self, key):
        return [
            element.get("content")
            for element in self.head.iter("meta")
            if key in (element.get("property"), element.get("name"))
        ]

    def links(self, rel):
        return [element for element in self.head.iter("link") if element.get("rel") == rel]

    @property
    def canonical(self):
        links = self.links("canonical")
        assert len(links) <= 1
        return links[0].get("href") if links else None

    @property
    def hreflang(self):
        return {
            link.get("hreflang"): link.get("href")
            for link in self.links("alternate")
            if link.get("hreflang")
        }

    @property
    def title(self):
        return self.head.find("title").text

    def json_ld(self):
        scripts = [
            script
            for script in self.document.iter("script")
            if script.get("type") == "application/ld+json"
        ]
        assert len(scripts) == 1
        return json.loads(scripts[0].text)


def head(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return Head(response)


def with_image(item, alt_field="image_alt_en", alt="Officers at a screen"):
    setattr(item, alt_field, alt)
    item.image = upload(image_bytes(size=(2000, 1000)))
    item.save()
    return item


# Descriptions -------------------------------------------------------------------------------


def test_a_long_description_is_cut_at_a_word_with_an_ellipsis():
    text = "Police " + "arrested suspects in many countries " * 10
    description = plain_description(text)
    assert len(description) <= 160
    assert description.endswith("…")
    assert text.startswith(description[:-1])
    assert description[:-1].split()[-1] in text.split()  # a whole word before the cut


def test_a_description_is_plain_text_from_html():
    assert plain_description("<p>Fish &amp; <b>chips</b>\n\n are   served.</p>") == (
        "Fish & chips are served."
    )


def test_a_text_without_spaces_is_cut_at_the_limit():
    assert plain_description("x" * 400) == "x" * 159 + "…"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_article_description_is_its_summary_in_the_page_language(client, lang):
    article = ArticleFactory(
        summary_en="Officers took down a botnet & arrested <three> people.",
        title_ar="تفكيك شبكة روبوتات",
        summary_ar="فكك الضباط شبكة روبوتات واعتقلوا ثلاثة أشخاص.",
    )
    page = head(client, f"/{lang}/news/{article.slug}/")
    expected = {
        "en": "Officers took down a botnet & arrested <three> people.",
        "ar": "فكك الضباط شبكة روبوتات واعتقلوا ثلاثة أشخاص.",
    }[lang]
    assert page.meta("description") == expected
    assert page.meta("og:description") == expected
    assert page.meta("twitter:description") == expected
    assert page.meta("og:title") == {"en": article.title_en, "ar": "تفكيك شبكة روبوتات"}[lang]
    assert page.title == f"{page.meta('og:title')} · CyberWatch"


@pytest.mark.django_db
def test_a_long_summary_is_cut_at_a_word(client):
    summary = "Investigators from forty countries " + "worked together for months " * 12
    article = ArticleFactory(summary_en=summary)
    description = head(client, f"/en/news/{article.slug}/").meta("description")
    assert len(description) <= 160 and description.endswith("…")
    assert summary.startswith(description[:-1])


@pytest.mark.django_db
def test_an_article_without_summary_is_described_by_its_text_without_tags(client):
    article = ArticleFactory(summary_en="", body_en="<p>The <strong>operation</strong> ended.</p>")
    assert head(client, f"/en/news/{article.slug}/").meta("description") == ("The operation ended.")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_list_pages_and_home_have_a_description_of_their_own(client, seeded, lang):
    descriptions = {head(client, url.format(lang=lang)).meta("description") for url in LIST_PAGES}
    assert len(descriptions) == len(LIST_PAGES)
    assert all(description and "<" not in description for description in descriptions)


# Canonical address, hreflang, robots --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_each_public_page_names_its_absolute_canonical_address(client, seeded, lang):
    # (The news list with a query is not indexed: see below.)
    urls = [
        *(url for url in LIST_PAGES if "news" not in url),
        "/{lang}/crimes/attacks-on-computer-systems/",
        "/{lang}/advice/heartbleed-bug/",
        "/{lang}/initiatives/igci/",
    ]
    for pattern in urls:
        url = pattern.format(lang=lang)
        page = head(client, url + "?utm_source=mail")
        assert page.canonical == SITE + url, url
        assert page.meta("og:url") == page.canonical
        assert page.meta("robots") is None, url
        assert page.meta("og:type") == "website"
        assert page.meta("og:site_name") == "CyberWatch"
        assert page.meta("og:locale") == {"en": "en_GB", "ar": "ar_AR"}[lang]
        assert page.meta("twitter:card") == "summary"
        # hreflang names each language's canonical address too: no query.
        assert page.hreflang[lang] == SITE + url
        assert all("?" not in href for href in page.hreflang.values())


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_later_page_of_the_news_list_keeps_its_number(client, seeded, lang):
    page = head(client, f"/{lang}/news/?page=2")
    assert page.canonical == f"{SITE}/{lang}/news/?page=2"
    assert page.meta("robots") is None
    assert page.hreflang["fr"] == f"{SITE}/fr/news/?page=2"
    assert head(client, f"/{lang}/news/?page=1").canonical == f"{SITE}/{lang}/news/"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize(
    "query",
    [
        "?year=2015",
        "?year=2015&month=4",
        "?language=fr",
        "?category=attacks-on-computer-systems",
        "?initiative=igci",
        "?q=botnet",
        "?q=botnet&page=1",
        "?utm_source=mail",
    ],
)
def test_filtered_and_searched_news_lists_are_not_indexed(client, seeded, lang, query):
    page = head(client, f"/{lang}/news/{query}")
    assert page.meta("robots") == "noindex, follow"
    assert page.canonical == f"{SITE}/{lang}/news/"
    assert page.hreflang == {}


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_plain_news_list_is_indexed(client, seeded, lang):
    page = head(client, f"/{lang}/news/")
    assert page.meta("robots") is None
    assert page.canonical == f"{SITE}/{lang}/news/"
    assert set(page.hreflang) == {"en", "fr", "es", "ar", "x-default"}


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize(
    ("url", "status"), [("/{lang}/nope/", 404), ("/{lang}/news/?month=13", 400)]
)
def test_error_pages_are_not_indexed_and_name_no_canonical(client, seeded, lang, url, status):
    page = head(client, url.format(lang=lang), status=status)
    assert page.meta("robots") == "noindex"
    assert page.canonical is None
    assert page.meta("og:url") is None


@pytest.mark.django_db
def test_a_previewed_draft_is_not_indexed_and_names_no_canonical(admin_client):
    draft = ArticleFactory(draft=True)
    page = head(admin_client, f"/en/news/{draft.slug}/")
    assert page.meta("robots") == "noindex"
    assert page.canonical is None


@pytest.mark.django_db
def test_an_article_shown_in_another_language_names_its_page_in_that_language(client):
    article = ArticleFactory(french=True, summary_fr="Un résumé.")
    page = head(client, f"/ar/news/{article.slug}/")
    assert page.canonical == f"{SITE}/fr/news/{article.slug}/"
    assert page.hreflang == {
        "fr": f"{SITE}/fr/news/{article.slug}/",
        "x-default": f"{SITE}/fr/news/{article.slug}/",
    }
    assert page.meta("og:locale") == "fr_FR"
    assert page.metas("og:locale:alternate") == []
    assert page.meta("description") == "Un résumé."


@pytest.mark.django_db
def test_an_article_in_two_languages_names_the_other_as_alternate_locale(client):
    article = ArticleFactory(title_ar="عنوان", summary_ar="ملخص.")
    page = head(client, f"/ar/news/{article.slug}/")
    assert page.canonical == f"{SITE}/ar/news/{article.slug}/"
    assert page.meta("og:locale") == "ar_AR"
    assert page.metas("og:locale:alternate") == ["en_GB"]
    assert page.meta("og:type") == "article"


# Images -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("kind", ["article", "crime area", "initiative"])
def test_an_item_with_an_image_shares_its_widest_jpeg_rendition(client, lang, kind):
    factory, prefix = {
        "article": (ArticleFactory, "news"),
        "crime area": (CrimeAreaFactory, "crimes"),
        "initiative": (InitiativeFactory, "initiatives"),
    }[kind]
    # English only: the Arabic page shows it (and its alt text) in English.
    item = with_image(factory())
    page = head(client, f"/{lang}/{prefix}/{item.slug}/")
    image = page.meta("og:image")
    assert image.startswith(f"{SITE}/media/renditions/") and image.endswith("-1600.jpg")
    assert client.get(image.removeprefix(SITE)).status_code == 200
    assert page.meta("og:image:type") == "image/jpeg"
    assert (page.meta("og:image:width"), page.meta("og:image:height")) == ("1600", "800")
    assert page.meta("og:image:alt") == "Officers at a screen"
    assert page.meta("twitter:card") == "summary_large_image"
    assert page.meta("twitter:image") == image
    assert page.meta("twitter:image:alt") == "Officers at a screen"


@pytest.mark.django_db
def test_an_item_without_an_image_has_a_summary_card_and_no_image_tags(client):
    article = ArticleFactory()
    page = head(client, f"/en/news/{article.slug}/")
    assert page.meta("twitter:card") == "summary"
    assert page.meta("og:image") is None and page.meta("twitter:image") is None
    assert "image" not in page.json_ld()


@pytest.mark.django_db
def test_advice_pages_have_their_summary_and_no_image(client):
    advice = AdviceFactory(summary_en="Update your software.")
    page = head(client, f"/en/advice/{advice.slug}/")
    assert page.meta("description") == "Update your software."
    assert page.meta("og:image") is None
    assert page.canonical == f"{SITE}/en/advice/{advice.slug}/"


# JSON-LD ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_an_article_page_describes_itself_as_a_news_article(client, lang):
    article = with_image(ArticleFactory(title_ar="عنوان الخبر", summary_ar="ملخص الخبر."))
    page = head(client, f"/{lang}/news/{article.slug}/")
    data = page.json_ld()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == {"en": article.title_en, "ar": "عنوان الخبر"}[lang]
    assert data["description"] == page.meta("description")
    assert data["inLanguage"] == lang
    assert data["mainEntityOfPage"]["@id"] == page.canonical == data["url"]
    published = datetime.datetime.fromisoformat(data["datePublished"])
    modified = datetime.datetime.fromisoformat(data["dateModified"])
    assert published.utcoffset() is not None and modified.utcoffset() is not None
    assert published == article.published_at
    assert modified >= published
    assert data["image"] == [page.meta("og:image")]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == "CyberWatch"
    assert data["publisher"]["logo"]["url"] == f"{SITE}/static/favicon.svg"
    assert page.meta("article:published_time") == data["datePublished"]


@pytest.mark.django_db
def test_other_pages_carry_no_news_article(client, seeded):
    for url in ["/en/", "/en/news/", "/en/crimes/attacks-on-computer-systems/"]:
        response = client.get(url)
        assert b"application/ld+json" not in response.content, url


@pytest.mark.django_db
def test_a_hostile_title_neither_ends_the_script_nor_changes_the_json(client):
    article = ArticleFactory(title_en=HOSTILE, summary_en=f"Summary {HOSTILE} & more")
    response = client.get(f"/en/news/{article.slug}/")
    page = Head(response)
    scripts = list(page.document.iter("script"))
    # The page's one script is the JSON-LD: the title made none of its own.
    assert [script.get("type") for script in scripts] == ["application/ld+json"]
    data = page.json_ld()
    assert data["headline"] == HOSTILE
    assert data["description"] == f"Summary {HOSTILE} & more"
    assert b"<script>alert(1)" not in response.content
    assert page.meta("og:title") == HOSTILE
    assert page.title == f"{HOSTILE} · CyberWatch"
