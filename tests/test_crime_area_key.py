"""PostgreSQL keeps each article's crime areas on its row (news migration 0013), whatever
changes them; the words filter counts from it (news.counts.StoredCrimeAreas)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from core.languages import language_codes
from core.search import word_texts
from crimes.models import CrimeArea
from news.counts import tags_of
from news.facets import fold_counted
from news.models import Article
from news.public import word_counts
from news.query import NewsQuery
from tests.factories import ArticleFactory, CrimeAreaFactory

Through = Article.crime_areas.through


def stored_keys():
    """{article pk: its stored crime areas, as a set} and the same from the through table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, crime_area_key FROM news_article")
        stored = {pk: set(tags_of(key)) for pk, key in cursor.fetchall()}
    expected = {pk: set() for pk in Article.objects.values_list("pk", flat=True)}
    for article_id, area_id in Through.objects.values_list("article_id", "crimearea_id"):
        expected[article_id].add(area_id)
    return stored, expected


def assert_kept():
    stored, expected = stored_keys()
    assert stored == expected


@pytest.mark.django_db
def test_every_change_of_an_articles_crime_areas_is_on_its_row():
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:  # SQLite reads the through table instead
            columns = [
                c.name
                for c in connection.introspection.get_table_description(cursor, "news_article")
            ]
        assert "crime_area_key" not in columns
        return
    areas = CrimeAreaFactory.create_batch(3)
    first = ArticleFactory(crime_areas=[areas[0], areas[1]])
    second = ArticleFactory(crime_areas=[areas[2]])
    bare = ArticleFactory()
    assert_kept()
    first.crime_areas.remove(areas[0])
    bare.crime_areas.add(areas[0], areas[2])
    assert_kept()
    second.crime_areas.set([areas[0], areas[1]])
    first.crime_areas.clear()
    assert_kept()
    # A bulk insert (as the generator makes them), an update and a delete in SQL.
    Through.objects.bulk_create([Through(article_id=first.pk, crimearea_id=areas[2].pk)])
    Through.objects.filter(article_id=first.pk).update(crimearea_id=areas[1].pk)
    assert_kept()
    Through.objects.filter(crimearea_id=areas[0].pk).delete()
    assert_kept()
    # A crime area's deletion takes it off its articles; a save does not put back an old key.
    first.refresh_from_db()
    CrimeArea.objects.filter(pk=areas[1].pk).delete()
    first.title_en = "Saved again"
    first.save()
    assert_kept()
    stored, _expected = stored_keys()
    assert stored[first.pk] == set() and stored[bare.pk] == {areas[2].pk}


@pytest.mark.django_db
def test_a_words_search_counts_each_crime_area_of_its_matches():
    areas = CrimeAreaFactory.create_batch(2)
    ArticleFactory(title_en="Botnet one", crime_areas=[areas[0]])
    ArticleFactory(title_en="Botnet two", crime_areas=[areas[0], areas[1]])
    ArticleFactory(title_en="Botnet three")
    ArticleFactory(title_en="Other", crime_areas=[areas[1]])
    searched = word_texts(["botnet"], language_codes(), connection.vendor, ("title", "summary"))
    texts = tuple(searched.values())
    counts = fold_counted(word_counts(timezone.now(), texts, NewsQuery(), page_language="en"))
    assert counts.total == 3
    assert counts.crime_areas == {areas[0].pk: 2, areas[1].pk: 1}


@pytest.mark.django_db
def test_the_generators_bulk_load_keys_its_articles(seeded):
    """On PostgreSQL the generator gives the crime areas first, so that each article's row is
    made with its key (a trigger on the article's insertion) rather than updated after."""
    call_command("generate_content", articles=45, seed=3, verbosity=0)
    assert Article.objects.filter(slug__startswith="generated-").count() == 45
    if connection.vendor == "postgresql":
        assert_kept()
