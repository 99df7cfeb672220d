from django.core.management.base import BaseCommand

from core.roles import ROLES, ensure_roles


class Command(BaseCommand):
    help = "Create or update the groups Editor, Translator and Publisher (idempotent)."

    def handle(self, *args, **options):
        ensure_roles()
        self.stdout.write(f"Roles up to date: {', '.join(ROLES)}.")
