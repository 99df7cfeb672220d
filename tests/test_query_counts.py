"""Every list runs a constant number of SQL queries, whatever its length."""

import pytest

from initiatives.views import RELATED_NEWS
from news.views import RELATED_ARTICLES

from .factories import AdviceFactory, ArticleFactory, CrimeAreaFactory, InitiativeFactory


@pytest.fixture(autouse=True)
def _pages_rendered(settings):
    """The page's own queries: none kept in the shared cache (tests/test_page_cache.py counts
    a kept page's, none, and the first request's after a change)."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def areas(db):
    return [CrimeAreaFactory() for _ in range(4)]


def make_articles(count, areas, initiatives=()):
    return [ArticleFactory(crime_areas=areas, initiatives=list(initiatives)) for _ in range(count)]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 20, 45])
def test_news_list_queries_do_not_grow_with_articles(
    client, areas, django_assert_max_num_queries, count
):
    initiative = InitiativeFactory(slug="igci")
    make_articles(count, areas, [initiative])
    with django_assert_max_num_queries(10):
        response = client.get(
            "/en/news/",
            {"category": [areas[0].slug, areas[1].slug], "initiative": "igci", "year": "2026"},
        )
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/fr/news/").status_code == 200


def page_queries(client, url, cap, assert_max_num_queries):
    """The page, and how many SQL queries it took (at most `cap`)."""
    with assert_max_num_queries(cap) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(queries)


@pytest.mark.django_db
def test_article_page_queries_do_not_grow_with_its_topics_and_related_articles(
    client, django_assert_max_num_queries
):
    # One crime area, one initiative, one related article with one of each...
    area, initiative = CrimeAreaFactory(), InitiativeFactory()
    few = ArticleFactory(crime_areas=[area], initiatives=[initiative])
    ArticleFactory(crime_areas=[area], initiatives=[initiative])
    # ...against several, and more related articles than the page lists, each tagged as much.
    areas = [CrimeAreaFactory() for _ in range(4)]
    initiatives = [InitiativeFactory() for _ in range(3)]
    many = ArticleFactory(crime_areas=areas, initiatives=initiatives)
    related = make_articles(RELATED_ARTICLES + 2, areas, initiatives)

    _response, with_few = page_queries(
        client, few.get_absolute_url(), 8, django_assert_max_num_queries
    )
    response, with_many = page_queries(
        client, many.get_absolute_url(), 8, django_assert_max_num_queries
    )
    assert with_many == with_few
    # The page does show all of them: the count above covers what a visitor sees.
    for item in [*areas, *initiatives]:
        assert response.text.count(f'href="{item.get_absolute_url()}"') == 1 + (
            RELATED_ARTICLES if item in areas else 0
        )
    shown = [article for article in related if article.get_absolute_url() in response.text]
    assert len(shown) == RELATED_ARTICLES


@pytest.mark.django_db
def test_initiative_page_queries_do_not_grow_with_its_parts_and_news(
    client, django_assert_max_num_queries
):
    # A top-level initiative with one part and one news item in one crime area...
    few = InitiativeFactory()
    InitiativeFactory(parent=few)
    ArticleFactory(initiatives=[few], crime_areas=[CrimeAreaFactory()])
    # ...against a part of another initiative, with several parts and more news than the page
    # lists, each news item in several crime areas.
    many = InitiativeFactory(parent=InitiativeFactory())
    children = [InitiativeFactory(parent=many) for _ in range(4)]
    areas = [CrimeAreaFactory() for _ in range(4)]
    make_articles(RELATED_NEWS + 2, areas, [many])

    _response, with_few = page_queries(
        client, few.get_absolute_url(), 8, django_assert_max_num_queries
    )
    response, with_many = page_queries(
        client, many.get_absolute_url(), 8, django_assert_max_num_queries
    )
    assert with_many == with_few
    for item in [many.parent, *children]:
        assert f'href="{item.get_absolute_url()}"' in response.text
    for area in areas:
        assert response.text.count(f'href="{area.get_absolute_url()}"') == RELATED_NEWS


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 12])
def test_home_queries(client, areas, django_assert_max_num_queries, count):
    make_articles(count, areas)
    for _ in range(count):
        AdviceFactory(crime_areas=areas)
        InitiativeFactory(parent=InitiativeFactory())
    with django_assert_max_num_queries(10):
        assert client.get("/ar/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 12])
def test_other_lists_and_details_queries(client, areas, django_assert_max_num_queries, count):
    initiative = InitiativeFactory()
    for _ in range(count):
        InitiativeFactory(parent=InitiativeFactory())
        AdviceFactory(crime_areas=areas)
    make_articles(count, areas, [initiative])
    for url in (
        "/en/crimes/",
        f"/en/crimes/{areas[0].slug}/",
        "/en/initiatives/",
        f"/en/initiatives/{initiative.slug}/",
    ):
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200, url
