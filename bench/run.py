"""Measure CyberWatch's public pages under gunicorn with wrk, against a floor (bench/README.md).

    .venv/bin/python bench/run.py [--articles 100000] [--sqlite] [--urls news] [--no-warm]
                                  [--output FILE]

Builds a fresh database (migrate, seed_content, generate_content, collectstatic), serves it with
gunicorn, runs wrk on each page, counts each page's SQL queries with Django's test client, and
prints Markdown tables: cold (no cache), then warm (Redis as the cache, in a second gunicorn),
then churn (the news list while an article is published every second). Always stops gunicorn
and drops the database (unless --keep).
"""

# Every command run here is this script's own: fixed programs and arguments, no shell.
# ruff: noqa: S603, S607

import argparse
import datetime
import http.client
import json
import math
import os
import re
import secrets
import select
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
GUNICORN = VENV_BIN / "gunicorn"
WRK = Path("/usr/bin/wrk")
POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
WORKERS = 2
DEEP_PAGE = 2500  # measured when the archive has at least DEEP_PAGE pages
# Words the generator (news/management/commands/generate_content.py) writes in titles.
ENGLISH_WORD = "botnet"
FRENCH_WORDS = "réseau hameçonnage"
GENERATED_PREFIX = "generated-"
NEWS_LIST = "/en/news/"  # the page of the churn row
CHURN_PREFIX = "bench-churn-"  # slugs of the articles the churn row publishes
REDIS_URL = "redis://127.0.0.1:6379/14"  # a database of its own: flushed before the warm pass


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Benchmark the public pages against a fixed 20 KB floor page."
    )
    parser.add_argument(
        "--articles", type=int, default=100_000, help="articles to generate (default 100000)"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk a URL")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up a URL")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--database", default="cyberwatch_bench", help="database name")
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file, not PostgreSQL")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the database if it was built with the same --articles",
    )
    parser.add_argument(
        "--urls", nargs="+", metavar="TEXT", help="only the URLs containing one of these"
    )
    parser.add_argument(
        "--warm",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="after the cold pass, the warm pass and the churn row (default: on)",
    )
    parser.add_argument(
        "--redis",
        default=REDIS_URL,
        metavar="URL",
        help=f"the warm pass's Redis database, flushed first (default {REDIS_URL})",
    )
    parser.add_argument("--output", type=Path, help="also write the results to this file")
    # Used by the script itself, in a child process that has Django set up.
    parser.add_argument("--internal", choices=["facts", "queries", "churn"], help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def say(message):
    """Progress goes to stderr; the results go to stdout."""
    print(message, file=sys.stderr, flush=True)


# Databases ---------------------------------------------------------------------------------


class PostgresDatabase:
    """A database on the local PostgreSQL server. The database's comment records what it holds,
    written once it is complete, so that --reuse never picks up a half-built one."""

    engine = "PostgreSQL"

    def __init__(self, name):
        self.name = name
        self.url = "postgres://{user}@{host}:{port}/{name}".format(**POSTGRES, name=name)

    def _server(self):
        import psycopg

        try:
            return psycopg.connect(dbname="postgres", autocommit=True, **POSTGRES)
        except psycopg.OperationalError as error:
            raise SystemExit(
                f"Cannot reach PostgreSQL at {POSTGRES['host']}:{POSTGRES['port']} "
                f"as {POSTGRES['user']}: {error}"
            ) from error

    def marker(self):
        """What the database was built with, or None if it does not exist (or is incomplete)."""
        with self._server() as connection:
            row = connection.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [self.name],
            ).fetchone()
        return row[0] if row else None

    def set_marker(self, text):
        from psycopg import sql

        with self._server() as connection:
            connection.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                    sql.Identifier(self.name), sql.Literal(text)
                )
            )

    def create(self):
        from psycopg import sql

        self.drop()
        with self._server() as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def drop(self):
        from psycopg import sql

        with self._server() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )

    def analyse(self):
        """Statistics and visibility map, as autovacuum keeps them on a server that runs."""
        import psycopg

        with psycopg.connect(dbname=self.name, autocommit=True, **POSTGRES) as connection:
            connection.execute("VACUUM ANALYZE")

    def version(self):
        with self._server() as connection:
            return "PostgreSQL " + connection.execute("SHOW server_version").fetchone()[0]

    def size(self):
        """Its size on disk, as PostgreSQL prints it (`pg_database_size`)."""
        with self._server() as connection:
            return connection.execute(
                "SELECT pg_size_pretty(pg_database_size(%s))", [self.name]
            ).fetchone()[0]


