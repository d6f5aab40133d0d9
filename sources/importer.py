"""Reading files for ``import_wire``: paths, folders, standard input; one report for the run."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from sources import services
from sources.wire import ParseError, parse_bytes

OUTCOMES = ("created", "updated", "unchanged", "waiting", "withdrawn", "stale", "failed")


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    results: list[services.ImportResult] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    def summary(self) -> str:
        main = ", ".join(f"{name} {self.counts[name]}" for name in ("created", "updated", "unchanged", "failed"))
        extra = ", ".join(f"{n} {self.counts[n]}" for n in ("waiting", "withdrawn", "stale") if self.counts[n])
        return f"{main}; {extra}" if extra else main


def iter_inputs(paths: list[str]) -> Iterator[tuple[str, bytes | Exception]]:
    """(name, bytes or the error reading it) for each file; folders recursively, '-' is standard input."""
    limit = settings.WIRE_MAX_FILE_BYTES
    for raw in paths:
        if raw == "-":
            data = sys.stdin.buffer.read(limit + 1)
            yield "<stdin>", data if len(data) <= limit else ParseError(f"larger than {limit} bytes")
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not any(
                part.startswith(".") for part in p.relative_to(path).parts))
        elif path.exists():
            files = [path]
        else:
            yield raw, ParseError("no such file or folder")
            continue
        for file in files:
            try:
                size = file.stat().st_size
                if size > limit:
                    yield str(file), ParseError(f"{size} bytes, larger than the limit of {limit}")
                    continue
                yield str(file), file.read_bytes()
            except OSError as exc:
                yield str(file), ParseError(f"cannot read: {exc.strerror}")


def import_paths(
    paths: list[str],
    *,
    source_code: str | None = None,
    fmt: str = "auto",
    language: str | None = None,
    publish: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, str], None] | None = None,
) -> Report:
    """Each story is its own transaction; a dry run wraps the whole run in one and rolls it back."""
    report = Report()
    with transaction.atomic() if dry_run else _no_transaction():
        source = resolve_source(source_code, language=language, report=report)
        for index, (name, data) in enumerate(iter_inputs(paths), start=1):
            if progress:
                progress(index, name)
            import_file(name, data, source=source, fmt=fmt, language=language, publish=publish, report=report)
        if dry_run:
            transaction.set_rollback(True)
    return report


class _no_transaction:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def resolve_source(source_code, *, language, report: Report):
    if not source_code:
        return None
    source, created = services.get_or_create_source(source_code, language=language or "en")
    if created:
        report.notices.append(f"Created source {source.code} (a new source code).")
    return source


def import_file(name, data, *, source, fmt, language, publish, report: Report) -> None:
    if isinstance(data, Exception):
        report.counts["failed"] += 1
        report.errors.append(f"{name}: {data}")
        return
    try:
        found_format, stories = parse_bytes(data, fmt=fmt, filename=name)
    except ParseError as exc:
        report.counts["failed"] += 1
        report.errors.append(f"{name}: {exc}")
        return
    # First pass: each story's source, identity and checksum, so that one query finds the stories
    # already received with this very content (a re-import costs no transaction for them).
    sources: dict[str, object] = {}
    prepared: list = []
    for story in stories:
        if isinstance(story, ParseError):
            prepared.append((story, None, None))
            continue
        try:
            story_source = source
            if story_source is None:
                if not story.source_code:
                    raise ParseError("the file names no agency: pass --source CODE", field="source")
                code = story.source_code.casefold()
                if code not in sources:
                    found, created = services.get_or_create_source(story.source_code, language=language or "en")
                    if created:
                        report.notices.append(f"Created source {found.code} (named in {name}).")
                    sources[code] = found
                story_source = sources[code]
            prepared.append((story, story_source, (story_source.pk, story.identity_key(), story.checksum())))
        except (ParseError, services.UnknownSourceCode) as exc:
            prepared.append((story, exc, None))
    known = services.unchanged_items({key for _, _, key in prepared if key})

    whole = None
    for story, story_source, key in prepared:
        if isinstance(story, ParseError) or isinstance(story_source, Exception):
            report.counts["failed"] += 1
            report.errors.append(f"{name}: {story if isinstance(story, ParseError) else story_source}")
            continue
        if key in known:
            report.counts["unchanged"] += 1
            report.results.append(services.ImportResult("unchanged", None, known[key]))
            continue
        try:
            raw = story.raw
            if not raw:  # a file of one story is kept whole
                whole = whole if whole is not None else data.decode("utf-8-sig", errors="replace")
                raw = whole
            with transaction.atomic():
                result = services.import_story(
                    story, source=story_source, fmt=found_format, raw=raw, filename=name,
                    publish=publish, language=language, checksum=key[2],
                )
        except ParseError as exc:
            report.counts["failed"] += 1
            report.errors.append(f"{name}: {exc}")
            continue
        except ValidationError as exc:
            report.counts["failed"] += 1
            report.errors.append(f"{name}: story {story.headline[:60]!r}: {'; '.join(exc.messages)}")
            continue
        except DatabaseError as exc:
            report.counts["failed"] += 1
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            report.errors.append(f"{name}: story {story.headline[:60]!r}: not stored: {first}")
            continue
        report.results.append(result)
        if result.outcome == "conflict":
            # Stored (nothing received is lost), but not applied: a failure for the run.
            report.counts["failed"] += 1
            report.errors.append(f"{name}: " + str(ParseError(result.message, field="version", line=story.line,
                                                                story=story.headline[:60])))
            continue
        report.counts[result.outcome] += 1


# --- The drop folder ------------------------------------------------------------------------------

DONE, FAILED = "done", "failed"
IGNORED_SUFFIXES = (".part", ".tmp", ".filepart", ".error.txt")


def pending_files(folder: Path, *, settle: float) -> list[Path]:
    """Files waiting in the drop folder (not in done/ or failed/, not hidden, not still being
    written: unchanged for ``settle`` seconds), oldest first."""
    now = time.time()
    found = []
    for path in folder.iterdir():
        if not path.is_file() or path.name.startswith(".") or path.name.endswith(IGNORED_SUFFIXES):
            continue
        try:
            stat = path.stat()
        except OSError:
            continue
        if now - stat.st_mtime >= settle:
            found.append((stat.st_mtime, path.name, path))
    return [p for _, _, p in sorted(found)]


def _move(path: Path, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    if target.exists():
        stem = time.strftime("%Y%m%dT%H%M%S")
        target = folder / f"{path.stem}.{stem}-{os.getpid()}{path.suffix}"
    shutil.move(str(path), target)
    return target


def watch_pass(folder: Path, *, source, fmt, language, publish, settle: float, report: Report,
               progress: Callable[[int, str], None] | None = None) -> int:
    """Import every file waiting in ``folder`` once; move each to done/ or failed/. Returns how many."""
    files = pending_files(folder, settle=settle)
    for index, path in enumerate(files, start=1):
        if progress:
            progress(index, str(path))
        one = Report()
        try:
            size = path.stat().st_size
            limit = settings.WIRE_MAX_FILE_BYTES
            data = ParseError(f"{size} bytes, larger than the limit of {limit}") if size > limit else path.read_bytes()
        except OSError as exc:
            data = ParseError(f"cannot read: {exc.strerror}")
        import_file(str(path), data, source=source, fmt=fmt, language=language, publish=publish, report=one)
        report.counts.update(one.counts)
        report.errors.extend(one.errors)
        report.notices.extend(one.notices)
        report.results.extend(one.results)
        if one.failed:
            target = _move(path, folder / FAILED)
            error_file = target.with_name(target.name + ".error.txt")
            error_file.write_text("\n".join(one.errors) + "\n", encoding="utf-8")
        else:
            _move(path, folder / DONE)
    return len(files)


def watch(folder: str, *, source_code=None, fmt="auto", language=None, publish=False, once=False,
          interval: float = 5.0, settle: float = 2.0, progress=None, on_pass=None) -> Report:
    """Poll a drop folder (agencies deliver by FTP into one) until interrupted, or one pass with
    ``once``. ``on_pass(report)`` is called after each pass that imported something."""
    path = Path(folder)
    report = Report()
    source = resolve_source(source_code, language=language, report=report)
    try:
        while True:
            before = sum(report.counts.values())
            watch_pass(path, source=source, fmt=fmt, language=language, publish=publish, settle=settle,
                       report=report, progress=progress)
            if on_pass and sum(report.counts.values()) != before:
                on_pass(report)
            if once:
                return report
            time.sleep(interval)
    except KeyboardInterrupt:
        return report  # Ctrl-C: stop between files (each story is already committed or rolled back)
