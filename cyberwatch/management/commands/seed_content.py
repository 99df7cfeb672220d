"""Load the site's seed content (cyberwatch/seed/content.json) once.

Idempotent: an item whose slug (or key) is already there is left exactly as it is, so running
the command again, or after editors have changed the seeded items, changes nothing.
"""

import datetime
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import reversion
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from crimes.models import Advice, CrimeArea, CrimeExample, OverviewSection
from initiatives.models import Initiative
from news.models import Article

SEED_FILE = Path(__file__).resolve().parents[2] / "seed" / "content.json"
# The source gives days, not times: seed items are dated at noon at the organisation's seat.
SEED_TIME = datetime.time(12, 0)


def translated(field, values):
    """{"en": "…", "fr": "…"} → {"name_en": "…", "name_fr": "…"}"""
    return {f"{field}_{code}": text for code, text in values.items()}


def seed_datetime(iso_date):
    day = datetime.date.fromisoformat(iso_date)
    return datetime.datetime.combine(day, SEED_TIME, tzinfo=ZoneInfo(settings.TIME_ZONE))


class Command(BaseCommand):
    help = "Load the seed content (overview, crime areas, initiatives, advice, news) if missing."

    def handle(self, *args, **options):
        content = json.loads(SEED_FILE.read_text(encoding="utf-8"))
        self.created = 0
        self.kept = 0
        with transaction.atomic(), reversion.create_revision():
            reversion.set_comment("Seed content")
            self.load(content)
        self.stdout.write(
            f"Seed content: {self.created} item(s) created, {self.kept} already there."
        )

    def get_or_create(self, model, defaults, **lookup):
        item, created = model.objects.get_or_create(defaults=defaults, **lookup)
        if created:
            self.created += 1
        else:
            self.kept += 1
        return item, created

    def load(self, content):
        for section in content["overview"]:
            self.get_or_create(
                OverviewSection,
                key=section["key"],
                defaults={
                    "ordering": section["ordering"],
                    **translated("heading", section["heading"]),
                    **translated("body", section["body"]),
                },
            )

        crime_areas = {}
        for area in content["crime_areas"]:
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
                        crime_area=crime_area,
                        ordering=position,
                        **translated("name", example["name"]),
                    )
            crime_areas[area["slug"]] = crime_area

        initiatives = {}
        for entry in content["initiatives"]:
            initiative, _created = self.get_or_create(
                Initiative,
                slug=entry["slug"],
                defaults={
                    "acronym": entry["acronym"],
                    "parent": initiatives.get(entry["parent"]),
                    "status": entry["status"],
                    "opened_on": datetime.date.fromisoformat(entry["opened_on"]),
                    "ordering": entry["ordering"],
                    **translated("name", entry["name"]),
                    **translated("summary", entry["summary"]),
                    **translated("body", entry["body"]),
                    **translated("location", entry["location"]),
                },
            )
            initiatives[entry["slug"]] = initiative

        for entry in content["advice"]:
            advice, created = self.get_or_create(
                Advice,
                slug=entry["slug"],
                defaults={
                    "status": Advice.Status.PUBLISHED,
                    "published_at": seed_datetime(entry["published_at"]),
                    **translated("title", entry["title"]),
                    **translated("summary", entry["summary"]),
                    **translated("body", entry["body"]),
                },
            )
            if created:
                advice.crime_areas.set(crime_areas[slug] for slug in entry["crime_areas"])

        for entry in content["articles"]:
            language = entry["original_language"]
            article, created = self.get_or_create(
                Article,
                slug=entry["slug"],
                defaults={
                    "status": Article.Status.PUBLISHED,
                    "published_at": seed_datetime(entry["date"]),
                    "original_language": language,
                    f"title_{language}": entry["title"],
                    f"summary_{language}": entry["summary"],
                },
            )
            if created:
                article.crime_areas.set(crime_areas[slug] for slug in entry["crime_areas"])
                article.initiatives.set(initiatives[slug] for slug in entry["initiatives"])
