"""A save reads the stored row once, for every mixin that needs the old values (the newsroom
issue: a plain `Article.save()` of a changed title ran 21 queries, a publisher's admin save 44,
because five mixins each read the row again). Pinned here, counts included."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import PUBLISHER
from news.models import Article, ArticleCount

from .admin_forms import change_url, posted
from .factories import ArticleFactory, CrimeAreaFactory
from .test_review import person


@pytest.fixture
def article(db):
    article = ArticleFactory(title_en="Botnet dismantled", summary_en="What happened.")
    article.crime_areas.set([CrimeAreaFactory()])
    return Article.objects.get(pk=article.pk)


def counted_in_french():
    return sum(ArticleCount.objects.filter(span="M", in_fr=True).values_list("count", flat=True))


@pytest.mark.django_db
def test_a_plain_save_of_a_changed_title_reads_the_row_once(article):
    article.title_en = "Botnet taken down"
    with CaptureQueriesContext(connection) as queries:
        article.save()
    # The stored row, concurrency's existence check, the UPDATE: a change of text alone
    # changes no count, so nothing is counted again.
    assert len(queries) <= 3, [query["sql"] for query in queries]
    reads = [query["sql"] for query in queries if query["sql"].startswith('SELECT "news_article"')]
    assert len(reads) == 1


@pytest.mark.django_db
def test_a_plain_save_that_changes_the_counts_recounts_within_14_queries(
    article, django_assert_max_num_queries
):
    article.title_fr, article.summary_fr = "Botnet démantelé", "Résumé."  # now in French too
    assert counted_in_french() == 0
    with django_assert_max_num_queries(14):
        article.save()
    assert counted_in_french() == 1  # the recount is among them


@pytest.mark.django_db
def test_a_publishers_admin_save_of_an_article(article, django_assert_max_num_queries):
    paul = person(PUBLISHER, "Paul")
    data = posted(paul, change_url(article), title_en="Botnet taken down")
    with django_assert_max_num_queries(25):
        response = paul.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title_en == "Botnet taken down"
    data = posted(paul, change_url(article), title_fr="Botnet démantelé", summary_fr="Résumé.")
    # The recount is 9 of them (10 on PostgreSQL, with its advisory lock on the year).
    with django_assert_max_num_queries(34):
        response = paul.post(change_url(article), data)
    assert response.status_code == 302
    assert counted_in_french() == 1
