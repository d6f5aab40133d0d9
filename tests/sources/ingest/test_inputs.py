"""inputs: only regular files inside the given root are read; everything else is refused by name.

Real files in tmp_path: links, FIFOs and sockets made with the os calls an attacker would use.
"""

import os
import signal
import socket
from contextlib import contextmanager
from pathlib import Path

import pytest

from sources.ingest import inputs
from sources.ingest.inputs import Entry, Refused

LIMIT = 1_000_000


@contextmanager
def at_most(seconds: int):
    """Fail instead of hanging (a FIFO opened for reading without O_NONBLOCK blocks for ever)."""

    def expired(signum, frame):
        raise TimeoutError(f"still blocked after {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def tree(root: Path, names):
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"content of {name}")
    return root


def read_all(*paths, settings=None):
    return {Path(name).name: data for name, data in inputs.iter_inputs([str(p) for p in paths])}


def test_regular_files_are_listed_in_the_order_rglob_gives(tmp_path):
    tree(
        tmp_path,
        ["b/2.xml", "b/10.xml", "a.json", "B/x", ".hidden/in.xml", "c/.dot.xml", "c/d/e.txt", "a b/ü.xml"],
    )
    (tmp_path / "empty").mkdir()
    expected = sorted(
        str(p)
        for p in tmp_path.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(tmp_path).parts)
    )
    assert [e.path for e in inputs.entries_under(tmp_path)] == expected
    assert not any(e.refused for e in inputs.entries_under(tmp_path))


def test_links_and_special_files_are_listed_refused_and_never_walked(tmp_path):
    outside = tree(tmp_path / "outside", ["secret.txt", "deep/story.txt"])
    root = tree(tmp_path / "root", ["a.txt"])
    (root / "file-link").symlink_to(outside / "secret.txt")
    (root / "folder-link").symlink_to(outside, target_is_directory=True)
    (root / "broken").symlink_to(tmp_path / "nowhere")
    os.mkfifo(root / "pipe")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(root / "sock"))
        listed = {Path(e.path).name: e.refused for e in inputs.entries_under(root)}
    assert listed == {
        "a.txt": "",
        "broken": inputs.SYMLINK,
        "file-link": inputs.SYMLINK,
        "folder-link": inputs.SYMLINK,
        "pipe": "a FIFO (named pipe), not a regular file",
        "sock": "a socket, not a regular file",
    }


def test_a_refused_entry_is_named_and_its_target_never_read(tmp_path):
    (tmp_path / "secret").write_text("SECRET_KEY=do-not-read\n")
    root = tree(tmp_path / "root", ["a.txt"])
    (root / "leak.txt").symlink_to(tmp_path / "secret")
    found = read_all(root)
    assert found["a.txt"] == b"content of a.txt"
    assert isinstance(found["leak.txt"], Refused)
    assert str(found["leak.txt"]) == f"skipped: {root / 'leak.txt'} is a symbolic link (not followed)"


def test_a_symlink_given_as_path_is_refused_and_says_so(tmp_path):
    (tmp_path / "secret").write_text("SECRET_KEY=do-not-read\n")
    (tmp_path / "given").symlink_to(tmp_path / "secret")
    (tmp_path / "given-folder").symlink_to(tmp_path, target_is_directory=True)
    found = read_all(tmp_path / "given", tmp_path / "given-folder")
    assert "symbolic link (not followed)" in str(found["given"])
    assert "give the path of what it points to" in str(found["given"])
    assert "symbolic link (not followed)" in str(found["given-folder"])


def test_a_fifo_does_not_block_whether_listed_or_given(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    with at_most(5):
        in_folder = read_all(tmp_path)["pipe"]
        given = read_all(tmp_path / "pipe")["pipe"]
        # a FIFO put in a file's place after the listing: opened without blocking, then refused
        swapped = inputs.read(Entry(str(tmp_path / "pipe")), root=str(tmp_path), limit=LIMIT)
    for refused in (in_folder, given, swapped):
        assert isinstance(refused, Refused) and "FIFO" in str(refused)


def test_a_file_swapped_for_a_symlink_after_the_listing_is_refused_at_the_open(tmp_path):
    """Listing and opening are two moments: O_NOFOLLOW refuses the link planted in between."""
    (tmp_path / "secret").write_text("SECRET_KEY=do-not-read\n")
    root = tree(tmp_path / "root", ["1.txt", "2.txt"])
    reading = inputs.iter_inputs([str(root)])
    assert next(reading) == (str(root / "1.txt"), b"content of 1.txt")  # both listed by now
    (root / "2.txt").unlink()
    (root / "2.txt").symlink_to(tmp_path / "secret")
    name, data = next(reading)
    assert name == str(root / "2.txt")
    assert isinstance(data, Refused) and "symbolic link (not followed)" in str(data)


def test_a_folder_swapped_for_a_symlink_after_the_listing_is_refused_by_the_real_path(tmp_path):
    """O_NOFOLLOW guards the last name only: a folder on the way replaced by a link to one outside
    is caught by the opened file's real path, which is no longer under the root."""
    tree(tmp_path / "outside", ["sub/2.txt"])
    root = tree(tmp_path / "root", ["1.txt", "sub/2.txt"])
    reading = inputs.iter_inputs([str(root)])
    next(reading)
    (root / "sub" / "2.txt").unlink()
    (root / "sub").rmdir()
    (root / "sub").symlink_to(tmp_path / "outside" / "sub", target_is_directory=True)
    name, data = next(reading)
    assert isinstance(data, Refused) and "outside" in str(data) and name.endswith("2.txt")


def test_a_file_swapped_for_a_folder_is_refused(tmp_path):
    (tmp_path / "now-a-folder").mkdir()
    refused = inputs.read(Entry(str(tmp_path / "now-a-folder")), root=str(tmp_path), limit=LIMIT)
    assert isinstance(refused, Refused) and "a folder" in str(refused)


def test_a_root_reached_through_a_linked_parent_still_reads(tmp_path):
    """The root is resolved once: only what lies below it must not be a link."""
    tree(tmp_path / "real", ["a.txt", "sub/b.txt"])
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    assert read_all(tmp_path / "alias" / "sub")["b.txt"] == b"content of sub/b.txt"
    assert read_all(tmp_path / "alias" / "a.txt")["a.txt"] == b"content of a.txt"


def test_a_file_larger_than_the_limit_is_not_read(tmp_path):
    (tmp_path / "big").write_bytes(b"x" * 11)
    error = inputs.read(Entry(str(tmp_path / "big")), root=str(tmp_path), limit=10)
    assert "11 bytes, larger than the limit of 10" in str(error)


@pytest.mark.parametrize("name", ["missing"])
def test_a_missing_path_is_an_error(tmp_path, name):
    assert "no such file or folder" in str(read_all(tmp_path / name)[name])
