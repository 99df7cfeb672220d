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
objects are Django's own, so the results are exactly those of `list(builder(*values))`
(tests/test_prepared.py).

Keyword arguments are not values but constants of the query (a slice's bounds, a column's
name, which Django writes into the SQL): they are passed to the builder as they are.

What is part of the shape, and so compiled apart: the constants, the active language and
time zone (which
modeltranslation and date lookups write into the SQL), `None` values and booleans (`IS NULL`,
constants), the length of lists and tuples (one parameter each, as `IN (…)` has them), and
the type of each value. Only plain parameters can be replaced: a value that Django transforms
(`contains`, `iexact`…) or writes into the SQL text is refused when the query is compiled;
pass such a value as a constant instead. Django checks an integer against its column's range
when it compiles, with the stand-in: a value that comes from a visitor must already be known
to fit (a pk read from the database does). A queryset that Django finds empty for its shape
(`pk__in=[]`) gives `[]` without a query.

The compiled queries live on the database connection (one per thread), a few hundred at most.

On PostgreSQL, psycopg also prepares a statement on the server from its second run, and the
server plans it once for any values when that plan is as good as those it made for each
(settings: `plan_cache_mode=auto`). A query whose best plan depends on its values, such as the
words filter's (a word in a few articles wants the words' index, a word in half of them the
dates' one), is `@Prepared.replanned`: psycopg does not prepare it, so the server plans it for
its values on every call.
"""

import contextlib
import datetime
import functools
import inspect
import operator

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, prefetch_related_objects
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor, ImageFileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import ModelIterable, ValuesListIterable
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.db.models.sql.compiler import cursor_iter
from django.db.models.sql.constants import CURSOR, GET_ITERATOR_CHUNK_SIZE
from django.utils import timezone
from django.utils.translation import get_language
from modeltranslation.fields import TranslationFieldDescriptor

# Compiled queries kept on a connection; past this many, they are all compiled again.
MAX_COMPILED = 512

# Stand-ins: values no real query uses, each of which its parameter position betrays.
_INT_MARK = 1_987_000_000
_DATE_MARK = datetime.date(1001, 1, 1)


def _shape(value):
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (list, tuple)):
        return (type(value), tuple(_shape(item) for item in value))
    return type(value)


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
        connection, query = self._compiled(values, using, constants)
        with self._planning(connection):
            return query.run(values)

    def later(self, *values, using=DEFAULT_DB_ALIAS, **constants):
        """This call, to be run by `together()` with others."""
        return _Call(self, values, using, constants)

    def _planning(self, connection):
        """Where the query runs: unprepared when it is planned for its values on every call."""
        return _not_prepared(connection) if self.plan_each_call else contextlib.nullcontext()

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
    others (the home page's six queries: 0.35 -> 0.17 ms of the worker's time). Elsewhere, one
    after the other. A query that fails raises Django's error, as on its own; those after it
    in the pipeline are not run."""
    if not calls:
        return []
    using = calls[0].using
    connection = connections[using]
    if connection.vendor != "postgresql" or any(call.using != using for call in calls):
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
        return [query.finish(rows) for query, rows in started]


@contextlib.contextmanager
def _not_prepared(connection):
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


class _Marks:
    """The stand-ins for one call's values, and how to find them among the SQL's parameters."""

    def __init__(self, values, connection):
        self.ops = connection.ops
        self.serial = 0
        self.found = {}  # stand-in's position (value, item) -> how Django adapted it
        self.marks = [self._mark(value, index) for index, value in enumerate(values)]

    def _mark(self, value, index, item=None):
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, (list, tuple)):
            return type(value)(
                self._mark(element, index, position) for position, element in enumerate(value)
            )
        self.serial += 1
        position = (index, item)
        serial = self.serial
        if isinstance(value, str):
            mark = f"\ue000cyberwatch-prepared-{serial}\ue001"
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
            self.found.setdefault((type(form), form), (position, adapter))
        return mark

    def slot(self, param):
        """(position, adapter) when `param` is a stand-in, else None (a constant)."""
        if isinstance(param, bool):
            return None
        try:
            return self.found.get((type(param), param))
        except TypeError:  # an unhashable parameter: a constant
            return None


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
        for param in params:
            marked = isinstance(param, str) and "\ue000cyberwatch-prepared-" in param
            if marked and marks.slot(param) is None:
                raise ImproperlyConfigured(f"{name}: a value is transformed by its lookup.")
        if "cyberwatch-prepared-" in sql:
            raise ImproperlyConfigured(f"{name}: a value is written into the SQL.")
        used = {slot[0] for slot in self.slots if slot}
        for position in marks.found.values():
            if position[0] not in used:
                raise ImproperlyConfigured(
                    f"{name}: the value at {position[0]} is not a plain "
                    "parameter of its query (transformed or written into the SQL)."
                )
        self.compiler = compiler
        # The queryset's iterable asks its query for a compiler: it gets this one, which
        # answers as_sql() with the SQL made once and this call's parameters, and the
        # converters of its columns (from database values to Python's) worked out once.
        self.queryset.query.get_compiler = self._get_compiler
        # (Its one caller, results_iter(), asks for those of select[:col_count].)
        columns = [column[0] for column in compiler.select[0 : compiler.col_count]]
        converters = compiler.get_converters(columns)
        compiler.get_converters = lambda expressions: converters
        self.ops = connection.ops
        self.objects = _Objects.of(self.queryset, compiler)

    def _get_compiler(self, using=None, connection=None, elide_empty=True):
        return self.compiler

    def _params(self, values):
        params = []
        for constant, slot in zip(self.constants, self.slots, strict=True):
            if slot is None:
                params.append(constant)
                continue
            (index, item), adapter = slot
            value = values[index] if item is None else values[index][item]
            if adapter == "datetime":
                value = self.ops.adapt_datetimefield_value(value)
            elif adapter == "date":
                value = self.ops.adapt_datefield_value(value)
            params.append(value)
        return params

    def run(self, values):
        return self.finish(self.start(values))

    def start(self, values):
        """Send the query (in a pipeline, queue it): its rows to come, for finish(). Rows are
        read here only for a query whose iterable is Django's own (not objects or tuples)."""
        if self.empty:
            return []
        params = self._params(values)
        sql = self.sql
        self.compiler.as_sql = lambda *args, **kwargs: (sql, params)
        if self.objects is not None or self.iterable_class is ValuesListIterable:
            # The cursor, read in finish(): in a pipeline, reading it here would wait for this
            # query before sending the next.
            return self.compiler.execute_sql(CURSOR)
        return list(self.iterable_class(self.queryset))

    def finish(self, started):
        """The results, from what start() gave."""
        if self.empty:
            return []
        if self.objects is None and self.iterable_class is not ValuesListIterable:
            results = started
        else:
            compiler = self.compiler
            rows = cursor_iter(  # as SQLCompiler.execute_sql() reads a cursor
                started,
                compiler.connection.features.empty_fetchmany_value,
                compiler.col_count if compiler.has_extra_select else None,
                GET_ITERATOR_CHUNK_SIZE,
            )
            if self.objects is not None:
                results = self.objects(compiler, self.queryset.db, rows)
            else:  # as ValuesListIterable does
                results = list(compiler.results_iter(rows, tuple_expected=True))
        if self.prefetch and results:
            prefetch_related_objects(results, *self.prefetch)
        return results


