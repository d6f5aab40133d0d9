"""The import pipeline: files in batches, each batch parsed, identified, planned and written.

``import_paths`` (and the drop folder's passes) feed it files read by ``inputs``; for each batch the
``Batcher`` skips files already imported whole (by their bytes' hash), parses the rest (in a worker
process for a large run), identifies each story (source, guid, content checksum), plans (what is
unchanged, what is brand-new and goes in one bulk insert) and writes (``store``), one transaction a
batch, each story failing alone; ``articles.signals.batch()`` announces the batch once, after the
commit. The ``Report`` says what happened to each story, file by file.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import nullcontext

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, transaction

from articles import signals
from sources.ingest import inputs, mapping, store
from sources.ingest.batch import BatchFile, BatchStory, Report
from sources.models import ImportedFile, Source
from sources.wire import ParseError, detect_format, parse_bytes
from sources.wire.base import NotAStory, ParsedStory, content_checksum
from sources.wire.registry import parser_fingerprint

# A batch: this many files are looked up, parsed and committed together, each story still failing
# alone (a savepoint of its own when it cannot go in the bulk insert).
BATCH_FILES = 500


def parse_files(jobs: list[tuple[bytes, str, str]]) -> list:
    """For each (bytes, format, name): (format found, [(story, story.as_json(), its sanitised text
    fields) ...]) or the ParseError for the whole file; a story the file could not give is its
    ParseError, with Nones. No database: this runs in a worker process for large runs."""
    out: list = []
    for data, fmt, name in jobs:
        try:
            found, stories = parse_bytes(data, fmt=fmt, filename=name)
            out.append(
                (
                    found,
                    [
                        (story, None, None)
                        if isinstance(story, ParseError)
                        else (story, story.as_json(), mapping.clean_story_text(story))
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
    with transaction.atomic() if dry_run else nullcontext():
        source = resolve_source(source_code, language=language, report=report)
        batcher = Batcher(source=source, fmt=fmt, language=language, publish=publish)
        batch: list[BatchFile] = []
        # A large run is a pipeline: batch k+1 is parsed (worker process) while batch k is planned,
        # and batch k is planned while batch k-1 is written (writer thread, its own connection).
        begun = None  # parsing
        writing = None  # the write of the batch before, if it runs in the writer thread
        try:
            for index, (name, data) in enumerate(inputs.iter_inputs(paths), start=1):
                if progress:
                    progress(index, name)
                batch.append(BatchFile(name, data))
                if batcher.full(batch):
                    batcher.parse_ahead()  # a large run
                    batcher.write_ahead()
                    ahead, batch = batcher.begin(batch), []
                    if begun is not None:
                        planned = batcher.plan(begun)
                        if writing is not None:
                            report.merge(writing.result())
                        writing = batcher.submit_write(planned)
                    begun = ahead
            if begun is not None:
                planned = batcher.plan(begun)
                if writing is not None:
                    report.merge(writing.result())
                writing = batcher.submit_write(planned)
            if writing is not None:
                report.merge(writing.result())
            if batch:
                report.merge(batcher.run(batch))
        finally:
            batcher.close()
        if dry_run:
            transaction.set_rollback(True)
    return report


def resolve_source(source_code, *, language, report: Report):
    if not source_code:
        return None
    source, created = store.get_or_create_source(source_code, language=language or "en")
    if created:
        report.notices.append(f"Created source {source.code} (a new source code).")
    return source


class Batcher:
    """Imports batches of files for one run: what the run learnt (sources named in files) is kept."""

    def __init__(self, *, source, fmt, language, publish):
        self.source, self.fmt, self.language, self.publish = source, fmt, language, publish
        self.sources: dict[str, Source] = {}
        self.parser = parser_fingerprint()
        self.pool = None  # a process parsing the next batch while this one is stored (``parse_ahead``)
        self.writer = None  # a thread writing a batch while the next is planned (``write_ahead``)

    def parse_ahead(self) -> None:
        """With ``WIRE_IMPORT_PARSE_WORKERS = N`` (default 0), parse in N other processes from now on
        (a large run). Measured on the shared 2-core VM it did not pay: a wash for NITF, slower for
        ninjs (the worker competes with PostgreSQL for the cores, and the stories cross a pipe);
        the writer thread already overlaps this process's parsing with PostgreSQL's work. For a
        machine with cores to spare."""
        workers = settings.WIRE_IMPORT_PARSE_WORKERS
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
            and settings.WIRE_IMPORT_WRITE_THREAD
            and not transaction.get_connection().in_atomic_block
        ):
            self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-write")

    def submit_write(self, planned) -> Future:
        """Write a planned batch: in the writer thread when there is one (the caller takes the
        files from ``result()`` once committed), else here at once."""
        if self.writer is not None:
            return self.writer.submit(self.write, planned)
        done: Future[list[BatchFile]] = Future()
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

    def full(self, batch: list[BatchFile]) -> bool:
        return len(batch) >= BATCH_FILES

    def run(self, files: list[BatchFile]) -> list[BatchFile]:
        """Import these files in one transaction (their stories each failing alone); returns them,
        each with its report filled in, once committed (or rolled back with the dry run's)."""
        return self.finish(self.begin(files))

    def begin(self, files: list[BatchFile]):
        """Read errors, the files already imported whole (one query), and the parse started (in the
        worker process when there is one): ``finish`` stores the batch."""
        live = []
        for file in files:
            if isinstance(file.data, Exception):
                file.fail(file.data)
            else:
                live.append(file)
        live = self._skip_imported(live) if live else live
        jobs = [(file.content(), self.fmt, file.name) for file in live]
        parsed = self.pool.submit(parse_files, jobs) if self.pool is not None and jobs else parse_files(jobs)
        return files, live, parsed

    def finish(self, begun) -> list[BatchFile]:
        return self.write(self.plan(begun))

    def plan(self, begun):
        """Wait for the parse, identify the stories, find what is stored already (a few queries) and
        build the brand-new stories in memory: everything but the writing."""
        files, live, parsed = begun
        if not isinstance(parsed, list):
            parsed = parsed.result()
        stories = self._identify_all(live, parsed)
        todo = [st for st in stories if st.key is not None]
        new: list[BatchStory] = []
        others: list[BatchStory] = []
        if todo:
            known = store.unchanged_items({st.identified()[2] for st in todo})
            rest = []
            for st in todo:
                if st.key in known:
                    st.done(store.ImportResult("unchanged", None, known[st.identified()[2]]))
                else:
                    rest.append(st)
            new, others = self._split_new(rest)
        return files, stories, todo, new, others

    def write(self, planned) -> list[BatchFile]:
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

    def _skip_imported(self, files: list[BatchFile]) -> list[BatchFile]:
        for file in files:
            file.sha256 = hashlib.sha256(file.content()).hexdigest()
        known = store.imported_files({f.sha256 for f in files}, source=self.source, parser=self.parser)
        if not known:
            return files
        formats = {sha for sha, _ in known}
        rest = []
        for file in files:
            record = None
            if file.sha256 in formats and (fmt := self._expected_format(file.content())) is not None:
                record = known.get((file.sha256, fmt))
            if record is None:
                rest.append(file)
                continue
            file.report.counts["unchanged"] += record.stories
            file.report.results.extend(
                store.ImportResult("unchanged", None, None) for _ in range(record.stories)
            )
        return rest

    # 2. Parse, and find each story's source and identity.

    def _identify_all(self, files: list[BatchFile], parsed: list) -> list[BatchStory]:
        stories = []
        for file, outcome in zip(files, parsed, strict=True):
            if isinstance(outcome, NotAStory):
                file.report.counts["skipped"] += 1
                file.report.notices.append(f"{file.name}: skipped: {outcome}")
                continue
            if isinstance(outcome, ParseError):
                file.fail(outcome)
                continue
            file.format, found = outcome
            file.stories = [
                BatchStory(file, story, parsed=data, cleaned=cleaned) for story, data, cleaned in found
            ]
            for st in file.stories:
                self._identify(st)
            stories.extend(file.stories)
        return stories

    def _identify(self, st: BatchStory) -> None:
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
                    found, created = store.get_or_create_source(
                        story.source_code, language=self.language or "en"
                    )
                    if created:
                        st.file.report.notices.append(
                            f"Created source {found.code} (named in {st.file.name})."
                        )
                    self.sources[code] = found
                story_source = self.sources[code]
            st.source = story_source
            if mapping.localise_times(story, story_source.zone) or st.parsed is None:
                st.parsed = story.as_json()
            st.key = (story_source.pk, story.identity_key(), content_checksum(st.parsed))
        except (ParseError, store.UnknownSourceCode) as exc:
            st.fail(str(exc))

    # 3. Store: one look-up for what is already there, brand-new stories inserted together, the
    # others one by one, each in a savepoint; one commit (and at most one page-cache purge).

    def _store(self, stories, todo, new, others) -> None:
        try:
            with transaction.atomic():
                if new:
                    store.compress_with_lz4()
                    self._create_together(new, others)
                for st in sorted(others, key=lambda st: st.order):
                    self._import_one(st)
                self._record_files({id(st.file): st.file for st in stories}.values())
        except DatabaseError as exc:  # the commit itself failed: nothing of the batch is stored
            first = _first_line(exc)
            for st in todo:
                if not st.error and st.counts_as != "unchanged":
                    st.fail(f"story {st.identified()[0].headline[:60]!r}: not stored: {first}")

    def _split_new(self, stories: list[BatchStory]) -> tuple[list[BatchStory], list[BatchStory]]:
        """Brand-new stories (usable copy; no wire item nor article under their identity; their
        identity once in the batch) go in the bulk insert; the rest one by one, in file order."""
        for order, st in enumerate(stories):
            st.order = order

        def identity(st: BatchStory) -> tuple[int, str]:
            source_id, guid, _ = st.identified()[2]
            return source_id, guid

        identities = Counter(identity(st) for st in stories)
        candidates = [
            st
            for st in stories
            if identities[identity(st)] == 1 and st.identified()[0].status == ParsedStory.USABLE
        ]
        seen = store.stored_identities({identity(st) for st in candidates})
        chosen = set(map(id, candidates))
        new: list[BatchStory] = []
        others = [st for st in stories if id(st) not in chosen]
        for st in candidates:
            if identity(st) in seen:
                others.append(st)
                continue
            story, source, key = st.identified()
            raw = story.raw or st.file.raw_text()
            st.new = store.NewStory(
                story=story,
                source=source,
                fmt=st.file.format,
                raw=raw,
                filename=st.file.name,
                checksum=key[2],
                parsed=st.parsed,
                cleaned=st.cleaned,
            )
            try:
                store.prepare_new_story(st.new, publish=self.publish, language=self.language)
            except (ParseError, ValidationError) as exc:
                self._failed(st, exc)
                continue
            new.append(st)
        return new, others

    def _create_together(self, new: list[BatchStory], others: list[BatchStory]) -> None:
        try:
            results = store.import_new_stories([_built(st) for st in new])
        except DatabaseError:
            # Something in the batch cannot be stored (or another import stored one of these
            # stories meanwhile): one by one, so that the bad one fails alone with its message.
            others.extend(new)
            return
        for st, result in zip(new, results, strict=True):
            st.done(result)

    def _import_one(self, st: BatchStory) -> None:
        story, source, key = st.identified()
        try:
            raw = story.raw or st.file.raw_text()
            with transaction.atomic():
                result = store.import_story(
                    story,
                    source=source,
                    fmt=st.file.format,
                    raw=raw,
                    filename=st.file.name,
                    publish=self.publish,
                    language=self.language,
                    checksum=key[2],
                )
        except (ParseError, ValidationError, DatabaseError) as exc:
            self._failed(st, exc)
            return
        st.done(result)

    @staticmethod
    def _failed(st: BatchStory, exc: Exception) -> None:
        story, _, _ = st.identified()
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
        store.record_imported_files(rows)


def _built(st: BatchStory) -> store.NewStory:
    assert st.new is not None  # every story chosen for the bulk insert has one (``_split_new``)
    return st.new


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
