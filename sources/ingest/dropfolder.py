"""``import_wire --watch FOLDER``: the drop folder agencies deliver into (by FTP, say).

Each pass imports the files waiting in the folder itself (not below it), in batches, and once a
batch is committed moves each file to ``done/`` or ``failed/`` (with ``NAME.error.txt``). A symbolic
link, FIFO, socket or device dropped there is never read (``inputs``): it fails, and the entry
itself is moved to ``failed/`` (a link is renamed as a link: its target is never touched, moved or
opened), so that it is reported once and not again at every pass.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from sources.ingest import inputs
from sources.ingest.batch import BatchFile, Report
from sources.ingest.pipeline import Batcher, resolve_source

DONE, FAILED = "done", "failed"
IGNORED_SUFFIXES = (".part", ".tmp", ".filepart", ".error.txt")


def pending_files(folder: Path, *, settle: float) -> list[inputs.Entry]:
    """Entries waiting in the drop folder (not folders such as done/ and failed/, not hidden, not
    still being written: unchanged for ``settle`` seconds), oldest first; links and special files
    are listed refused (``lstat``: a link's own time, never its target's)."""
    now = time.time()
    found = []
    with os.scandir(folder) as listing:
        for entry in listing:
            if entry.name.startswith(".") or entry.name.endswith(IGNORED_SUFFIXES):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    continue
                stat = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if now - stat.st_mtime >= settle:
                found.append(
                    (stat.st_mtime, entry.name, inputs.Entry(entry.path, inputs.refusal(stat.st_mode)))
                )
    return [e for _, _, e in sorted(found)]


def _move(path: Path, folder: Path) -> Path:
    """Move the entry itself (a link stays a link: ``rename`` never follows it)."""
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    if os.path.lexists(target):
        stem = time.strftime("%Y%m%dT%H%M%S")
        target = folder / f"{path.stem}.{stem}-{os.getpid()}{path.suffix}"
    shutil.move(str(path), target)
    return target


def _write_error_file(path: Path, text: str) -> None:
    """Write NAME.error.txt without following a link planted under that name."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
    try:
        fd = os.open(path, flags, 0o644)
    except OSError:  # a link (or anything else) in the way: it goes, and the file is made afresh
        os.unlink(path)
        fd = os.open(path, flags | os.O_EXCL, 0o644)
    with open(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


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
    entries = pending_files(folder, settle=settle)
    root, limit = os.path.realpath(folder), settings.WIRE_MAX_FILE_BYTES
    batcher = Batcher(source=source, fmt=fmt, language=language, publish=publish)
    batch: list[BatchFile] = []
    try:
        for index, entry in enumerate(entries, start=1):
            if progress:
                progress(index, entry.path)
            data = inputs.read(entry, root=root, limit=limit)
            batch.append(BatchFile(entry.path, data, path=Path(entry.path)))
            if batcher.full(batch) or index == len(entries):
                done = batcher.run(batch)  # committed: the files can move
                report.merge(done)
                for file in done:
                    _file_done(folder, file)
                batch = []
    finally:
        batcher.close()
    return len(entries)


def _file_done(folder: Path, file: BatchFile) -> None:
    assert file.path is not None  # a drop folder's files all have one (``watch_pass``)
    if file.report.failed:
        target = _move(file.path, folder / FAILED)
        _write_error_file(target.with_name(target.name + ".error.txt"), "\n".join(file.report.errors) + "\n")
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