class SqliteDatabase:
    """A SQLite file in the temporary directory; the marker is a file beside it."""

    engine = "SQLite"

    def __init__(self, name):
        self.path = Path(tempfile.gettempdir()) / f"{name}.sqlite3"
        self.marker_path = self.path.with_suffix(".built")
        self.url = f"sqlite:///{self.path}"

    def marker(self):
        if self.path.exists() and self.marker_path.exists():
            return self.marker_path.read_text()
        return None

    def set_marker(self, text):
        self.marker_path.write_text(text)

    def create(self):
        self.drop()

    def drop(self):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self.marker_path.unlink(missing_ok=True)

    def analyse(self):
        with sqlite3.connect(self.path) as connection:
            connection.execute("ANALYZE")
        connection.close()

    def version(self):
        return f"SQLite {sqlite3.sqlite_version}"

    def size(self):
        """The file's size on disk, with its write-ahead log."""
        files = [Path(f"{self.path}{suffix}") for suffix in ("", "-wal")]
        return pretty_size(sum(path.stat().st_size for path in files if path.exists()))


def pretty_size(size):
    """Bytes as PostgreSQL's pg_size_pretty() writes them (powers of 1024)."""
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 10 * 1024:
            return f"{size:.0f} {unit}"
        size /= 1024
    return f"{size:.0f} TB"


# The site's environment and its management commands -----------------------------------------


