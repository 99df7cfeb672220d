"""Queries compiled once (core/prepared.py) give what the ORM gives, for every value
(query objects included), language and time zone, and refuse what they cannot replace; with
COMPILED_QUERIES off they are the ORM's own evaluation."""

import dataclasses
import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from core import prepared as compiled_queries
from core.prepared import Prepared, together
from crimes import public as crime_area_public
from crimes.models import Advice, CrimeArea, CrimeExample, OverviewSection
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


@pytest.fixture(autouse=True)
def compiled(settings):
    """These tests are about compiled queries, whatever COMPILED_QUERIES says in the
    environment; those of the switch turn it off themselves."""
    settings.COMPILED_QUERIES = True


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
@pytest.mark.parametrize("compiling", [True, False])
def test_the_results_are_the_orms_for_other_values_languages_and_shapes(
    articles, settings, compiling
):
    settings.COMPILED_QUERIES = compiling
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
@pytest.mark.parametrize("compiling", [True, False])
def test_the_words_filter_is_never_prepared_on_the_server(client, articles, settings, compiling):
    """Replanned queries run unprepared with COMPILED_QUERIES off too."""
    settings.COMPILED_QUERIES = compiling
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
    """A compiled query's objects are made by Django's ModelIterable from the rows of its
    cursor: each has exactly the attributes the ORM gives it, with modeltranslation's fields,
    deferred columns, annotations and images as Django has them."""
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
        assert models


@pytest.mark.django_db
def test_a_query_with_related_objects_is_made_by_django(articles):
    with_creator = Prepared(lambda: Article.objects.select_related("created_by").order_by("pk"))
    expected = Article.objects.select_related("created_by").order_by("pk")
    for _run in range(2):
        found = with_creator()
        assert made(found) == made(expected)
        # Each with its creator cached, as select_related() has it.
        cached = Article.created_by.field.is_cached
        assert [(cached(item), item.created_by) for item in found] == [
            (True, item.created_by) for item in expected
        ]


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
    pipelines = counted_pipelines(monkeypatch)
    # Each query is sent by start() and read by finish(), objects included: start() gives a
    # cursor, whose rows are read after the pipeline has sent every query.
    started = []
    start = compiled_queries._CompiledQuery.start

    def recorded_start(self, values):
        cursor = start(self, values)
        started.append((self.iterable_class, cursor))
        return cursor

    monkeypatch.setattr(compiled_queries._CompiledQuery, "start", recorded_start)
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
    assert ModelIterable in {iterable for iterable, _cursor in started}
    assert all(cursor is None or hasattr(cursor, "fetchmany") for _iterable, cursor in started)


def counted_pipelines(monkeypatch):
    """The pipelines psycopg opens from now on (none but on PostgreSQL)."""
    pipelines = []
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        raw = connection.connection
        opened = type(raw).pipeline

        def pipeline(self, *args, **kwargs):
            pipelines.append(self)
            return opened(self, *args, **kwargs)

        monkeypatch.setattr(type(raw), "pipeline", pipeline)
    return pipelines


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


# The switch: COMPILED_QUERIES.


def forget_compiled():
    if hasattr(connection, "_cyberwatch_prepared"):
        del connection._cyberwatch_prepared


def counting(build):
    """`build`, and the values it was called with, each call."""
    calls = []

    def counted(*values, **constants):
        calls.append(values)
        return build(*values, **constants)

    counted.calls = calls
    return counted