# How Model.__init__ sets a column's value, by the class attribute (descriptor) of its name: for
# these, it lands in the object's __dict__ as it is (no related object is cached yet, and no
# earlier file is there to resize from while the object is made).
_STORED_AS_GIVEN = (
    DeferredAttribute,
    ForeignKeyDeferredAttribute,
    FileDescriptor,
    ImageFileDescriptor,
)


class _Objects:
    """The objects of a query of one model's columns and annotations, made as Django's
    ModelIterable and Model.from_db() make them, with the same values in the same attributes,
    but without Model.__init__'s walk over every field of the model and its setattr() per
    column: a news card's row cost 33 µs, 17 µs made here (20 cards, query included: 0.89 →
    0.55 ms).
    Used only when that walk would do nothing more: no related objects, no pre_init receiver,
    no __init__ or from_db() of the model's own (django-modeltranslation's wrapper aside,
    whose original-name fields keep a value as given while an object is made), and only the
    descriptors of _STORED_AS_GIVEN; post_init is sent as Model.__init__ sends it. Compared
    with the ORM's objects, attribute by attribute, in tests/test_prepared.py."""

    @classmethod
    def of(cls, queryset, compiler):
        if queryset._iterable_class is not ModelIterable or queryset._known_related_objects:
            return None
        klass_info = compiler.klass_info
        if not klass_info or klass_info.get("related_klass_infos"):
            return None
        model = klass_info["model"]
        if not _made_plainly(model):
            return None
        select_fields = klass_info["select_fields"]
        start = select_fields[0]
        names, positions = [], []
        for position, column in enumerate(compiler.select[start : select_fields[-1] + 1]):
            attname = column[0].target.attname
            descriptor = inspect.getattr_static(model, attname, None)
            if isinstance(descriptor, TranslationFieldDescriptor):
                # modeltranslation's original-name field: while an object is made, the value
                # is kept as given (and not copied to the active language's column).
                if descriptor.field.is_relation or descriptor.field.name != attname:
                    return None
                names.append(attname)
                positions.append(start + position)
                continue
            stored_by_setattr = not hasattr(type(descriptor), "__set__")  # into __dict__
            if not stored_by_setattr and type(descriptor) not in _STORED_AS_GIVEN:
                return None
            names.append(attname)
            positions.append(start + position)
        return cls(model, names, positions, compiler.annotation_col_map or {})

    def __init__(self, model, names, positions, annotations):
        self.model = model
        self.names = names
        pick = operator.itemgetter(*positions) if positions else (lambda row: ())
        self.pick = pick if len(positions) != 1 else (lambda row: (pick(row),))
        self.annotations = list(annotations.items())

    def __call__(self, compiler, db, rows):
        model, names, pick, annotations = self.model, self.names, self.pick, self.annotations
        new = model.__new__
        objects = []
        for row in compiler.results_iter(rows):
            obj = new(model)
            state = ModelState()
            state.adding = False
            state.db = db
            attributes = obj.__dict__
            attributes["_state"] = state
            attributes.update(zip(names, pick(row), strict=True))
            post_init.send(sender=model, instance=obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


def _made_plainly(model):
    if pre_init.has_listeners(model) or model.from_db.__func__ is not Model.from_db.__func__:
        return False
    for klass in model.__mro__:
        if klass is Model:
            break  # the rest are Model's own bases
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        if klass is model and init.__module__ == "modeltranslation.translator":
            continue  # modeltranslation's wrapper of Model.__init__
        return False
    return True
