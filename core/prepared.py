"""Queries the public pages run on every request, compiled by Django's ORM once, not each time.

Building a queryset and compiling it to SQL cost Django about 2–3 ms for one of the public
pages' queries on the benchmark's machine, where the database answered the same SQL in about
0.5 ms: a page of five queries spent most of its time making SQL it had made before. A
`Prepared` query keeps what the ORM made (the SQL, the compiler that knows how to turn rows
into objects) and runs it again with the new values:

    @Prepared
    def latest(now, area_pk, *, number):
        return Article.objects.published(now).filter(crime_areas=area_pk)[:number]

    latest(timezone.now(), 3, number=5)   # a list, as list(queryset) gives

The builder is called once per *shape* (below) with stand-ins for the values, and Django
compiles the queryset it returns. Where a stand-in lands among the SQL's parameters is
remembered; later calls put their own values there. The SQL text and the way rows become
objects are Django's own (its iterable, `ModelIterable` and `Model.from_db()` for objects,
reads the rows of this call), so the results are exactly those of `list(builder(*values))`,
prefetches included (tests/test_prepared.py).

Values are str, int, datetime, date, None, bool, lists and tuples of them, and query objects.
Keyword arguments are not values but constants of the query (a slice's bounds, a column's
name, which Django writes into the SQL): they are passed to the builder as they are.

Query objects. A value may be an instance of a frozen dataclass, which gathers a query's
values and says how they filter a queryset:

    @dataclasses.dataclass(frozen=True)
    class Filters:
        start: datetime.datetime | None = None
        crime_areas: tuple = ()
        language: str | None = dataclasses.field(default=None, metadata={"constant": True})

        def articles(self, queryset): ...

    @Prepared
    def cards(now, query, *, offset, stop):
        return query.articles(Article.objects.published(now))[offset:stop]

Its fields are values like any other (nested lists, tuples and query objects included): the
builder receives a copy of the object (`dataclasses.replace()`) with stand-ins in those
fields. A field whose metadata says `{"constant": True}` (a language code that becomes a
column's name) is a constant of the query instead: passed through as it is, and compiled
apart for each of its values (which are hashable).

What is part of the shape, and so compiled apart: the constants, the active language and
time zone (which modeltranslation and date lookups write into the SQL), `None` values and
booleans (`IS NULL`, constants), `""` and `0` (a builder's `if value:` sees them as they are,
and a stand-in otherwise), the length of lists and tuples (one parameter each, as `IN (…)`
has them), the type of each value, and of a query object its type and each field's shape
(a constant field's: its value). Only plain parameters can be replaced: a value that Django
transforms (`contains`, `iexact`…) or writes into the SQL text is refused when the query is
compiled; pass such a value as a constant instead. Django checks an integer against its
column's range when it compiles, with the stand-in: a value that comes from a visitor must
already be known to fit (a pk read from the database does). A queryset that Django finds
empty for its shape (`pk__in=[]`) gives `[]` without a query.

The compiled queries live on the database connection (one per thread), a few hundred at most.

On PostgreSQL, psycopg also prepares a statement on the server from its second run, and the
server plans it once for any values when that plan is as good as those it made for each
(settings: `plan_cache_mode=auto`). A query whose best plan depends on its values, such as the
words filter's (a word in a few articles wants the words' index, a word in half of them the
dates' one), is `@Prepared.replanned`: psycopg does not prepare it, so the server plans it for
its values on every call.

The switch. With the setting `COMPILED_QUERIES` off (`COMPILED_QUERIES=0` in the environment;
read on every call), a `Prepared` query is plain ORM evaluation: the builder is called with
the real values and constants and its queryset evaluated (`list(queryset)`) on every call,
nothing is kept on the connection, and `together()` runs its calls one after the other. A
replanned query is still run unprepared.

Django internals. What the module relies on beyond Django's documented API (Django 5.2,
psycopg 3.3). Should a point release change one of them, run with `COMPILED_QUERIES=0`: the
ORM's own evaluation uses none of them but the last.
- `QuerySet._iterable_class` (made as `iterable_class(queryset)`, as `QuerySet._fetch_all()`
  does) and `QuerySet._prefetch_related_lookups`, read once when a query is compiled;
- `Query.get_compiler()`, replaced on the compiled queryset's query to give the compiler made
  once; and that Django's iterables (`ModelIterable`, `ValuesListIterable`…) take their
  compiler from it, their rows from its `execute_sql()` (through `results_iter()`) and their
  columns from what its `as_sql()` left on it (`select`, `klass_info`, `annotation_col_map`);
- `SQLCompiler.as_sql()` (called once, then replaced on that compiler by the SQL made once
  and the call's parameters), `execute_sql(CURSOR)` (and replaced, for one iterable's call,
  by the rows read), `get_converters()` (worked out once, for `select[:col_count]` as its one
  caller `results_iter()` asks), `select`, `col_count`, `has_extra_select`, `connection`;
- `django.db.models.sql.compiler.cursor_iter`, `django.db.models.sql.constants.CURSOR` and
  `GET_ITERATOR_CHUNK_SIZE`, and `connection.features.empty_fetchmany_value`, to read a
  cursor as `execute_sql()` does;
- `connection.ops.adapt_datetimefield_value()` / `adapt_datefield_value()`, to find the
  stand-ins among the parameters and adapt the values as Django does;
- psycopg's `Connection.pipeline()` (`together()`), on Django's `connection.connection`
  after `close_if_health_check_failed()` and `ensure_connection()`, inside
  `wrap_database_errors`;
- psycopg's `prepare_threshold`, set to None on that connection while a replanned query runs
  (with the switch off too).
No modeltranslation internal is used. (Python's `__dataclass_params__.frozen` tells a frozen
dataclass.)
"""

