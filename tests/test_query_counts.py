"""Every list runs a constant number of SQL queries, whatever its length."""

import pytest

from .factories import AdviceFactory, ArticleFactory, CrimeAreaFactory, InitiativeFactory


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


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 10])
def test_article_page_queries(client, areas, django_assert_max_num_queries, count):
    articles = make_articles(count, areas, [InitiativeFactory()])
    with django_assert_max_num_queries(8):
        assert client.get(f"/en/news/{articles[0].slug}/").status_code == 200


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
