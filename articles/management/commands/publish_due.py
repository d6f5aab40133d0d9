"""Run every minute (cron, systemd timer): follow up the stories that went live or expired on schedule."""

from django.core.management.base import BaseCommand

from articles import services


class Command(BaseCommand):
    help = (
        "Audit and announce (cache purge) the stories that became public or expired since the last run. "
        "Publication itself is decided at query time; this is safe to run every minute and idempotent."
    )

    def handle(self, *args, **options):
        result = services.publish_due()
        self.stdout.write(
            f"publish_due: {len(result.went_live)} went live, {len(result.expired)} expired "
            f"(since {result.since:%Y-%m-%d %H:%M:%S})."
        )