def site_environment(database, scratch):
    """Production-like settings: DEBUG off, persistent connections, no cache (cold)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "CACHE_URL": "dummycache://",
        "REDIS_URL": "",
        "DATABASE_URL": database.url,
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(scratch / "static"),
        "MEDIA_ROOT": str(scratch / "media"),
    }


def warm_environment(cold, redis_url):
    """The same settings with Redis as the cache (Django's RedisCache, from REDIS_URL)."""
    return {**cold, "CACHE_URL": "", "REDIS_URL": redis_url}


def flush_redis(url):
    import redis

    try:
        redis.Redis.from_url(url).flushdb()
    except redis.RedisError as error:
        message = f"Cannot flush Redis at {url} ({error}); or run with --no-warm."
        raise SystemExit(message) from error


def manage(env, *arguments):
    """Run `manage.py <arguments>` (its output goes to stderr); returns the seconds it took."""
    started = time.monotonic()
    subprocess.run(
        [PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, check=True, stdout=sys.stderr
    )
    return time.monotonic() - started


def require_generate_content(env):
    result = subprocess.run(
        [PYTHON, "manage.py", "help", "generate_content"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(
            "`manage.py generate_content` is missing or broken, so the archive cannot be made:\n"
            + (result.stderr.strip() or result.stdout.strip())
        )


def build(database, args, env):
    """A fresh database with the seed content and the generated articles, unless --reuse finds
    one built with the same --articles. Returns the seconds generation took (None if reused)."""
    wanted = f"cyberwatch bench: --articles {args.articles} --seed 1"
    if args.reuse and database.marker() == wanted:
        say(f"Reusing {database.engine} database ({wanted}).")
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        return None
    if args.articles:
        require_generate_content(env)
    say(f"Creating a fresh {database.engine} database.")
    database.create()
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "seed_content")
    generation = 0.0
    if args.articles:
        say(f"Generating {args.articles:,} articles…")
        generation = manage(
            env, "generate_content", "--articles", str(args.articles), "--seed", "1"
        )
        say(f"Generation took {generation:.1f} s.")
    # A bulk-loaded database has no planner statistics until autovacuum runs (if it does).
    database.analyse()
    database.set_marker(wanted)
    return generation


def run_internal(env, mode, payload=None):
    """Run this script in a child process with Django set up; returns what it prints (JSON)."""
    result = subprocess.run(
        [PYTHON, __file__, "--internal", mode],
        cwd=ROOT,
        env=env,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"The {mode} step failed:\n{result.stderr}")
    return json.loads(result.stdout)


def internal_facts():
    """Counts and slugs of the database, for choosing the URLs."""
    from crimes.models import CrimeArea
    from initiatives.models import Initiative
    from news.models import Article
    from news.views import ArticleListView

    published = Article.objects.published()
    newest = published.filter(slug__startswith=GENERATED_PREFIX).first() or published.first()
    return {
        "articles": Article.objects.count(),
        "generated": Article.objects.filter(slug__startswith=GENERATED_PREFIX).count(),
        "published": published.count(),
        "per_page": ArticleListView.paginate_by,
        "article": newest.slug if newest else None,
        "crime_area": CrimeArea.objects.first().slug,
        "initiative": Initiative.objects.first().slug,
        "feed": feed_path(),
        "search": path_named("search"),
        "sitemap": path_named("sitemap_index"),
    }


def path_named(name):
    """The English path of the URL named `name`, or None while the site has none."""
    from django.urls import NoReverseMatch, reverse
    from django.utils import translation

    with translation.override("en"):
        try:
            return reverse(name)
        except NoReverseMatch:
            return None


def feed_path():
    """The English path of the site's first URL named like `feed` that takes no argument, or
    None while the site has no feed."""
    from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
    from django.utils import translation

    def names(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from names(pattern, inner)
            elif pattern.name and "feed" in pattern.name:
                yield namespace + pattern.name

    with translation.override("en"):
        for name in names(get_resolver()):
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
    return None


def internal_queries(paths):
    """`{path: [status, SQL queries]}` of each page's second GET (the first opens the
    connection and fills Django's own caches, as a worker's first request does)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for path in paths:
        client.get(path, HTTP_HOST="127.0.0.1")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, HTTP_HOST="127.0.0.1")
        counts[path] = [response.status_code, len(queries.captured_queries)]
    return counts


def internal_churn():
    """Publish a new article once a second, each through the model's `save()` (so the signals
    fire, as when an editor publishes), until a line comes on stdin. Then print the publishes,
    `[[time, slug], …]`, and once stdin closes delete the articles (signals again), so that
    the archive is as it was."""
    from crimes.models import CrimeArea
    from news.models import Article

    churned = Article.objects.filter(slug__startswith=CHURN_PREFIX)
    churned.delete()  # left by a run that was killed
    area = CrimeArea.objects.first()
    publishes = []
    print("ready", flush=True)  # to the parent (Churn), which starts measuring on this line
    try:
        while True:
            started = time.monotonic()
            slug = publish_article(len(publishes) + 1, area)
            publishes.append([time.time(), slug])
            if told_to_stop(within=1 - (time.monotonic() - started)):
                break
        print(json.dumps(publishes), flush=True)  # the parent reads the publishes from stdout
        sys.stdin.read()  # until the benchmark closes it
    finally:
        churned.delete()


def publish_article(number, area):
    """A new article, published now with a crime area, as an editor's save makes it."""
    from news.models import Article

    article = Article(
        slug=f"{CHURN_PREFIX}{number}",
        original_language="en",
        title_en=f"Police take down a botnet ({number})",
        summary_en="Published by the benchmark's churn row.",
        body_en="<p>Servers used to control infected computers were seized.</p>",
    )
    article.publish()
    article.save()
    article.crime_areas.add(area)
    return article.slug


def told_to_stop(within):
    """Whether a line (or the end) comes on stdin within `within` seconds."""
    ready, _, _ = select.select([sys.stdin], [], [], max(0.0, within))
    if ready:
        sys.stdin.readline()
    return bool(ready)


# The pages ----------------------------------------------------------------------------------


def pages(facts):
    """`(label, path)` of each URL measured, in order; the label is the readable path."""
    pages_in_archive = max(1, math.ceil(facts["published"] / facts["per_page"]))
    deep = DEEP_PAGE if pages_in_archive >= DEEP_PAGE else max(1, math.ceil(pages_in_archive / 2))
    queries = [
        {},
        {"page": deep},
        {"year": 2015},
        {"year": 2015, "month": 5},
        {"language": "fr"},
        {"category": facts["crime_area"]},
        {"q": ENGLISH_WORD},
        {"q": FRENCH_WORDS, "language": "fr"},
    ]
    paths = ["/floor/", "/en/"]
    paths += [f"/en/news/?{urllib.parse.urlencode(query)}".rstrip("?") for query in queries]
    if facts["article"]:
        paths.append(f"/en/news/{facts['article']}/")
    paths.append(f"/en/crimes/{facts['crime_area']}/")
    paths.append(f"/en/initiatives/{facts['initiative']}/")
    if facts["feed"]:
        paths.append(facts["feed"])
    if facts.get("search"):
        paths.append(f"{facts['search']}?{urllib.parse.urlencode({'q': ENGLISH_WORD})}")
    if facts.get("sitemap"):
        # The index, and the news section's second page: a full block of generated articles.
        paths += [facts["sitemap"], "/sitemap-news.xml?p=2"]
    return [(urllib.parse.unquote_plus(path), path) for path in paths]


def chosen(all_pages, filters):
    """The floor (every share is of its req/s) and the pages matching one of `filters`."""
    if not filters:
        return all_pages
    return [
        (label, path)
        for label, path in all_pages
        if path == "/floor/" or any(text in label or text in path for text in filters)
    ]


# gunicorn -----------------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_command(port):
    """The worker count is given here, whatever ./gunicorn.conf.py (read from ROOT, gunicorn's
    working directory) says, so that runs stay comparable; the rest may come from that file."""
    return [
        GUNICORN,
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
        "cyberwatch.wsgi:application",
    ]


def gunicorn_settings(env):
    """The workers, worker class and threads of the command above, as gunicorn resolves them
    (`--print-config`: the command line over gunicorn.conf.py over the defaults)."""
    printed = subprocess.run(
        [*gunicorn_command(0), "--print-config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    settings = dict(re.findall(r"^(\w+)\s+= (.*)$", printed, re.MULTILINE))
    return {name: settings.get(name, "?") for name in ("workers", "worker_class", "threads")}


def start_gunicorn(env, port, log):
    # Its own session: Ctrl-C reaches this script, which then stops gunicorn itself.
    return subprocess.Popen(
        gunicorn_command(port),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@contextmanager
def serving(env, log_path):
    """A gunicorn answering on a free port, stopped at the end: yields (its process, the port)."""
    port = free_port()
    with log_path.open("w") as log:
        server = start_gunicorn(env, port, log)
        try:
            wait_until_up(server, port, log_path)
            yield server, port
        finally:
            stop(server)


def get(port, path, timeout=30):
    """The HTTP status and body of one GET, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


def status_of(port, path, timeout=30):
    return get(port, path, timeout)[0]


def wait_until_up(server, port, log_path, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited ({server.returncode}):\n{log_path.read_text()}")
        try:
            if status_of(port, "/floor/", timeout=5) == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {seconds} s:\n{log_path.read_text()}")


def stop(server):
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def worker_rss(master_pid):
    """Resident memory in MB of each child (worker) of the gunicorn master."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue  # gone meanwhile
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == str(master_pid) and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sorted(sizes)


# wrk ----------------------------------------------------------------------------------------

TIME_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def wrk(url, seconds, args):
    threads = min(args.threads, args.connections)
    result = subprocess.run(
        [WRK, f"-t{threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()
    return float(number) * TIME_UNITS[unit]


def parse_wrk(output):
    """Requests/s, p50 and p99 in ms, and errors (non-2xx/3xx, socket errors, time-outs)."""
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", output, re.MULTILINE))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    bad_status = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        # No distribution when no request completed.
        "p50": milliseconds(percentiles["50"]) if "50" in percentiles else math.nan,
        "p99": milliseconds(percentiles["99"]) if "99" in percentiles else math.nan,
        "errors": (sum(map(int, socket_errors.groups())) if socket_errors else 0)
        + (int(bad_status.group(1)) if bad_status else 0),
    }


def measure(port, label, path, args):
    """Check the page answers 200, warm it up, then measure it."""
    url = f"http://127.0.0.1:{port}{path}"
    status = status_of(port, path)
    if status != 200:
        say(f"  {label} answers {status}, not 200")
    wrk(url, args.warmup, args)
    result = parse_wrk(wrk(url, args.duration, args))
    result["status"] = status
    result["errors"] += status != 200
    say(f"  {label}: {result['rps']:.0f} req/s, p50 {result['p50']:.1f} ms")
    return result


# Passes: a gunicorn each, cold then warm; the churn row in the warm one ----------------------


def measure_pass(env, log_path, selected, args, churn=False):
    """Every selected page on one gunicorn, then (if `churn`) the churn row on the same server,
    then each page's SQL queries: `{"rows", "rss", "churn"}`."""
    with serving(env, log_path) as (server, port):
        say(f"Measuring {len(selected)} URLs on port {port} ({log_path.stem}).")
        rows = [
            {"label": label, "path": path, **measure(port, label, path, args)}
            for label, path in selected
        ]
        churned = measure_churn(env, log_path.parent, port, args) if churn else None
        rss = worker_rss(server.pid)
    counts = run_internal(env, "queries", [path for _label, path in selected])
    for row in rows:
        row["queries"] = counts[row["path"]][1]
    return {"rows": rows, "rss": rss, "churn": churned}


class Churn:
    """The `--internal churn` process, publishing an article a second from its start until
    `stop()`; on leaving the `with`, it deletes its articles and ends."""

    def __init__(self, env, scratch):
        self.log_path = scratch / "churn.log"
        self.env = env

    def __enter__(self):
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [PYTHON, __file__, "--internal", "churn"],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        self._line()  # "ready": Django is set up, the first publish is on its way
        return self

    def _line(self):
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            raise SystemExit(f"The churn process failed:\n{self.log_path.read_text()}")
        return line

    def stop(self):
        """Stops publishing; returns the publishes, `[[time, slug], …]`."""
        try:
            self.process.stdin.write("stop\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # it has ended: _line() says why
        return json.loads(self._line())

    def __exit__(self, *exception):
        self.process.stdin.close()  # its cue to delete its articles
        try:
            self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def measure_churn(env, scratch, port, args):
    """The news list under wrk while an article is published every second (each publish makes
    every page render again); only the publishes during the measured seconds are counted. Then
    one GET checks that the list shows the last one."""
    url = f"http://127.0.0.1:{port}{NEWS_LIST}"
    say(f"  churn: {NEWS_LIST} while an article is published every second")
    with Churn(env, scratch) as churn:
        wrk(url, args.warmup, args)
        started = time.time()
        result = parse_wrk(wrk(url, args.duration, args))
        ended = time.time()
        publishes = churn.stop()
        status, body = get(port, NEWS_LIST)
    result["publishes"] = sum(started <= moment <= ended for moment, _slug in publishes)
    result["seconds"] = ended - started
    result["status"] = status
    result["errors"] += status != 200
    result["fresh"] = f"/news/{publishes[-1][1]}/" in body
    say(
        f"  churn: {result['rps']:.0f} req/s, p50 {result['p50']:.1f} ms, "
        f"{result['publishes']} publishes"
    )
    return result


# Report -------------------------------------------------------------------------------------


def markdown(header, rows):
    """A Markdown table: the first column left-aligned, the others (figures) right-aligned."""
    lines = [header, ["---", *["---:"] * (len(header) - 1)], *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def errors_cell(row):
    errors = str(row["errors"])
    if row["status"] != 200:
        errors += f" (HTTP {row['status']})"
    return errors


def table(rows):
    """The pages of one pass, each as a share of the floor's req/s in the same pass."""
    floor_rps = next((row["rps"] for row in rows if row["path"] == "/floor/"), 0)
    header = ["URL", "req/s", "p50 ms", "p99 ms", "errors", "% of floor", "SQL queries"]
    lines = []
    for row in rows:
        share = f"{100 * row['rps'] / floor_rps:.1f}" if floor_rps else "–"
        lines.append(
            [
                f"`{row['label']}`",
                f"{row['rps']:.0f}",
                f"{row['p50']:.1f}",
                f"{row['p99']:.1f}",
                errors_cell(row),
                share,
                str(row["queries"]),
            ]
        )
    return markdown(header, lines)


def medians(rows):
    timed = [row for row in rows if not math.isnan(row["p50"])] or rows
    slowest = max(timed, key=lambda row: row["p50"])
    return (
        f"Slowest median (p50): {slowest['p50']:.1f} ms (`{slowest['label']}`); "
        f"median of the medians: {statistics.median(row['p50'] for row in timed):.1f} ms."
    )


def rss_line(rss, when):
    return f"Worker RSS after the {when}: " + ", ".join(f"{size:.1f} MB" for size in rss) + "."


def churn_section(churn, cold_rows):
    cold = next((row for row in cold_rows if row["path"] == NEWS_LIST), None)
    header = ["URL", "req/s", "p50 ms", "p99 ms", "errors", "publishes", "cold req/s", "of cold"]
    row = [
        f"`{NEWS_LIST}`",
        f"{churn['rps']:.0f}",
        f"{churn['p50']:.1f}",
        f"{churn['p99']:.1f}",
        errors_cell(churn),
        str(churn["publishes"]),
        f"{cold['rps']:.0f}" if cold else "–",
        f"{100 * churn['rps'] / cold['rps']:.0f} %" if cold and cold["rps"] else "–",
    ]
    return [
        "## Churn: the news list while an article is published every second",
        "",
        markdown(header, [row]),
        "",
        f"Publishes: {churn['publishes']} in the {churn['seconds']:.1f} s measured, each a new "
        "article saved published through `Article.save()` (signals fired) by a separate "
        "process, which deletes them afterwards. After the last one, the list "
        + ("showed it." if churn["fresh"] else "**did not show it** (a stale page)."),
        "",
    ]


def machine():
    cpu = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
    memory = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE)
    return (
        f"{os.cpu_count()} CPUs ({cpu.group(1) if cpu else 'unknown model'}), "
        f"{int(memory.group(1)) / 1024**2:.1f} GiB memory"
    )


def commit():
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    return result.stdout.strip() + (" with uncommitted changes" if dirty.strip() else "")


def server_description(server):
    threads = f", {server['threads']} threads each" if server["threads"] not in ("1", "?") else ""
    return (
        f"gunicorn, {server['workers']} workers ({server['worker_class']}{threads}), "
        "DEBUG off, CONN_MAX_AGE=600"
    )


def header(args, run):
    facts, database = run["facts"], run["database"]
    when = datetime.datetime.now().astimezone().isoformat(timespec="minutes")
    generation = run["generation"]
    generated = f"{facts['generated']:,} generated" + (
        f" in {generation:.1f} s" if generation is not None else ", database reused"
    )
    return [
        "# CyberWatch benchmark",
        "",
        f"- Date: {when}; commit {commit()}",
        f"- Machine: {machine()}",
        f"- Database: {database.version()}; {facts['articles']:,} articles "
        f"({generated}; {facts['published']:,} published); {run['size']} on disk",
        f"- Server: {server_description(run['server'])}",
        f"- Load: wrk, {min(args.threads, args.connections)} threads, "
        f"{args.connections} connections, {args.duration} s a URL after a "
        f"{args.warmup} s warm-up",
        "",
    ]


def report(args, run):
    cold = run["cold"]
    lines = [
        *header(args, run),
        "## Cold: no cache (`CACHE_URL=dummycache://`)",
        "",
        table(cold["rows"]),
        "",
        medians(cold["rows"]),
        "",
        rss_line(cold["rss"], "cold pass"),
        "",
    ]
    warm = run["warm"]
    if warm:
        lines += [
            f"## Warm: Redis as the cache (`REDIS_URL={args.redis}`, flushed first), "
            "shares of this server's floor",
            "",
            table(warm["rows"]),
            "",
            medians(warm["rows"]),
            "",
            rss_line(warm["rss"], "warm pass" + (" and the churn row" if warm["churn"] else "")),
            "",
        ]
        if warm["churn"]:
            lines += churn_section(warm["churn"], cold["rows"])
        else:
            lines += [f"No churn row: `{NEWS_LIST}` was not among the URLs.", ""]
    return "\n".join(lines)


# Main ---------------------------------------------------------------------------------------


def check_tools():
    for tool, hint in [(PYTHON, "make run"), (GUNICORN, "make run"), (WRK, "apt-get install wrk")]:
        if not tool.exists():
            raise SystemExit(f"{tool} is missing (install it: {hint}).")


def benchmark(args, database, scratch):
    env = site_environment(database, scratch)
    run = {"database": database, "generation": build(database, args, env)}
    run["size"] = database.size()
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    run["facts"] = run_internal(env, "facts")
    run["server"] = gunicorn_settings(env)
    selected = chosen(pages(run["facts"]), args.urls)
    run["cold"] = measure_pass(env, scratch / "cold.log", selected, args)
    run["warm"] = None
    if args.warm:
        flush_redis(args.redis)
        churn = any(path == NEWS_LIST for _label, path in selected)
        warm_env = warm_environment(env, args.redis)
        run["warm"] = measure_pass(warm_env, scratch / "warm.log", selected, args, churn)
    return report(args, run)


def internal(mode):
    """A step run in a child process with Django set up (see run_internal and Churn)."""
    import django

    django.setup()
    if mode == "churn":
        internal_churn()
        return
    payload = json.load(sys.stdin)
    result = internal_facts() if mode == "facts" else internal_queries(payload)
    print(json.dumps(result))  # the answer run_internal() reads


def main():
    args = parse_args()
    if args.internal:
        internal(args.internal)
        return
    if args.articles < 0:
        raise SystemExit("--articles must be 0 or more.")
    check_tools()
    # A `kill` stops the run like Ctrl-C does: through the clean-up below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    database = (SqliteDatabase if args.sqlite else PostgresDatabase)(args.database)
    scratch = Path(tempfile.mkdtemp(prefix="cyberwatch-bench-"))
    try:
        results = benchmark(args, database, scratch)
    finally:
        if not args.keep:
            database.drop()
        shutil.rmtree(scratch, ignore_errors=True)
    print(results)
    if args.output:
        args.output.write_text(results)
        say(f"Written to {args.output}.")


if __name__ == "__main__":
    main()
