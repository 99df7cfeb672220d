"""The precomputed counts (news/counts/) stay equal to a count of the articles through every
kind of change, with no change counting the whole archive again; scheduled items count from
their moment without any save; a deep page seeks to the same articles an OFFSET would find;
`recount_news` rebuilds them, and `--check` finds them stale after writes that skip Python."""

import contextlib
import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from news import listing
from news.counts import Recount, paging
from news.counts.expressions import LANGUAGE_COLUMNS, LANGUAGE_PAIRS
from news.counts.keeping import differences, rebuild
from news.models import Article, ArticleCount, ArticleCountRollup
from news.query import NewsQuery

from .factories import ArticleFactory, CrimeAreaFactory, InitiativeFactory

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 11, 15, 10, 0, tzinfo=PARIS)


def at(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def stored():
    """The stored rows, the counts and their roll-up, as comparable data."""
    columns = ["count", *(f"count_{code}" for code in LANGUAGE_COLUMNS), *LANGUAGE_PAIRS]
    rows = {
        ("rollup", *key[:3]): key[3:]
        for key in ArticleCountRollup.objects.values_list("span", "period", "crime_areas", *columns)
    }
    rows.update(
        {
            key[:-1]: key[-1]
            for key in ArticleCount.objects.values_list(
                "span",
                "period",
                "in_en",
                "in_fr",
                "in_es",
                "in_ar",
                "crime_areas",
                "initiatives",
                "count",
            )
        }
    )
    return rows


def rebuilt():
    """What a full count from scratch gives."""
    before = stored()
    assert differences() == []
    rebuild()
    after = stored()
    return before, after


def rolled_up():
    """The roll-up worked out here from the stored counts."""
    sums = {}
    for span, period, *flags, areas, _initiatives, number in ArticleCount.objects.values_list(
        "span", "period", "in_en", "in_fr", "in_es", "in_ar", "crime_areas", "initiatives", "count"
    ):
        total = sums.setdefault((span, period, areas), [0] * (5 + len(LANGUAGE_PAIRS)))
        total[0] += number
        for index, flag in enumerate(flags, start=1):
            total[index] += number if flag else 0
        available = {code for code, flag in zip(LANGUAGE_COLUMNS, flags, strict=True) if flag}
        for index, name in enumerate(LANGUAGE_PAIRS, start=5):
            if set(name.removeprefix("count_").split("_")) <= available:
                total[index] += number
    return {key: tuple(total) for key, total in sums.items()}


def assert_counts_right():
    assert {key[1:]: value for key, value in stored().items() if key[0] == "rollup"} == rolled_up()
    before, after = rebuilt()
    assert before == after


@pytest.fixture
def tags(db):
    return [CrimeAreaFactory() for _ in range(3)], [InitiativeFactory() for _ in range(2)]


@pytest.mark.django_db
def test_counts_follow_saves_deletes_and_tag_changes(tags):
    areas, initiatives = tags
    with time_machine.travel(NOW, tick=False):
        first = ArticleFactory(published_at=at(2015, 5, 31, 23, 30), crime_areas=areas[:2])
        second = ArticleFactory(french=True, published_at=at(2016, 1, 1, 0, 30))
        draft = ArticleFactory(draft=True, published_at=at(2015, 5, 2))
        assert_counts_right()
        assert ArticleCount.objects.filter(span="Y").aggregate(n=Sum("count"))["n"] == 2

        first.published_at = at(2014, 3, 3)  # moved to another month and year
        first.save()
        assert_counts_right()
        first.crime_areas.remove(areas[0])
        second.initiatives.add(initiatives[0])
        areas[1].articles.add(second)  # from the other side
        assert_counts_right()
        second.title_es, second.summary_es = "Título", "Resumen"  # now available in Spanish
        second.save()
        assert_counts_right()
        draft.status = "published"
        draft.save()
        assert_counts_right()
        second.delete()
        assert_counts_right()
        areas[1].delete()  # its links go without a signal
        assert_counts_right()
        initiatives[0].delete()
        assert_counts_right()


@pytest.mark.django_db
def test_counts_follow_bulk_changes(tags):
    areas, _initiatives = tags
    with time_machine.travel(NOW, tick=False):
        articles = [
            ArticleFactory(published_at=at(2010 + n % 5, 1 + n % 12, 1 + n % 27), crime_areas=areas)
            for n in range(12)
        ]
        Article.objects.filter(pk__in=[a.pk for a in articles[:4]]).update(status="draft")
        assert_counts_right()
        Article.objects.filter(pk__in=[a.pk for a in articles[4:6]]).update(
            published_at=at(2001, 2, 3)
        )
        assert_counts_right()
        Article.objects.filter(pk__in=[a.pk for a in articles[6:9]]).delete()
        assert_counts_right()
        Article.objects.bulk_create(
            [
                Article(slug=f"bulk-{n}", title_en=f"Bulk {n}", summary_en="S", status="published")
                for n in range(3)
            ]
        )
        assert_counts_right()


@pytest.mark.django_db
def test_generator_makes_counted_recognisable_articles_and_clears_only_them(tags):
    keep = ArticleFactory()
    call_command("generate_content", articles=150, seed=3, verbosity=0)
    generated = Article.objects.filter(slug__startswith="generated-")
    assert generated.count() == 150
    assert generated.filter(status="published").count() == 150
    assert {a.original_language for a in generated} >= {"en", "fr"}
    assert generated.filter(available_fr=True).count() > 50
    assert all(1 <= a.crime_areas.count() <= 2 for a in generated[:30])
    assert_counts_right()
    call_command("generate_content", articles=0, clear=True, verbosity=0)
    assert list(Article.objects.all()) == [keep]
    assert_counts_right()


@pytest.mark.django_db
def test_a_scheduled_article_counts_from_its_moment_without_any_save(client, tags):
    areas, _initiatives = tags
    with time_machine.travel(NOW, tick=False):
        ArticleFactory(published_at=at(2026, 11, 1), crime_areas=[areas[0]])
        scheduled = [
            ArticleFactory(published_at=at(2026, 11, 20), crime_areas=[areas[0]]),  # this month
            ArticleFactory(published_at=at(2026, 12, 24)),  # this year, next month
            ArticleFactory(published_at=at(2027, 1, 2)),  # next year
        ]

    def shown(moment, **params):
        with time_machine.travel(moment, tick=False):
            response = client.get("/en/news/", params)
        assert response.status_code == 200
        html = response.text
        return int(html.split('class="result-count" role="status">')[1].split(" ")[0]), html

    count, html = shown(NOW)
    assert count == 1
    assert scheduled[0].title_en not in html
    assert shown(NOW, year="2026")[0] == 1
    assert shown(NOW, category=areas[0].slug)[0] == 1
    count, html = shown(at(2026, 11, 20, 12, 1))
    assert count == 2
    assert scheduled[0].title_en in html
    assert shown(at(2026, 11, 20, 12, 1), year="2026", month="11")[0] == 2
    assert shown(at(2026, 12, 31, 23, 0))[0] == 3
    assert shown(at(2026, 12, 31, 23, 0), year="2026")[0] == 3
    count, html = shown(at(2027, 1, 2, 12, 0))
    assert count == 4
    assert shown(at(2027, 1, 2, 12, 0), year="2027")[0] == 1
    # Nothing was saved in between: the stored rows never changed.
    assert_counts_right()


@pytest.mark.django_db
@pytest.mark.parametrize("filters", [{}, {"language": "fr"}, {"crime_areas": "first"}])
def test_a_deep_page_seeks_to_the_articles_an_offset_would_find(monkeypatch, tags, filters):
    """Through the list's own path: the stored counts' slices, then the compiled cards
    (`list_cards(before=…)`) from the end of the slice found."""
    areas, _initiatives = tags
    monkeypatch.setattr(paging, "SEEK_FROM", 0)  # every page seeks
    with time_machine.travel(NOW, tick=False):
        for n in range(70):
            ArticleFactory(
                published_at=at(2023 + n % 4, 1 + n % 12, 1 + n % 28, n % 24),
                crime_areas=[areas[n % 3]],
                **({"french": True} if n % 3 == 0 else {}),
            )
        ArticleFactory(published_at=at(2026, 11, 30))  # scheduled: never on a page
        for year in (2023, 2025, 2026):  # ended: taken off their years' and months' counts
            ArticleFactory(
                published_at=at(year, 3, 3),
                unpublish_at=at(year, 4, 1),
                crime_areas=[areas[0]],
                french=True,
            )
        if filters.get("crime_areas"):
            filters = {"crime_areas": (areas[0].pk,)}
        query = NewsQuery(**filters)
        counts, seekable = listing.stored(query, timezone.now(), areas)
        expected = list(query.articles(Article.objects.published()).values_list("pk", flat=True))
        assert counts.total == len(seekable) == len(expected)
        for start in range(0, counts.total, 7):
            page = [article.pk for article in seekable[start : start + 7]]
            assert page == expected[start : start + 7], start


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["deleted", "cleared"])
@pytest.mark.parametrize("kind", ["crime area", "initiative"])
def test_a_deleted_or_cleared_tag_recounts_no_article(tags, kind, how):
    """It is taken out of the stored keys: the counts equal a rebuild's, in queries that do
    not grow with the articles it had (no count of the archive in the admin's request)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    areas, initiatives = tags
    tag = areas[0] if kind == "crime area" else initiatives[0]
    field = "crime_areas" if kind == "crime area" else "initiatives"
    with time_machine.travel(NOW, tick=False):
        for n in range(40):
            tagged = {"crime_areas": [areas[1]] if n % 3 == 0 else []}
            tagged[field] = [tag, *tagged.get(field, [])] if n % 2 else tagged.get(field, [])
            ArticleFactory(published_at=at(2000 + n % 20, 1 + n % 12, 3), **tagged)
        with CaptureQueriesContext(connection) as queries:
            if how == "deleted":
                tag.delete()
            else:
                tag.articles.clear()
        reads = [q["sql"] for q in queries if 'FROM "news_article"' in q["sql"]]
        assert reads == []  # no article read to count them
        assert_counts_right()


@pytest.mark.django_db
def test_recount_news_checks_and_rebuilds_after_writes_that_skip_python(tags, capsys):
    from django.core.management.base import CommandError
    from django.db import connection

    with time_machine.travel(NOW, tick=False):
        article = ArticleFactory(published_at=at(2015, 5, 5))
        call_command("recount_news", "--check")
        assert "right" in capsys.readouterr().out
        with connection.cursor() as cursor:  # as loaddata or a script would
            cursor.execute("UPDATE news_article SET status = 'draft' WHERE id = %s", [article.pk])
        with pytest.raises(CommandError, match="differ"):
            call_command("recount_news", "--check")
        call_command("recount_news")
        call_command("recount_news", "--check")
        assert not ArticleCount.objects.filter(count__gt=0).exists()


@pytest.mark.django_db
def test_a_change_of_dates_by_expression_recounts_the_months_it_moves_to(tags):
    from django.db.models import F

    with time_machine.travel(NOW, tick=False):
        articles = [ArticleFactory(published_at=at(2010, 1 + n, 5)) for n in range(6)]
        Article.objects.filter(pk__in=[a.pk for a in articles]).update(
            published_at=F("published_at") + datetime.timedelta(days=400)
        )
        assert_counts_right()
        assert ArticleCount.objects.filter(span="Y", period__year=2011).exists()


@pytest.mark.django_db
def test_a_batch_counts_once_at_its_end(tags):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def saving(articles, batch):
        with CaptureQueriesContext(connection) as queries, batch:
            for article in articles:
                article.status = "draft" if article.status == "published" else "published"
                article.save()
        # The counting's own queries (a save has others: the version check, the slugs…).
        return sum("news_articlecount" in query["sql"] for query in queries.captured_queries)

    with time_machine.travel(NOW, tick=False):
        articles = [ArticleFactory(published_at=at(2020, 1 + n, 5)) for n in range(10)]
        one_by_one = saving(articles, contextlib.nullcontext())
        batched = saving(articles, Recount.batch())
        assert 0 < batched <= one_by_one / 5
        assert_counts_right()


@pytest.mark.django_db
def test_deleting_a_crime_area_of_a_generated_archive_reads_no_article(seeded):
    """As at 20,000 articles (README: 0.25 s on SQLite, 0.86 s on PostgreSQL), at 2,000: the
    counts equal `recount_news --check`'s afresh after it, in the same handful of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crimes.models import CrimeArea

    call_command("generate_content", articles=2000, seed=5, verbosity=0)
    area = CrimeArea.objects.order_by("ordering").first()
    assert area.articles.count() > 700
    with CaptureQueriesContext(connection) as queries:
        area.delete()
    assert len(queries) <= 16
    assert not [q for q in queries if 'FROM "news_article"' in q["sql"]]
    assert differences() == []
    call_command("recount_news", "--check", verbosity=0)
