"""Every public URL of the site, in every language; drafts and scheduled items nowhere."""

import re

import pytest
from django.utils import translation

from news.models import Article

from .factories import AdviceFactory, ArticleFactory

LANGUAGES = ["en", "fr", "es", "ar"]
PAGES = [
    "/{lang}/",
    "/{lang}/crimes/",
    "/{lang}/crimes/attacks-on-computer-systems/",
    "/{lang}/advice/",
    "/{lang}/advice/heartbleed-bug/",
    "/{lang}/initiatives/",
    "/{lang}/initiatives/igci/",
    "/{lang}/initiatives/digital-crime-centre/",
    "/{lang}/news/",
    "/{lang}/search/",
    "/{lang}/search/?q=interpol",
]


@pytest.fixture
def seeded_article_url(seeded):
    article = Article.objects.get(title_fr__contains="pour l’innovation inauguré")
    return "/{lang}/news/" + article.slug + "/"


def page_urls(article_url):
    return [*PAGES, article_url]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_answers_in_every_language(client, seeded_article_url, lang):
    for pattern in page_urls(seeded_article_url):
        url = pattern.format(lang=lang)
        response = client.get(url)
        assert response.status_code == 200, url
        direction = "rtl" if lang == "ar" else "ltr"
        assert f'<html lang="{lang}" dir="{direction}">' in response.text, url


@pytest.mark.django_db
def test_arabic_pages_are_right_to_left(client, seeded):
    response = client.get("/ar/")
    assert '<html lang="ar" dir="rtl">' in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "cookies", "expected"),
    [
        ({}, {}, "/en/"),
        ({"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9,en;q=0.5"}, {}, "/fr/"),
        ({"HTTP_ACCEPT_LANGUAGE": "ar"}, {}, "/ar/"),
        ({"HTTP_ACCEPT_LANGUAGE": "de-DE,de"}, {}, "/en/"),
        ({"HTTP_ACCEPT_LANGUAGE": "fr"}, {"django_language": "es"}, "/es/"),
    ],
)
def test_root_redirects_to_the_visitors_language(client, headers, cookies, expected):
    for name, value in cookies.items():
        client.cookies[name] = value
    response = client.get("/", **headers)
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/fr/news/no-such-article/",
        "/fr/crimes/no-such-area/",
        "/fr/initiatives/no-such-initiative/",
        "/fr/advice/no-such-advice/",
        "/fr/no-such-page/",
    ],
)
def test_unknown_slugs_give_a_translated_404(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 404
    with translation.override("fr"):
        expected = translation.gettext("Page not found")
    assert expected != "Page not found"
    assert expected in response.text
    assert '<html lang="fr"' in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/xx/", "/xx/news/", "/de/crimes/", "/en-gb-x/"])
def test_unknown_language_prefixes_give_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_drafts_and_scheduled_items_appear_on_no_page(client, seeded, seeded_article_url):
    from crimes.models import CrimeArea
    from initiatives.models import Initiative

    area = CrimeArea.objects.get(slug="attacks-on-computer-systems")
    igci = Initiative.objects.get(slug="igci")
    draft = ArticleFactory(
        draft=True, title_en="Secret draft zebra", crime_areas=[area], initiatives=[igci]
    )
    future = ArticleFactory(
        future=True, title_en="Scheduled giraffe", crime_areas=[area], initiatives=[igci]
    )
    draft_advice = AdviceFactory(draft=True, title_en="Draft advice okapi", crime_areas=[area])
    hidden = ["zebra", "giraffe", "okapi"]
    for lang in LANGUAGES:
        for pattern in page_urls(seeded_article_url):
            html = client.get(pattern.format(lang=lang)).text
            for word in hidden:
                assert word not in html, (pattern, lang, word)
        listing = client.get(f"/{lang}/news/", {"q": "zebra"})
        # The words searched for are named above the results, kept in the form and in the
        # suggestions' links: the items' titles are what must not be there.
        results = listing.text.split('class="with-sidebar__main"')[1]
        assert "Secret draft" not in results
        for word in hidden:
            found = client.get(f"/{lang}/search/", {"q": word}).text
            assert "Secret draft" not in found and "Scheduled giraffe" not in found
            assert "Draft advice" not in found
    for item in (draft, future):
        assert client.get(f"/en/news/{item.slug}/").status_code == 404
    assert client.get(f"/en/advice/{draft_advice.slug}/").status_code == 404


@pytest.mark.django_db
def test_staff_can_preview_a_draft_on_the_public_template(client, admin_client):
    draft = ArticleFactory(draft=True, title_en="Work in progress")
    url = f"/en/news/{draft.slug}/"
    assert client.get(url).status_code == 404
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Work in progress" in response.text
    assert "Preview" in response.text
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.django_db
def test_an_old_slug_answers_with_a_301_to_the_new_one(client):
    article = ArticleFactory(slug="old-name")
    article.slug = "new-name"
    article.save()
    response = client.get("/fr/news/old-name/?utm=1")
    assert response.status_code == 301
    assert response["Location"] == "/fr/news/new-name/?utm=1"
    assert client.get("/fr/news/new-name/").status_code == 200


@pytest.mark.django_db
def test_french_only_article_is_marked_lang_fr_on_english_list(client):
    article = ArticleFactory(french=True, title_fr="Opération contre un botnet")
    html = client.get("/en/news/").text
    assert re.search(
        r'<article class="card" lang="fr" dir="ltr">\s*<h2 class="card__title"><a href="/en/news/'
        + article.slug
        + r'/">Opération contre un botnet</a>',
        html,
    )
    assert 'class="language-badge"' in html
    assert ">French</span>" in html


@pytest.mark.django_db
def test_article_page_marks_fallback_text_and_links_to_its_languages(client):
    article = ArticleFactory(
        french=True, title_es="Operación", summary_es="Resumen.", title_fr="Opération"
    )
    html = client.get(f"/ar/news/{article.slug}/").text
    assert '<div lang="fr" dir="ltr">' in html
    assert f'href="/fr/news/{article.slug}/" hreflang="fr"' in html
    assert f'href="/es/news/{article.slug}/" hreflang="es"' in html


@pytest.mark.django_db
def test_article_page_has_hreflang_for_its_languages_and_x_default(client):
    article = ArticleFactory(title_fr="Titre", summary_fr="Résumé.")
    html = client.get(f"/fr/news/{article.slug}/").text
    links = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)
    assert links == [
        ("en", f"http://testserver/en/news/{article.slug}/"),
        ("fr", f"http://testserver/fr/news/{article.slug}/"),
        ("x-default", f"http://testserver/en/news/{article.slug}/"),
    ]


