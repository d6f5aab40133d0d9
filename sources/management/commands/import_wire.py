"""python manage.py import_wire PATH [PATH ...] [--source CODE] [--format ...] [--language CODE]
[--publish] [--dry-run]"""

import sys

from django.core.management.base import BaseCommand, CommandError

from sources.importer import import_paths
from sources.wire import registered_formats


class Command(BaseCommand):
    help = "Import agency copy (plain text, NITF, NewsML-G2, ninjs, RSS, Atom) as stories and versions."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a file, a folder (recursive) or - for stdin")
        parser.add_argument("--source", dest="source", metavar="CODE", help="the Source's code, e.g. AFP")
        parser.add_argument("--format", dest="fmt", default="auto", choices=["auto", *registered_formats()])
        parser.add_argument("--language", metavar="CODE", help="language where the file does not say")
        parser.add_argument("--publish", action="store_true", help="publish at once (an embargo still holds)")
        parser.add_argument("--dry-run", action="store_true", help="parse and report; write nothing")

    def handle(self, *args, paths, source, fmt, language, publish, dry_run, **options):
        show_progress = sys.stderr.isatty() and options.get("verbosity", 1) > 0

        def progress(index, name):
            if show_progress:
                sys.stderr.write(f"\r{index} files read … {name[-60:]:<60}")
                sys.stderr.flush()

        from sources.services import UnknownSourceCode

        try:
            report = import_paths(
                paths, source_code=source, fmt=fmt, language=language, publish=publish, dry_run=dry_run,
                progress=progress,
            )
        except UnknownSourceCode as exc:
            raise CommandError(str(exc), returncode=2) from None
        if show_progress:
            sys.stderr.write("\n")
        for notice in report.notices:
            self.stdout.write(notice)
        for error in report.errors:
            self.stderr.write(f"error: {error}")
        prefix = "dry run, nothing written: " if dry_run else ""
        self.stdout.write(prefix + report.summary())
        if report.failed:
            raise CommandError(f"{report.failed} failed", returncode=1)
