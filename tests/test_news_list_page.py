"""The news list page as a visitor uses it: filters before the results on a phone, counts that
lead somewhere, the active filters named and removable, clean URLs and clear errors."""

import datetime
import re
from zoneinfo import ZoneInfo

import html5lib
import pytest
from django.utils import translation

from .factories import ArticleFactory, CrimeAreaFactory, InitiativeFactory

PARIS = ZoneInfo("Europe/Paris")


def at(year, month, day):
    return datetime.datetime(year, month, day, 12, tzinfo=PARIS)


@pytest.fixture
def corpus(db):
    abuse = CrimeAreaFactory(slug="abuse", name_en="Abuse", name_fr="Abus")
    fraud = CrimeAreaFactory(slug="fraud", name_en="Fraud", name_fr="Fraude")
    igci = InitiativeFactory(slug="igci", name_en="Global Complex", name_fr="Complexe mondial")
    ArticleFactory(
        title_en="Sextortion ring dismantled", published_at=at(2015, 5, 21), crime_areas=[abuse]
    )
    ArticleFactory(
        french=True,
        title_fr="Fraude aux cartes bancaires démantelée",
        published_at=at(2015, 5, 2),
        crime_areas=[fraud],
        initiatives=[igci],
    )
    ArticleFactory(
        title_en="Complex opens in Singapore", published_at=at(2014, 9, 30), initiatives=[igci]
    )
    return {"abuse": abuse, "fraud": fraud, "igci": igci}


def parse(response):
    return html5lib.parse(response.content, namespaceHTMLElements=False)


def text_of(element):
    return " ".join("".join(element.itertext()).split())


def removal_links(response):
    """{accessible name: href} of the active-filter summary's links."""
    summary = parse(response).find(".//*[@class='active-filters']")
    assert summary is not None
    return {
        text_of(link).removesuffix(" ×"): link.get("href") for link in summary.iterfind(".//li/a")
    }


@pytest.mark.django_db
def test_filters_come_before_the_results_behind_a_filters_control(client, corpus):
    html = client.get("/en/news/").text
    form = html.index('<form class="filters"')
    first_card = html.index('<article class="card"')
    assert form < first_card
    summary = re.search(r"<details class=\"filter-panel\"[^>]*>\s*<summary>([^<]+)</summary>", html)
    assert summary and summary.group(1).strip() == "Filters"
    assert summary.start() < form


@pytest.mark.django_db
def test_filters_are_shown_open_when_a_value_is_wrong(client, corpus):
    html = client.get("/en/news/", {"year": "abc"}).text
    assert '<details class="filter-panel" open>' in html
    assert '<details class="filter-panel">' in client.get("/en/news/").text


@pytest.mark.django_db
def test_counts_of_zero_are_plain_text_not_links(client, corpus):
    response = client.get("/en/news/", {"q": "ring"})
    facets = {text_of(item): item for item in parse(response).iterfind(".//*[@class='facets']//li")}
    assert facets["Arabic (0)"].find("a") is None
    assert facets["Fraud (0)"].find("a") is None
    assert facets["English (1)"].find("a").get("href") == "?q=ring&language=en"
    assert facets["Abuse (1)"].find("a") is not None
    assert 'href="?q=ring&amp;language=ar"' not in response.text


@pytest.mark.django_db
def test_active_filters_are_listed_each_with_a_link_removing_it(client, corpus):
    response = client.get(
        "/en/news/",
        {
            "q": "dismantled",
            "year": "2015",
            "month": "5",
            "language": "en",
            "category": ["abuse", "fraud"],
            "initiative": "igci",
        },
    )
    assert response.status_code == 200
    rest = "&category=abuse&category=fraud&initiative=igci"
    assert removal_links(response) == {
        "Remove filter: “dismantled”": f"/en/news/?year=2015&month=5&language=en{rest}",
        "Remove filter: May 2015": f"/en/news/?q=dismantled&language=en{rest}",
        "Remove filter: English": f"/en/news/?q=dismantled&year=2015&month=5{rest}",
        "Remove filter: Abuse": "/en/news/?q=dismantled&year=2015&month=5&language=en"
        "&category=fraud&initiative=igci",
        "Remove filter: Fraud": "/en/news/?q=dismantled&year=2015&month=5&language=en"
        "&category=abuse&initiative=igci",
        "Remove filter: Global Complex": "/en/news/?q=dismantled&year=2015&month=5&language=en"
        "&category=abuse&category=fraud",
    }
    assert '<span class="visually-hidden">Remove filter: </span>' in response.text


