"""Load the site's seed content (cyberwatch/seed/content.json) once.

Idempotent: an item whose slug (or key) is already there is left exactly as it is, so running
the command again, or after editors have changed the seeded items, changes nothing. Each item
it makes is a revision of its own (django-reversion): rolling one back restores it alone.
A correction of the seed reaches a database seeded before it through a data migration, which
changes only what is still exactly as seeded (news 0017, initiatives 0005).

The news items are what the source gives: a dated headline in its original language, nothing
more (SPEC §3, §8); a headline alone makes an article available in its language.
"""

import datetime
import json
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import reversion
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from core.history import comment
from crimes.models import Advice, CrimeArea, CrimeExample, OverviewSection
from initiatives.models import Initiative
from news.counts import Recount
from news.models import Article

SEED_FILE = Path(__file__).resolve().parents[2] / "seed" / "content.json"
# The source gives days, not times: seed items are dated at noon at the organisation's seat.
SEED_TIME = datetime.time(12, 0)
# The source lists its news newest first. Items of one day keep its order on the site (newest
# first, by time): each after the first of its day is dated this much earlier than the one
# above it.
SAME_DAY_STEP = datetime.timedelta(minutes=1)


def translated(field, values):
    """{"en": "…", "fr": "…"} → {"name_en": "…", "name_fr": "…"}"""
    return {f"{field}_{code}": text for code, text in values.items()}


def seed_datetime(iso_date, position=0):
    """Noon of the day, less a step for each item of that day the source lists before it."""
    day = datetime.date.fromisoformat(iso_date)
    noon = datetime.datetime.combine(day, SEED_TIME, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return noon - position * SAME_DAY_STEP


def positions_in_day(entries):
    """For each news item of the source, in its order, how many items of the same day it lists
    before it."""
    seen = Counter()
    positions = []
    for entry in entries:
        positions.append(seen[entry["date"]])
        seen[entry["date"]] += 1
    return positions


class Command(BaseCommand):
    help = "Load the seed content (overview, crime areas, initiatives, advice, news) if missing."

    def handle(self, *args, **options):
        content = json.loads(SEED_FILE.read_text(encoding="utf-8"))
        self.created = 0
        self.kept = 0
        # One count of the articles at the end (news/counts/), not one an article.
        with transaction.atomic(), Recount.batch():
            self.load(content)
        self.stdout.write(
            f"Seed content: {self.created} item(s) created, {self.kept} already there."
        )

    @contextmanager
    def revision(self):
        """One item, with its examples or topics: one revision."""
        with reversion.create_revision():
            reversion.set_comment(comment({"seed": {}}))
            yield

    def get_or_create(self, model, defaults, **lookup):
        item, created = model.objects.get_or_create(defaults=defaults, **lookup)
        if created:
            self.created += 1
        else:
            self.kept += 1
        return item, created

    def load(self, content):
        for section in content["overview"]:
            with self.revision():
                self.load_section(section)

        crime_areas = {}
        for area in content["crime_areas"]:
            with self.revision():
                crime_areas[area["slug"]] = self.load_crime_area(area)

        initiatives = {}
        for entry in content["initiatives"]:
            with self.revision():
                initiatives[entry["slug"]] = self.load_initiative(entry, initiatives)

        for entry in content["advice"]:
            with self.revision():
                self.load_advice(entry, crime_areas)

        articles = content["articles"]
        for entry, position in zip(articles, positions_in_day(articles), strict=True):
            with self.revision():
                self.load_article(entry, position, crime_areas, initiatives)

    def load_section(self, section):
        self.get_or_create(
            OverviewSection,
            key=section["key"],
            defaults={
                "ordering": section["ordering"],
                **translated("heading", section["heading"]),
                **translated("body", section["body"]),
            },
        )

    def load_crime_area(self, area):
        crime_area, created = self.get_or_create(
            CrimeArea,
            slug=area["slug"],
            defaults={
                "ordering": area["ordering"],
                **translated("name", area["name"]),
                **translated("summary", area["summary"]),
                **translated("body", area["body"]),
            },
        )
        if created:
            for position, example in enumerate(area["examples"], start=1):
                CrimeExample.objects.create(
                    crime_area=crime_area, ordering=position, **translated("name", example["name"])
                )
        return crime_area

    def load_initiative(self, entry, initiatives):
        initiative, _created = self.get_or_create(
            Initiative,
            slug=entry["slug"],
            defaults={
                "acronym": entry["acronym"],
                "parent": initiatives.get(entry["parent"]),
                "status": entry["status"],
                "opened_on": entry["opened_on"] and datetime.date.fromisoformat(entry["opened_on"]),
                "ordering": entry["ordering"],
                **translated("name", entry["name"]),
                **translated("summary", entry["summary"]),
                **translated("body", entry["body"]),
                **translated("location", entry["location"]),
            },
        )
        return initiative

    def load_advice(self, entry, crime_areas):
        advice, created = self.get_or_create(
            Advice,
            slug=entry["slug"],
            defaults={
                "status": Advice.Status.PUBLISHED,
                "published_at": seed_datetime(entry["published_at"]),
                "published_at_chosen": True,
                **translated("title", entry["title"]),
                **translated("summary", entry["summary"]),
                **translated("body", entry["body"]),
            },
        )
        if created:
            advice.crime_areas.set(crime_areas[slug] for slug in entry["crime_areas"])

    def load_article(self, entry, position, crime_areas, initiatives):
        """A headline, its date and its language; the crime areas and initiatives it is filed
        under, to be found by them."""
        language = entry["original_language"]
        article, created = self.get_or_create(
            Article,
            slug=entry["slug"],
            defaults={
                "status": Article.Status.PUBLISHED,
                "published_at": seed_datetime(entry["date"], position),
                "published_at_chosen": True,
                "original_language": language,
                f"title_{language}": entry["title"],
            },
        )
        if created:
            article.crime_areas.set(crime_areas[slug] for slug in entry["crime_areas"])
            article.initiatives.set(initiatives[slug] for slug in entry["initiatives"])