@pytest.mark.django_db
def test_list_pages_have_hreflang_for_every_language(client, seeded):
    html = client.get("/es/crimes/").text
    for lang in LANGUAGES:
        assert (
            f'<link rel="alternate" hreflang="{lang}" href="http://testserver/{lang}/crimes/">'
            in (html)
        )
    assert 'hreflang="x-default" href="http://testserver/en/crimes/"' in html


@pytest.mark.django_db
def test_language_switcher_leads_to_the_same_page_with_its_filters(client, seeded):
    html = client.get("/en/news/", {"year": "2014", "language": "fr"}).text
    assert 'href="/ar/news/?year=2014&amp;language=fr" hreflang="ar"' in html
    # Words in another script stay encoded as the request had them.
    html = client.get("/en/news/?q=%D8%A7%D8%AD%D8%AA%D9%8A%D8%A7%D9%84+%C3%A9").text
    assert 'href="/fr/news/?q=%D8%A7%D8%AD%D8%AA%D9%8A%D8%A7%D9%84+%C3%A9" hreflang="fr"' in html


@pytest.mark.django_db
def test_article_page_shows_related_published_articles_of_the_same_crime_area(client):
    from .factories import CrimeAreaFactory

    area = CrimeAreaFactory()
    article = ArticleFactory(crime_areas=[area])
    related = [ArticleFactory(crime_areas=[area], title_en=f"Related {n}") for n in range(4)]
    ArticleFactory(crime_areas=[area], title_en="Related draft", draft=True)
    ArticleFactory(title_en="Unrelated story")
    html = client.get(f"/en/news/{article.slug}/").text
    shown = re.findall(r">(Related \w+)</a>", html)
    assert shown == [a.title_en for a in sorted(related, key=lambda a: a.published_at)][::-1][:3]
    assert "Unrelated story" not in html


@pytest.mark.django_db
def test_initiatives_are_listed_as_a_tree(client, seeded):
    html = client.get("/en/initiatives/").text
    igci = html.index("INTERPOL Global Complex for Innovation")
    children = html.index('class="tree__children"')
    dcc = html.index("INTERPOL Digital Crime Centre")
    assert igci < children < dcc


