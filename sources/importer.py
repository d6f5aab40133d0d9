"""Reading files for ``import_wire``: paths, folders, standard input; one report for the run."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, transaction

from articles import signals
from sources import services
from sources.models import ImportedFile
from sources.wire import ParseError, detect_format, parse_bytes
from sources.wire.base import ParsedStory, content_checksum
from sources.wire.registry import parser_fingerprint

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
        main = ", ".join(
            f"{name} {self.counts[name]}" for name in ("created", "updated", "unchanged", "failed")
        )
        extra = ", ".join(
            f"{n} {self.counts[n]}" for n in ("waiting", "withdrawn", "stale") if self.counts[n]
        )
        return f"{main}; {extra}" if extra else main


def _files_under(root: Path) -> list[Path]:
    """Every file under ``root`` (recursively, symlinked folders not followed, nothing hidden at any
    level below it), in ``sorted(Path)`` order: what ``sorted(root.rglob("*"))`` filtered to visible
    files gives, with one ``scandir`` a folder instead of a ``stat`` and a ``relative_to`` a file."""
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(folder: str, parts: tuple[str, ...]) -> None:
        with os.scandir(folder) as entries:
            for entry in list(entries):
                if entry.name.startswith("."):
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    walk(entry.path, (*parts, entry.name))
                elif entry.is_file():
                    found.append(((*parts, entry.name), entry.path))

    walk(str(root), ())
    found.sort()
    return [Path(path) for _, path in found]


def _read(file: Path, limit: int) -> bytes | ParseError:
    try:
        with open(file, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                return ParseError(f"{size} bytes, larger than the limit of {limit}")
            return handle.read()
    except OSError as exc:
        return ParseError(f"cannot read: {exc.strerror}")


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
            files = _files_under(path)
        elif path.exists():
            files = [path]
        else:
            yield raw, ParseError("no such file or folder")
            continue
        for file in files:
            yield str(file), _read(file, limit)


# A batch: this many files are looked up, parsed and committed together, each story still failing
# alone (a savepoint of its own when it cannot go in the bulk insert).
BATCH_FILES = 500


def parse_files(jobs: list[tuple[bytes, str, str]]) -> list:
    """For each (bytes, format, name): (format found, [(story, story.as_json(), its sanitised text
    fields) ...]) or the ParseError for the whole file; a story the file could not give is its
    ParseError, with Nones. No database: this runs in a worker process for large runs."""
    out = []
    for data, fmt, name in jobs:
        try:
            found, stories = parse_bytes(data, fmt=fmt, filename=name)
            out.append(
                (
                    found,
                    [
                        (story, None, None)
                        if isinstance(story, ParseError)
                        else (story, story.as_json(), services.clean_story_text(story))
                        for story in stories
                    ],
                )
            )
        except ParseError as exc:
            out.append(exc)
        except (ValueError, TypeError, IndexError, KeyError, OverflowError, RecursionError) as exc:
            # A parser's oversight on hostile bytes: this file fails with a message, the run goes on.
            out.append(ParseError(f"unreadable ({type(exc).__name__}: {str(exc)[:100]})"))
    return out


@dataclass(eq=False)
class _File:
    name: str
    data: bytes | Exception
    path: Path | None = None
    report: Report = field(default_factory=Report)
    sha256: str = ""
    format: str = ""
    stories: list = field(default_factory=list)  # of _Story
    whole: str | None = None

    def raw_text(self) -> str:
        if self.whole is None:  # a file of one story is kept whole
            self.whole = self.data.decode("utf-8-sig", errors="replace")
        return self.whole


@dataclass(eq=False)
class _Story:
    file: _File
    story: ParsedStory | ParseError
    source: object = None  # a Source, or the exception naming why there is none
    key: tuple | None = None  # (source id, guid, checksum)
    result: services.ImportResult | None = None
    error: str | None = None  # the failure, as reported (file name included)
    counts_as: str = ""  # the outcome counted for it
    order: int = 0  # its place in the batch
    new: services.NewStory | None = None  # built for the bulk insert
    parsed: dict | None = None  # story.as_json()
    cleaned: object = None  # services.clean_story_text(story)

    def fail(self, message: str) -> None:
        self.error, self.result, self.counts_as = f"{self.file.name}: {message}", None, "failed"

    def done(self, result: services.ImportResult) -> None:
        self.result, self.error, self.counts_as = result, None, result.outcome
        if result.outcome == "conflict":
            # Stored (nothing received is lost), but not applied: a failure for the run.
            story = self.story
            self.error = f"{self.file.name}: " + str(
                ParseError(result.message, field="version", line=story.line, story=story.headline[:60])
            )
            self.counts_as = "failed"


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
    """Files are imported in batches, one transaction a batch, each story failing alone; a dry run
    wraps the whole run in one transaction and rolls it back."""
    report = Report()
    with transaction.atomic() if dry_run else _no_transaction():
        source = resolve_source(source_code, language=language, report=report)
        batcher = _Batcher(source=source, fmt=fmt, language=language, publish=publish)
        batch: list[_File] = []
        # A large run is a pipeline: batch k+1 is parsed (worker process) while batch k is planned,
        # and batch k is planned while batch k-1 is written (writer thread, its own connection).
        begun = None  # parsing
        writing = None  # the write of the batch before, if it runs in the writer thread
        try:
            for index, (name, data) in enumerate(iter_inputs(paths), start=1):
                if progress:
                    progress(index, name)
                batch.append(_File(name, data))
                if batcher.full(batch):
                    batcher.parse_ahead()  # a large run
                    batcher.write_ahead()
                    ahead, batch = batcher.begin(batch), []
                    if begun is not None:
                        planned = batcher.plan(begun)
                        if writing is not None:
                            _merge(report, writing.result())
                        writing = batcher.submit_write(planned)
                    begun = ahead
            if begun is not None:
                planned = batcher.plan(begun)
                if writing is not None:
                    _merge(report, writing.result())
                writing = batcher.submit_write(planned)
            if writing is not None:
                _merge(report, writing.result())
            if batch:
                _merge(report, batcher.run(batch))
        finally:
            batcher.close()
        if dry_run:
            transaction.set_rollback(True)
    return report


def _merge(report: Report, files: list[_File]) -> None:
    for file in files:
        report.counts.update(file.report.counts)
        report.errors.extend(file.report.errors)
        report.notices.extend(file.report.notices)
        report.results.extend(file.report.results)


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
    """Import one file (a batch of one); its outcome is added to ``report``."""
    _merge(
        report, _Batcher(source=source, fmt=fmt, language=language, publish=publish).run([_File(name, data)])
    )


class _Batcher:
    """Imports batches of files for one run: what the run learnt (sources named in files) is kept."""

    def __init__(self, *, source, fmt, language, publish):
        self.source, self.fmt, self.language, self.publish = source, fmt, language, publish
        self.sources: dict[str, object] = {}
        self.parser = parser_fingerprint()
        self.pool = None  # a process parsing the next batch while this one is stored (``parse_ahead``)
        self.writer = None  # a thread writing a batch while the next is planned (``write_ahead``)

    def parse_ahead(self) -> None:
        """With ``WIRE_IMPORT_PARSE_WORKERS = N`` (default 0), parse in N other processes from now on
        (a large run). Measured on the shared 2-core VM it did not pay: a wash for NITF, slower for
        ninjs (the worker competes with PostgreSQL for the cores, and the stories cross a pipe);
        the writer thread already overlaps this process's parsing with PostgreSQL's work. For a
        machine with cores to spare."""
        workers = getattr(settings, "WIRE_IMPORT_PARSE_WORKERS", 0)
        if self.pool is None and workers > 0:
            # fork: the parsers need nothing but their code; the child never touches the database.
            self.pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("fork")
            )

    def write_ahead(self) -> None:
        """Write batches in a thread of their own (its own database connection) while the next
        batch is planned here: the writes, mostly waiting for PostgreSQL, overlap this process's
        Python. Not inside a transaction (a dry run, or a test's): there, everything is written
        here, in that transaction. Off with ``WIRE_IMPORT_WRITE_THREAD = False``."""
        if (
            self.writer is None
            and getattr(settings, "WIRE_IMPORT_WRITE_THREAD", True)
            and not transaction.get_connection().in_atomic_block
        ):
            self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-write")

    def submit_write(self, planned) -> Future:
        """Write a planned batch: in the writer thread when there is one (the caller takes the
        files from ``result()`` once committed), else here at once."""
        if self.writer is not None:
            return self.writer.submit(self.write, planned)
        done = Future()
        done.set_result(self.write(planned))
        return done

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None
        if self.writer is not None:
            self.writer.submit(connections.close_all).result()  # the writer thread's connection
            self.writer.shutdown()
            self.writer = None

    def full(self, batch: list[_File]) -> bool:
        return len(batch) >= BATCH_FILES

    def run(self, files: list[_File]) -> list[_File]:
        """Import these files in one transaction (their stories each failing alone); returns them,
        each with its report filled in, once committed (or rolled back with the dry run's)."""
        return self.finish(self.begin(files))

    def begin(self, files: list[_File]):
        """Read errors, the files already imported whole (one query), and the parse started (in the
        worker process when there is one): ``finish`` stores the batch."""
        live = []
        for file in files:
            if isinstance(file.data, Exception):
                file.report.counts["failed"] += 1
                file.report.errors.append(f"{file.name}: {file.data}")
            else:
                live.append(file)
        live = self._skip_imported(live) if live else live
        jobs = [(file.data, self.fmt, file.name) for file in live]
        parsed = self.pool.submit(parse_files, jobs) if self.pool is not None and jobs else parse_files(jobs)
        return files, live, parsed

    def finish(self, begun) -> list[_File]:
        return self.write(self.plan(begun))

    def plan(self, begun):
        """Wait for the parse, identify the stories, find what is stored already (a few queries) and
        build the brand-new stories in memory: everything but the writing."""
        files, live, parsed = begun
        if not isinstance(parsed, list):
            parsed = parsed.result()
        stories = self._identify_all(live, parsed)
        todo = [st for st in stories if st.key is not None]
        new, others = [], []
        if todo:
            known = services.unchanged_items({st.key for st in todo})
            rest = []
            for st in todo:
                if st.key in known:
                    st.done(services.ImportResult("unchanged", None, known[st.key]))
                else:
                    rest.append(st)
            new, others = self._split_new(rest)
        return files, stories, todo, new, others

    def write(self, planned) -> list[_File]:
        """Store a planned batch in one transaction (at most one page-cache purge, after the commit)
        and fill in each file's report."""
        files, stories, todo, new, others = planned
        if todo:
            with signals.batch():
                self._store(stories, todo, new, others)
        for file in files:
            for st in file.stories:
                file.report.counts[st.counts_as] += 1
                if st.error:
                    file.report.errors.append(st.error)
                if st.result is not None:
                    file.report.results.append(st.result)
        return files

    # 1. Files recorded as imported whole, found by their bytes' hash: unchanged, not even parsed.

    def _expected_format(self, data: bytes) -> str | None:
        if self.fmt not in ("auto", "", None):
            return self.fmt
        try:
            return detect_format(data)
        except ParseError:
            return None

    def _skip_imported(self, files: list[_File]) -> list[_File]:
        for file in files:
            file.sha256 = hashlib.sha256(file.data).hexdigest()
        known = services.imported_files({f.sha256 for f in files}, source=self.source, parser=self.parser)
        if not known:
            return files
        formats = {sha for sha, _ in known}
        rest = []
        for file in files:
            record = None
            if file.sha256 in formats:
                record = known.get((file.sha256, self._expected_format(file.data)))
            if record is None:
                rest.append(file)
                continue
            file.report.counts["unchanged"] += record.stories
            file.report.results.extend(
                services.ImportResult("unchanged", None, None) for _ in range(record.stories)
            )
        return rest

    # 2. Parse, and find each story's source and identity.

    def _identify_all(self, files: list[_File], parsed: list) -> list[_Story]:
        stories = []
        for file, outcome in zip(files, parsed, strict=True):
            if isinstance(outcome, ParseError):
                file.report.counts["failed"] += 1
                file.report.errors.append(f"{file.name}: {outcome}")
                continue
            file.format, found = outcome
            file.stories = [
                _Story(file, story, parsed=data, cleaned=cleaned) for story, data, cleaned in found
            ]
            for st in file.stories:
                self._identify(st)
            stories.extend(file.stories)
        return stories

    def _identify(self, st: _Story) -> None:
        story = st.story
        if isinstance(story, ParseError):
            st.fail(str(story))
            return
        try:
            story_source = self.source
            if story_source is None:
                if not story.source_code:
                    raise ParseError("the file names no agency: pass --source CODE", field="source")
                code = story.source_code.casefold()
                if code not in self.sources:
                    found, created = services.get_or_create_source(
                        story.source_code, language=self.language or "en"
                    )
                    if created:
                        st.file.report.notices.append(
                            f"Created source {found.code} (named in {st.file.name})."
                        )
                    self.sources[code] = found
                story_source = self.sources[code]
            st.source = story_source
            st.key = (story_source.pk, story.identity_key(), content_checksum(st.parsed))
        except (ParseError, services.UnknownSourceCode) as exc:
            st.fail(str(exc))

    # 3. Store: one look-up for what is already there, brand-new stories inserted together, the
    # others one by one, each in a savepoint; one commit (and at most one page-cache purge).

    def _store(self, stories, todo, new, others) -> None:
        try:
            with transaction.atomic():
                if new:
                    services.compress_with_lz4()
                    self._create_together(new, others)
                for st in sorted(others, key=lambda st: st.order):
                    self._import_one(st)
                self._record_files({id(st.file): st.file for st in stories}.values())
        except DatabaseError as exc:  # the commit itself failed: nothing of the batch is stored
            first = _first_line(exc)
            for st in todo:
                if not st.error and st.counts_as != "unchanged":
                    st.fail(f"story {st.story.headline[:60]!r}: not stored: {first}")

    def _split_new(self, stories: list[_Story]) -> tuple[list[_Story], list[_Story]]:
        """Brand-new stories (usable copy; no wire item nor article under their identity; their
        identity once in the batch) go in the bulk insert; the rest one by one, in file order."""
        for order, st in enumerate(stories):
            st.order = order
        identities = Counter((st.key[0], st.key[1]) for st in stories)
        candidates = [
            st
            for st in stories
            if identities[(st.key[0], st.key[1])] == 1 and st.story.status == ParsedStory.USABLE
        ]
        seen = services.stored_identities({(st.key[0], st.key[1]) for st in candidates})
        chosen = set(map(id, candidates))
        new, others = [], [st for st in stories if id(st) not in chosen]
        for st in candidates:
            if (st.key[0], st.key[1]) in seen:
                others.append(st)
                continue
            raw = st.story.raw or st.file.raw_text()
            st.new = services.NewStory(
                story=st.story,
                source=st.source,
                fmt=st.file.format,
                raw=raw,
                filename=st.file.name,
                checksum=st.key[2],
                parsed=st.parsed,
                cleaned=st.cleaned,
            )
            try:
                services.prepare_new_story(st.new, publish=self.publish, language=self.language)
            except (ParseError, ValidationError) as exc:
                self._failed(st, exc)
                continue
            new.append(st)
        return new, others

    def _create_together(self, new: list[_Story], others: list[_Story]) -> None:
        try:
            results = services.import_new_stories([st.new for st in new])
        except DatabaseError:
            # Something in the batch cannot be stored (or another import stored one of these
            # stories meanwhile): one by one, so that the bad one fails alone with its message.
            others.extend(new)
            return
        for st, result in zip(new, results, strict=True):
            st.done(result)

    def _import_one(self, st: _Story) -> None:
        story = st.story
        try:
            raw = story.raw or st.file.raw_text()
            with transaction.atomic():
                result = services.import_story(
                    story,
                    source=st.source,
                    fmt=st.file.format,
                    raw=raw,
                    filename=st.file.name,
                    publish=self.publish,
                    language=self.language,
                    checksum=st.key[2],
                )
        except (ParseError, ValidationError, DatabaseError) as exc:
            self._failed(st, exc)
            return
        st.done(result)

    @staticmethod
    def _failed(st: _Story, exc: Exception) -> None:
        story = st.story
        if isinstance(exc, ParseError):
            st.fail(str(exc))
        elif isinstance(exc, ValidationError):
            st.fail(f"story {story.headline[:60]!r}: {'; '.join(exc.messages)}")
        else:
            st.fail(f"story {story.headline[:60]!r}: not stored: {_first_line(exc)}")

    def _record_files(self, files) -> None:
        """Files all of whose stories are stored are recorded by their bytes' hash (``_skip_imported``)."""
        rows = []
        for file in files:
            if not file.stories or any(st.error or st.result is None for st in file.stories):
                continue
            items = [st.result.wire_item.pk for st in file.stories]
            rows.append(
                ImportedFile(
                    sha256=file.sha256,
                    source=self.source,
                    format=file.format,
                    parser=self.parser,
                    stories=len(items),
                    wire_items=items,
                )
            )
        services.record_imported_files(rows)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


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


def watch_pass(
    folder: Path,
    *,
    source,
    fmt,
    language,
    publish,
    settle: float,
    report: Report,
    progress: Callable[[int, str], None] | None = None,
) -> int:
    """Import every file waiting in ``folder`` once, in batches; once a batch is committed, move each
    of its files to done/ or failed/ (with NAME.error.txt). Returns how many files."""
    files = pending_files(folder, settle=settle)
    batcher = _Batcher(source=source, fmt=fmt, language=language, publish=publish)
    batch: list[_File] = []
    for index, path in enumerate(files, start=1):
        if progress:
            progress(index, str(path))
        try:
            size = path.stat().st_size
            limit = settings.WIRE_MAX_FILE_BYTES
            data = (
                ParseError(f"{size} bytes, larger than the limit of {limit}")
                if size > limit
                else path.read_bytes()
            )
        except OSError as exc:
            data = ParseError(f"cannot read: {exc.strerror}")
        batch.append(_File(str(path), data, path=path))
        if batcher.full(batch) or index == len(files):
            done = batcher.run(batch)  # committed: the files can move
            _merge(report, done)
            for file in done:
                _file_done(folder, file)
            batch = []
    return len(files)


def _file_done(folder: Path, file: _File) -> None:
    if file.report.failed:
        target = _move(file.path, folder / FAILED)
        error_file = target.with_name(target.name + ".error.txt")
        error_file.write_text("\n".join(file.report.errors) + "\n", encoding="utf-8")
    else:
        _move(file.path, folder / DONE)


def watch(
    folder: str,
    *,
    source_code=None,
    fmt="auto",
    language=None,
    publish=False,
    once=False,
    interval: float = 5.0,
    settle: float = 2.0,
    progress=None,
    on_pass=None,
) -> Report:
    """Poll a drop folder (agencies deliver by FTP into one) until interrupted, or one pass with
    ``once``. ``on_pass(report)`` is called after each pass that imported something."""
    path = Path(folder)
    report = Report()
    source = resolve_source(source_code, language=language, report=report)
    try:
        while True:
            before = sum(report.counts.values())
            watch_pass(
                path,
                source=source,
                fmt=fmt,
                language=language,
                publish=publish,
                settle=settle,
                report=report,
                progress=progress,
            )
            if on_pass and sum(report.counts.values()) != before:
                on_pass(report)
            if once:
                return report
            time.sleep(interval)
    except KeyboardInterrupt:
        return report  # Ctrl-C: stop between files (each story is already committed or rolled back)