import contextlib
import dataclasses
import datetime
import functools

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import prefetch_related_objects
from django.db.models.sql.compiler import cursor_iter
from django.db.models.sql.constants import CURSOR, GET_ITERATOR_CHUNK_SIZE
from django.utils import timezone
from django.utils.translation import get_language

# Compiled queries kept on a connection; past this many, they are all compiled again.
MAX_COMPILED = 512

# Stand-ins: values no real query uses, each of which its parameter position betrays.
_INT_MARK = 1_987_000_000
_DATE_MARK = datetime.date(1001, 1, 1)
_STR_NAME = "cyberwatch-prepared-"
_STR_MARK = f"\ue000{_STR_NAME}"


@functools.cache
def _query_object_fields(kind):
    """A query object type's fields as (name, is a constant) pairs; None for another type."""
    if not dataclasses.is_dataclass(kind):
        return None
    if not kind.__dataclass_params__.frozen:
        raise ImproperlyConfigured(
            f"Prepared queries take no {kind.__name__} value: a query object is a frozen dataclass."
        )
    return tuple(
        (field.name, bool(field.metadata.get("constant"))) for field in dataclasses.fields(kind)
    )


def _as_is(value):
    """Whether a value is passed to the builder as it is (and is its own shape)."""
    if value is None or isinstance(value, bool):
        return True
    return isinstance(value, (str, int)) and not value  # "" and 0: an `if value:` sees them


def _shape(value):
    if _as_is(value):
        return (type(value), value)  # (int, 0) is not False
    if isinstance(value, (list, tuple)):
        return (type(value), tuple(_shape(item) for item in value))
    fields = _query_object_fields(type(value))
    if fields is None:
        return type(value)
    return (
        type(value),
        tuple(
            getattr(value, name) if constant else _shape(getattr(value, name))
            for name, constant in fields
        ),
    )


def _compiling():
    """Whether Prepared queries are compiled (the COMPILED_QUERIES setting, read each time)."""
    return settings.COMPILED_QUERIES


class Prepared:
    """A query compiled once per shape (see the module's docstring); calling it with values
    gives the list of its results."""

    def __init__(self, build, *, replanned=False):
        self.build = build
        self.plan_each_call = replanned
        functools.update_wrapper(self, build)

    @classmethod
    def replanned(cls, build):
        """A Prepared query that PostgreSQL plans for its values on every call."""
        return cls(build, replanned=True)

    def __call__(self, *values, using=DEFAULT_DB_ALIAS, **constants):
        if not _compiling():  # the ORM's own evaluation
            with self._planning(connections[using]):
                return list(self.build(*values, **constants).using(using))
        connection, query = self._compiled(values, using, constants)
        with self._planning(connection):
            return query.run(values)

    def later(self, *values, using=DEFAULT_DB_ALIAS, **constants):
        """This call, to be run by `together()` with others."""
        return _Call(self, values, using, constants)

    def _planning(self, connection):
        """Where the query runs: unprepared when it is planned for its values on every call."""
        return not_prepared(connection) if self.plan_each_call else contextlib.nullcontext()

    def _compiled(self, values, using, constants):
        connection = connections[using]
        key = (
            self,
            tuple(_shape(value) for value in values),
            tuple(sorted(constants.items())),
            get_language(),
            timezone.get_current_timezone_name(),
        )
        compiled = getattr(connection, "_cyberwatch_prepared", None)
        if compiled is None:
            compiled = connection._cyberwatch_prepared = {}
        query = compiled.get(key)
        if query is None:
            if len(compiled) >= MAX_COMPILED:
                compiled.clear()
            query = compiled[key] = _CompiledQuery(
                functools.partial(self.build, **constants), values, connection, using
            )
        return connection, query


