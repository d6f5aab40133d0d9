"""Reading files for ``import_wire``: paths, folders, standard input; one report for the run."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

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
    report = Report()
    with transaction.atomic():
        source = None
        if source_code:
            source, created = services.get_or_create_source(source_code, language=language or "en")
            if created:
                report.notices.append(f"Created source {source.code} (a new source code).")
        for index, (name, data) in enumerate(iter_inputs(paths), start=1):
            if progress:
                progress(index, name)
            import_file(name, data, source=source, fmt=fmt, language=language, publish=publish, report=report)
        if dry_run:
            transaction.set_rollback(True)
    return report


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
    raw = data.decode("utf-8-sig", errors="replace")
    for story in stories:
        try:
            story_source = source
            if story_source is None:
                if not story.source_code:
                    raise ParseError("the file names no agency: pass --source CODE", field="source")
                story_source, created = services.get_or_create_source(story.source_code, language=language or "en")
                if created:
                    report.notices.append(f"Created source {story_source.code} (named in {name}).")
            with transaction.atomic():
                result = services.import_story(
                    story, source=story_source, fmt=found_format, raw=raw, filename=name,
                    publish=publish, language=language,
                )
        except (ParseError, services.UnknownSourceCode) as exc:
            report.counts["failed"] += 1
            report.errors.append(f"{name}: {exc}")
            continue
        report.counts[result.outcome] += 1
        report.results.append(result)
