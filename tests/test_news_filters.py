"""The news list: filters alone and combined, counts, pagination and bad values."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.languages import language_codes
from core.search import matching_q, word_texts
from crimes.models import CrimeArea
from initiatives.models import Initiative
from news.filters import MAX_WORDS, NewsFilterForm, search_words
from news.models import SEARCHED_FIELDS, Article

from .factories import ArticleFactory, CrimeAreaFactory, InitiativeFactory

PARIS = ZoneInfo("Europe/Paris")


def titles(response):
    return re.findall(r'class="card__title"[^>]*><a href="[^"]+">([^<]+)</a>', response.text)


def at(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def corpus(db):
    abuse = CrimeAreaFactory(slug="abuse", name_en="Abuse")
    fraud = CrimeAreaFactory(slug="fraud", name_en="Fraud")
    igci = InitiativeFactory(slug="igci", name_en="Global Complex")
    return {
        "abuse": abuse,
        "fraud": fraud,
        "igci": igci,
        "a": ArticleFactory(
            title_en="Sextortion ring dismantled",
            published_at=at(2015, 5, 21),
            crime_areas=[abuse],
        ),
        "b": ArticleFactory(
            french=True,
            title_fr="Fraude aux cartes bancaires démantelée",
            published_at=at(2014, 4, 30),
            crime_areas=[fraud],
            initiatives=[igci],
        ),
        "c": ArticleFactory(
            title_en="Complex opens in Singapore",
            title_fr="Le Complexe ouvre à Singapour",
            summary_fr="Ouverture.",
            published_at=at(2014, 9, 30),
            crime_areas=[abuse, fraud],
            initiatives=[igci],
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["a", "c", "b"]),
        ({"year": "2014"}, ["c", "b"]),
        ({"year": "2014", "month": "9"}, ["c"]),
        ({"date_after": "2014-09-30"}, ["a", "c"]),
        ({"date_before": "2014-09-30"}, ["c", "b"]),
        ({"date_after": "2014-05-01", "date_before": "2015-05-20"}, ["c"]),
        ({"language": "fr"}, ["c", "b"]),
        ({"language": "en"}, ["a", "c"]),
        ({"language": "ar"}, []),
        ({"category": "abuse"}, ["a", "c"]),
        ({"category": ["abuse", "fraud"]}, ["a", "c", "b"]),
        ({"initiative": "igci"}, ["c", "b"]),
        ({"q": "ring"}, ["a"]),
        ({"q": "SINGAPORE complex"}, ["c"]),
        ({"year": "2014", "language": "en"}, ["c"]),
        ({"category": "fraud", "initiative": "igci", "year": "2014"}, ["c", "b"]),
        ({"q": "démantelée", "category": "fraud"}, ["b"]),
        ({"language": "fr", "date_after": "2014-06-01"}, ["c"]),
    ],
)
def test_filters_alone_and_combined(client, corpus, params, expected):
    response = client.get("/en/news/", params)
    assert response.status_code == 200
    shown = {key: corpus[key] for key in ("a", "b", "c")}
    assert titles(response) == [
        shown[key].shown_in("en").title.replace("'", "&#x27;") for key in expected
    ]


@pytest.mark.django_db
def test_words_match_a_french_only_article_on_the_english_list(client, corpus):
    response = client.get("/en/news/", {"q": "cartes bancaires"})
    assert titles(response) == ["Fraude aux cartes bancaires démantelée"]


@pytest.mark.django_db
def test_words_match_the_text_shown_not_a_hidden_translation(client, corpus):
    # Article c is available in English: /en/ shows its English title, so French words do not
    # match it there, but they do on /fr/.
    assert titles(client.get("/en/news/", {"q": "Singapour"})) == []
    assert titles(client.get("/fr/news/", {"q": "Singapour"})) == ["Le Complexe ouvre à Singapour"]


@pytest.mark.django_db
def test_counts_per_year_language_and_crime_area_follow_the_filters(client, corpus):
    context = client.get("/en/news/", {"category": "fraud"}).context
    facets = context["facets"]
    assert [(y["year"], y["count"]) for y in facets["years"]] == [(2014, 2)]
    assert {f["code"]: f["count"] for f in facets["languages"]} == {
        "en": 1,
        "fr": 2,
        "es": 0,
        "ar": 0,
    }
    assert {f["crime_area"].slug: f["count"] for f in facets["crime_areas"]} == {
        "abuse": 1,
        "fraud": 2,
    }
    html = client.get("/en/news/", {"category": "fraud"}).text
    assert 'href="?category=fraud&amp;year=2014"' in html
    assert "(2)" in html


@pytest.mark.django_db
def test_unfiltered_counts(client, corpus):
    facets = client.get("/en/news/").context["facets"]
    assert [(y["year"], y["count"]) for y in facets["years"]] == [(2015, 1), (2014, 2)]
    assert {f["crime_area"].slug: f["count"] for f in facets["crime_areas"]} == {
        "abuse": 2,
        "fraud": 2,
    }


@pytest.mark.django_db
def test_dates_follow_the_site_time_zone(client, settings):
    assert settings.TIME_ZONE == "Europe/Paris"
    late_may = ArticleFactory(title_en="Late on 31 May", published_at=at(2015, 5, 31, 23, 30))
    early_june = ArticleFactory(title_en="Just after midnight", published_at=at(2015, 6, 1, 0, 30))
    # In UTC both are on 31 May; in Paris one is in May, the other in June.
    assert early_june.published_at.astimezone(datetime.UTC).day == 31
    assert titles(client.get("/en/news/", {"year": "2015", "month": "5"})) == [late_may.title_en]
    assert titles(client.get("/en/news/", {"year": "2015", "month": "6"})) == [early_june.title_en]
    assert titles(client.get("/en/news/", {"date_before": "2015-05-31"})) == [late_may.title_en]
    assert titles(client.get("/en/news/", {"date_after": "2015-06-01"})) == [early_june.title_en]


@pytest.mark.django_db
def test_twenty_a_page_newest_first_and_404_past_the_end(client):
    for day in range(1, 26):
        ArticleFactory(title_en=f"Story {day:02d}", published_at=at(2015, 1, day))
    first = client.get("/en/news/")
    assert titles(first) == [f"Story {day:02d}" for day in range(25, 5, -1)]
    second = client.get("/en/news/", {"page": "2"})
    assert titles(second) == [f"Story {day:02d}" for day in range(5, 0, -1)]
    assert 'aria-label="Pages"' in first.text
    assert client.get("/en/news/", {"page": "3"}).status_code == 404
    assert client.get("/en/news/", {"page": "abc"}).status_code == 404
    assert client.get("/en/news/", {"page": "0"}).status_code == 404
    assert client.get("/en/news/", {"page": "-1"}).status_code == 404


@pytest.mark.django_db
def test_pagination_links_keep_the_filters(client):
    for day in range(1, 23):
        ArticleFactory(published_at=at(2014, 1, day))
    html = client.get("/en/news/", {"year": "2014"}).text
    assert 'href="?year=2014&amp;page=2"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"month": "13", "year": "2015"}, "month"),
        ({"month": "0", "year": "2015"}, "month"),
        ({"month": "5"}, "month"),
        ({"year": "abc"}, "year"),
        ({"year": "2015.5"}, "year"),
        ({"language": "xx"}, "language"),
        ({"category": "nope"}, "category"),
        ({"category": ["abuse", "nope"]}, "category"),
        ({"initiative": "nope"}, "initiative"),
        ({"category": "abu\x00se"}, "category"),
        ({"initiative": "ig\x00ci"}, "initiative"),
        ({"date_after": "2015-13-01"}, "date_after"),
        ({"date_before": "21/05/2015"}, "date_before"),
        ({"date_after": "2015-06-01", "date_before": "2015-05-01"}, "date_before"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_values_give_400_with_the_error_at_the_field(client, corpus, params, field):
    response = client.get("/fr/news/", params)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    for message in errors[field]:
        assert message in response.text.replace("&#x27;", "'").replace("&quot;", '"')
    with translation.override("fr"):
        heading = translation.gettext("Some filters could not be applied")
    assert heading != "Some filters could not be applied"
    assert heading.replace("'", "&#x27;") in response.text
    assert titles(response) == []


@pytest.mark.django_db
def test_error_messages_are_translated(client, corpus):
    response = client.get("/fr/news/", {"year": "abc"})
    assert "Saisissez un nombre entier." in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "year=99999999999999999999",
        "month=%00",
        "q=%00",
        "date_after=0000-00-00",
        "date_after=9999-12-31",
        "category=%ff",
        "page=99999999999999999999",
        "year=2015&year=2014",
        "language=",
    ],
)
def test_nothing_typed_in_the_url_gives_a_5xx(client, corpus, query):
    response = client.get(f"/en/news/?{query}")
    assert response.status_code < 500


@pytest.mark.django_db
def test_french_dates_are_localised(client, seeded):
    html = client.get("/fr/news/", {"year": "2015", "month": "5"}).text
    assert "21 mai 2015" in html
    assert '<time datetime="2015-05-21T12:00:00+02:00">21 mai 2015</time>' in html


# The filters on any article queryset (feeds and search will reuse them), not only the list's:
# the form's query object (NewsQuery) and the words' condition, as the list's queries use them.

# (parameters, articles found among the published, among all: "d" is a draft)
FILTER_CASES = [
    ({}, ["a", "c", "b"], ["a", "d", "c", "b"]),
    ({"year": "2014", "month": "9"}, ["c"], ["d", "c"]),
    ({"date_after": "2014-05-01", "date_before": "2015-05-20"}, ["c"], ["d", "c"]),
    ({"language": "fr"}, ["c", "b"], ["c", "b"]),
    ({"language": "en"}, ["a", "c"], ["a", "d", "c"]),
    ({"category": ["abuse"]}, ["a", "c"], ["a", "c"]),
    ({"category": ["fraud"]}, ["c", "b"], ["d", "c", "b"]),
    ({"initiative": "igci"}, ["c", "b"], ["d", "c", "b"]),
    ({"q": "SINGAPORE complex"}, ["c"], ["c"]),
    ({"q": "complex"}, ["c"], ["d", "c"]),
    ({"q": "cartes bancaires"}, ["b"], ["b"]),
    ({"q": "Singapour"}, [], []),
    (
        {
            "q": "complex",
            "year": "2014",
            "month": "9",
            "date_after": "2014-01-01",
            "date_before": "2014-12-31",
            "language": "en",
            "category": ["fraud"],
            "initiative": "igci",
        },
        ["c"],
        ["d", "c"],
    ),
]


def filtered(params, queryset, language="en"):
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    form = NewsFilterForm(
        data, crime_areas=list(CrimeArea.objects.all()), initiatives=list(Initiative.objects.all())
    )
    assert form.is_valid(), form.errors
    found = form.query().articles(queryset)
    words = form.words[0]
    if words:
        texts = word_texts(words, language_codes(), connection.vendor, SEARCHED_FIELDS)
        found = found.filter(
            matching_q(
                texts, f"shown_language_{language}", connection.vendor, Article._meta.db_table
            )
        )
    return list(found)


@pytest.fixture
def with_draft(corpus):
    # Published at the same moment as c, created after it: listed before c.
    draft = ArticleFactory(draft=True, title_en="Complex draft", published_at=at(2014, 9, 30))
    draft.crime_areas.set([corpus["fraud"]])
    draft.initiatives.set([corpus["igci"]])
    return corpus | {"d": draft}


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "published", "everything"), FILTER_CASES)
def test_filters_work_on_any_article_queryset(with_draft, params, published, everything):
    with translation.override("en"):
        found = filtered(params, Article.objects.published())
        assert found == [with_draft[key] for key in published]
        found = filtered(params, Article.objects.all())
        assert found == [with_draft[key] for key in everything]


@pytest.mark.django_db
def test_words_are_looked_for_in_the_language_given(corpus):
    with translation.override("en"):
        assert filtered({"q": "Singapour"}, Article.objects.all()) == []
        assert filtered({"q": "Singapour"}, Article.objects.all(), language="fr") == [corpus["c"]]
    with translation.override("fr"):
        assert filtered({"q": "Singapour"}, Article.objects.published(), "fr") == [corpus["c"]]


# Words: at most MAX_WORDS distinct ones, whatever is typed.


def two_letter_words(count):
    letters = "bcdfghjkmnpqrstvwxz"
    return [first + second for first in letters for second in "aeiou"][:count]


def sql_of(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/news/", params)
    assert response.status_code == 200
    return response, sum(len(query["sql"]) for query in queries.captured_queries)


@pytest.mark.django_db
def test_a_search_uses_at_most_eight_words_and_costs_no_more_than_eight(client):
    words = two_letter_words(66)
    typed = " ".join(words)
    assert len(typed) <= 200
    first_eight = words[:MAX_WORDS]
    # Has the first eight words, not the ninth: found, as only the first eight are searched.
    ArticleFactory(title_en=" ".join(first_eight), summary_en="No other word.")
    # Lacks the eighth word: not found.
    ArticleFactory(title_en=" ".join(first_eight[:7]), summary_en="No other word.")
    ArticleFactory(title_en="Nothing in common", summary_en="Nothing at all.")
    eight, eight_sql = sql_of(client, {"q": " ".join(first_eight)})
    many, many_sql = sql_of(client, {"q": typed})
    assert many_sql <= eight_sql
    assert titles(many) == titles(eight) == [" ".join(first_eight)]
    assert many.context["form"].ignored_words == words[MAX_WORDS:]
    assert eight.context["form"].ignored_words == []


@pytest.mark.django_db
def test_a_hundred_one_letter_words_cost_no_more_than_eight_words(client):
    ArticleFactory(title_en="Sextortion ring dismantled")
    letters = [chr(code) for code in range(0x4E00, 0x4E00 + 100)]  # no two alike in any case
    typed = " ".join(letters)
    assert len(typed) <= 200
    response, sql = sql_of(client, {"q": typed})
    _eight, eight_sql = sql_of(client, {"q": " ".join(two_letter_words(MAX_WORDS))})
    _none, no_words_sql = sql_of(client, {})
    # Every word left out: the page is the list without words, whose counts are stored.
    assert sql <= max(eight_sql, no_words_sql)
    # One-character words are not searched for: they would match nearly everything.
    assert titles(response) == ["Sextortion ring dismantled"]
    assert response.context["form"].ignored_words == letters


@pytest.mark.django_db
def test_repeated_words_count_once_whatever_their_case(client, corpus):
    typed = "Ring ring RING " * 10 + "sextortion dismantled"
    response = client.get("/en/news/", {"q": typed})
    assert response.status_code == 200
    assert titles(response) == ["Sextortion ring dismantled"]
    assert response.context["form"].ignored_words == []


def test_search_words_keeps_the_first_eight_distinct_words_in_order():
    used, ignored = search_words("a Fraud fraud FRAUD b1 c2 d3 e4 f5 g6 h7 i8 j9 x B1")
    assert used == ["Fraud", "b1", "c2", "d3", "e4", "f5", "g6", "h7"]
    assert ignored == ["a", "i8", "j9", "x"]


@pytest.mark.django_db
def test_the_words_index_follows_every_change_of_the_text(client):
    """PostgreSQL's search columns are generated; SQLite's FTS5 index is kept by triggers:
    either way a save, an update() and a delete are searched at once."""
    article = ArticleFactory(title_en="Botnets dismantled", published_at=at(2020, 1, 2))
    assert titles(client.get("/en/news/", {"q": "botnet"})) == ["Botnets dismantled"]
    article.title_en = "Ransomware gang arrested"
    article.save()
    assert titles(client.get("/en/news/", {"q": "botnet"})) == []
    assert titles(client.get("/en/news/", {"q": "ransomware"})) == ["Ransomware gang arrested"]
    Article.objects.filter(pk=article.pk).update(title_en="Phishing kits seized")
    assert titles(client.get("/en/news/", {"q": "ransomware"})) == []
    assert titles(client.get("/en/news/", {"q": "phishing"})) == ["Phishing kits seized"]
    Article.objects.filter(pk=article.pk).delete()
    assert titles(client.get("/en/news/", {"q": "phishing"})) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        '""',
        '" OR "',
        "ring AND NOT x",
        "NEAR(a b)",
        "title_en:ring",
        "{title_fr} : ring",
        "**",
        "a'b",
    ],
)
def test_search_syntax_in_the_words_is_only_text(client, corpus, typed):
    """Quotes, operators and column filters typed in `q` are words like any other: no error,
    and no match that the words themselves do not make."""
    response = client.get("/en/news/", {"q": typed})
    assert response.status_code == 200
    assert "ring" in typed or titles(response) == []


@pytest.mark.django_db
def test_the_sqlite_words_index_is_put_back_after_a_table_rebuild(client):
    """SQLite rebuilds a table for most schema changes, dropping its triggers: after every
    migrate, news/search_index.py makes them again and rebuilds the index."""
    from news import search_index

    article = ArticleFactory(title_en="Botnets dismantled", published_at=at(2020, 1, 2))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for trigger in ("insert", "update", "delete"):
                cursor.execute(f"DROP TRIGGER news_article_search_{trigger}")
    Article.objects.filter(pk=article.pk).update(title_en="Ransomware gang arrested")
    search_index.ensure(connection)  # what post_migrate runs
    assert titles(client.get("/en/news/", {"q": "ransomware"})) == ["Ransomware gang arrested"]
    assert titles(client.get("/en/news/", {"q": "botnet"})) == []
    ArticleFactory(title_en="Phishing kits seized", published_at=at(2020, 1, 3))
    assert titles(client.get("/en/news/", {"q": "phishing"})) == ["Phishing kits seized"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "page=3",
        "year=2015&month=5&page=2",
        "category=a&category=b&q=r%C3%A9seau+%26+co%3D1&language=fr",
        "q=%D8%A7%D8%AD%D8%AA%D9%8A%D8%A7%D9%84&initiative=igci&page=9&year=1",
        "q=a%2Bb+%25&category=x&utm=%E2%80%9C",
    ],
)
def test_a_facets_link_is_the_query_with_that_filter_applied(query):
    """Each facet's link is the request's query without `page`, with the facet's value in
    place of that filter's own (QueryDict's encoding: the links the page always had)."""
    from django.http import QueryDict

    from news.facets import _applying_each

    params = QueryDict(query)

    def applying(key, value, removed=()):
        expected = params.copy()
        for name in ("page", key, *removed):
            expected.pop(name, None)
        expected[key] = value
        return "?" + expected.urlencode()

    assert _applying_each(params, "year", [2015, 2009], ["month"]) == [
        applying("year", "2015", ["month"]),
        applying("year", "2009", ["month"]),
    ]
    for key, values in (("category", ["abuse", "é&="]), ("language", ["fr", "ar"])):
        assert _applying_each(params, key, values) == [applying(key, v) for v in values]


@pytest.mark.django_db
def test_the_years_of_a_search_are_local_years_at_their_edges(client):
    """A search's year counts are the site's local years (Europe/Paris), worked out in SQL on
    both databases: around New Year's midnight, and far outside the usual years."""
    paris = ZoneInfo("Europe/Paris")
    moments = [
        datetime.datetime(2015, 12, 31, 23, 30, tzinfo=paris),  # 22:30 UTC: 2015
        datetime.datetime(2016, 1, 1, 0, 30, tzinfo=paris),  # 23:30 UTC on 31 December: 2016
        datetime.datetime(1985, 6, 1, 12, 0, tzinfo=paris),  # before the years worked out in SQL
        datetime.datetime(2050, 12, 31, 23, 59, tzinfo=paris),
    ]
    for moment in moments:
        ArticleFactory(title_en="Quokka scam", published_at=moment)
    with time_machine.travel(datetime.datetime(2051, 1, 2, tzinfo=paris), tick=False):
        facets = client.get("/en/news/", {"q": "quokka"}).context["facets"]
    years = {entry["year"]: entry["count"] for entry in facets["years"]}
    assert years == {2050: 1, 2016: 1, 2015: 1, 1985: 1}


@pytest.mark.django_db
def test_the_form_looks_the_chosen_slugs_up_in_the_items_the_page_read(corpus):
    """The list reads every crime area and initiative anyway: the form finds the chosen slugs
    among them, without a query of its own; a slug none of them has is an error."""
    fraud, igci = corpus["fraud"], corpus["igci"]
    data = QueryDict(f"category={fraud.slug}&initiative={igci.slug}")
    with CaptureQueriesContext(connection) as queries:
        form = NewsFilterForm(data, crime_areas=[fraud], initiatives=[igci])
        assert form.is_valid(), form.errors
    assert len(queries) == 0
    query = form.query()
    assert (query.crime_areas, query.initiative) == ((fraud.pk,), igci.pk)
    unknown = NewsFilterForm(data, crime_areas=[], initiatives=[igci])
    assert not unknown.is_valid() and "category" in unknown.errors