class _Call:
    """A Prepared query's call, waiting for `together()`."""

    def __init__(self, prepared, values, using, constants):
        self.prepared, self.values, self.using, self.constants = prepared, values, using, constants

    def __call__(self):
        return self.prepared(*self.values, using=self.using, **self.constants)


def together(*calls):
    """The results of `Prepared.later()` calls, as each call would give them, with their
    queries sent to the database at once and their results read after, where it can (psycopg's
    pipeline mode, on PostgreSQL): one round trip instead of one per query. A query costs the
    site about 60 µs of psycopg and system calls, and a wait, on its own; half of that with the
    others (the home page's six queries: 0.35 -> 0.17 ms of the worker's time). Elsewhere, and
    with COMPILED_QUERIES off, one after the other. A query that fails raises Django's error,
    as on its own; those after it in the pipeline are not run."""
    if not calls:
        return []
    using = calls[0].using
    connection = connections[using]
    if (
        not _compiling()
        or connection.vendor != "postgresql"
        or any(call.using != using for call in calls)
    ):
        return [call() for call in calls]
    started = []
    with connection.wrap_database_errors:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        raw = connection.connection
        with raw.pipeline():
            for call in calls:
                _connection, query = call.prepared._compiled(call.values, using, call.constants)
                with call.prepared._planning(connection):
                    started.append((query, query.start(call.values)))
        return [query.finish(cursor) for query, cursor in started]


@contextlib.contextmanager
def not_prepared(connection):
    """psycopg prepares no statement meanwhile: the server plans each for its values."""
    if connection.vendor != "postgresql":
        yield
        return
    # The connection the query will use: after Django's health check, which may replace it.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    threshold = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = threshold


def _described(path):
    """A stand-in's path as Python would reach it from the values: `values[2].crime_areas[0]`."""
    index, *steps = path
    return f"values[{index}]" + "".join(
        f".{step}" if isinstance(step, str) else f"[{step}]" for step in steps
    )


def _resolved(values, path):
    """The value at `path` (sequence indexes and attribute names) among a call's values."""
    value = values
    for step in path:
        value = getattr(value, step) if isinstance(step, str) else value[step]
    return value


class _Marks:
    """The stand-ins for one call's values, and how to find them among the SQL's parameters."""

    def __init__(self, values, connection):
        self.ops = connection.ops
        self.serial = 0
        self.found = {}  # stand-in as Django passes it -> (its path in the values, adapter)
        self.marks = [self._mark(value, (index,)) for index, value in enumerate(values)]

    def _mark(self, value, path):
        """`value` with stand-ins in place of its values; `path`: where it is."""
        if _as_is(value):
            return value
        if isinstance(value, (list, tuple)):
            return type(value)(
                self._mark(item, (*path, position)) for position, item in enumerate(value)
            )
        fields = _query_object_fields(type(value))
        if fields is not None:
            return dataclasses.replace(
                value,
                **{
                    name: self._mark(getattr(value, name), (*path, name))
                    for name, constant in fields
                    if not constant
                },
            )
        return self._stand_in(value, path)

    def _stand_in(self, value, path):
        self.serial += 1
        serial = self.serial
        if isinstance(value, str):
            mark = f"{_STR_MARK}{serial}\ue001"
            forms = [(mark, None)]
        elif isinstance(value, int):
            mark = _INT_MARK + serial
            forms = [(mark, None)]
        elif isinstance(value, datetime.datetime):
            mark = datetime.datetime(1001, 1, 1, 1, 1, 1, serial, tzinfo=value.tzinfo)
            forms = [(mark, None), (self.ops.adapt_datetimefield_value(mark), "datetime")]
        elif isinstance(value, datetime.date):
            mark = _DATE_MARK + datetime.timedelta(days=serial)
            forms = [(mark, None), (self.ops.adapt_datefield_value(mark), "date")]
        else:
            raise ImproperlyConfigured(f"Prepared queries take no {type(value).__name__} value.")
        for form, adapter in forms:
            self.found.setdefault((type(form), form), (path, adapter))
        return mark

    def slot(self, param):
        """(path, adapter) when `param` is a stand-in, else None (a constant)."""
        if isinstance(param, bool):
            return None
        try:
            return self.found.get((type(param), param))
        except TypeError:  # an unhashable parameter: a constant
            return None

    def check(self, name, sql, params, slots):
        """Refuse a query where a value is not a plain parameter (the stand-in is transformed,
        written into the SQL, or nowhere)."""
        for param, slot in zip(params, slots, strict=True):
            if slot is None and isinstance(param, str) and _STR_MARK in param:
                raise ImproperlyConfigured(f"{name}: a value is transformed by its lookup.")
        if _STR_NAME in sql:
            raise ImproperlyConfigured(f"{name}: a value is written into the SQL.")
        used = {slot[0] for slot in slots if slot}
        for path, _adapter in self.found.values():
            if path not in used:
                raise ImproperlyConfigured(
                    f"{name}: the value {_described(path)} is not a plain parameter of its "
                    "query (transformed or written into the SQL)."
                )


