"""The drop-folder attack end to end (issue 13, item 1): a link planted where wire copy is read
used to make /etc/passwd or an env file a published story and a feed item. Now nothing of it is
stored, the summary names it, and the run exits 1; the regular file beside it still goes in."""

import os
import signal
import time
from contextlib import contextmanager

import pytest
from django.urls import reverse

from articles.models import Article
from sources.models import WireItem
from tests.sources.wire_helpers import run

pytestmark = pytest.mark.django_db

STORY = """{headline}

A standfirst that says what happened.

ERBIL, Kurdistan Region (Newsroom) – The first paragraph of the story, long enough to be copy.

A second paragraph of the story.
"""
ENV = "SECRET_KEY=planted-secret-value\nDATABASE_URL=postgres://admin:hunter2@db/prod\n"


@contextmanager
def at_most(seconds: int):
    def expired(signum, frame):
        raise TimeoutError(f"still blocked after {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def outside(tmp_path):
    """Files outside any import root: a valid story, and an env file."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "story.txt").write_text(STORY.format(headline="Secret story from outside the root"))
    (folder / ".env").write_text(ENV)
    return folder


def plant(folder, outside, age=60):
    """A regular story, and links to the outside story and env file, as an attacker drops them."""
    folder.mkdir(exist_ok=True)
    (folder / "real.txt").write_text(STORY.format(headline="Regular story in the drop folder"))
    (folder / "story-link.txt").symlink_to(outside / "story.txt")
    (folder / "env-link.txt").symlink_to(outside / ".env")
    past = time.time() - age
    for name in ("real.txt", "story-link.txt", "env-link.txt"):
        os.utime(folder / name, (past, past), follow_symlinks=False)
    return folder


def assert_nothing_leaked(client):
    assert list(Article.objects.values_list("headline", flat=True)) == ["Regular story in the drop folder"]
    assert WireItem.objects.count() == 1
    assert not WireItem.objects.filter(raw_payload__contains="SECRET_KEY").exists()
    assert not Article.objects.filter(body__contains="planted-secret-value").exists()
    feed = client.get(reverse("public:feed_latest")).content.decode()
    assert "Regular story in the drop folder" in feed  # the feed does show what was imported
    assert "Secret story" not in feed and "SECRET_KEY" not in feed and "hunter2" not in feed


def test_the_env_file_would_be_a_story_if_it_were_read(tmp_path, outside):
    """The control: read as a regular file, the planted content does become a story, so the
    tests below fail if links are followed again."""
    code, out, _ = run(outside / "story.txt", outside / ".env", "--source", "NRW", "--publish")
    assert "created 2," in out
    assert WireItem.objects.filter(raw_payload__contains="SECRET_KEY").exists()


def test_links_in_a_folder_import_are_refused_and_named(tmp_path, outside, client):
    folder = plant(tmp_path / "in", outside)
    code, out, err = run(folder, "--source", "NRW", "--publish")
    assert code == 1
    assert "created 1, updated 0, unchanged 0, failed 2" in out
    assert f"skipped: {folder / 'story-link.txt'} is a symbolic link (not followed)" in err
    assert f"skipped: {folder / 'env-link.txt'} is a symbolic link (not followed)" in err
    assert_nothing_leaked(client)


def test_links_in_the_drop_folder_are_refused_and_moved_as_links(tmp_path, outside, client):
    folder = plant(tmp_path / "drop", outside)
    code, out, err = run("--watch", folder, "--once", "--source", "NRW", "--publish")
    assert code == 1
    assert "created 1, updated 0, unchanged 0, failed 2" in out
    assert "story-link.txt is a symbolic link (not followed)" in err
    assert "env-link.txt is a symbolic link (not followed)" in err
    assert_nothing_leaked(client)
    # the links themselves are quarantined; their targets stay where they were, untouched
    for name in ("story-link.txt", "env-link.txt"):
        moved = folder / "failed" / name
        assert moved.is_symlink() and not (folder / name).exists()
        assert "symbolic link" in (folder / "failed" / f"{name}.error.txt").read_text()
    assert (outside / ".env").read_text() == ENV and (outside / "story.txt").exists()
    assert (folder / "done" / "real.txt").exists()
    code, out, _ = run("--watch", folder, "--once", "--source", "NRW")  # reported once, not each pass
    assert code == 0 and "failed 0" in out


def test_a_symlinked_sub_folder_is_not_walked(tmp_path, outside, client):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "real.txt").write_text(STORY.format(headline="Regular story in the drop folder"))
    (folder / "sub").symlink_to(outside, target_is_directory=True)
    code, out, err = run(folder, "--source", "NRW", "--publish")
    assert code == 1 and "created 1, updated 0, unchanged 0, failed 1" in out
    assert f"skipped: {folder / 'sub'} is a symbolic link (not followed)" in err
    assert_nothing_leaked(client)


def test_a_symlink_given_as_path_is_refused(tmp_path, outside):
    (tmp_path / "given.txt").symlink_to(outside / "story.txt")
    code, out, err = run(tmp_path / "given.txt", "--source", "NRW", "--publish")
    assert code == 1 and "failed 1" in out
    assert "given.txt is a symbolic link (not followed): give the path of what it points to" in err
    assert not Article.objects.exists() and not WireItem.objects.exists()


def test_a_fifo_in_a_folder_or_the_drop_folder_does_not_hang(tmp_path):
    for name in ("in", "drop"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "real.txt").write_text(STORY.format(headline=f"Regular story in {name}"))
        os.mkfifo(tmp_path / name / "pipe.txt")
        past = time.time() - 60
        for entry in ("real.txt", "pipe.txt"):
            os.utime(tmp_path / name / entry, (past, past))
    with at_most(20):
        code, out, err = run(tmp_path / "in", "--source", "NRW")
        assert code == 1 and "created 1, updated 0, unchanged 0, failed 1" in out
        assert "pipe.txt is a FIFO (named pipe), not a regular file" in err
        code, out, err = run("--watch", tmp_path / "drop", "--once", "--source", "NRW")
        assert code == 1 and "created 1, updated 0, unchanged 0, failed 1" in out
    assert (tmp_path / "drop" / "failed" / "pipe.txt").exists()


def test_an_error_file_never_writes_through_a_planted_link(tmp_path):
    """failed/NAME.error.txt, planted in advance as a link to a file elsewhere, is replaced: the
    file it pointed to is not overwritten."""
    victim = tmp_path / "victim"
    victim.write_text("keep me\n")
    drop = tmp_path / "drop"
    (drop / "failed").mkdir(parents=True)
    (drop / "failed" / "bad.json.error.txt").symlink_to(victim)
    (drop / "bad.json").write_bytes(b'{"uri": "urn:x", "headline": 5}')
    past = time.time() - 60
    os.utime(drop / "bad.json", (past, past))
    code, _, _ = run("--watch", drop, "--once", "--source", "NRW")
    assert code == 1
    assert victim.read_text() == "keep me\n"
    error_file = drop / "failed" / "bad.json.error.txt"
    assert not error_file.is_symlink() and "bad.json" in error_file.read_text()
