"""`manage.py recount_news [--check]`: counts every published article again into the stored
counts (news/counts/), or with `--check` only compares them with a fresh count and exits with 1
when they differ. Saves, deletions and the admin keep the counts right by themselves; run it
after writes that skip Python (`loaddata`, a data migration, SQL by hand, a restored backup)."""

from django.core.management.base import BaseCommand, CommandError

from news.counts.keeping import differences, rebuild


class Command(BaseCommand):
    help = "Count the published articles again into the news counts (--check: only compare)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Compare with a fresh count; change nothing."
        )

    def handle(self, *args, check=False, **options):
        if not check:
            rebuild()
            self.stdout.write("The news counts are counted again.")
            return
        found = differences()
        for span, key, stored, counted in found[:20]:
            self.stdout.write(f"{span} {key}: stored {stored}, counted {counted}")
        if found:
            raise CommandError(f"{len(found)} stored count(s) differ: run `recount_news`.")
        self.stdout.write("The news counts are right.")
