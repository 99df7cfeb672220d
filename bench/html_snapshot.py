"""The HTML of the public pages, saved to a folder, to prove that a change of structure changes
no page byte for byte: run it before and after on the same database, then `diff -r`.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/cyberwatch_bench \\
        .venv/bin/python bench/html_snapshot.py /tmp/before
    (change the code)
    DATABASE_URL=… .venv/bin/python bench/html_snapshot.py /tmp/after
    diff -r /tmp/before /tmp/after && echo same

The clock is stopped at `--at` (ISO; by default 2026-12-01T12:00:00+00:00) so that what is
public, and every date shown, is the same in both runs. Pages are read with Django's test
client, `DEBUG` off, no cache. A database made by `generate_content --seed 1` (bench/run.py
--keep) gives the URLs below real content; an empty one gives 404s, saved all the same.
"""

import argparse
import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def urls(facts):
    area, other_area, initiative, article = facts
    return [
        "/en/",
        "/fr/",
        "/ar/",
        "/en/news/",
        "/en/news/?page=2",
        "/en/news/?page=2500",
        "/en/news/?year=2015",
        "/en/news/?year=2015&month=5",
        "/en/news/?date_after=2015-03-10&date_before=2015-06-20",
        "/en/news/?language=fr",
        f"/en/news/?category={area}",
        f"/en/news/?category={area}&category={other_area}&year=2016",
        f"/en/news/?initiative={initiative}",
        "/fr/news/?language=es&year=2020&page=3",
        "/ar/news/?year=2015",
        "/en/news/?q=botnet",
        "/fr/news/?q=r%C3%A9seau+hame%C3%A7onnage&language=fr",
        "/en/news/?month=13",
        f"/en/news/{article}/",
        f"/fr/crimes/{area}/",
        f"/en/initiatives/{initiative}/",
        "/es/advice/heartbleed-bug/",
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--at", default="2026-12-01T12:00:00+00:00")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cyberwatch.settings")
    os.environ.update(
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY", "html-snapshot-only-never-served-0123456789"),
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        CACHE_URL="dummycache://",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import datetime

    import time_machine
    from django.conf import settings
    from django.test import Client

    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    from crimes.models import CrimeArea
    from initiatives.models import Initiative
    from news.models import Article

    areas = list(CrimeArea.objects.order_by("ordering", "pk").values_list("slug", flat=True))
    facts = (
        areas[0] if areas else "none",
        areas[1] if len(areas) > 1 else "none",
        Initiative.objects.order_by("pk").values_list("slug", flat=True).first() or "none",
        Article.objects.order_by("-pk").values_list("slug", flat=True).first() or "none",
    )
    args.folder.mkdir(parents=True, exist_ok=True)
    client = Client()
    with time_machine.travel(datetime.datetime.fromisoformat(args.at), tick=False):
        for url in urls(facts):
            response = client.get(url)
            name = hashlib.sha256(url.encode()).hexdigest()[:12]
            body = f"{url}\n{response.status_code}\n".encode() + response.content
            (args.folder / f"{name}.html").write_bytes(body)
            print(response.status_code, len(response.content), url)  # the script's report


if __name__ == "__main__":
    main()
