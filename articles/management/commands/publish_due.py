"""Run every minute (cron, systemd timer), or as a loop with ``--every``: follow up the stories that went
live or expired on schedule."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from articles import services


class Command(BaseCommand):
    help = (
        "Audit and announce (cache purge) the stories that became public or expired since the last run. "
        "Publication itself is decided at query time; this is safe to run every minute and idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            metavar="SECONDS",
            help="keep running, once every SECONDS (make run uses 15: fronts purge within 15 s of a go-live)",
        )

    def handle(self, *args, every=None, **options):
        if every is not None and every <= 0:
            self.stderr.write("--every needs a number of seconds above 0")
            raise SystemExit(2)
        while True:
            result = services.publish_due()
            if result.went_live or result.expired or every is None:
                self.stdout.write(
                    f"publish_due: {len(result.went_live)} went live, {len(result.expired)} expired "
                    f"(since {result.since:%Y-%m-%d %H:%M:%S})."
                )
            if every is None:
                return
            close_old_connections()
            time.sleep(every)