@pytest.mark.django_db
def test_removing_a_filter_leaves_the_page_number_behind(client, corpus):
    for day in range(1, 23):
        ArticleFactory(published_at=at(2013, 1, day))
    response = client.get("/en/news/", {"year": "2013", "page": "2"})
    assert response.status_code == 200
    assert removal_links(response) == {"Remove filter: 2013": "/en/news/"}


@pytest.mark.django_db
def test_dates_and_year_filters_are_named_in_the_pages_language(client, corpus):
    response = client.get(
        "/fr/news/",
        {"year": "2015", "month": "5", "date_after": "2015-05-01", "date_before": "2015-05-30"},
    )
    with translation.override("fr"):
        remove = translation.gettext("Remove filter:")
        after = translation.gettext("From %(date)s") % {"date": "1 mai 2015"}
        before = translation.gettext("To %(date)s") % {"date": "30 mai 2015"}
    assert set(removal_links(response)) == {
        f"{remove} mai 2015",
        f"{remove} {after}",
        f"{remove} {before}",
    }


@pytest.mark.django_db
def test_title_and_heading_name_the_active_filters(client, corpus):
    response = client.get("/en/news/", {"language": "fr", "year": "2015", "month": "5"})
    document = parse(response)
    assert text_of(document.find(".//h1")) == "News: May 2015, French"
    assert text_of(document.find(".//title")) == "News: May 2015, French · CyberWatch"
    plain = parse(client.get("/en/news/"))
    assert text_of(plain.find(".//h1")) == "News"


@pytest.mark.django_db
def test_heading_names_crime_areas_and_initiatives_by_the_fallback_rule(client, corpus):
    response = client.get("/es/news/", {"category": "abuse", "initiative": "igci"})
    h1 = parse(response).find(".//h1")
    # No Spanish names: shown in English, and marked so.
    assert text_of(h1).endswith("Abuse, Global Complex")
    assert [span.get("lang") for span in h1.iter("span")] == ["en", "en"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "location"),
    [
        (
            "q=&year=2015&month=&date_after=&date_before=&language=&category=abuse"
            "&category=fraud&initiative=",
            "/en/news/?year=2015&category=abuse&category=fraud",
        ),
        ("q=&year=&month=&date_after=&date_before=&language=&initiative=", "/en/news/"),
        ("q=+&language=fr&page=", "/en/news/?language=fr"),
        ("year=2014&page=", "/en/news/?year=2014"),
    ],
)
def test_a_submitted_form_redirects_to_the_url_without_empty_values(
    client, corpus, query, location
):
    response = client.get(f"/en/news/?{query}")
    assert response.status_code == 302
    assert response["Location"] == location
    assert client.get(location).status_code == 200


@pytest.mark.django_db
def test_a_clean_url_is_served_directly(client, corpus):
    assert client.get("/en/news/?year=2015&category=abuse&category=fraud").status_code == 200
    assert client.get("/en/news/").status_code == 200


@pytest.mark.django_db
def test_a_bad_value_on_page_two_is_a_400_with_the_error(client, corpus):
    response = client.get("/en/news/", {"month": "13", "year": "2015", "page": "2"})
    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 12." in response.text
    assert "Some filters could not be applied" in response.text


@pytest.mark.django_db
def test_a_page_with_bad_filters_names_no_alternates(client, corpus):
    html = client.get("/en/news/", {"year": "abc"}).text
    assert 'rel="alternate"' not in html
    assert 'rel="alternate" hreflang="fr"' in client.get("/en/news/").text


@pytest.mark.django_db
def test_words_left_out_of_a_search_are_named_on_the_page(client):
    words = "botnet malware phishing fraud ransomware trojan darknet spyware extra1 extra2 x"
    response = client.get("/en/news/", {"q": words})
    assert response.status_code == 200
    notice = response.text.split('class="ignored-words">')[1].split("</p>")[0]
    assert "These words were not searched for: extra1 extra2 x." in notice
    assert "up to 8 words" in notice
    assert 'class="ignored-words"' not in client.get("/en/news/", {"q": "botnet"}).text
