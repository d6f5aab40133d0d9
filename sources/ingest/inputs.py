"""Reading files for an import: paths, folders, standard input.

Every file is hostile, and so is every folder it sits in. Only regular files inside the given root
are read: a symbolic link (to a file or a folder, anywhere under the root, or given itself as
PATH) is never followed, and a FIFO, socket or device is never read. Each such entry is reported
("skipped: NAME is a symbolic link (not followed)") and counts as failed; nothing of it is stored.
The listing decides from ``lstat``; the open decides again, since the entry may be swapped between
the two: ``O_NOFOLLOW`` refuses a link put in the file's place, ``O_NONBLOCK`` keeps a FIFO from
blocking, ``fstat`` on the open file refuses anything not regular, and the opened file's real path
must still lie under the root (a folder on the way swapped for a link is caught there).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from sources.wire import ParseError

SYMLINK = "a symbolic link (not followed)"
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)


class Refused(Exception):
    """An entry that is not read: not a regular file inside the root. Its message names it."""

    def __init__(self, name: str, reason: str):
        super().__init__(name, reason)
        self.name, self.reason = name, reason

    def __str__(self) -> str:
        return f"skipped: {self.name} is {self.reason}"


def refusal(mode: int) -> str:
    """Why an entry of this mode (from ``lstat``) is not read; empty for a regular file."""
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISLNK(mode):
        return SYMLINK
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe), not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file"
    return "not a regular file"


@dataclass(frozen=True)
class Entry:
    """A file as listed: its path, and why it is refused (empty: a regular file when listed)."""

    path: str
    refused: str = ""


def entries_under(root: Path) -> list[Entry]:
    """Every entry under ``root`` that would be read, recursively, in ``sorted(Path)`` order:
    regular files, and the links and special files refused in their place. Nothing hidden at any
    level is listed; a symlinked folder is refused, not walked. One ``scandir`` a folder."""
    found: list[tuple[tuple[str, ...], Entry]] = []

    def walk(folder: str, parts: tuple[str, ...]) -> None:
        with os.scandir(folder) as listing:
            for entry in list(listing):
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, (*parts, entry.name))
                elif entry.is_file(follow_symlinks=False):
                    found.append(((*parts, entry.name), Entry(entry.path)))
                else:
                    why = refusal(entry.stat(follow_symlinks=False).st_mode)
                    found.append(((*parts, entry.name), Entry(entry.path, why)))

    walk(str(root), ())
    found.sort()
    return [entry for _, entry in found]


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _real_path(fd: int, path: str) -> str:
    """Where the opened file really is (Linux: from the descriptor itself, so nothing swapped since
    the open can fool it)."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return os.path.realpath(path)


def read(entry: Entry, *, root: str, limit: int) -> bytes | Exception:
    """The bytes of a listed regular file under ``root`` (a real path), or why not: a ``Refused``
    entry, or a ``ParseError`` (unreadable, too large). The only open of a wire file."""
    if entry.refused:
        return Refused(entry.path, entry.refused)
    try:
        fd = os.open(entry.path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):  # O_NOFOLLOW met a link (Linux; BSD)
            return Refused(entry.path, SYMLINK)
        return ParseError(f"cannot read: {exc.strerror}")
    try:
        found = os.fstat(fd)
        if why := refusal(found.st_mode):
            return Refused(entry.path, why)
        if not _inside(_real_path(fd, entry.path), root):
            return Refused(entry.path, f"outside {root} once resolved (a folder on the way is a link)")
        if found.st_size > limit:
            return ParseError(f"{found.st_size} bytes, larger than the limit of {limit}")
        with open(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        return ParseError(f"cannot read: {exc.strerror}")
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew since the fstat
        return ParseError(f"more than {limit} bytes, larger than the limit of {limit}")
    return data


def iter_inputs(paths: list[str]) -> Iterator[tuple[str, bytes | Exception]]:
    """(name, bytes or the error reading it) for each file; folders recursively, '-' is standard
    input. A PATH that is itself a symbolic link is refused too: it is how a planted link arrives."""
    limit = settings.WIRE_MAX_FILE_BYTES
    for raw in paths:
        if raw == "-":
            data = sys.stdin.buffer.read(limit + 1)
            yield "<stdin>", data if len(data) <= limit else ParseError(f"larger than {limit} bytes")
            continue
        path = Path(raw)
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            yield raw, ParseError("no such file or folder")
            continue
        if stat.S_ISDIR(mode):
            root, entries = os.path.realpath(path), entries_under(path)
        else:
            why = refusal(mode)
            if why == SYMLINK:
                why += ": give the path of what it points to"
            root, entries = os.path.realpath(path.parent), [Entry(str(path), why)]
        for entry in entries:
            yield entry.path, read(entry, root=root, limit=limit)