@pytest.mark.django_db
def test_crime_area_page_lists_examples_advice_and_latest_news(client, seeded):
    html = client.get("/en/crimes/attacks-on-computer-systems/").text
    assert "Botnets" in html
    assert "Heartbleed" in html
    assert "Simda" in html


@pytest.mark.django_db
def test_home_shows_overview_areas_initiatives_latest_news_and_advice(client, seeded):
    html = client.get("/es/").text
    assert "La naturaleza cambiante de la ciberdelincuencia" in html or "ciberdelincuencia" in html
    assert html.count('class="card__title"') >= 3 + 2 + 6
    assert "/es/advice/heartbleed-bug/" in html
    assert "/es/initiatives/digital-crime-centre/" in html


@pytest.mark.django_db
def test_image_is_rendered_with_srcset_sizes_dimensions_lazy_and_alt(client):
    from .test_images import image_bytes, upload

    article = ArticleFactory(image_alt_en="Officers at a screen", image_credit="INTERPOL")
    article.image = upload(image_bytes(size=(2000, 1000)))
    article.save()
    html = client.get(f"/en/news/{article.slug}/").text
    assert '<source type="image/webp" srcset="' in html
    assert "480w" in html and "960w" in html and "1600w" in html
    assert 'width="1600" height="800" loading="lazy"' in html
    assert 'alt="Officers at a screen"' in html
    assert "© INTERPOL" in html


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_pages_are_well_formed_html(client, seeded_article_url, lang):
    import html5lib

    for pattern in [
        *page_urls(seeded_article_url),
        "/{lang}/news/?month=13",
        "/{lang}/news/?q=botnet&year=2015&month=4&language=fr&category=attacks-on-computer-systems",
        "/{lang}/nope/",
    ]:
        response = client.get(pattern.format(lang=lang))
        parser = html5lib.HTMLParser(strict=True)
        parser.parse(response.content)
        assert parser.errors == [], pattern


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_articles_in_one_language_have_no_empty_also_available_section(client, seeded, lang):
    for article in Article.objects.published():
        assert len(article.available_languages) == 1
        html = client.get(f"/{lang}/news/{article.slug}/").text
        assert 'class="also-in"' not in html, article.slug


@pytest.mark.django_db
def test_also_available_lists_only_the_other_languages(client):
    article = ArticleFactory(title_fr="Titre", summary_fr="Résumé.")
    html = client.get(f"/en/news/{article.slug}/").text
    section = html[
        html.index('class="also-in"') : html.index("</nav>", html.index('class="also-in"'))
    ]
    assert re.findall(r'hreflang="(\w+)"', section) == ["fr"]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_page_names_its_subject_once_as_its_main_heading(client, seeded, lang):
    import html5lib

    document = html5lib.parse(client.get(f"/{lang}/").content, namespaceHTMLElements=False)
    headings = [
        (int(element.tag[1]), " ".join("".join(element.itertext()).split()))
        for element in document.iter()
        if element.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}
    ]
    assert headings[0][0] == 1
    assert [level for level, _text in headings].count(1) == 1
    texts = [text for _level, text in headings]
    assert texts[0] not in texts[1:], texts
    # No level is skipped on the way down.
    for (previous, _p), (level, _t) in zip(headings, headings[1:], strict=False):
        assert level <= previous + 1, headings


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/fr/news/no-such-article/", "/ar/no-such-page/"])
def test_a_404_page_names_no_alternate_languages(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 404
    assert 'rel="alternate"' not in response.text
    assert "hreflang" not in response.text.split("</head>")[0]


@pytest.mark.django_db
def test_root_redirect_varies_on_language_and_cookie(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    vary = {value.strip().lower() for value in response["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary


@pytest.mark.django_db
def test_fallback_card_runs_in_its_own_direction_on_an_arabic_page(client):
    import html5lib

    article = ArticleFactory(title_en="Botnet taken down", summary_en="Servers seized.")
    response = client.get("/ar/news/")
    document = html5lib.parse(response.content, namespaceHTMLElements=False)
    card = next(
        element
        for element in document.iter("article")
        if article.slug in "".join(a.get("href", "") for a in element.iter("a"))
    )
    assert card.get("lang") == "en"
    assert card.get("dir") == "ltr"
    meta = card.find(".//*[@class='card__meta']")
    assert meta is not None
    # Nothing inside the card turns the direction back: title, date, badge and summary all
    # follow the card's.
    assert [element.get("dir") for element in card.iter() if element.get("dir")] == ["ltr"]
    assert "Botnet taken down" in "".join(card.itertext())