@pytest.mark.django_db
def test_with_compiled_queries_off_a_query_is_the_orms_and_nothing_is_kept(
    articles, settings, monkeypatch
):
    settings.COMPILED_QUERIES = False
    forget_compiled()
    made, areas = articles
    every = tuple(pks(made))
    now = timezone.now()
    build = counting(build_public)
    prepared = Prepared(build)
    for chosen in (every, every[:3], every[3:6]):
        expected = pks(build_public(now, list(chosen), language="fr"))
        assert pks(prepared(now, chosen, language="fr")) == expected
    # The builder is called with the real values, on every call.
    assert build.calls == [(now, every), (now, every[:3]), (now, every[3:6])]
    # Objects as the ORM makes them, prefetches included.
    with_areas = Prepared(
        lambda now: Article.objects.published(now).prefetch_related("crime_areas").order_by("pk")
    )
    found = with_areas(now)
    assert made_by_orm(found) == made_by_orm(
        Article.objects.published(now).prefetch_related("crime_areas").order_by("pk")
    )
    with CaptureQueriesContext(connection) as queries:
        assert [pks(item.crime_areas.all()) for item in found]
    assert len(queries) == 0
    # A query object: given to the builder as it is.
    query = Chosen(areas=(areas[1].pk,), language="en")
    cards = counting(chosen_cards)
    assert pks(Prepared(cards)(now, query, offset=0, stop=10)) == pks(
        chosen_cards(now, query, offset=0, stop=10)
    )
    assert cards.calls == [(now, query)]
    # together(): one call after the other, no pipeline.
    pipelines = counted_pipelines(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        results = together(
            prepared.later(now, every), crime_area_public.crime_areas.later(), with_areas.later(now)
        )
    assert pks(results[0]) == pks(build_public(now, list(every)))
    assert pks(results[1]) == pks(CrimeArea.objects.published())
    assert made_by_orm(results[2]) == made_by_orm(found)
    assert len(queries) == 4  # the third's prefetch included
    assert pipelines == []
    # Nothing compiled is kept on the connection.
    assert not hasattr(connection, "_cyberwatch_prepared")


@pytest.mark.django_db
def test_with_compiled_queries_on_a_query_is_compiled_once_and_kept(articles, settings):
    settings.COMPILED_QUERIES = True
    forget_compiled()
    made, _areas = articles
    every = tuple(pks(made))
    now = timezone.now()
    build = counting(build_public)
    prepared = Prepared(build)
    for chosen in (every, every[::-1], tuple(reversed(every))):
        assert pks(prepared(now, chosen)) == pks(build_public(now, list(chosen)))
    assert len(build.calls) == 1 and build.calls[0] != (now, every)  # with stand-ins
    assert [key[0] for key in connection._cyberwatch_prepared] == [prepared]
    together(prepared.later(now, every), crime_area_public.crime_areas.later())
    kept = [key[0] for key in connection._cyberwatch_prepared]
    assert kept == [prepared, crime_area_public.crime_areas] and len(build.calls) == 1
    # Turned off and on again: the same results, from what was kept.
    settings.COMPILED_QUERIES = False
    assert pks(prepared(now, every[:2])) == pks(build_public(now, list(every[:2])))
    settings.COMPILED_QUERIES = True
    assert pks(prepared(now, every[::-1])) == pks(build_public(now, list(every)))
    assert len(build.calls) == 2  # the ORM's call while off; compiled ones kept


def made_by_orm(objects):
    """Objects' attributes and state, and their prefetched objects' pks."""
    return [
        (
            type(obj),
            {
                name: value
                for name, value in vars(obj).items()
                if name not in ("_state", "_prefetched_objects_cache")
            },
            obj._state.db,
            {
                name: pks(prefetched)
                for name, prefetched in vars(obj).get("_prefetched_objects_cache", {}).items()
            },
        )
        for obj in objects
    ]


# Query objects.


@dataclasses.dataclass(frozen=True)
class Chosen:
    """A query object: value fields of each type, a tuple of pks, and a constant."""

    title: str | None = None
    first_pk: int | None = None
    before: datetime.datetime | None = None
    before_day: datetime.date | None = None
    areas: tuple = ()
    in_french: bool | None = None
    language: str | None = dataclasses.field(default=None, metadata={"constant": True})

    def articles(self, queryset):
        if self.title:  # "" is given as it is: part of the shape
            queryset = queryset.filter(title_en=self.title)
        if self.first_pk is not None:
            queryset = queryset.filter(pk__gte=self.first_pk)
        if self.before is not None:
            queryset = queryset.filter(published_at__lt=self.before)
        if self.before_day is not None:
            queryset = queryset.filter(published_at__date__lt=self.before_day)
        if self.areas:
            through = Article.crime_areas.through.objects
            queryset = queryset.filter(
                pk__in=through.filter(crimearea_id__in=self.areas).values("article_id")
            )
        if self.in_french is not None:
            queryset = queryset.filter(available_fr=self.in_french)
        if self.language:
            queryset = queryset.filter(**{f"available_{self.language}": True})
        return queryset


def chosen_cards(now, query, *, offset, stop):
    return query.articles(Article.objects.published(now)).order_by("pk")[offset:stop]


@pytest.mark.django_db
def test_a_query_object_gives_the_orms_results_with_one_compilation_per_shape(articles):
    made, areas = articles
    first, second = (area.pk for area in areas)
    now = timezone.now()
    days = [now - datetime.timedelta(days=n, hours=1) for n in range(5)]
    # Calls of one shape each: different values of the same types, None where None, tuples of
    # one length, the same booleans and constants.
    shapes = [
        [
            Chosen(first_pk=made[n].pk, before=days[n], before_day=days[4 - n].date())
            for n in range(4)
        ],
        [Chosen(title=made[n].title_en) for n in range(3)] + [Chosen(title="Nothing")],
        [Chosen(title="")],  # "" filters nothing (`if self.title:`)
        [Chosen(areas=(first,)), Chosen(areas=(second,))],
        [Chosen(areas=(first, second)), Chosen(areas=(second, first))],
        [Chosen(areas=(first, second, first), before=days[1])],
        [Chosen(in_french=True, areas=(first,)), Chosen(in_french=True, areas=(second,))],
        [Chosen(in_french=False, areas=(first,))],
        [Chosen(language="fr", first_pk=made[2].pk), Chosen(language="fr", first_pk=made[0].pk)],
        [Chosen(language="en", first_pk=made[2].pk)],
    ]
    build = counting(chosen_cards)
    cards = Prepared(build)
    for calls in shapes:
        for query in calls:
            for offset, stop in ((0, 20), (0, 20), (1, 3)):
                expected = pks(chosen_cards(now, query, offset=offset, stop=stop))
                assert pks(cards(now, query, offset=offset, stop=stop)) == expected, query
    assert any(pks(chosen_cards(now, query, offset=0, stop=20)) for query in shapes[3])
    # Compiled once per shape and slice (a constant), whatever the values.
    assert len(build.calls) == 2 * len(shapes)
    # The builder had stand-ins in the value fields; constants and None as they are.
    built = {query.language: query for _now, query in build.calls if query.language}
    assert built["fr"].first_pk != made[2].pk and built["fr"].title is None
    area_stand_ins = [query.areas for _now, query in build.calls if len(query.areas) == 2]
    assert area_stand_ins and all(
        set(areas).isdisjoint({first, second}) for areas in area_stand_ins
    )


@pytest.mark.django_db
def test_a_constant_field_is_compiled_apart_for_each_value(articles):
    made, _areas = articles
    now = timezone.now()
    build = counting(chosen_cards)
    cards = Prepared(build)
    for language in ("fr", "en", "fr", "es", "en"):
        for pk in pks(made)[:3]:
            query = Chosen(language=language, first_pk=pk)
            expected = pks(chosen_cards(now, query, offset=0, stop=20))
            assert pks(cards(now, query, offset=0, stop=20)) == expected
    assert [query.language for _now, query in build.calls] == ["fr", "en", "es"]


@pytest.mark.django_db
def test_query_objects_in_lists_and_together(articles):
    """Query objects as a list's items, beside plain values, and sent together."""
    made, areas = articles
    now = timezone.now()

    def either(now, queries, *, number):
        first, other = (query.articles(Article.objects.published(now)) for query in queries)
        return (first | other).order_by("pk")[:number]

    prepared = Prepared(either)
    cases = [
        [Chosen(areas=(areas[0].pk,)), Chosen(first_pk=made[4].pk)],
        [Chosen(areas=(areas[1].pk,)), Chosen(first_pk=made[1].pk)],
    ]
    results = together(*(prepared.later(now, queries, number=9) for queries in cases))
    for queries, found in zip(cases, results, strict=True):
        assert pks(found) == pks(either(now, queries, number=9))


@dataclasses.dataclass
class Unfrozen:
    pk: int


class NotAQueryObject:
    def __init__(self, pk):
        self.pk = pk


@pytest.mark.django_db
def test_an_object_that_is_not_a_frozen_dataclass_is_refused(articles):
    made, _areas = articles
    by_pk = Prepared(lambda query: Article.objects.filter(pk=query.pk))
    with pytest.raises(ImproperlyConfigured, match="NotAQueryObject"):
        by_pk(NotAQueryObject(made[0].pk))
    with pytest.raises(ImproperlyConfigured, match="frozen dataclass"):
        by_pk(Unfrozen(made[0].pk))


@pytest.mark.django_db
def test_a_query_objects_value_that_is_not_a_plain_parameter_is_refused(articles):
    contains = Prepared(lambda query: Article.objects.filter(title_en__contains=query.title))
    with pytest.raises(ImproperlyConfigured, match="transformed"):
        contains(Chosen(title="Zebra"))
    sliced = Prepared(
        lambda now, query: Article.objects.filter(published_at__lte=now)[: query.first_pk]
    )
    with pytest.raises(ImproperlyConfigured, match=r"values\[1\]\.first_pk is not a plain"):
        sliced(timezone.now(), Chosen(first_pk=3))
