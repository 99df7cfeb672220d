"""`manage.py remove_unused_media [--dry-run] [--min-age HOURS]`: deletes the image files that
no item, revision or open review names (core/media.py). Safe to run from cron: it only
deletes what nothing names, and never a file younger than `--min-age` hours (24 by default)."""

import datetime

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from core.media import unused_files


class Command(BaseCommand):
    help = "Delete the image files that no item, revision or open review names."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List them, delete nothing.")
        parser.add_argument(
            "--min-age",
            type=float,
            default=24,
            help="Keep files younger than this many hours (default 24).",
        )

    def handle(self, *args, dry_run=False, min_age=24, **options):
        names = unused_files(datetime.timedelta(hours=min_age))
        for name in names:
            if not dry_run:
                default_storage.delete(name)
            if options["verbosity"] > 1:
                self.stdout.write(name)
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(f"{len(names)} unused file(s) {verb}.")
