"""Queries compiled once (cyberwatch/prepared.py) give what the ORM gives, for every value,
language and time zone, and refuse what they cannot replace."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from crimes import public as crime_area_public
from crimes.models import Advice, CrimeArea, CrimeExample, OverviewSection
from cyberwatch.prepared import Prepared, _Objects, together
from initiatives import public as initiative_public
from initiatives.models import Initiative
from news import public as news_public
from news.counts import with_any_crime_area
from news.models import Article
from tests.factories import (
    AdviceFactory,
    ArticleFactory,
    CrimeAreaFactory,
    CrimeExampleFactory,
    InitiativeFactory,
)


def build_public(now, pks, *, language=None):
    queryset = Article.objects.published(now).filter(pk__in=pks)
    if language is not None:
        queryset = queryset.filter(**{f"available_{language}": True})
    return queryset.order_by("title", "pk")


public = Prepared(build_public)


@pytest.fixture
def articles(db):
    now = timezone.now()
    areas = CrimeAreaFactory.create_batch(2)
    made = [
        ArticleFactory(
            title_en=f"Zebra {n}" if n % 2 else f"Aardvark {n}",
            title_fr=f"Abeille {n}" if n % 2 else f"Zèbre {n}",
            summary_fr="Résumé.",
            published_at=now - datetime.timedelta(days=n),
            crime_areas=[areas[n % 2]],
        )
        for n in range(6)
    ]
    made.append(ArticleFactory(future=True))
    return made, areas


def pks(items):
    return [item.pk for item in items]


@pytest.mark.django_db
def test_the_results_are_the_orms_for_other_values_languages_and_shapes(articles):
    made, _areas = articles
    every = tuple(pks(made))
    cases = [
        (timezone.now(), every, None),
        (timezone.now(), every[:3], None),
        (timezone.now() - datetime.timedelta(days=3, hours=1), every, None),
        (timezone.now() + datetime.timedelta(days=2), every, "fr"),
        (timezone.now(), (), None),  # Django finds `pk__in=()` empty: no query at all
        (timezone.now(), every[1:2], "en"),
    ]
    for language in ("en", "fr"):
        with translation.override(language):  # modeltranslation orders by title_<language>
            for now, chosen, available in cases:
                expected = pks(build_public(now, list(chosen), language=available))
                assert pks(public(now, chosen, language=available)) == expected
                # Compiled, run again; a column chosen by a constant is compiled apart.
                assert pks(public(now, chosen, language=available)) == expected
    with translation.override("en"):
        english = pks(public(timezone.now(), every))
    with translation.override("fr"):
        french = pks(public(timezone.now(), every))
    assert english != french  # the order follows the language's titles


@pytest.mark.django_db
def test_a_query_is_compiled_once_and_runs_as_one_statement(articles):
    made, areas = articles
    related = Prepared(
        lambda now, pk, area_pks, *, number: with_any_crime_area(
            Article.objects.published(now).exclude(pk=pk), area_pks
        ).cards()[:number]
    )
    now = timezone.now()
    first = related(now, made[0].pk, (areas[0].pk,), number=2)
    with CaptureQueriesContext(connection) as queries:
        second = related(now, made[1].pk, (areas[1].pk,), number=2)
    assert len(queries) == 1
    expected = with_any_crime_area(
        Article.objects.published(now).exclude(pk=made[1].pk), [areas[1].pk]
    ).cards()[:2]
    assert pks(second) == pks(expected) and pks(second) != pks(first)
    assert [item.card_area_pks for item in second] == [str(areas[1].pk)] * len(second)
    # A constant (a slice's bound, written into the SQL) is part of the shape.
    assert len(related(now, made[1].pk, (areas[1].pk,), number=1)) == 1


@pytest.mark.django_db
def test_values_in_another_time_zone_compare_as_moments(articles):
    made, _areas = articles
    utc_now = timezone.now()
    paris_now = timezone.localtime(utc_now)
    with timezone.override("America/New_York"):
        assert pks(public(paris_now, tuple(pks(made)))) == pks(build_public(utc_now, pks(made)))


@pytest.mark.django_db
def test_a_value_that_is_not_a_plain_parameter_is_refused(articles):
    contains = Prepared(lambda word: Article.objects.filter(title_en__contains=word))
    with pytest.raises(ImproperlyConfigured, match="transformed"):
        contains("Zebra")
    sliced = Prepared(lambda number: Article.objects.all()[:number])
    with pytest.raises(ImproperlyConfigured, match="not a plain parameter"):
        sliced(3)
    unknown = Prepared(lambda value: Article.objects.filter(pk=value))
    with pytest.raises(ImproperlyConfigured, match="float"):
        unknown(1.5)


def server_prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@pytest.mark.django_db
def test_a_replanned_query_gives_the_orms_results_and_is_never_prepared_on_the_server(articles):
    """Words queries (news/public.py) are planned for their values on every call: psycopg
    prepares the others from their second run, and PostgreSQL may then plan them once."""
    made, _areas = articles
    every = tuple(pks(made))
    replanned = Prepared.replanned(build_public)
    now = timezone.now()
    french = pks(build_public(now, list(every), language="fr"))  # the ORM's, run once
    english = pks(build_public(now, list(every), language="en"))
    for _run in range(4):
        assert pks(replanned(now, every, language="fr")) == french
        assert pks(public(now, every, language="en")) == english
    if not prepares_on_the_server():
        return  # SQLite, or DATABASE_PREPARED=0: nothing is prepared on a server
    assert connection.connection.prepare_threshold == 2  # put back after each replanned call
    prepared = server_prepared_statements()
    # build_public's own filter (other statements read the column, they do not filter by it)
    assert any('"news_article"."available_en") ORDER BY' in statement for statement in prepared)
    assert not any('"news_article"."available_fr") ORDER BY' in statement for statement in prepared)


@pytest.mark.django_db
def test_the_words_filter_is_never_prepared_on_the_server(client, articles):
    for _run in range(3):
        assert client.get("/en/news/", {"q": "zebra"}).status_code == 200
        assert client.get("/en/news/").status_code == 200
    if not prepares_on_the_server():
        if connection.vendor == "postgresql":  # DATABASE_PREPARED=0: nothing is prepared
            assert not server_prepared_statements()
        return
    prepared = server_prepared_statements()
    assert any('"news_article"."published_at"' in statement for statement in prepared)
    assert not any("plainto_tsquery" in statement for statement in prepared)


def prepares_on_the_server():
    """PostgreSQL with server-side binding (DATABASE_PREPARED, on by default)."""
    options = connection.settings_dict.get("OPTIONS", {})
    return connection.vendor == "postgresql" and bool(options.get("server_side_binding"))


def made(objects):
    """What Django's ModelIterable would have made: each object's attributes and state."""
    return [
        (
            type(obj),
            {name: value for name, value in obj.__dict__.items() if name != "_state"},
            obj._state.adding,
            obj._state.db,
        )
        for obj in objects
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ar"])
def test_objects_are_made_with_the_attributes_django_gives_them(articles, seeded, language):
    """Prepared makes a plain query's objects without Model.__init__'s walk over every field
    (cyberwatch.prepared._Objects): each has exactly the attributes the ORM gives it, with
    modeltranslation's fields, deferred columns, annotations and images as Django has them."""
    made_articles, areas = articles
    CrimeExampleFactory(crime_area=areas[0])
    AdviceFactory(crime_areas=[areas[0]])
    InitiativeFactory(parent=InitiativeFactory())
    now = timezone.now()
    cases = [
        (
            news_public.latest_cards,
            (now,),
            {"number": 5},
            Article.objects.published(now).cards()[:5],
        ),
        (
            news_public.article,
            (now, made_articles[1].slug),
            {},
            None,
        ),
        (crime_area_public.crime_areas, (), {}, CrimeArea.objects.published()),
        (crime_area_public.examples, (), {}, CrimeExample.objects.published()),
        (crime_area_public.overview, (), {}, OverviewSection.objects.published()),
        (crime_area_public.advice, (now,), {}, Advice.objects.published(now)),
        (initiative_public.initiatives, (), {}, Initiative.objects.all()),
    ]
    with translation.override(language):
        for prepared, values, constants, expected in cases:
            found = prepared(*values, **constants)
            assert found, prepared.__name__
            if expected is None:  # the article page: its own annotations
                expected = news_public.article.build(*values, **constants)
            assert made(found) == made(expected), prepared.__name__
            # Compiled and run again: the same.
            assert made(prepared(*values, **constants)) == made(expected), prepared.__name__
        models = [
            query
            for query in connection._cyberwatch_prepared.values()
            if not query.empty and query.iterable_class is ModelIterable
        ]
        assert models and all(query.objects is not None for query in models)


