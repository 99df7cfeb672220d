"""The archive by month on the news list: once a year is chosen, its months are links with
their counts and the other years stay listed, from the stored counts (no words) or the
matches (words), at the same number of queries as without a year."""

import datetime
from zoneinfo import ZoneInfo

import html5lib
import pytest

from .factories import ArticleFactory

PARIS = ZoneInfo("Europe/Paris")


def at(year, month, day):
    return datetime.datetime(year, month, day, 12, tzinfo=PARIS)


@pytest.fixture
def archive(db):
    # 2015: two in May (one French only), one in March; 2014: one in September.
    ArticleFactory(title_en="Botnet dismantled", published_at=at(2015, 5, 21))
    ArticleFactory(french=True, title_fr="Botnet démantelé", published_at=at(2015, 5, 2))
    ArticleFactory(title_en="Fraud ring arrested", published_at=at(2015, 3, 10))
    ArticleFactory(title_en="Botnet complex opens", published_at=at(2014, 9, 30))
    # Midnight on the 1st of June in Paris is still May in UTC: the month is the local one.
    ArticleFactory(title_en="Botnet at midnight", published_at=at(2015, 6, 1).replace(hour=0))


def archive_of(response):
    """The archive facet as a visitor reads it: [(year, count, href, current)] and
    [(month, count, href, current)]."""
    root = html5lib.parse(response.content, namespaceHTMLElements=False)
    section = root.find(".//section[@aria-labelledby='facet-years']")

    def entries(items):
        found = []
        for item in items:
            link = item[0]
            count = item.find("./span[@class='count']")
            found.append(
                (
                    "".join(link.itertext()).strip(),
                    int(count.text.strip("()")),
                    link.get("href"),
                    link.get("aria-current") == "true",
                )
            )
        return found

    return (
        entries(section.iterfind("./ul/li")),
        entries(section.iterfind(".//ul[@class='facets__months']/li")),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("words", [None, "botnet"], ids=["stored counts", "words"])
def test_a_chosen_year_lists_its_months_and_the_other_years(
    client, archive, settings, words, django_assert_max_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    query = {**({"q": words} if words else {}), "language": "en"}
    # As many queries as the list without a year (tests/test_scale_queries.py pins them).
    with django_assert_max_num_queries(5 if not words else 4):
        response = client.get("/fr/news/", {**query, "year": "2015"})
    assert response.status_code == 200
    years, months = archive_of(response)
    rest = "q=botnet&language=en&" if words else "language=en&"
    # In English: 2015, March (fraud), May and June (botnets); 2014, September (a botnet).
    in_2015 = 2 if words else 3
    assert years == [
        ("2015", in_2015, f"?{rest}year=2015", True),
        ("2014", 1, f"?{rest}year=2014", False),
    ]
    expected_months = [("mai", 1, f"?{rest}year=2015&month=5", False)]
    expected_months.append(("juin", 1, f"?{rest}year=2015&month=6", False))
    if not words:
        expected_months.insert(0, ("mars", 1, f"?{rest}year=2015&month=3", False))
    assert months == expected_months

    # A month: marked as current; the year links to the whole year, the others drop the month.
    with django_assert_max_num_queries(5 if not words else 4):
        response = client.get("/fr/news/", {**query, "year": "2015", "month": "5"})
    years, months = archive_of(response)
    assert years[0] == ("2015", in_2015, f"?{rest}year=2015", False)
    assert years[1][2] == f"?{rest}year=2014"
    assert [(name, current) for name, _count, _href, current in months if current] == [
        ("mai", True)
    ]
    assert '<p class="result-count" role="status">1 article</p>' in response.text


@pytest.mark.django_db
def test_month_names_follow_the_page_language(client, archive, settings):
    settings.PAGE_CACHE_SECONDS = 0
    for language, may in [("en", "May"), ("es", "mayo"), ("ar", "مايو")]:
        _years, months = archive_of(client.get(f"/{language}/news/", {"year": "2015"}))
        assert may in [name for name, *_ in months], language


@pytest.mark.django_db
def test_without_a_year_no_months_are_listed(client, archive, settings):
    settings.PAGE_CACHE_SECONDS = 0
    years, months = archive_of(client.get("/en/news/"))
    assert [(year, count) for year, count, *_ in years] == [("2015", 4), ("2014", 1)]
    assert months == []


@pytest.mark.django_db
@pytest.mark.parametrize("words", [None, "botnet"], ids=["stored counts", "words"])
@pytest.mark.parametrize("year", ["1", "9999"])
def test_the_calendars_ends_give_an_empty_year_not_an_error(client, archive, settings, words, year):
    """Year 1 starts before UTC's first moment in Paris, 9999 ends past the calendar."""
    settings.PAGE_CACHE_SECONDS = 0
    for month in ({}, {"month": "1"}, {"month": "12"}):
        query = {"year": year, **month, **({"q": words} if words else {})}
        response = client.get("/en/news/", query)
        assert response.status_code == 200, query
        assert '<p class="result-count" role="status">0 articles</p>' in response.text
