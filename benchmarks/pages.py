"""Time the public pages in-process (Django test client, no network), on the seed content
plus N generated articles. Prints median and 95th percentile per page, and queries per page.

    .venv/bin/python benchmarks/pages.py [--articles 2000] [--repeat 30]

Uses a throw-away SQLite database unless DATABASE_URL is set (then it needs an empty database).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    database = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ.update(DEBUG="0", SECRET_KEY="benchmark-" * 5, ALLOWED_HOSTS="testserver")
    os.environ.update(SECURE_SSL_REDIRECT="0", STATIC_ROOT=str(database.parent / "static"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "cyberwatch.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from crimes.models import CrimeArea
    from news.models import Article

    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("migrate", verbosity=0)
    call_command("seed_content", verbosity=0)
    areas = list(CrimeArea.objects.all())
    first = Article.objects.order_by("published_at").first().published_at
    for number in range(args.articles):
        article = Article.objects.create(
            slug=f"generated-{number}",
            original_language="fr" if number % 3 else "en",
            title_en=f"Generated article {number}" if number % 3 == 0 else None,
            summary_en="A generated summary." if number % 3 == 0 else None,
            title_fr=f"Article généré {number}",
            summary_fr="Un résumé généré.",
            status="published",
            published_at=first.replace(year=2000 + number % 15),
        )
        article.crime_areas.set(areas[: 1 + number % 3])

    pages = [
        "/en/",
        "/en/news/",
        "/fr/news/?year=2014",
        "/en/news/?q=botnet",
        "/en/news/?category=abuse&language=fr",
        "/en/news/?page=50",
        f"/en/news/{Article.objects.published().first().slug}/",
        "/ar/crimes/attacks-on-computer-systems/",
        "/en/initiatives/",
    ]
    client = Client()
    # The report is this script's output (it is a command-line tool, not library code).
    print(f"{Article.objects.count()} articles, {args.repeat} requests a page, {connection.vendor}")
    print(f"{'page':48} {'median ms':>9} {'p95 ms':>7} {'queries':>7}")
    for url in pages:
        client.get(url)  # warm up
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(f"{url:48} {statistics.median(timings):9.1f} {p95:7.1f} {len(queries):7d}")


if __name__ == "__main__":
    main()