@pytest.mark.django_db
def test_a_query_with_related_objects_is_made_by_django(articles):
    with_creator = Prepared(lambda: Article.objects.select_related("created_by").order_by("pk"))
    assert made(with_creator()) == made(Article.objects.select_related("created_by").order_by("pk"))
    queryset = Article.objects.select_related("created_by")
    compiler = queryset.query.get_compiler(using="default")
    compiler.as_sql()
    assert _Objects.of(queryset, compiler) is None


def failing(pk):
    return Article.objects.filter(pk=pk).filter(
        RawSQL("1 / (id - id) = 1", (), output_field=BooleanField())
    )


@pytest.mark.django_db
def test_queries_sent_together_give_what_each_gives_in_one_pipeline(articles, seeded, monkeypatch):
    """together(): the same results as each call on its own, as many queries, and on
    PostgreSQL one pipeline for all of them (psycopg's pipeline mode: one round trip)."""
    now = timezone.now()
    made, _areas = articles
    calls = [
        (crime_area_public.crime_areas, (), {}),
        (public, (now, pks(made)), {}),
        (news_public.latest_cards, (now,), {"number": 3}),
        (crime_area_public.advice, (now,), {}),
        (public, (now, []), {}),  # empty for its shape: no query
    ]
    expected = [prepared(*values, **constants) for prepared, values, constants in calls]
    pipelines = []
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        raw = connection.connection
        opened = type(raw).pipeline

        def pipeline(self, *args, **kwargs):
            pipelines.append(self)
            return opened(self, *args, **kwargs)

        monkeypatch.setattr(type(raw), "pipeline", pipeline)
    with CaptureQueriesContext(connection) as queries:
        results = together(
            *(prepared.later(*values, **constants) for prepared, values, constants in calls)
        )
    assert [[vars_of(item) for item in result] for result in results] == [
        [vars_of(item) for item in result] for result in expected
    ]
    assert any(results) and results[-1] == []
    assert len(queries) == 4
    assert len(pipelines) == (1 if connection.vendor == "postgresql" else 0)


def vars_of(item):
    if isinstance(item, tuple):
        return item
    return {key: value for key, value in vars(item).items() if key != "_state"}


@pytest.mark.django_db
def test_a_query_that_fails_among_others_raises_djangos_error_and_the_connection_goes_on(
    articles,
):
    made, _areas = articles
    broken = Prepared(failing)
    if connection.vendor != "postgresql":
        # SQLite divides by zero into NULL: the query fails nowhere and finds nothing.
        assert together(broken.later(made[0].pk)) == [[]]
        return
    with pytest.raises(DatabaseError), transaction.atomic():
        together(
            crime_area_public.crime_areas.later(),
            broken.later(made[0].pk),
            crime_area_public.advice.later(timezone.now()),
        )
    assert Article.objects.filter(pk=made[0].pk).exists()
    assert len(crime_area_public.crime_areas()) == CrimeArea.objects.count()