class _CompiledQuery:
    def __init__(self, build, values, connection, using):
        name = getattr(build, "__qualname__", None) or build.func.__qualname__
        marks = _Marks(values, connection)
        queryset = build(*marks.marks)
        self.iterable_class = queryset._iterable_class
        self.prefetch = queryset._prefetch_related_lookups
        self.queryset = queryset.using(using)
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            self.empty = True
            return
        self.empty = False
        self.sql = sql
        self.slots = [marks.slot(param) for param in params]
        self.constants = list(params)
        marks.check(name, sql, params, self.slots)
        self.compiler = compiler
        self.ops = connection.ops
        # The queryset's iterable asks its query for a compiler: it gets this one, which
        # answers as_sql() with the SQL made once and this call's parameters, execute_sql()
        # with the rows read by finish(), and the converters of its columns (from database
        # values to Python's) worked out once.
        self.queryset.query.get_compiler = self._get_compiler
        # (Their one caller, results_iter(), asks for those of select[:col_count].)
        columns = [column[0] for column in compiler.select[0 : compiler.col_count]]
        converters = compiler.get_converters(columns)
        compiler.get_converters = lambda expressions: converters

    def _get_compiler(self, using=None, connection=None, elide_empty=True):
        return self.compiler

    def _params(self, values):
        params = []
        for constant, slot in zip(self.constants, self.slots, strict=True):
            if slot is None:
                params.append(constant)
                continue
            path, adapter = slot
            value = _resolved(values, path)
            if adapter == "datetime":
                value = self.ops.adapt_datetimefield_value(value)
            elif adapter == "date":
                value = self.ops.adapt_datefield_value(value)
            params.append(value)
        return params

    def run(self, values):
        return self.finish(self.start(values))

    def start(self, values):
        """Send the query (in a pipeline, queue it): its cursor, read by finish(). In a
        pipeline, reading it here would wait for this query before sending the next."""
        if self.empty:
            return None
        params = self._params(values)
        sql = self.sql
        self.compiler.as_sql = lambda *args, **kwargs: (sql, params)
        return self.compiler.execute_sql(CURSOR)

    def finish(self, cursor):
        """The results, from the cursor start() gave: made by Django's iterable, as
        list(queryset) makes them."""
        if self.empty:
            return []
        compiler = self.compiler
        rows = list(
            cursor_iter(  # as SQLCompiler.execute_sql() reads a cursor
                cursor,
                compiler.connection.features.empty_fetchmany_value,
                compiler.col_count if compiler.has_extra_select else None,
                GET_ITERATOR_CHUNK_SIZE,
            )
        )
        # The iterable asks the compiler for its rows (execute_sql()): for this one call,
        # those read here.
        compiler.execute_sql = lambda *args, **kwargs: rows
        try:
            results = list(self.iterable_class(self.queryset))
        finally:
            del compiler.execute_sql
        if self.prefetch and results:
            prefetch_related_objects(results, *self.prefetch)
        return results
