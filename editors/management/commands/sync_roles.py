from django.core.management.base import BaseCommand

from editors.roles import ROLE_PERMISSIONS, sync_roles


class Command(BaseCommand):
    help = "Create the newsroom's role groups and set their permissions (idempotent)."

    def handle(self, *args, **options):
        sync_roles()
        self.stdout.write(f"Roles up to date: {', '.join(ROLE_PERMISSIONS)}.")
