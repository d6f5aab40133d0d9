"""python manage.py import_wire PATH [PATH ...] [--source CODE] [--format ...] [--language CODE]
[--publish] [--dry-run] [--watch FOLDER [--once] [--interval S] [--settle S]]

Exit status: 0 when every story was imported, 1 when any failed, 2 for bad usage."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sources.ingest.dropfolder import watch
from sources.ingest.pipeline import import_paths
from sources.ingest.store import UnknownSourceCode
from sources.wire import registered_formats


class Command(BaseCommand):
    help = "Import agency copy (plain text, NITF, NewsML-G2, ninjs, RSS, Atom) as stories and versions."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if not parser.called_from_command_line:
            # call_command: bad usage is a CommandError with the command line's status, 2.
            def error(message):
                raise CommandError(f"Error: {message}", returncode=2)

            parser.error = error  # type: ignore[method-assign]  # Django's CommandParser has no hook for the status
        return parser

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", metavar="PATH", help="a file, a folder (recursive) or - for stdin"
        )
        parser.add_argument("--source", dest="source", metavar="CODE", help="the Source's code, e.g. AFP")
        parser.add_argument("--format", dest="fmt", default="auto", choices=["auto", *registered_formats()])
        parser.add_argument("--language", metavar="CODE", help="language where the file does not say")
        parser.add_argument("--publish", action="store_true", help="publish at once (an embargo still holds)")
        parser.add_argument("--dry-run", action="store_true", help="parse and report; write nothing")
        parser.add_argument(
            "--watch",
            metavar="FOLDER",
            help="poll a drop folder; move each file to done/ or failed/ (with NAME.error.txt)",
        )
        parser.add_argument("--once", action="store_true", help="with --watch: one pass, then exit")
        parser.add_argument(
            "--interval",
            type=float,
            default=5.0,
            metavar="SECONDS",
            help="with --watch: seconds between passes (default 5)",
        )
        parser.add_argument(
            "--settle",
            type=float,
            default=2.0,
            metavar="SECONDS",
            help="with --watch: a file must be unchanged this long before it is read (default 2)",
        )

    def handle(self, *args, paths, source, fmt, language, publish, dry_run, **options):
        folder = options.get("watch")
        if folder and paths:
            raise CommandError("give PATHs or --watch FOLDER, not both", returncode=2)
        if not folder and not paths:
            raise CommandError(
                "nothing to import: give PATH (a file, a folder or -) or --watch FOLDER", returncode=2
            )
        if folder and dry_run:
            raise CommandError(
                "--dry-run cannot be used with --watch (it would move files it did not import)", returncode=2
            )
        if (options.get("once") or options.get("interval") != 5.0) and not folder:
            raise CommandError("--once and --interval go with --watch FOLDER", returncode=2)
        if options["interval"] <= 0 or options["settle"] < 0:
            raise CommandError("--interval must be positive and --settle not negative", returncode=2)
        if folder and not Path(folder).is_dir():
            raise CommandError(f"--watch {folder}: no such folder", returncode=2)

        show_progress = sys.stderr.isatty() and options.get("verbosity", 1) > 0

        def progress(index, name):
            if show_progress:
                sys.stderr.write(f"\r{index} files read … {name[-60:]:<60}")
                sys.stderr.flush()

        try:
            if folder:
                report = self._watch(
                    folder,
                    source=source,
                    fmt=fmt,
                    language=language,
                    publish=publish,
                    progress=progress,
                    show_progress=show_progress,
                    **options,
                )
            else:
                report = import_paths(
                    paths,
                    source_code=source,
                    fmt=fmt,
                    language=language,
                    publish=publish,
                    dry_run=dry_run,
                    progress=progress,
                )
        except UnknownSourceCode as exc:
            raise CommandError(str(exc), returncode=2) from None
        if show_progress:
            sys.stderr.write("\n")
        if folder and not options.get("once"):
            self.stdout.write(f"Stopped. {report.summary()}")  # each pass was reported as it happened
        else:
            self._print(report, prefix="dry run, nothing written: " if dry_run else "")
        if report.failed:
            raise CommandError(f"{report.failed} failed", returncode=1)

    def _print(self, report, prefix=""):
        for notice in report.notices:
            self.stdout.write(notice)
        for error in report.errors:
            self.stderr.write(f"error: {error}")
        self.stdout.write(prefix + report.summary())

    def _watch(self, folder, *, source, fmt, language, publish, progress, show_progress, **options):
        once = options.get("once")
        printed = {"notices": 0, "errors": 0}

        def on_pass(report):
            # While watching, say what each pass did as it happens.
            if show_progress:
                sys.stderr.write("\n")
            for notice in report.notices[printed["notices"] :]:
                self.stdout.write(notice)
            for error in report.errors[printed["errors"] :]:
                self.stderr.write(f"error: {error}")
            printed.update(notices=len(report.notices), errors=len(report.errors))
            self.stdout.write(f"so far: {report.summary()}")

        if not once:
            self.stdout.write(f"Watching {folder} every {options['interval']:g}s (Ctrl-C to stop) …")
        return watch(
            folder,
            source_code=source,
            fmt=fmt,
            language=language,
            publish=publish,
            once=once,
            interval=options["interval"],
            settle=options["settle"],
            progress=progress,
            on_pass=None if once else on_pass,
        )
